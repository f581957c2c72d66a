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
import { CoarseTile, coarseKernel, coarseRegion, type BlockSummary } from './coarse';
import { quantizeBlocks, quantizePixels, quantizeSummary, stepRamps, type MaskType } from './quantize';
import { growRect, type Rect } from './rect';
import { TileMemory } from './simd';
import { TilePool, type TileJob, type TileMessage } from './tile-pool';

/** output tile size in canvas pixels (multiples of the latent factor); tall tiles cost less halo */
export const TILE_W = 128;
export const TILE_H = 2048;

/**
 * Blurs of at least this radius quantize from latent-resolution sums where that is exact and
 * blur per pixel only the blocks a quantization kink passes through (coarse.ts); smaller ones
 * blur every pixel (cheap, and most of their blocks straddle a kink anyway).
 * PALETTE_MASK_COARSE=0 turns it off (benchmarks and tests compare the two).
 */
export const COARSE_MIN_RADIUS = 24;

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
  /** per block of `win`, for a layer quantized from block sums (TileBlur.usesCoarse) */
  readonly summary?: BlockSummary;
}

/** Q_k on the blocks of a held blur again (a strength change): the same rule as the first time */
export function quantizeHeld(held: HeldBlur, strength: number, noiseLevels: Float64Array, maskType: MaskType,
  out: readonly Float32Array[], latentWidth: number, factor: number): void {
  const { win, values, summary } = held;
  const stride = win.x1 - win.x0;
  if (!summary) {
    quantizeBlocks(values, stride, win.x0, win.y0, win, strength, noiseLevels, maskType, out, latentWidth, factor);
    return;
  }
  const F = factor;
  const { lo, span } = stepRamps(noiseLevels, maskType);
  const q = new Float64Array(lo.length);
  const bw = stride / F;
  for (let by = 0; by < (win.y1 - win.y0) / F; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const i = by * bw + bx;
      if (!quantizeSummary(summary.mean[i], summary.low[i], summary.high[i], strength, lo, span, q)) {
        quantizePixels(values, by * F * stride + bx * F, stride, F, strength, lo, span, q);
      }
      const li = (win.y0 / F + by) * latentWidth + win.x0 / F + bx;
      for (let k = 0; k < lo.length; k++) out[k][li] = q[k];
    }
  }
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
  /** output pixels blurred by this thread, and by tile-pool workers */
  pixels: number;
  workerPixels: number;
  /** windows shared with the tile pool */
  pooled: number;
  /** latent blocks quantized from block sums (coarse.ts), and those of them that needed their pixels (all threads) */
  coarseBlocks: number;
  pixelBlocks: number;
}

/** the tiles of a window, row by row */
function tilesOf(win: Rect): Rect[] {
  const tiles: Rect[] = [];
  for (let y0 = win.y0; y0 < win.y1; y0 += TILE_H) {
    for (let x0 = win.x0; x0 < win.x1; x0 += TILE_W) tiles.push({ x0, y0, x1: Math.min(win.x1, x0 + TILE_W), y1: Math.min(win.y1, y0 + TILE_H) });
  }
  return tiles;
}

export class TileBlur {
  readonly stats: BlurStats = { windows: 0, tiles: 0, emptyTiles: 0, pixels: 0, workerPixels: 0, pooled: 0, coarseBlocks: 0, pixelBlocks: 0 };
  private readonly memory: TileMemory;
  private readonly coarseTiles = new CoarseTile();

  /** updates of at least this many tiles and output pixels go to the tile pool when one is ready (smaller ones take a few ms alone) */
  static readonly POOL_MIN_TILES = 2;
  static readonly POOL_MIN_PIXELS = 512 * 512;

  /** whether blurs of COARSE_MIN_RADIUS and more quantize from block sums (PALETTE_MASK_COARSE=0: never) */
  coarse = process.env.PALETTE_MASK_COARSE !== '0';

  usesCoarse(kernel: GaussianKernel): boolean {
    return this.coarse && kernel.radius >= COARSE_MIN_RADIUS;
  }

  /** how far (canvas pixels) a change of the blur input reaches into Q_k: r, or r + 1 where a block's far corners count */
  reach(kernel: GaussianKernel): number {
    return kernel.radius + (this.usesCoarse(kernel) ? 1 : 0);
  }

  constructor(readonly height: number, readonly width: number, readonly factor: number, useSimd?: boolean,
    private readonly usePool = true) {
    this.memory = new TileMemory(useSimd);
  }

