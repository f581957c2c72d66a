/**
 * Quantized masks straight from latent-resolution sums where that is exact (ENGINE-SPEC §3.2–3.5).
 *
 * Q_k of a latent block is the mean over its F×F pixels of f_k(a·v), v the blurred mask and f_k
 * the step's ramp clip((m − lo)/span, 0, 1): linear between its two kinks. Where every pixel of
 * a block lies on one piece of f_k, the mean of f_k is f_k of the mean, and the block mean of v
 * is one sum of the input with the box-after-Gaussian kernel (F outputs summed: 2r + F taps)
 * along each axis, taken at latent resolution. Only blocks a kink passes through need the F²
 * per-pixel values, and only those get them (the same bits as the per-pixel path).
 *
 * Which piece a block lies on is decided, never guessed: v is known exactly at the block's
 * corners, and between them it departs from the bilinear interpolation of the corners by at most
 * (F²/8)·(|Δ²_x v| + |Δ²_y v|). Each second difference is the input convolved with Δ²g (the
 * other axis's kernel only averages), so it is bounded by ½·Σ|Δ²g| times the input's range:
 * a block's values lie within [min corner − ε, max corner + ε] (plus a margin for rounding).
 * Where the whole reach of a block is one input value the block is that value, exactly.
 *
 * Everything depends only on the input within a block's reach, in canvas coordinates, so any
 * window gives the same bits as the whole canvas. A block's reach here is r + 1 pixels (its far
 * corners are the next block's first pixels).
 */
import { hAt, jumpLimit, type BlockSums, type ColumnSums, type Dot, type GaussianKernel } from './blur';
import type { BlurScratch } from './blur';
import { blurInputAt, coveredAt, coverValue, type RawInput } from './blur-input';
import { needsMean, quantizeBounds, quantizeLinear, quantizePixels } from './quantize';

/** rounding margin added to every bound (values are sums of at most a few thousand products of 0..1) */
const ROUNDING = 1e-12;

/** the box-after-Gaussian kernel of a blur and its bound on second differences */
export interface CoarseKernel {
  readonly factor: number;
  /** box[d] = Σ_{i=0..F−1} g[d − i], d = 0 .. 2r + F − 1 (symmetric) */
  readonly box: Float64Array;
  /** boxTails[d] = Σ_{d' ≥ d} box[d'] */
  readonly boxTails: Float64Array;
  /** Σ box (F, to rounding) */
  readonly boxSum: number;
  /** ½ Σ |Δ²g| over the kernel with zeros outside: |Δ² v| per unit of input range */
  readonly curvature: number;
}

const coarseKernels = new WeakMap<GaussianKernel, Map<number, CoarseKernel>>();

export function coarseKernel(kernel: GaussianKernel, factor: number): CoarseKernel {
  let byFactor = coarseKernels.get(kernel);
  if (!byFactor) coarseKernels.set(kernel, (byFactor = new Map()));
  const known = byFactor.get(factor);
  if (known) return known;
  const g = kernel.weights;
  const n = g.length;
  const box = new Float64Array(n + factor - 1);
  for (let d = 0; d < box.length; d++) {
    let s = 0;
    for (let i = 0; i < factor; i++) if (d - i >= 0 && d - i < n) s += g[d - i];
    box[d] = s;
  }
  const boxTails = new Float64Array(box.length + 1);
  for (let d = box.length - 1; d >= 0; d--) boxTails[d] = boxTails[d + 1] + box[d];
  let curvature = 0;
  for (let d = -1; d <= n; d++) {
    const at = (i: number) => (i >= 0 && i < n ? g[i] : 0);
    curvature += Math.abs(at(d - 1) - 2 * at(d) + at(d + 1));
  }
  const made = { factor, box, boxTails, boxSum: boxTails[0], curvature: curvature / 2 };
  byFactor.set(factor, made);
  return made;
}

/**
 * Per block of a window: the block mean of v, and bounds on every value in the block
 * (low === high === mean exactly where the block is one value).
 */
export interface BlockSummary {
  readonly mean: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
}

export function blockSummary(blocks: number): BlockSummary {
  return { mean: new Float64Array(blocks), low: new Float64Array(blocks), high: new Float64Array(blocks) };
}

