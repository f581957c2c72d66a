/**
 * One stream batch laid out for the UNet (ENGINE-SPEC §5.2–5.6, §6): which samples it holds,
 * their timesteps and conditioning (built once per palette change), the centering rolls
 * (once per mask change), and the per-frame fill → UNet → denoise → pre-average.
 *
 * Sample order is step-major, so a scalar-timestep UNet gets one contiguous group per step:
 * index b = ((k·G + g)·tiles + tile)·P + i, with g = 0 conditional, g = 1 unconditional
 * (G = 2 only for `full` guidance without `timestep_cond`).
 */
import { PaletteError } from '../../../shared/errors';
import type { StreamSchedule } from '../schedule/lcm-schedule';
import type { UNetRunner } from '../types';
import { buildBootstrapSample, copyCrop, denoiseAccumulate } from './batch-math';
import { centeringShift, type Shift } from './centering';
import { guidanceScaleEmbedding } from './conditioning';
import type { Tile } from './tiling';

/** A layer as the batch sees it: the creation background layer is one of these too. */
export interface PlanLayer {
  readonly id: string;
  /** Q_ik per step (bg_k for the creation background layer), latent-sized */
  readonly masks: readonly Float32Array[];
  /** C_i (77 × D) and its negative (null without CFG) */
  readonly cond: Float32Array;
  readonly negative: Float32Array | null;
  /** p_i and its negative, for UNets that take a pooled text vector (SDXL), else null */
  readonly pooled?: Float32Array | null;
  readonly negativePooled?: Float32Array | null;
}

export interface PlanShape {
  readonly layers: readonly PlanLayer[];
  readonly tiles: readonly Tile[];
  readonly timesteps: readonly number[];
  readonly channels: number;
  readonly latentHeight: number;
  readonly latentWidth: number;
  readonly tokens: number;
  readonly embeddingWidth: number;
  readonly bootstrapSteps: number;
  /** 2 for CFG batch doubling, else 1 */
  readonly guidanceCopies: 1 | 2;
  /** width and scale of the guidance embedding for `timestep_cond` UNets, or null */
  readonly timestepCond: { readonly width: number; readonly scale: number } | null;
  /** width of the pooled text vector for UNets that take `text_embeds` and `time_ids` (SDXL), else 0 */
  readonly pooledWidth?: number;
}

/** SDXL `time_ids` of a sample th × tw latent pixels: [H, W, 0, 0, H, W] in pixels (ENGINE-SPEC §9) */
export function sdxlTimeIds(latentHeight: number, latentWidth: number): Float32Array {
  const H = latentHeight * 8;
  const W = latentWidth * 8;
  return Float32Array.of(H, W, 0, 0, H, W);
}

const NO_SHIFT: Shift = { dy: 0, dx: 0 };

export class BatchPlan {
  readonly shape: PlanShape;
  readonly total: number;
  readonly sampleSize: number;
  readonly sample: Float32Array;
  /** ε of the last predict(): the runner's own array for a single call, else ownEps */
  eps: Float32Array;
  private ownEps: Float32Array | null = null;
  readonly timesteps: Int32Array;
  readonly hiddenStates: Float32Array;
  readonly timestepCond: Float32Array | null;
  /** batch × pooledWidth and batch × 6 (SDXL), else null */
  readonly textEmbeds: Float32Array | null;
  readonly timeIds: Float32Array | null;
  /** slots 0..boot-1 are bootstrapped (and centered) */
  private readonly boot: number;
  private shifts: Shift[] = [];