  /** bytes of scratch held now (bounded by tile size and the largest blur radius used) */
  get scratchBytes(): number {
    return this.memory.bytes + this.coarseTiles.bytes;
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
    if (keep) {
      if (win.x1 <= win.x0 || win.y1 <= win.y0) return;
      this.stats.windows++;
      for (const t of tilesOf(win)) this.tile(layer, ctx, t, keep);
      this.trim();
    } else this.runAll([{ layer, ctx, win }]);
  }

  /**
   * Recomputes Q_k on windows of several layers (independent given the raw masks), all their
   * tiles shared with the tile pool at once when one is ready.
   */
  runAll(windows: readonly { layer: LayerState; ctx: BlurContext; win: Rect }[]): void {
    const tiles: (Rect & { layer: number })[] = [];
    windows.forEach(({ win }, i) => {
      if (win.x1 <= win.x0 || win.y1 <= win.y0) return;
      this.stats.windows++;
      for (const t of tilesOf(win)) tiles.push({ ...t, layer: i });
    });
    const shared = (m: CanvasMask) => m.buffer instanceof SharedArrayBuffer;
    const pixels = tiles.reduce((n, t) => n + (t.x1 - t.x0) * (t.y1 - t.y0), 0);
    const pool = this.usePool && tiles.length >= TileBlur.POOL_MIN_TILES && pixels >= TileBlur.POOL_MIN_PIXELS &&
      windows.every(({ layer, ctx }) => shared(layer.raw) && ctx.above.every(shared)) ? TilePool.get() : null;
    const local = (i: number) => this.tile(windows[tiles[i].layer].layer, windows[tiles[i].layer].ctx, tiles[i]);
    const c = windows[0]?.ctx;
    if (pool && c && windows.every(({ ctx }) => ctx.coverAlpha === c.coverAlpha && ctx.noiseLevels === c.noiseLevels && ctx.maskType === c.maskType)) {
      const job: TileJob = {
        layers: windows.map(({ layer, ctx }) => ({ raw: layer.raw, rawScale: layer.rawScale, sigma: layer.kernel.sigma, strength: layer.strength, above: ctx.above })),
        coverAlpha: c.coverAlpha, noiseLevels: c.noiseLevels, maskType: c.maskType, width: this.width, height: this.height,
        factor: this.factor, coarse: this.coarse, tiles,
      };
      if (pool.run(job, local, (i, msg) => this.writeBlock(windows[tiles[i].layer].layer, tiles[i], msg))) this.stats.pooled++;
      else for (let i = 0; i < tiles.length; i++) local(i);
    } else {
      for (let i = 0; i < tiles.length; i++) local(i);
    }
    this.trim();
  }

  /** frees the scratch if a large blur radius made it bigger than SCRATCH_KEEP_BYTES */
  trim(): void {
    this.memory.trim(SCRATCH_KEEP_BYTES);
    this.coarseTiles.trim(SCRATCH_KEEP_BYTES);
  }

  /** Blurs and quantizes one tile into the layer's Q_k (tile-pool workers call this too). */
  tileAt(layer: LayerState, ctx: BlurContext, out: Rect): void {
    this.tile(layer, ctx, out);
  }

  /** Q_k of a tile from its latent blocks (T blocks one after the other, as a pool worker sends them) */
  private writeBlock(layer: LayerState, tile: Rect, msg: TileMessage): void {
    const q = msg.q;
    const s = this.stats;
    if (msg.empty) s.emptyTiles++;
    else s.tiles++;
    s.workerPixels += msg.pixels;
    s.coarseBlocks += msg.coarseBlocks;
    s.pixelBlocks += msg.pixelBlocks;
    const F = this.factor;
    const lw = this.width / F;
    const bx0 = tile.x0 / F, by0 = tile.y0 / F, bw = (tile.x1 - tile.x0) / F, bh = (tile.y1 - tile.y0) / F;
    layer.quantized.forEach((s, k) => {
      for (let y = 0; y < bh; y++) s.set(q.subarray((k * bh + y) * bw, (k * bh + y + 1) * bw), (by0 + y) * lw + bx0);
    });
  }