/**
 * Value changes along the rows of a window: for row i, entries rowStart[i] .. rowStart[i + 1] − 1
 * hold canvas position pos (v[pos] ≠ v[pos − 1]), delta = v[pos] − v[pos − 1] and value = v[pos];
 * first[i] is the row's value at the window's left edge.
 */
class RowChanges {
  rowStart: Int32Array = new Int32Array(0);
  pos: Int32Array = new Int32Array(0);
  delta: Float64Array = new Float64Array(0);
  value: Float64Array = new Float64Array(0);
  first: Float64Array = new Float64Array(0);
  min = 0;
  max = 0;
  private n = 0;

  private begin(ih: number, iw: number, m: Grow): void {
    this.rowStart = m.i('rowStart', ih + 1);
    this.first = m.f('first', ih);
    this.reserve(Math.max(1024, 4 * iw), m);
    this.n = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  private reserve(cap: number, m: Grow): void {
    if (this.pos.length >= cap && this.pos === m.i('pos', 0)) return;
    const n = this.n;
    const p = m.i('pos', cap), d = m.f('delta', cap), v = m.f('value', cap);
    if (p !== this.pos && n) p.set(this.pos.subarray(0, n));
    if (d !== this.delta && n) d.set(this.delta.subarray(0, n));
    if (v !== this.value && n) v.set(this.value.subarray(0, n));
    this.pos = p;
    this.delta = d;
    this.value = v;
  }

  private push(at: number, d: number, v: number, m: Grow): void {
    if (this.n === this.pos.length) this.reserve(2 * this.n, m);
    const i = this.n++;
    this.pos[i] = at;
    this.delta[i] = d;
    this.value[i] = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  private prev = 0;
  private lastByte = 0;
  private lastCover = false;

  /** one alpha pixel of fromRaw: its value, a change from the previous one pushed */
  private pixel(src: RawInput, base: number, x: number, m: Grow): void {
    const byte = src.raw[base + x];
    const cover = src.above.length > 0 && coveredAt(src.above, base + x);
    this.lastByte = byte;
    this.lastCover = cover;
    const v = coverValue(byte * src.scale, cover, src.alpha);
    const prev = this.prev;
    if (v !== prev) {
      const d = v - prev;
      if (d !== 0) this.push(x, d, v, m);
      this.prev = v;
    }
  }

  /** from a filled window */
  fromInput(input: Float64Array, ix0: number, iw: number, ih: number, m: Grow): void {
    this.begin(ih, iw, m);
    for (let row = 0; row < ih; row++) {
      this.rowStart[row] = this.n;
      const off = row * iw;
      let prev = input[off];
      this.first[row] = prev;
      if (prev < this.min) this.min = prev;
      if (prev > this.max) this.max = prev;
      for (let i = 1; i < iw; i++) {
        const v = input[off + i];
        if (v === prev) continue;
        const d = v - prev;
        prev = v;
        if (d !== 0) this.push(ix0 + i, d, v, m);
      }
    }
    this.rowStart[ih] = this.n;
  }

  /**
   * From the raw mask and the masks above, four alpha bytes at a time where they agree; rows
   * with at least `dense` changes are also written to `input` (the same values as blurInput).
   */
  fromRaw(src: RawInput, input: Float64Array, ix0: number, iy0: number, iw: number, ih: number, W: number, dense: number, m: Grow): void {
    this.begin(ih, iw, m);
    const { raw, above } = src;
    const bytes = raw instanceof Uint8Array && above.every((a) => a instanceof Uint8Array) &&
      raw.byteOffset % 4 === 0 && above.every((a) => a.byteOffset % 4 === 0) && W % 4 === 0;
    const raw32 = bytes ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length >> 2) : null;
    const above32 = bytes ? above.map((a) => new Uint32Array(a.buffer, a.byteOffset, a.length >> 2)) : [];
    const na = above.length;
    for (let row = 0; row < ih; row++) {
      const start = this.n;
      this.rowStart[row] = start;
      const base = (iy0 + row) * W;
      let prev = blurInputAt(src, base + ix0);
      this.first[row] = prev;
      if (prev < this.min) this.min = prev;
      if (prev > this.max) this.max = prev;
      let x = ix0 + 1;
      const end = ix0 + iw;
      if (raw32) {
        // the previous pixel's byte and cover, for the word tests
        this.prev = prev;
        this.lastByte = raw[base + ix0];
        this.lastCover = na > 0 && coveredAt(above, base + ix0);
        while (x < end && ((base + x) & 3) !== 0) this.pixel(src, base, x++, m);
        let wi = (base + x) >> 2;
        const wEnd = (base + end) >> 2;
        while (wi < wEnd) {
          // skip the words of four pixels like the last one: zero, or its byte with the same cover
          const lb = this.lastByte;
          if (lb === 0) {
            while (wi < wEnd && raw32[wi] === 0) wi++;
          } else {
            const rep = Math.imul(lb, 0x01010101) >>> 0;
            if (na === 0) {
              while (wi < wEnd && raw32[wi] === rep) wi++;
            } else {
              const cover = this.lastCover;
              while (wi < wEnd && raw32[wi] === rep) {
                let cw = 0;
                for (let a = 0; a < na; a++) cw |= above32[a][wi];
                // every byte covered (no zero byte) or none
                if (cover ? ((cw - 0x01010101) & ~cw & 0x80808080) !== 0 : cw !== 0) break;
                wi++;
              }
            }
          }
          if (wi === wEnd) break;
          const px = (wi << 2) - base;
          for (let k = 0; k < 4; k++) this.pixel(src, base, px + k, m);
          wi++;
        }
        x = Math.max(x, (wi << 2) - base);
        while (x < end) this.pixel(src, base, x++, m);
      } else {
        for (; x < end; x++) {
          const v = blurInputAt(src, base + x);
          if (v === prev) continue;
          const d = v - prev;
          prev = v;
          if (d !== 0) this.push(x, d, v, m);
        }
      }
      if (this.n - start >= dense) {
        const off = row * iw - ix0;
        for (let p = ix0; p < end; p++) input[off + p] = blurInputAt(src, base + p);
      }
    }
    this.rowStart[ih] = this.n;
  }
}

/** scratch of CoarseTile, grown on demand */
class Grow {
  f64 = new Map<string, Float64Array>();
  i32 = new Map<string, Int32Array>();
  u8 = new Map<string, Uint8Array>();
  f(name: string, n: number): Float64Array {
    let a = this.f64.get(name);
    if (!a || a.length < n) this.f64.set(name, (a = new Float64Array(Math.max(n, 2 * (a?.length ?? 0)))));
    return a;
  }
  i(name: string, n: number): Int32Array {
    let a = this.i32.get(name);
    if (!a || a.length < n) this.i32.set(name, (a = new Int32Array(Math.max(n, 2 * (a?.length ?? 0)))));
    return a;
  }
  u(name: string, n: number): Uint8Array {
    let a = this.u8.get(name);
    if (!a || a.length < n) this.u8.set(name, (a = new Uint8Array(Math.max(n, 2 * (a?.length ?? 0)))));
    return a;
  }
  get bytes(): number {
    let b = 0;
    for (const m of [this.f64, this.i32, this.u8]) for (const a of m.values()) b += a.byteLength;
    return b;
  }
}

/** where the tile's input sits on the canvas and what the blur is */
export interface CoarseInput {
  /**
   * window-sized blur input, row-major, `iw` wide, origin (ix0, iy0); with `raw` given only the
   * rows with many value changes are written here (the direct sums read them)
   */
  readonly input: Float64Array;
  /** the layer's raw mask and cover, read directly instead of a filled `input` */
  readonly raw?: RawInput;
  /**
   * float64 room for the lattice sums (coarseRegion(...) values) and the kernel's weights, where
   * `dot` runs (WebAssembly memory with SIMD)
   */
  readonly region: Float64Array;
  readonly weights: Float64Array;
  readonly dot: Dot;
  readonly ix0: number;
  readonly iy0: number;
  readonly iw: number;
  readonly ih: number;
  /** canvas size */
  readonly width: number;
  readonly height: number;
  readonly kernel: GaussianKernel;
  readonly tails: Float64Array;
  readonly coarse: CoarseKernel;
}

/** what the vertical per-pixel pass needs (the tile's memory: SIMD sums work on its buffers) */
export interface ColumnPass {
  /** at least F × (input rows) values */
  readonly strip: Float64Array;
  /** at least F × F values */
  readonly out: Float64Array;
  readonly scratch: BlurScratch;
  readonly sums: ColumnSums;
  readonly blockSums: BlockSums;
  readonly weights: Float64Array;
}

/** counts of one tile (tests and benchmarks read them) */
export interface CoarseCounts {
  blocks: number;
  /** blocks that needed their pixels */
  pixelBlocks: number;
}

/**
 * One tile: block summaries from latent-resolution sums, then the pixels of the blocks a kink
 * passes through. Writes Q_k of the tile's blocks into `out[k]`; `summary` (window-sized, origin
 * at `sumWin`) receives the summaries when given.
 */
export class CoarseTile {
  private mem = new Grow();
  private readonly changes = new RowChanges();

