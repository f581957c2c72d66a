/**
 * One stream batch laid out for the UNet (ENGINE-SPEC §5.2–5.6, §6): which samples it holds,
 * their timesteps and conditioning, the centering rolls (once per mask change), and the
 * per-frame fill → UNet → denoise → accumulate, call by call (batch-chunks.ts).
 *
 * Sample order is step-major, so a scalar-timestep UNet gets one contiguous group per step:
 * index b = ((k·G + g)·tiles + tile)·P + i, with g = 0 conditional, g = 1 unconditional
 * (G = 2 only for `full` guidance without `timestep_cond`). The plan holds buffers for one
 * call only: a batch that fits one call is filled, run and denoised in one piece (its
 * conditioning written once per palette change); a larger one is run call after call
 * through the same buffers, so memory stays bounded by the call size, not by the batch.
 */
import { PaletteError } from '../../../shared/errors';
import type { StreamSchedule } from '../schedule/lcm-schedule';
import type { UNetRunner } from '../types';
import { type BatchChunk, planChunks } from './batch-chunks';
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

/** What one frame's batch reads (the slot latents) and writes (the per-step accumulators). */
export interface FrameBatchIO {
  /** X_0..X_{T-1}, whole-canvas latents */
  readonly slotLatents: readonly Float32Array[];
  /** add_noise(G_k, S, t_k) for the bootstrapped slots */
  readonly noisyBackground: readonly Float32Array[];
  readonly schedule: StreamSchedule;
  readonly guidanceScale: number;
  /** Σ weight·Q_ik·D_ik per step (the numerator of the latent pre-averaging, §5.6), overwritten */
  readonly acc: readonly Float64Array[];
}

export class BatchPlan {
  readonly shape: PlanShape;
  /** samples in the whole batch (incl. CFG doubling) */
  readonly total: number;
  readonly sampleSize: number;
  /** slots 0..boot-1 are bootstrapped (and centered) */
  private readonly boot: number;
  private readonly copies: number;
  private readonly unitsPerStep: number;
  private readonly embSize: number;
  private readonly pooledWidth: number;
  private readonly guidanceEmbedding: Float32Array | null;
  private readonly timeIdsOfTile: Float32Array;
  private shifts: Shift[] = [];
  // one call's buffers, sized to the largest call
  private chunks: BatchChunk[] = [];
  private chunkKey = '';
  private sample = new Float32Array(0);
  private timesteps = new Int32Array(0);
  private hiddenStates = new Float32Array(0);
  private timestepCond: Float32Array | null = null;
  private textEmbeds: Float32Array | null = null;
  private timeIds: Float32Array | null = null;
  /** the chunk whose conditioning the buffers hold (a single-call batch writes it once) */
  private conditioned: BatchChunk | null = null;

