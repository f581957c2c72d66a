/**
 * Blurs and quantizes one layer on a block-aligned canvas window, tile by tile, the full way
 * every time (ENGINE-SPEC §3.1–3.5): cover × raw input, separable blur with replicate padding,
 * strength, quantization and area downsampling. Each output pixel depends only on the input in
 * its own (2r + 1)² window, so recomputing any window gives the same bits as recomputing the
 * whole canvas: edits never drift, and `Q > 0` is exact (where no input reaches, every sum is
 * of exact zeros).
 *
 * Nothing canvas-sized is kept. The scratch holds one tile (at most TILE_W × TILE_H outputs)
 * and its input reach, so working memory depends on the blur radius, not on the canvas area.
 * Tiles whose input window holds no nonzero pixel are 0 without blurring.
 */
import { blurColumns, blurRows, type GaussianKernel } from './blur';
import { anyNonzero, blurInput, type CanvasMask } from './blur-input';
import { quantizeBlocks, type MaskType } from './quantize';
import { growRect, type Rect } from './rect';
import { TileMemory } from './simd';
import { TilePool } from './tile-pool';

/** output tile size in canvas pixels (multiples of the latent factor); tall tiles cost less halo */
export const TILE_W = 512;
export const TILE_H = 512;

/** scratch kept between windows (a blur radius needing more frees it after its window) */
export const SCRATCH_KEEP_BYTES = 64 * 2 ** 20;

export interface LayerState {
  id: string;
  raw: CanvasMask;
  /** 1/255 for alpha masks, 1 for float masks */
  rawScale: number;
  strength: number;
  kernel: GaussianKernel;
  /** kernelTails(kernel) */
  tails: Float64Array;
  visible: boolean;
  /** Q_k, latent-sized, one per step */
  quantized: Float32Array[];
  /** canvas rectangle of the blur input (cover × raw) that changed since the last update */
  dirty: Rect | null;
  /** recompute the whole layer (new layer, blur σ, strength, visibility, quantization) */
  recompute: boolean;
  /** quantize again from the held blur (a strength change while the compositor holds this layer's blur) */
  requantize: boolean;
}

/** a layer's blurred mask on a block-aligned window, row-major (kept while a strength slider moves) */
export interface HeldBlur {
  readonly win: Rect;
  readonly values: Float64Array;
}

/** what a layer's blur depends on besides the layer itself */
export interface BlurContext {
  /** raw masks of the visible layers above */
  readonly above: readonly CanvasMask[];
  readonly coverAlpha: number;
  readonly noiseLevels: Float64Array;
  readonly maskType: MaskType;
}

/** how much blurring updates did (tests and benchmarks read it) */
export interface BlurStats {
  /** windows recomputed */
  windows: number;
  /** tiles blurred */
  tiles: number;
  /** tiles found empty (no input within reach) and set to 0 without blurring */
  emptyTiles: number;
  /** output pixels blurred (by this thread) */
  pixels: number;
  /** windows shared with the tile pool */
  pooled: number;
}

export class TileBlur {
  readonly stats: BlurStats = { windows: 0, tiles: 0, emptyTiles: 0, pixels: 0, pooled: 0 };
  private readonly memory: TileMemory;

  /** windows of at least this many tiles go to the tile pool when one is ready */
  static readonly POOL_MIN_TILES = 2;

  constructor(readonly height: number, readonly width: number, readonly factor: number, useSimd?: boolean,
    private readonly usePool = true) {
    this.memory = new TileMemory(useSimd);
  }

  /** bytes of scratch held now (bounded by tile size and the largest blur radius used) */
  get scratchBytes(): number {
    return this.memory.bytes;
  }

  /** whether the vertical pass runs as WebAssembly SIMD */
  get simd(): boolean {
    return this.memory.simd;
  }