  get bytes(): number {
    return this.mem.bytes;
  }

  /** frees the scratch when it holds more than `limit` bytes */
  trim(limit: number): void {
    if (this.mem.bytes > limit) this.mem = new Grow();
  }

  run(inp: CoarseInput, tile: { x0: number; y0: number; x1: number; y1: number }, strength: number, lo: Float64Array,
    span: Float64Array, out: readonly Float32Array[], latentWidth: number, pass: ColumnPass | null, counts: CoarseCounts,
    pixels?: { values: Float64Array; stride: number; x0: number; y0: number }, summary?: { s: BlockSummary; bx0: number; by0: number; bw: number }): void {
    const F = inp.coarse.factor;
    const r = inp.kernel.radius;
    const m = this.mem;
    const nbx = (tile.x1 - tile.x0) / F;
    const nby = (tile.y1 - tile.y0) / F;
    const lw = nbx + 1, lh = nby + 1, ih = inp.ih;
    const jumps = jumpLimit(r);
    // 1. value changes along each input row: canvas positions b, delta v[b] − v[b − 1] and v[b]
    const ch = this.changes;
    if (inp.raw) ch.fromRaw(inp.raw, inp.input, inp.ix0, inp.iy0, inp.iw, ih, inp.width, Math.min(jumps, jumpLimit(r + F / 2)), m);
    else ch.fromInput(inp.input, inp.ix0, inp.iw, ih, m);
    const boxLen = inp.coarse.box.length;
    const reg = inp.region;
    if (reg.length < coarseRegion(ih, nbx, r, F)) throw new Error('CoarseTile: region too small');
    const box = reg.subarray(ih * (lw + nbx), ih * (lw + nbx) + boxLen);
    box.set(inp.coarse.box);
    const t: TileState = {
      inp, ch, x0: tile.x0, y0: tile.y0, F, r, nbx, nby, lw, lh,
      eps: (F * F / 4) * inp.coarse.curvature * (ch.max - ch.min) + ROUNDING,
      hl: reg.subarray(0, ih * lw), hg: reg.subarray(ih * lw, ih * (lw + nbx)), box,
      col: reg.subarray(ih * (lw + nbx) + boxLen, ih * (lw + nbx) + 2 * boxLen),
      hc: m.f('hc', ih * nbx), lx: m.i('lx', lw),
      nanC: m.i('nanC', (ih + 1) * nbx), chC: m.i('chC', ih * nbx), flat: m.u('flat', nbx * nby), needCorner: m.u('needCorner', lh * lw),
      lat: m.f('lat', lh * lw), amb: m.i('amb', nbx * nby), q: m.f('q', lo.length),
    };
    // 2. the horizontal pass at the lattice columns (block corners) and the box sums of each block's columns
    horizontalPass(t);
    // 3. which blocks are one value, v at the corners of the others, each block's mean and bounds
    flatBlocks(t);
    cornerValues(t);
    const nAmb = blockPass(t, strength, lo, span, out, latentWidth, summary);
    counts.blocks += nbx * nby;
    if (nAmb === 0) return;
    counts.pixelBlocks += nAmb;
    // 4. the blocks a kink passes through, from their pixels
    if (pixels) {
      for (let a = 0; a < nAmb; a++) {
        const by = Math.floor(t.amb[a] / nbx), b = t.amb[a] % nbx;
        const x0 = tile.x0 + F * b, y0 = tile.y0 + F * by;
        quantizePixels(pixels.values, (y0 - pixels.y0) * pixels.stride + x0 - pixels.x0, pixels.stride, F, strength, lo, span, t.q);
        const li = (y0 / F) * latentWidth + x0 / F;
        for (let k = 0; k < lo.length; k++) out[k][li] = t.q[k];
      }
      return;
    }
    if (!pass) throw new Error('CoarseTile: blocks need their pixels but no column pass was given');
    pixelStrips(t, nAmb, m, pass, strength, lo, span, out, latentWidth);
  }
}

/** one tile's working state between the phases of CoarseTile.run (column-major: [column · ih + row]) */
interface TileState {
  readonly inp: CoarseInput;
  readonly ch: RowChanges;
  readonly x0: number;
  readonly y0: number;
  readonly F: number;
  readonly r: number;
  readonly nbx: number;
  readonly nby: number;
  /** lattice columns and rows (block corners): nbx + 1, nby + 1 */
  readonly lw: number;
  readonly lh: number;
  /** how far a block's values may lie from its corners' range */
  readonly eps: number;
  /** the horizontal pass at the lattice columns, per input row */
  readonly hl: Float64Array;
  /** per block column and input row: the box sum of the block's columns, and the one input value of its reach (NaN if not one) */
  readonly hg: Float64Array;
  readonly hc: Float64Array;
  /** the box kernel, beside hl and hg (for dot) */
  readonly box: Float64Array;
  readonly lx: Int32Array;
  readonly nanC: Int32Array;
  readonly chC: Int32Array;
  readonly flat: Uint8Array;
  readonly needCorner: Uint8Array;
  /** v at the lattice points, row-major (lh × lw) */
  readonly lat: Float64Array;
  /** blocks that need their pixels (by · nbx + bx) */
  readonly amb: Int32Array;
  readonly q: Float64Array;
  /** one clamped window (2r + F values, beside hl and hg) */
  readonly col: Float64Array;
}

function horizontalPass(t: TileState): void {
  const { input, ix0, iw, ih, width: W, kernel, tails, coarse } = t.inp;
  const { rowStart, pos, delta, value, first } = t.ch;
  const { hl, hg, hc, lx, lw, nbx, F, r } = t;
  const g = kernel.weights;
  const jumps = jumpLimit(r);
  const box = coarse.box;
  const boxTails = coarse.boxTails;
  const boxLen = box.length;
  const boxSum = coarse.boxSum;
  const boxJumps = jumpLimit(r + F / 2);
  const lastX = W - 1;
  for (let j = 0; j < lw; j++) lx[j] = Math.min(t.x0 + F * j, lastX);
  for (let row = 0; row < ih; row++) {
    const off = row * iw - ix0;
    const c0 = rowStart[row];
    const c1 = rowStart[row + 1];
    if (c0 === c1) {
      // one value along the whole row
      const v = first[row];
      for (let j = 0; j < lw; j++) hl[j * ih + row] = v;
      for (let b = 0; b < nbx; b++) {
        hc[b * ih + row] = v;
        hg[b * ih + row] = v * boxSum;
      }
      continue;
    }
    let lo1 = c0, hi1 = c0;
    for (let j = 0; j < lw; j++) {
      const p = lx[j];
      while (lo1 < c1 && pos[lo1] <= p - r) lo1++;
      if (hi1 < lo1) hi1 = lo1;
      while (hi1 < c1 && pos[hi1] <= p + r) hi1++;
      hl[j * ih + row] = hAt(input, off, p, r, g, tails, jumps, lastX, pos, delta, lo1, hi1, lo1 > c0 ? value[lo1 - 1] : first[row]);
    }
    let lo2 = c0, hi2 = c0;
    for (let b = 0; b < nbx; b++) {
      const start = t.x0 + F * b - r;
      while (lo2 < c1 && pos[lo2] <= start) lo2++;
      if (hi2 < lo2) hi2 = lo2;
      while (hi2 < c1 && pos[hi2] <= start + boxLen - 1) hi2++;
      const at = lo2 > c0 ? value[lo2 - 1] : first[row];
      let acc: number;
      if (hi2 === lo2) {
        hc[b * ih + row] = at;
        acc = at * boxSum;
      } else {
        hc[b * ih + row] = NaN;
        if (hi2 - lo2 < boxJumps) {
          acc = at * boxSum;
          for (let c = lo2; c < hi2; c++) acc += delta[c] * boxTails[pos[c] - start];
        } else {
          acc = 0;
          for (let d = 0; d < boxLen; d++) {
            let u = start + d;
            if (u < 0) u = 0;
            else if (u > lastX) u = lastX;
            acc += box[d] * input[off + u];
          }
        }
      }
      hg[b * ih + row] = acc;
    }
  }
}

/** which blocks have one input value over their whole reach (flat), and the corners the others need */
function flatBlocks(t: TileState): void {
  const { iy0, ih, height: H } = t.inp;
  const { hc, nanC, chC, flat, needCorner, nbx, nby, lw, lh, F, r } = t;
  const boxLen = t.inp.coarse.box.length;
  const lastY = H - 1;
  // per block column, NaN (not one value) and value changes of hc up to each row
  for (let b = 0; b < nbx; b++) {
    const c = b * ih;
    const cn = b * (ih + 1);
    nanC[cn] = 0;
    chC[c] = 0;
    let prev = hc[c];
    nanC[cn + 1] = prev !== prev ? 1 : 0;
    for (let row = 1; row < ih; row++) {
      const h = hc[c + row];
      nanC[cn + row + 1] = nanC[cn + row] + (h !== h ? 1 : 0);
      chC[c + row] = chC[c + row - 1] + (h !== prev ? 1 : 0);
      prev = h;
    }
  }
  needCorner.fill(0, 0, lh * lw);
  for (let by = 0; by < nby; by++) {
    const start = t.y0 + F * by - r;
    const wlo = Math.max(0, start) - iy0;
    const whi = Math.min(lastY, start + boxLen - 1) - iy0;
    for (let b = 0; b < nbx; b++) {
      const c = b * ih;
      const cn = b * (ih + 1);
      const one = nanC[cn + whi + 1] === nanC[cn + wlo] && chC[c + whi] === chC[c + wlo];
      flat[by * nbx + b] = one ? 1 : 0;
      if (!one) {
        needCorner[by * lw + b] = 1;
        needCorner[by * lw + b + 1] = 1;
        needCorner[(by + 1) * lw + b] = 1;
        needCorner[(by + 1) * lw + b + 1] = 1;
      }
    }
  }
}

/** v at the lattice points the non-flat blocks need (dot products of the kernel with a column's window) */
function cornerValues(t: TileState): void {
  const { iy0, ih, height: H, weights, dot } = t.inp;
  const { hl, lat, needCorner, lw, lh, F, r, col } = t;
  const lastY = H - 1;
  const n = 2 * r + 1;
  for (let i = 0; i < lh; i++) {
    const y = Math.min(t.y0 + F * i, lastY);
    const yr = y - iy0;
    const inside = yr - r >= 0 && yr + r <= ih - 1;
    for (let j = 0; j < lw; j++) {
      if (!needCorner[i * lw + j]) continue;
      const c = j * ih;
      if (inside) lat[i * lw + j] = dot(hl, c + yr - r, weights, 0, n);
      else {
        // near the canvas edge: the window with its repeated rows
        for (let s = -r; s <= r; s++) col[r + s] = hl[c + Math.max(0, Math.min(ih - 1, yr + s))];
        lat[i * lw + j] = dot(col, 0, weights, 0, n);
      }
    }
  }
}

/** float64 values CoarseInput.region must hold for a tile of nbx block columns and ih input rows */
export function coarseRegion(ih: number, nbx: number, r: number, F: number): number {
  return ih * (2 * nbx + 1) + 2 * (2 * r + F);
}

/** each block's mean and bounds, and Q_k where they decide it; returns how many blocks need their pixels (t.amb) */
function blockPass(t: TileState, strength: number, lo: Float64Array, span: Float64Array, out: readonly Float32Array[], latentWidth: number,
  summary?: { s: BlockSummary; bx0: number; by0: number; bw: number }): number {
  const { iy0, ih, height: H, dot } = t.inp;
  const { hg, hc, lat, flat, amb, q, nbx, nby, lw, F, r, eps, col, box } = t;
  const boxLen = box.length;
  const lastY = H - 1;
  const T = lo.length;
  const invArea = 1 / (F * F);
  let nAmb = 0;
  for (let by = 0; by < nby; by++) {
    const y0 = t.y0 + F * by;
    const start = y0 - r;
    const wlo = Math.max(0, start) - iy0;
    const inside = start >= 0 && start + boxLen - 1 <= lastY;
    for (let b = 0; b < nbx; b++) {
      let mean: number, low: number, high: number;
      const c = b * ih;
      if (flat[by * nbx + b]) {
        mean = low = high = hc[c + wlo];
      } else {
        const c00 = lat[by * lw + b], c01 = lat[by * lw + b + 1], c10 = lat[(by + 1) * lw + b], c11 = lat[(by + 1) * lw + b + 1];
        low = Math.min(c00, c01, c10, c11) - eps;
        if (low < 0) low = 0;
        high = Math.max(c00, c01, c10, c11) + eps;
        mean = NaN;
      }
      const decided = quantizeBounds(low, high, strength, lo, span, q);
      // the mean only where a ramp needs it (or the summary is kept for another strength)
      if (mean !== mean && (summary || (decided && needsMean(q)))) {
        let acc: number;
        if (inside) acc = dot(hg, c + start - iy0, box, 0, boxLen);
        else {
          // near the canvas edge: the reach with its repeated rows
          for (let d = 0; d < boxLen; d++) col[d] = hg[c + Math.max(0, Math.min(lastY, start + d)) - iy0];
          acc = dot(col, 0, box, 0, boxLen);
        }
        mean = acc * invArea;
      }
      const bx = t.x0 / F + b;
      const bY = t.y0 / F + by;
      if (summary) {
        const si = (bY - summary.by0) * summary.bw + bx - summary.bx0;
        summary.s.mean[si] = mean;
        summary.s.low[si] = low;
        summary.s.high[si] = high;
      }
      if (decided) {
        quantizeLinear(mean, strength, lo, span, q);
        const li = bY * latentWidth + bx;
        for (let k = 0; k < T; k++) out[k][li] = q[k];
      } else amb[nAmb++] = by * nbx + b;
    }
  }
  return nAmb;
}

/** the blocks in t.amb from their pixels, strip by strip (one block column): the horizontal pass on the rows the strip's blocks reach */
function pixelStrips(t: TileState, nAmb: number, m: Grow, pass: ColumnPass, strength: number, lo: Float64Array, span: Float64Array,
  out: readonly Float32Array[], latentWidth: number): void {
  const { input, ix0, iy0, iw, ih, width: W, height: H, kernel, tails } = t.inp;
  const { rowStart, pos, delta, value, first } = t.ch;
  const { amb, q, nbx, F, r } = t;
  const g = kernel.weights;
  const jumps = jumpLimit(r);
  const lastX = W - 1;
  const lastY = H - 1;
  const T = lo.length;
  const need = m.u('need', ih);
  // blocks are in row-major order: group them by column
  const byCol = m.i('byCol', nAmb);
  const colCount = m.i('colCount', nbx + 1);
  colCount.fill(0, 0, nbx + 1);
  for (let a = 0; a < nAmb; a++) colCount[(amb[a] % nbx) + 1]++;
  for (let b = 0; b < nbx; b++) colCount[b + 1] += colCount[b];
  const fillAt = m.i('fillAt', nbx);
  for (let b = 0; b < nbx; b++) fillAt[b] = colCount[b];
  for (let a = 0; a < nAmb; a++) byCol[fillAt[amb[a] % nbx]++] = amb[a];
  const strip = pass.strip;
  const pcs = m.i('pcs', ih * F);
  for (let b = 0; b < nbx; b++) {
    const s0 = colCount[b], s1 = colCount[b + 1];
    if (s0 === s1) continue;
    const x0 = t.x0 + F * b;
    need.fill(0, 0, ih);
    for (let a = s0; a < s1; a++) {
      const y0 = t.y0 + F * Math.floor(byCol[a] / nbx);
      need.fill(1, Math.max(0, y0 - r) - iy0, Math.min(lastY, y0 + F - 1 + r) - iy0 + 1);
    }
    // runs of needed rows; every block's window lies inside one
    let a = s0;
    let row = 0;
    while (row < ih) {
      if (!need[row]) {
        row++;
        continue;
      }
      let end = row;
      while (end < ih && need[end]) end++;
      const xLo = x0 - r, xHi = x0 + F - 1 + r;
      for (let rr = row; rr < end; rr++) {
        const c0 = rowStart[rr], c1 = rowStart[rr + 1];
        const d = (rr - row) * F;
        // the row's changes inside the strip's reach (xLo, xHi], and its value at xLo
        let w0 = c0;
        while (w0 < c1 && pos[w0] <= xLo) w0++;
        let w1 = w0;
        while (w1 < c1 && pos[w1] <= xHi) w1++;
        if (w0 === w1) strip.fill(w0 > c0 ? value[w0 - 1] : first[rr], d, d + F);
        else if (w1 - w0 < jumps && pos[w0] > xHi - 2 * r && pos[w1 - 1] <= xLo + 2 * r) {
          // every change is inside every column's window: hAt's jump sums with one start value
          const sv = w0 > c0 ? value[w0 - 1] : first[rr];
          for (let x = 0; x < F; x++) {
            let acc = sv;
            const shift = r - x0 - x;
            for (let c = w0; c < w1; c++) acc += delta[c] * tails[pos[c] + shift];
            strip[d + x] = acc;
          }
        } else {
          const off = rr * iw - ix0;
          let l1 = c0, h1 = c0;
          for (let x = 0; x < F; x++) {
            const p = x0 + x;
            while (l1 < c1 && pos[l1] <= p - r) l1++;
            if (h1 < l1) h1 = l1;
            while (h1 < c1 && pos[h1] <= p + r) h1++;
            strip[d + x] = hAt(input, off, p, r, g, tails, jumps, lastX, pos, delta, l1, h1, l1 > c0 ? value[l1 - 1] : first[rr]);
          }
        }
        // per strip column, row changes up to each row of the run (one value over a window without any)
        if (rr === row) for (let x = 0; x < F; x++) pcs[x] = 0;
        else for (let x = 0; x < F; x++) pcs[d + x] = pcs[d - F + x] + (strip[d + x] !== strip[d - F + x] ? 1 : 0);
      }
      for (; a < s1; a++) {
        const y0 = t.y0 + F * Math.floor(byCol[a] / nbx);
        if (y0 - iy0 >= end) break;
        stripColumns(strip, pcs, F, row + iy0, lastY, y0, r, pass);
        quantizePixels(pass.out, 0, F, F, strength, lo, span, q);
        const li = (y0 / F) * latentWidth + x0 / F;
        for (let k = 0; k < T; k++) out[k][li] = q[k];
      }
      row = end;
    }
  }
}

/**
 * The vertical pass for the F×F pixels of the block at canvas row y0 from a strip F columns wide
 * whose row 0 is canvas row `start` (covering the block's reach), into pass.out: the same bits as
 * blurColumns (a column that is one value over the window is that value; else the symmetric sum,
 * j ascending, by pass.sums). `changes[i·F + x]` counts value changes of column x at rows 1..i.
 */
function stripColumns(strip: Float64Array, changes: Int32Array, F: number, start: number, lastY: number, y0: number, r: number,
  pass: ColumnPass): void {
  const { out, scratch, sums, weights } = pass;
  if (F === 8 && y0 - r >= 0 && y0 + F - 1 + r <= lastY) {
    // no window reaches past the canvas: all rows at once, then the columns that are one value over theirs
    pass.blockSums(strip, (y0 - start) * F, weights, r, F, out);
    for (let o = 0; o < F; o++) {
      const lo = (y0 + o - r - start) * F, hi = (y0 + o + r - start) * F;
      for (let x = 0; x < F; x++) if (changes[hi + x] === changes[lo + x]) out[o * F + x] = strip[(y0 + o - start) * F + x];
    }
    return;
  }
  // rows[i]: the strip offset of canvas row y0 − r + i (clamped); rev the same backwards, so that
  // output row o reads up_j = rev[L − 1 − o − r + j] and down_j = rows[o + r + j]
  const rows = scratch.down;
  const rev = scratch.up;
  const L = F + 2 * r;
  for (let i = 0; i < L; i++) {
    let y = y0 - r + i;
    if (y < 0) y = 0;
    else if (y > lastY) y = lastY;
    rows[i] = (y - start) * F;
  }
  for (let i = 0; i < L; i++) rev[i] = rows[L - 1 - i];
  for (let o = 0; o < F; o++) {
    const y = y0 + o;
    const lo = Math.max(0, y - r) - start;
    const hi = Math.min(lastY, y + r) - start;
    const c = (y - start) * F;
    const d = o * F;
    let x = 0;
    while (x < F) {
      if (changes[hi * F + x] === changes[lo * F + x]) {
        out[d + x] = strip[c + x];
        x++;
        continue;
      }
      let e = x + 1;
      while (e < F && changes[hi * F + e] !== changes[lo * F + e]) e++;
      sums(strip, c, rev, rows, weights, r, x, e, out, d, L - 1 - o - r, o + r);
      x = e;
    }
  }
}