  /** `previous` lends its sample buffer when the sizes match */
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
    this.copies = G;
    this.unitsPerStep = shape.tiles.length * P;
    this.total = steps * G * this.unitsPerStep;
    this.sampleSize = shape.channels * tile.height * tile.width;
    this.embSize = shape.tokens * shape.embeddingWidth;
    const pw = shape.pooledWidth ?? 0;
    this.pooledWidth = pw;
    if (pw > 0) {
      for (const l of shape.layers) {
        if (l.pooled?.length !== pw || (G === 2 && l.negativePooled?.length !== pw)) {
          throw new PaletteError('E_BAD_EMBEDDING', `layer ${l.id}: the UNet takes a pooled text vector of ${pw} values (text_embeds), the layer's conditioning has ${l.pooled?.length ?? 'none'}`);
        }
      }
    }
    this.timeIdsOfTile = sdxlTimeIds(tile.height, tile.width);
    this.guidanceEmbedding = shape.timestepCond ? guidanceScaleEmbedding(shape.timestepCond.scale, shape.timestepCond.width) : null;
    if (previous) this.sample = previous.sample;
    this.computeShifts();
  }

  /** values one sample of a call carries (sample, ε, conditioning), for the memory cap */
  get valuesPerSample(): number {
    return 2 * this.sampleSize + this.embSize + (this.shape.timestepCond?.width ?? 0) + this.pooledWidth + (this.pooledWidth > 0 ? 6 : 0) + 1;
  }

  /** bytes of the call buffers the plan holds now */
  get bufferBytes(): number {
    return [this.sample, this.timesteps, this.hiddenStates, this.timestepCond, this.textEmbeds, this.timeIds]
      .reduce((s, a) => s + (a?.byteLength ?? 0), 0);
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

  /** the calls of one frame: at most `maxSamples` each, never across steps unless `acrossSteps` */
  callSizes(maxSamples: number, acrossSteps: boolean): number[] {
    return this.layout(maxSamples, acrossSteps).map((c) => c.samples);
  }

  /**
   * One frame's batch: for each call, the UNet inputs X_k per layer and tile (bootstrapped
   * slots mix in `noisyBackground[k]` outside the layer's mask and are centered), the UNet, and
   * the clean estimates D_ik weighted by Q_ik and the tile weights into `acc[k]`. Units are
   * accumulated in batch order whatever the calls, so the sums are the same as in one call.
   * Returns the calls made and the time spent inside the UNet.
   */
  async run(unet: UNetRunner, io: FrameBatchIO, maxSamples: number): Promise<{ calls: number; ms: number }> {
    for (let k = 0; k < this.shape.timesteps.length; k++) io.acc[k].fill(0);
    if (this.total === 0) return { calls: 0, ms: 0 };
    const chunks = this.layout(maxSamples, unet.streamBatchable);
    const tile = this.shape.tiles[0];
    const size = this.sampleSize;
    const condWidth = this.shape.timestepCond?.width ?? 0;
    let ms = 0;
    for (const chunk of chunks) {
      const n = chunk.samples;
      for (const seg of chunk.segments) this.fill(seg, io);
      if (this.conditioned !== chunk) this.condition(chunk);
      const t0 = performance.now();
      const out = await unet.predictNoise({
        batch: n,
        channels: this.shape.channels,
        height: tile.height,
        width: tile.width,
        sample: this.sample.subarray(0, n * size),
        timesteps: this.timesteps.subarray(0, n),
        encoderHiddenStates: this.hiddenStates.subarray(0, n * this.embSize),
        tokens: this.shape.tokens,
        embeddingWidth: this.shape.embeddingWidth,
        timestepCond: this.timestepCond?.subarray(0, n * condWidth),
        textEmbeds: this.textEmbeds?.subarray(0, n * this.pooledWidth),
        timeIds: this.timeIds?.subarray(0, n * 6),
      });
      ms += performance.now() - t0;
      if (out.length !== n * size) {
        throw new PaletteError('E_UNET_OUTPUT', `the UNet returned ${out.length} values for ${n} samples of ${size}`);
      }
      for (const seg of chunk.segments) this.accumulate(seg, out, io);
    }
    return { calls: chunks.length, ms };
  }

  // ---- internals ----

  /** the chunk layout for this call size, with buffers for its largest call */
  private layout(maxSamples: number, acrossSteps: boolean): BatchChunk[] {
    const key = `${maxSamples}/${acrossSteps}`;
    if (key === this.chunkKey) return this.chunks;
    this.chunks = planChunks(this.shape.timesteps.length, this.unitsPerStep, this.copies, maxSamples, acrossSteps);
    this.chunkKey = key;
    this.conditioned = null;
    const n = this.chunks.reduce((m, c) => Math.max(m, c.samples), 0);
    const resize = <T extends Float32Array | Int32Array>(a: T, length: number, make: (l: number) => T): T => (a.length === length ? a : make(length));
    this.sample = resize(this.sample, n * this.sampleSize, (l) => new Float32Array(l));
    this.timesteps = resize(this.timesteps, n, (l) => new Int32Array(l));
    this.hiddenStates = resize(this.hiddenStates, n * this.embSize, (l) => new Float32Array(l));
    const width = this.shape.timestepCond?.width ?? 0;
    this.timestepCond = width > 0 ? new Float32Array(n * width) : null;
    this.textEmbeds = this.pooledWidth > 0 ? new Float32Array(n * this.pooledWidth) : null;
    this.timeIds = this.pooledWidth > 0 ? new Float32Array(n * 6) : null;
    return this.chunks;
  }

  private shift(k: number, t: number, i: number): Shift {
    return this.shifts[(k * this.shape.tiles.length + t) * this.shape.layers.length + i];
  }

  /** the UNet inputs of one segment's units (and their unconditional copies) */
  private fill(seg: { step: number; from: number; to: number; base: number }, io: FrameBatchIO): void {
    const { layers, tiles, channels: C, latentHeight: h, latentWidth: w } = this.shape;
    const size = this.sampleSize;
    const P = layers.length;
    const k = seg.step;
    const xk = io.slotLatents[k];
    const sample = this.sample;
    const first = k * this.unitsPerStep;
    for (let u = seg.from; u < seg.to; u++) {
      const t = Math.floor((u - first) / P);
      const i = (u - first) % P;
      const b = seg.base + (u - seg.from);
      if (k < this.boot) {
        buildBootstrapSample(xk, io.noisyBackground[k], layers[i].masks[k], h, w, C, tiles[t], this.shift(k, t, i), sample, b * size);
      } else if (i > 0 && u > seg.from) {
        // the same crop of X_k as the layer before it
        sample.copyWithin(b * size, (b - 1) * size, b * size);
      } else {
        copyCrop(xk, h, w, C, tiles[t], sample, b * size);
      }
    }
    // the unconditional half sees the same latents
    const n = seg.to - seg.from;
    for (let g = 1; g < this.copies; g++) sample.copyWithin((seg.base + g * n) * size, seg.base * size, (seg.base + n) * size);
  }

  /** timesteps and conditioning of one call's samples */
  private condition(chunk: BatchChunk): void {
    const { layers, timesteps } = this.shape;
    const P = layers.length;
    const embSize = this.embSize;
    const pw = this.pooledWidth;
    const condWidth = this.shape.timestepCond?.width ?? 0;
    for (const seg of chunk.segments) {
      const n = seg.to - seg.from;
      for (let g = 0; g < this.copies; g++) {
        for (let u = seg.from; u < seg.to; u++) {
          const layer = layers[(u - seg.step * this.unitsPerStep) % P];
          const b = seg.base + g * n + (u - seg.from);
          this.timesteps[b] = timesteps[seg.step];
          this.hiddenStates.set(g === 0 ? layer.cond : (layer.negative as Float32Array), b * embSize);
          this.textEmbeds?.set((g === 0 ? layer.pooled : layer.negativePooled) as Float32Array, b * pw);
          this.timeIds?.set(this.timeIdsOfTile, b * 6);
          if (this.guidanceEmbedding) this.timestepCond?.set(this.guidanceEmbedding, b * condWidth);
        }
      }
    }
    this.conditioned = chunk;
  }

  /** D_ik of one segment's units, weighted by Q_ik and the tile weights, added into acc[k] */
  private accumulate(seg: { step: number; from: number; to: number; base: number }, out: Float32Array, io: FrameBatchIO): void {
    const { layers, tiles, channels: C, latentHeight: h, latentWidth: w } = this.shape;
    const size = this.sampleSize;
    const P = layers.length;
    const k = seg.step;
    const s = io.schedule;
    const co = {
      sa: s.sqrtAlphaCumprod[k], sb: s.sqrtOneMinusAlphaCumprod[k],
      cOut: s.cOut[k], cSkip: s.cSkip[k], scale: io.guidanceScale,
      predictionType: s.config.predictionType,
    };
    const n = seg.to - seg.from;
    const first = k * this.unitsPerStep;
    for (let u = seg.from; u < seg.to; u++) {
      const t = Math.floor((u - first) / P);
      const i = (u - first) % P;
      const b = seg.base + (u - seg.from);
      const uncond = this.copies === 2 ? (b + n) * size : -1;
      const shift = k < this.boot ? this.shift(k, t, i) : NO_SHIFT;
      denoiseAccumulate(this.sample, out, b * size, uncond, co, layers[i].masks[k], tiles[t].weights, h, w, C, tiles[t], shift, io.acc[k]);
    }
  }
}
