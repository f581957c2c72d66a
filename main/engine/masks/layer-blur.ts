/**
 * Keeps one layer's blurred mask current. A small edit adds the blur of the difference
 * (delta-blur.ts) instead of blurring again; exactness.ts bounds how far that can drift from a
 * full recompute, and settle() recomputes the full way every pixel whose quantization that
 * drift could change, so Q_ik > 0 and every threshold decision are the full recompute's.
 */
import { blurScratch, convolveRowsTransposed, type BlurScratch, type GaussianKernel } from './blur';
import { blurInput, differenceOnRect, inputNonzero, type CanvasMask } from './blur-input';
import { addBlurOfDifference, differenceShape, type DeltaBuffers } from './delta-blur';
import { deltaBlurError, DRIFT_CAP, fullBlurError, supportMap, UNIT } from './exactness';
import { stepRamps, type MaskType } from './quantize';
import { growRect, reachBlocks, type Rect } from './rect';

export interface LayerState {
  id: string;
  raw: CanvasMask;
  /** raw as the stored blur saw it (differs from raw only inside `dirty`) */
  applied: CanvasMask;
  /** 1 where the stored blur saw the pixel covered (kept where applied ≠ 0; elsewhere moot) */
  appliedCover: Uint8Array;
  /** 1/255 for alpha masks, 1 for float masks */
  rawScale: number;
  strength: number;
  kernel: GaussianKernel;
  /** kernelTails(kernel) and its rounding error */
  tails: Float64Array;
  tailError: number;
  visible: boolean;
  /** blur of the cover × raw input, canvas-sized, before strength */
  blurred: Float64Array;
  /** per latent block, a bound on |blurred − full recompute|; 0 = the same bits */
  drift: Float64Array;
  /** Q_k, latent-sized, one per step */
  quantized: Float32Array[];
  /** canvas rectangle of the blur input (cover × raw) that changed since the last update */
  dirty: Rect | null;
  /** blur everything again (new layer, blur σ, visibility, cover alpha) */
  reblur: boolean;
  /** quantize every block again (strength, noise levels, mask type) */
  requantize: boolean;
}

/** what a layer's blur depends on besides the layer itself */
export interface BlurContext {
  /** raw masks of the visible layers above */
  readonly above: readonly CanvasMask[];
  readonly coverAlpha: number;
  readonly noiseLevels: Float64Array;
  readonly maskType: MaskType;
}

/** how blurs were brought up to date (tests and benchmarks read it) */
export interface BlurStats {
  /** difference blurs added */
  incremental: number;
  /** windows blurred the full way for an edit or a whole layer */
  full: number;
  /** windows re-blurred the full way by settle() */
  repairs: number;
}

export class LayerBlur {
  readonly stats: BlurStats = { incremental: 0, full: 0, repairs: 0 };
  // scratch, sized for the whole canvas once
  private readonly input: Float64Array;
  private readonly covered: Uint8Array;
  private readonly pass1: Float64Array;
  private readonly difference: Float64Array;
  private readonly scratch: BlurScratch;
  private readonly delta: DeltaBuffers;

  constructor(readonly height: number, readonly width: number, readonly factor: number) {
    const n = height * width;
    this.input = new Float64Array(n);
    this.covered = new Uint8Array(n);
    this.pass1 = new Float64Array(n);
    this.difference = new Float64Array(n);
    this.scratch = blurScratch(Math.max(height, width));
    this.delta = { lines: this.input, pass1: this.pass1, scratch: this.scratch, weights: new Float64Array(Math.max(height, width)) };
  }

  /** the whole canvas, blurred the full way and recorded as applied */
  reblur(layer: LayerState, ctx: BlurContext): void {
    this.stats.full++;
    this.blurExact(layer, ctx, { x0: 0, y0: 0, x1: this.width, y1: this.height }, true);
  }

  /**
   * Brings the stored blur up to date with a change of the input inside `changed`; returns the
   * block-aligned window the change can reach (null if the input did not change). settle()
   * that window before quantizing it.
   */
  applyChange(layer: LayerState, ctx: BlurContext, changed: Rect): Rect | null {
    const r = layer.kernel.radius;
    const F = this.factor;
    const out = reachBlocks(changed, r, this.width, this.height, F);
    const d = this.difference;
    differenceOnRect(layer.raw, layer.applied, layer.appliedCover, layer.rawScale, ctx.coverAlpha, ctx.above,
      this.width, changed, d);
    const shape = differenceShape(d, changed.x1 - changed.x0, changed.y1 - changed.y0);
    if (shape.rowCount === 0) return null;
    const byRows = shape.rowCount <= shape.colCount;
    const lines = byRows ? shape.rowCount : shape.colCount;
    const changes = byRows ? shape.rowChanges : shape.colChanges;
    const err = deltaBlurError(r, changes, lines, shape.maxAbs, layer.tailError);
    const start = 2 * fullBlurError(r, layer.tailError);
    // the sparse pass costs `lines` products per output against 2r + 1 for the full one, and
    // must leave room under the drift cap for many strokes
    if (r === 0 || lines > r || start + err > DRIFT_CAP / 4) {
      this.stats.full++;
      this.blurExact(layer, ctx, out, false);
      return out;
    }
    this.stats.incremental++;
    addBlurOfDifference(d, changed, shape, byRows, out, this.width, this.height, layer.kernel, layer.tails, this.delta, layer.blurred);
    const lw = this.width / F;
    for (let by = out.y0 / F; by < out.y1 / F; by++) {
      for (let bx = out.x0 / F; bx < out.x1 / F; bx++) {
        const b = by * lw + bx;
        layer.drift[b] = (layer.drift[b] === 0 ? start : layer.drift[b]) + err;
      }
    }
    return out;
  }