  private tile(layer: LayerState, ctx: BlurContext, out: Rect, keep?: HeldBlur): void {
    if (this.usesCoarse(layer.kernel)) {
      this.coarseTile(layer, ctx, out, keep);
      return;
    }
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

  /** a tile quantized from block sums, blurring per pixel only the blocks that need it (coarse.ts) */
  private coarseTile(layer: LayerState, ctx: BlurContext, out: Rect, keep?: HeldBlur): void {
    const W = this.width;
    const H = this.height;
    const F = this.factor;
    const kernel = layer.kernel;
    const r = kernel.radius;
    // the blocks' far corners are the next blocks' first pixels: one more row and column of reach
    const inWin = growRect({ x0: out.x0, y0: out.y0, x1: Math.min(W, out.x1 + 1), y1: Math.min(H, out.y1 + 1) }, r, W, H);
    const ow = out.x1 - out.x0;
    const oh = out.y1 - out.y0;
    if (!anyNonzero(layer.raw, W, inWin)) {
      this.stats.emptyTiles++;
      this.writeZeros(layer, out);
      if (keep?.summary) this.zeroSummary(keep, out);
      return;
    }
    this.stats.tiles++;
    const iw = inWin.x1 - inWin.x0;
    const ih = inWin.y1 - inWin.y0;
    const b = this.memory.buffers({
      input: iw * ih, pass1: keep ? ow * ih : F * ih, out: keep ? ow * oh : F * F, line: Math.max(iw, ih, 2 * r + F), weights: 2 * r + 1,
      coarse: coarseRegion(ih, ow / F, r, F),
    });
    // the held blur needs every pixel's input; otherwise the rows are read from the raw masks
    if (keep) blurInput(layer.raw, layer.rawScale, ctx.coverAlpha, ctx.above, W, inWin, b.input, b.scratch.direct);
    b.weights.set(kernel.weights);
    const { lo, span } = stepRamps(ctx.noiseLevels, ctx.maskType);
    const inp = {
      input: b.input, ix0: inWin.x0, iy0: inWin.y0, iw, ih, width: W, height: H, kernel, tails: layer.tails, coarse: coarseKernel(kernel, F),
      raw: keep ? undefined : { raw: layer.raw, scale: layer.rawScale, alpha: ctx.coverAlpha, above: ctx.above },
      region: b.coarse, weights: b.weights, dot: this.memory.dot,
    };
    const counts = { blocks: 0, pixelBlocks: 0 };
    if (keep) {
      // the whole tile per pixel (held for a strength slider), quantized by the same rule
      blurRows(b.input, ih, iw, inWin.x0, W, out.x0, ow, kernel, layer.tails, b.scratch, b.pass1);
      blurColumns(b.pass1, ow, inWin.y0, H, out.y0, oh, kernel, b.scratch, b.out, this.memory.sums, b.weights);
      const kw = keep.win.x1 - keep.win.x0;
      for (let y = 0; y < oh; y++) {
        keep.values.set(b.out.subarray(y * ow, (y + 1) * ow), (out.y0 - keep.win.y0 + y) * kw + out.x0 - keep.win.x0);
      }
      this.stats.pixels += ow * oh;
      this.coarseTiles.run(inp, out, layer.strength, lo, span, layer.quantized, W / F, null, counts,
        { values: keep.values, stride: kw, x0: keep.win.x0, y0: keep.win.y0 },
        keep.summary ? { s: keep.summary, bx0: keep.win.x0 / F, by0: keep.win.y0 / F, bw: kw / F } : undefined);
    } else {
      this.coarseTiles.run(inp, out, layer.strength, lo, span, layer.quantized, W / F,
        { strip: b.pass1, out: b.out, scratch: b.scratch, sums: this.memory.sums, blockSums: this.memory.blockSums, weights: b.weights }, counts);
      this.stats.pixels += counts.pixelBlocks * F * F;
    }
    this.stats.coarseBlocks += counts.blocks;
    this.stats.pixelBlocks += counts.pixelBlocks;
  }

  /** an empty tile's blocks in a held summary: 0, exactly */
  private zeroSummary(keep: HeldBlur, out: Rect): void {
    const F = this.factor;
    const s = keep.summary!;
    const bw = (keep.win.x1 - keep.win.x0) / F;
    for (let by = out.y0 / F; by < out.y1 / F; by++) {
      const i = (by - keep.win.y0 / F) * bw + out.x0 / F - keep.win.x0 / F;
      const n = (out.x1 - out.x0) / F;
      s.mean.fill(0, i, i + n);
      s.low.fill(0, i, i + n);
      s.high.fill(0, i, i + n);
    }
  }

  private writeZeros(layer: LayerState, out: Rect): void {
    const F = this.factor;
    const lw = this.width / F;
    for (const q of layer.quantized) {
      for (let by = out.y0 / F; by < out.y1 / F; by++) q.fill(0, by * lw + out.x0 / F, by * lw + out.x1 / F);
    }
  }
}