  /** `previous` lends its big sample/ε buffers when the sizes match */
  constructor(shape: PlanShape, previous?: BatchPlan) {
    this.shape = shape;
    const steps = shape.timesteps.length;
    const G = shape.guidanceCopies;
    if (G === 2 && shape.layers.some((l) => !l.negative)) {
      throw new PaletteError('E_NO_NEGATIVE', 'full guidance needs a negative embedding for the background (setBackground)');
    }
    const P = shape.layers.length;
    const tile = shape.tiles[0];
    this.boot = Math.min(shape.bootstrapSteps, steps);
    this.total = steps * G * shape.tiles.length * P;
    this.sampleSize = shape.channels * tile.height * tile.width;
    const n = this.total * this.sampleSize;
    this.sample = previous && previous.sample.length === n ? previous.sample : new Float32Array(n);
    this.eps = this.sample;
    this.ownEps = previous?.ownEps && previous.ownEps.length === n ? previous.ownEps : null;
    this.timesteps = new Int32Array(this.total);
    const embSize = shape.tokens * shape.embeddingWidth;
    this.hiddenStates = new Float32Array(this.total * embSize);
    const pw = shape.pooledWidth ?? 0;
    if (pw > 0) {
      for (const l of shape.layers) {
        if (l.pooled?.length !== pw || (G === 2 && l.negativePooled?.length !== pw)) {
          throw new PaletteError('E_BAD_EMBEDDING', `layer ${l.id}: the UNet takes a pooled text vector of ${pw} values (text_embeds), the layer's conditioning has ${l.pooled?.length ?? 'none'}`);
        }
      }
    }
    this.textEmbeds = pw > 0 ? new Float32Array(this.total * pw) : null;
    this.timeIds = pw > 0 ? new Float32Array(this.total * 6) : null;
    const ids = sdxlTimeIds(tile.height, tile.width);
    let b = 0;
    for (let k = 0; k < steps; k++) {
      for (let g = 0; g < G; g++) {
        for (let t = 0; t < shape.tiles.length; t++) {
          for (const layer of shape.layers) {
            this.timesteps[b] = shape.timesteps[k];
            this.hiddenStates.set(g === 0 ? layer.cond : (layer.negative as Float32Array), b * embSize);
            this.textEmbeds?.set((g === 0 ? layer.pooled : layer.negativePooled) as Float32Array, b * pw);
            this.timeIds?.set(ids, b * 6);
            b++;
          }
        }
      }
    }
    if (shape.timestepCond) {
      const { width, scale } = shape.timestepCond;
      const emb = guidanceScaleEmbedding(scale, width);
      this.timestepCond = new Float32Array(this.total * width);
      for (let i = 0; i < this.total; i++) this.timestepCond.set(emb, i * width);
    } else {
      this.timestepCond = null;
    }
    this.computeShifts();
  }

  /** centering rolls of the bootstrapped slots, per (k, tile, layer); call after masks change */
  computeShifts(): void {
    const { layers, tiles, latentWidth } = this.shape;
    this.shifts = [];
    for (let k = 0; k < this.boot; k++) {
      for (const tile of tiles) {
        for (const layer of layers) {
          this.shifts.push(centeringShift(layer.masks[k], latentWidth, tile.y0, tile.x0, tile.height, tile.width));
        }
      }
    }
  }

  private shift(k: number, t: number, i: number): Shift {
    return this.shifts[(k * this.shape.tiles.length + t) * this.shape.layers.length + i];
  }

  /**
   * UNet inputs: X_k per layer and tile; bootstrapped slots mix in add_noise(G_k, S, t_k) =
   * `noisyBackground[k]` outside the layer's mask and are centered.
   */
  fill(slotLatents: readonly Float32Array[], noisyBackground: readonly Float32Array[]): void {
    const { layers, tiles, channels: C, latentHeight: h, latentWidth: w, guidanceCopies: G } = this.shape;
    const size = this.sampleSize;
    const P = layers.length;
    const boot = this.boot;
    const sample = this.sample;
    let b = 0;
    for (let k = 0; k < this.shape.timesteps.length; k++) {
      const xk = slotLatents[k];
      const first = b;
      for (let t = 0; t < tiles.length; t++) {
        for (let i = 0; i < P; i++, b++) {
          if (k < boot) {
            buildBootstrapSample(xk, noisyBackground[k], layers[i].masks[k], h, w, C, tiles[t], this.shift(k, t, i), sample, b * size);
          } else if (i === 0) {
            copyCrop(xk, h, w, C, tiles[t], sample, b * size);
          } else {
            sample.copyWithin(b * size, (b - i) * size, (b - i + 1) * size);
          }
        }
      }
      // the unconditional half sees the same latents
      const half = b - first;
      for (let g = 1; g < G; g++, b += half) sample.copyWithin(b * size, first * size, (first + half) * size);
    }
  }