  /**
   * Recomputes Q_k of the layer on the blocks of `win` (block-aligned, inside the canvas);
   * `keep` (window-sized, zero-filled) receives the blurred values too.
   */
  run(layer: LayerState, ctx: BlurContext, win: Rect, keep?: HeldBlur): void {
    if (win.x1 <= win.x0 || win.y1 <= win.y0) return;
    this.stats.windows++;
    const tiles: Rect[] = [];
    for (let y0 = win.y0; y0 < win.y1; y0 += TILE_H) {
      for (let x0 = win.x0; x0 < win.x1; x0 += TILE_W) tiles.push({ x0, y0, x1: Math.min(win.x1, x0 + TILE_W), y1: Math.min(win.y1, y0 + TILE_H) });
    }
    const pool = this.usePool && !keep && tiles.length >= TileBlur.POOL_MIN_TILES && layer.raw.buffer instanceof SharedArrayBuffer &&
      ctx.above.every((a) => a.buffer instanceof SharedArrayBuffer) ? TilePool.get() : null;
    if (pool) {
      const job = {
        raw: layer.raw, rawScale: layer.rawScale, sigma: layer.kernel.sigma, strength: layer.strength, above: ctx.above,
        coverAlpha: ctx.coverAlpha, noiseLevels: ctx.noiseLevels, maskType: ctx.maskType, width: this.width, height: this.height,
        factor: this.factor, tiles,
      };
      if (pool.run(job, (t) => this.tileAt(layer, ctx, t), (t, q) => this.writeBlock(layer, t, q))) this.stats.pooled++;
      else for (const t of tiles) this.tile(layer, ctx, t, keep);
    } else {
      for (const t of tiles) this.tile(layer, ctx, t, keep);
    }
    this.trim();
  }

  /** frees the scratch if a large blur radius made it bigger than SCRATCH_KEEP_BYTES */
  trim(): void {
    this.memory.trim(SCRATCH_KEEP_BYTES);
  }

  /** Blurs and quantizes one tile into the layer's Q_k (tile-pool workers call this too). */
  tileAt(layer: LayerState, ctx: BlurContext, out: Rect): void {
    this.tile(layer, ctx, out);
  }

  /** Q_k of a tile from its latent blocks (T blocks one after the other, as a pool worker sends them) */
  private writeBlock(layer: LayerState, tile: Rect, q: Float32Array): void {
    const F = this.factor;
    const lw = this.width / F;
    const bx0 = tile.x0 / F, by0 = tile.y0 / F, bw = (tile.x1 - tile.x0) / F, bh = (tile.y1 - tile.y0) / F;
    layer.quantized.forEach((s, k) => {
      for (let y = 0; y < bh; y++) s.set(q.subarray((k * bh + y) * bw, (k * bh + y + 1) * bw), (by0 + y) * lw + bx0);
    });
  }

  private tile(layer: LayerState, ctx: BlurContext, out: Rect, keep?: HeldBlur): void {
    const W = this.width;
    const H = this.height;
    const kernel = layer.kernel;
    const r = kernel.radius;
    const inWin = growRect(out, r, W, H);
    const ow = out.x1 - out.x0;
    const oh = out.y1 - out.y0;
    if (!anyNonzero(layer.raw, W, inWin)) {
      this.stats.emptyTiles++;
      this.writeZeros(layer, out);
      return;
    }
    this.stats.tiles++;
    this.stats.pixels += ow * oh;
    const iw = inWin.x1 - inWin.x0;
    const ih = inWin.y1 - inWin.y0;
    const b = this.memory.buffers({ input: iw * ih, pass1: ow * ih, out: ow * oh, line: Math.max(iw, ih), weights: 2 * r + 1 });
    blurInput(layer.raw, layer.rawScale, ctx.coverAlpha, ctx.above, W, inWin, b.input, b.scratch.direct);
    let blurred = b.input;
    if (r > 0) {
      b.weights.set(kernel.weights);
      // rows: input rows × output columns, then columns: output rows × output columns
      blurRows(b.input, ih, iw, inWin.x0, W, out.x0, ow, kernel, layer.tails, b.scratch, b.pass1);
      blurColumns(b.pass1, ow, inWin.y0, H, out.y0, oh, kernel, b.scratch, b.out, this.memory.sums, b.weights);
      blurred = b.out;
    }
    if (keep) {
      const kw = keep.win.x1 - keep.win.x0;
      for (let y = 0; y < oh; y++) {
        keep.values.set(blurred.subarray(y * ow, (y + 1) * ow), (out.y0 - keep.win.y0 + y) * kw + out.x0 - keep.win.x0);
      }
    }
    quantizeBlocks(blurred, ow, out.x0, out.y0, out, layer.strength, ctx.noiseLevels, ctx.maskType,
      layer.quantized, W / this.factor, this.factor);
  }

  private writeZeros(layer: LayerState, out: Rect): void {
    const F = this.factor;
    const lw = this.width / F;
    for (const q of layer.quantized) {
      for (let by = out.y0 / F; by < out.y1 / F; by++) q.fill(0, by * lw + out.x0 / F, by * lw + out.x1 / F);
    }
  }
}