  /**
   * Makes every quantization decision on the window's inexact blocks agree with a full
   * recompute: pixels no input reaches become exactly 0, and blocks holding a pixel within its
   * drift bound of 0 or of a threshold (or past the drift cap) are recomputed the full way.
   */
  settle(layer: LayerState, ctx: BlurContext, win: Rect): void {
    const W = this.width;
    const F = this.factor;
    const lw = W / F;
    const ww = win.x1 - win.x0;
    const a = layer.strength;
    const thresholds = Float64Array.from(new Set(stepRamps(ctx.noiseLevels, ctx.maskType).lo));
    const nt = thresholds.length;
    const v = layer.blurred;
    let support: Uint8Array | null = null;
    let fx0 = Infinity, fy0 = Infinity, fx1 = -1, fy1 = -1;
    for (let by = win.y0 / F; by < win.y1 / F; by++) {
      for (let bx = win.x0 / F; bx < win.x1 / F; bx++) {
        const band = layer.drift[by * lw + bx];
        if (band === 0) continue;
        let flag = band > DRIFT_CAP;
        const tBand = band * a + 4 * UNIT;
        for (let y = by * F; y < (by + 1) * F && !flag; y++) {
          for (let x = bx * F; x < (bx + 1) * F; x++) {
            const p = y * W + x;
            const m = v[p];
            if (m <= band) {
              // the full path gives exactly 0 where no input reaches, a positive value elsewhere
              support ??= this.supportOf(layer, ctx, win);
              if (m < -band || support[(y - win.y0) * ww + x - win.x0]) {
                flag = true;
                break;
              }
              v[p] = 0;
              continue;
            }
            const s = m * a;
            for (let t = 0; t < nt; t++) {
              const e = s - thresholds[t];
              if (e <= tBand && e >= -tBand) flag = true;
            }
            if (flag) break;
          }
        }
        if (flag) {
          fx0 = Math.min(fx0, bx);
          fy0 = Math.min(fy0, by);
          fx1 = Math.max(fx1, bx + 1);
          fy1 = Math.max(fy1, by + 1);
        }
      }
    }
    if (fx1 < 0) return;
    this.stats.repairs++;
    this.blurExact(layer, ctx, { x0: fx0 * F, y0: fy0 * F, x1: fx1 * F, y1: fy1 * F }, false);
  }

  /**
   * Blurs the current input on the block-aligned output window the full way (the same bits as
   * blurring the whole canvas) and marks those blocks exact. `sync` records the input as
   * applied (then `out` must be the whole canvas).
   */
  private blurExact(layer: LayerState, ctx: BlurContext, out: Rect, sync: boolean): void {
    const W = this.width;
    const H = this.height;
    const r = layer.kernel.radius;
    const inWin = growRect(out, r, W, H);
    const iw = inWin.x1 - inWin.x0;
    const ih = inWin.y1 - inWin.y0;
    const ow = out.x1 - out.x0;
    const oh = out.y1 - out.y0;
    blurInput(layer.raw, layer.rawScale, ctx.coverAlpha, ctx.above, W, inWin, this.input, this.covered);
    if (sync) {
      layer.applied.set(layer.raw);
      layer.appliedCover.set(this.covered.subarray(0, W * H));
    }
    if (r > 0) {
      // rows: input rows × output columns, transposed to output columns × input rows
      convolveRowsTransposed(this.input, ih, iw, inWin.x0, W, out.x0, ow, layer.kernel, layer.tails, this.scratch, this.pass1);
      // columns: back to output rows × output columns, straight into the canvas
      convolveRowsTransposed(this.pass1, ow, ih, inWin.y0, H, out.y0, oh, layer.kernel, layer.tails, this.scratch,
        layer.blurred, out.y0 * W + out.x0, W);
    } else {
      for (let y = 0; y < oh; y++) layer.blurred.set(this.input.subarray(y * iw, (y + 1) * iw), (y + out.y0) * W + out.x0);
    }
    const F = this.factor;
    const lw = W / F;
    for (let by = out.y0 / F; by < out.y1 / F; by++) layer.drift.fill(0, by * lw + out.x0 / F, by * lw + out.x1 / F);
  }

  /** support map (see exactness.ts) of the current input on an output window */
  private supportOf(layer: LayerState, ctx: BlurContext, win: Rect): Uint8Array {
    const W = this.width;
    const H = this.height;
    const r = layer.kernel.radius;
    const inWin = growRect(win, r, W, H);
    inputNonzero(layer.raw, layer.rawScale, ctx.coverAlpha, ctx.above, W, inWin, this.covered);
    return supportMap(this.covered, inWin.x0, inWin.y0, inWin.x1 - inWin.x0, inWin.y1 - inWin.y0,
      win.x0, win.y0, win.x1 - win.x0, win.y1 - win.y0, H, r);
  }
}