  /**
   * ε for the whole batch: one call, or one per step for scalar-timestep UNets, chunked by
   * `batchLimit`. Returns the calls made and the time spent inside the UNet.
   */
  async predict(unet: UNetRunner, batchLimit: number): Promise<{ calls: number; ms: number }> {
    const total = this.total;
    if (total === 0) return { calls: 0, ms: 0 };
    const size = this.sampleSize;
    const group = unet.streamBatchable ? total : total / this.shape.timesteps.length;
    const limit = Math.min(batchLimit, group);
    const tile = this.shape.tiles[0];
    const embSize = this.shape.tokens * this.shape.embeddingWidth;
    const condWidth = this.shape.timestepCond?.width ?? 0;
    const pooledWidth = this.shape.pooledWidth ?? 0;
    let calls = 0;
    let ms = 0;
    for (let start = 0; start < total;) {
      const end = Math.min(start + limit, (Math.floor(start / group) + 1) * group, total);
      const batch = end - start;
      const t0 = performance.now();
      const out = await unet.predictNoise({
        batch,
        channels: this.shape.channels,
        height: tile.height,
        width: tile.width,
        sample: this.sample.subarray(start * size, end * size),
        timesteps: this.timesteps.subarray(start, end),
        encoderHiddenStates: this.hiddenStates.subarray(start * embSize, end * embSize),
        tokens: this.shape.tokens,
        embeddingWidth: this.shape.embeddingWidth,
        timestepCond: this.timestepCond ? this.timestepCond.subarray(start * condWidth, end * condWidth) : undefined,
        textEmbeds: this.textEmbeds ? this.textEmbeds.subarray(start * pooledWidth, end * pooledWidth) : undefined,
        timeIds: this.timeIds ? this.timeIds.subarray(start * 6, end * 6) : undefined,
      });
      ms += performance.now() - t0;
      calls++;
      if (out.length !== batch * size) {
        throw new PaletteError('E_UNET_OUTPUT', `the UNet returned ${out.length} values for ${batch} samples of ${size}`);
      }
      if (batch === total) {
        // the whole batch in one call: keep the runner's array instead of copying it
        this.eps = out;
      } else {
        // a runner may hand back the same array every call: copy each chunk out of it
        if (!this.ownEps) this.ownEps = new Float32Array(total * size);
        this.ownEps.set(out, start * size);
        this.eps = this.ownEps;
      }
      start = end;
    }
    return { calls, ms };
  }

  /**
   * Clean estimates D_ik, weighted by Q_ik and the tile weights, summed per step into
   * `acc[k]` (the numerator of the latent pre-averaging, §5.6).
   */
  accumulate(schedule: StreamSchedule, guidanceScale: number, acc: readonly Float64Array[]): void {
    const { layers, tiles, channels: C, latentHeight: h, latentWidth: w, guidanceCopies: G } = this.shape;
    const size = this.sampleSize;
    const P = layers.length;
    const boot = this.boot;
    const half = tiles.length * P;
    for (let k = 0; k < this.shape.timesteps.length; k++) {
      acc[k].fill(0);
      const co = {
        sa: schedule.sqrtAlphaCumprod[k], sb: schedule.sqrtOneMinusAlphaCumprod[k],
        cOut: schedule.cOut[k], cSkip: schedule.cSkip[k], scale: guidanceScale,
        predictionType: schedule.config.predictionType,
      };
      for (let t = 0; t < tiles.length; t++) {
        for (let i = 0; i < P; i++) {
          const b = k * G * half + t * P + i;
          const uncond = G === 2 ? (b + half) * size : -1;
          const shift = k < boot ? this.shift(k, t, i) : NO_SHIFT;
          denoiseAccumulate(this.sample, this.eps, b * size, uncond, co, layers[i].masks[k], tiles[t].weights, h, w, C, tiles[t], shift, acc[k]);
        }
      }
    }
  }
}
