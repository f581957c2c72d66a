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
import { jumpLimit, type ColumnSums, type GaussianKernel } from './blur';
import type { BlurScratch } from './blur';
import type { CanvasMask } from './blur-input';
import { quantizePixels, quantizeSummary } from './quantize';

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

/** a layer's blur input as it is stored (ENGINE-SPEC §3.1): raw · scale, times alpha where covered */
export interface RawInput {
  readonly raw: CanvasMask;
  readonly scale: number;
  readonly alpha: number;
  /** raw masks of the visible layers above */
  readonly above: readonly CanvasMask[];
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
    const { raw, scale, alpha, above } = src;
    const bytes = raw instanceof Uint8Array && above.every((a) => a instanceof Uint8Array) &&
      raw.byteOffset % 4 === 0 && above.every((a) => a.byteOffset % 4 === 0) && W % 4 === 0;
    const raw32 = bytes ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length >> 2) : null;
    const above32 = bytes ? above.map((a) => new Uint32Array(a.buffer, a.byteOffset, a.length >> 2)) : [];
    const na = above.length;
    for (let row = 0; row < ih; row++) {
      const start = this.n;
      this.rowStart[row] = start;
      const base = (iy0 + row) * W;
      // the same values as blurInput
      const value = (x: number): number => {
        const v = raw[base + x] * scale;
        return v !== 0 && na > 0 && coveredAt(above, base + x) ? v * alpha : v;
      };
      let prev = value(ix0);
      this.first[row] = prev;
      if (prev < this.min) this.min = prev;
      if (prev > this.max) this.max = prev;
      let x = ix0 + 1;
      const end = ix0 + iw;
      if (raw32) {
        // byte of the previous pixel and whether it was covered, for the word test
        let lastByte = raw[base + ix0];
        let lastCover = na > 0 && coveredAt(above, base + ix0);
        while (x < end) {
          if ((base + x) % 4 === 0 && x + 4 <= end) {
            const wi = (base + x) >> 2;
            const w = raw32[wi];
            if (w === Math.imul(lastByte, 0x01010101) >>> 0) {
              if (lastByte === 0) {
                x += 4;
                continue;
              }
              let cw = 0;
              for (let a = 0; a < na; a++) cw |= above32[a][wi];
              // every byte covered (no zero byte) or none
              const all = na > 0 && ((cw - 0x01010101) & ~cw & 0x80808080) === 0;
              if (lastCover ? all : cw === 0) {
                x += 4;
                continue;
              }
            }
          }
          lastByte = raw[base + x];
          lastCover = na > 0 && coveredAt(above, base + x);
          let v = lastByte * scale;
          if (lastCover && v !== 0) v *= alpha;
          if (v !== prev) {
            const d = v - prev;
            if (d !== 0) this.push(x, d, v, m);
            prev = v;
          }
          x++;
        }
      } else {
        for (; x < end; x++) {
          const v = value(x);
          if (v === prev) continue;
          const d = v - prev;
          prev = v;
          if (d !== 0) this.push(x, d, v, m);
        }
      }
      if (this.n - start >= dense) {
        const off = row * iw - ix0;
        for (let p = ix0; p < end; p++) input[off + p] = value(p);
      }
    }
    this.rowStart[ih] = this.n;
  }
}

function coveredAt(above: readonly CanvasMask[], i: number): boolean {
  for (const a of above) if (a[i] > 0) return true;
  return false;
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
    const { input, ix0, iy0, iw, ih, width: W, height: H, kernel, tails, coarse } = inp;
    const F = coarse.factor;
    const r = kernel.radius;
    const g = kernel.weights;
    const jumps = jumpLimit(r);
    const box = coarse.box;
    const boxTails = coarse.boxTails;
    const boxLen = box.length;
    const boxJumps = jumpLimit(r + F / 2);
    const nbx = (tile.x1 - tile.x0) / F;
    const nby = (tile.y1 - tile.y0) / F;
    const T = lo.length;
    const m = this.mem;
    const lastX = W - 1;
    const lastY = H - 1;

    // 1. value changes along each input row: canvas positions b, delta v[b] − v[b − 1] and v[b]
    const ch = this.changes;
    if (inp.raw) ch.fromRaw(inp.raw, input, ix0, iy0, iw, ih, W, Math.min(jumps, boxJumps), m);
    else ch.fromInput(input, ix0, iw, ih, m);
    const { rowStart, pos, delta, value, first } = ch;
    const vmin = ch.min, vmax = ch.max;
    const eps = (F * F / 4) * coarse.curvature * (vmax - vmin) + ROUNDING;

    // 2. the horizontal pass at the lattice columns (block corners) and the box sums of each block's columns
    const lw = nbx + 1;
    const hl = m.f('hl', ih * lw);
    const hg = m.f('hg', ih * nbx);
    const hc = m.f('hc', ih * nbx);
    const lx = m.i('lx', lw);
    for (let j = 0; j < lw; j++) lx[j] = Math.min(tile.x0 + F * j, lastX);
    for (let row = 0; row < ih; row++) {
      const off = row * iw - ix0;
      const c0 = rowStart[row];
      const c1 = rowStart[row + 1];
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
        const x0 = tile.x0 + F * b;
        const start = x0 - r;
        while (lo2 < c1 && pos[lo2] <= start) lo2++;
        if (hi2 < lo2) hi2 = lo2;
        while (hi2 < c1 && pos[hi2] <= start + boxLen - 1) hi2++;
        const at = lo2 > c0 ? value[lo2 - 1] : first[row];
        let acc: number;
        if (hi2 === lo2) {
          hc[b * ih + row] = at;
          acc = at * coarse.boxSum;
        } else {
          hc[b * ih + row] = NaN;
          if (hi2 - lo2 < boxJumps) {
            acc = at * coarse.boxSum;
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

    // 3. the vertical pass: v at the lattice points, and each block's mean
    const lh = nby + 1;
    const lat = m.f('lat', lh * lw);
    // per lattice column (column-major), row changes up to each row: the column is one value over a window without any
    const pcl = m.i('pcl', ih * lw);
    for (let j = 0; j < lw; j++) {
      const c = j * ih;
      pcl[c] = 0;
      for (let row = 1; row < ih; row++) pcl[c + row] = pcl[c + row - 1] + (hl[c + row] !== hl[c + row - 1] ? 1 : 0);
    }
    const kc = g[r];
    for (let i = 0; i < lh; i++) {
      const y = Math.min(tile.y0 + F * i, lastY);
      const yr = y - iy0;
      const wlo = Math.max(0, y - r) - iy0;
      const whi = Math.min(lastY, y + r) - iy0;
      // the window's rows inside the input; clamped rows repeat the first or last
      const inLo = Math.min(r, yr), inHi = Math.min(r, ih - 1 - yr);
      for (let j = 0; j < lw; j++) {
        const c = j * ih;
        let v: number;
        if (pcl[c + whi] === pcl[c + wlo]) v = hl[c + yr];
        else {
          v = kc * hl[c + yr];
          const top = hl[c], bottom = hl[c + ih - 1];
          for (let t = 1; t <= r; t++) v += g[r + t] * ((t <= inLo ? hl[c + yr - t] : top) + (t <= inHi ? hl[c + yr + t] : bottom));
        }
        lat[i * lw + j] = v;
      }
    }
    // per block column (column-major), NaN (not one value) and value changes of hc up to each row
    const nanC = m.i('nanC', (ih + 1) * nbx);
    const chC = m.i('chC', ih * nbx);
    for (let b = 0; b < nbx; b++) {
      const c = b * ih;
      const cn = b * (ih + 1);
      nanC[cn] = 0;
      chC[c] = 0;
      for (let row = 0; row < ih; row++) {
        const h = hc[c + row];
        nanC[cn + row + 1] = nanC[cn + row] + (h !== h ? 1 : 0);
        if (row > 0) chC[c + row] = chC[c + row - 1] + (h !== hc[c + row - 1] ? 1 : 0);
      }
    }
    const half = boxLen / 2;
    const invArea = 1 / (F * F);
    const q = m.f('q', T);
    const amb = m.i('amb', nbx * nby);
    let nAmb = 0;
    for (let by = 0; by < nby; by++) {
      const y0 = tile.y0 + F * by;
      const start = y0 - r;
      const wlo = Math.max(0, start) - iy0;
      const whi = Math.min(lastY, start + boxLen - 1) - iy0;
      for (let b = 0; b < nbx; b++) {
        let mean: number, low: number, high: number;
        const c = b * ih;
        const cn = b * (ih + 1);
        if (nanC[cn + whi + 1] === nanC[cn + wlo] && chC[c + whi] === chC[c + wlo]) {
          mean = low = high = hc[c + wlo];
        } else {
          let acc = 0;
          for (let d = 0; d < half; d++) {
            let ua = start + d;
            let ub = start + boxLen - 1 - d;
            if (ua < 0) ua = 0;
            if (ub > lastY) ub = lastY;
            acc += box[d] * (hg[c + ua - iy0] + hg[c + ub - iy0]);
          }
          mean = acc * invArea;
          const c00 = lat[by * lw + b], c01 = lat[by * lw + b + 1], c10 = lat[(by + 1) * lw + b], c11 = lat[(by + 1) * lw + b + 1];
          low = Math.min(c00, c01, c10, c11) - eps;
          if (low < 0) low = 0;
          high = Math.max(c00, c01, c10, c11) + eps;
        }
        const bx = tile.x0 / F + b;
        const bY = tile.y0 / F + by;
        if (summary) {
          const si = (bY - summary.by0) * summary.bw + bx - summary.bx0;
          summary.s.mean[si] = mean;
          summary.s.low[si] = low;
          summary.s.high[si] = high;
        }
        counts.blocks++;
        if (quantizeSummary(mean, low, high, strength, lo, span, q)) {
          const li = bY * latentWidth + bx;
          for (let k = 0; k < T; k++) out[k][li] = q[k];
        } else amb[nAmb++] = by * nbx + b;
      }
    }
    if (nAmb === 0) return;
    counts.pixelBlocks += nAmb;

    // 4. the blocks a kink passes through, from their pixels
    if (pixels) {
      for (let a = 0; a < nAmb; a++) {
        const by = Math.floor(amb[a] / nbx), b = amb[a] % nbx;
        const x0 = tile.x0 + F * b, y0 = tile.y0 + F * by;
        quantizePixels(pixels.values, (y0 - pixels.y0) * pixels.stride + x0 - pixels.x0, pixels.stride, F, strength, lo, span, q);
        const li = (y0 / F) * latentWidth + x0 / F;
        for (let k = 0; k < T; k++) out[k][li] = q[k];
      }
      return;
    }
    if (!pass) throw new Error('CoarseTile: blocks need their pixels but no column pass was given');
    // strip by strip (one block column): the horizontal pass on the rows the strip's blocks reach
    const need = m.u('need', ih);
    // ambiguous blocks are in row-major order: group them by column
    const byCol = m.i('byCol', nAmb);
    const colCount = m.i('colCount', nbx + 1);
    colCount.fill(0, 0, nbx + 1);
    for (let t = 0; t < nAmb; t++) colCount[(amb[t] % nbx) + 1]++;
    for (let b = 0; b < nbx; b++) colCount[b + 1] += colCount[b];
    const fillAt = m.i('fillAt', nbx);
    for (let b = 0; b < nbx; b++) fillAt[b] = colCount[b];
    for (let t = 0; t < nAmb; t++) byCol[fillAt[amb[t] % nbx]++] = amb[t];
    const strip = pass.strip;
    const pcs = m.i('pcs', ih * F);
    for (let b = 0; b < nbx; b++) {
      const s0 = colCount[b], s1 = colCount[b + 1];
      if (s0 === s1) continue;
      const x0 = tile.x0 + F * b;
      need.fill(0, 0, ih);
      for (let t = s0; t < s1; t++) {
        const y0 = tile.y0 + F * Math.floor(byCol[t] / nbx);
        const r0 = Math.max(0, y0 - r) - iy0, r1 = Math.min(lastY, y0 + F - 1 + r) - iy0;
        need.fill(1, r0, r1 + 1);
      }
      // runs of needed rows; every block's window lies inside one
      let t = s0;
      let row = 0;
      while (row < ih) {
        if (!need[row]) {
          row++;
          continue;
        }
        let end = row;
        while (end < ih && need[end]) end++;
        for (let rr = row; rr < end; rr++) {
          const off = rr * iw - ix0;
          const c0 = rowStart[rr], c1 = rowStart[rr + 1];
          let l1 = c0, h1 = c0;
          for (let x = 0; x < F; x++) {
            const p = x0 + x;
            while (l1 < c1 && pos[l1] <= p - r) l1++;
            if (h1 < l1) h1 = l1;
            while (h1 < c1 && pos[h1] <= p + r) h1++;
            strip[(rr - row) * F + x] = hAt(input, off, p, r, g, tails, jumps, lastX, pos, delta, l1, h1, l1 > c0 ? value[l1 - 1] : first[rr]);
          }
        }
        // per strip column, row changes up to each row of the run (one value over a window without any)
        const len = end - row;
        for (let x = 0; x < F; x++) pcs[x] = 0;
        for (let i = 1; i < len; i++) {
          for (let x = 0; x < F; x++) pcs[i * F + x] = pcs[(i - 1) * F + x] + (strip[i * F + x] !== strip[(i - 1) * F + x] ? 1 : 0);
        }
        for (; t < s1; t++) {
          const by = Math.floor(byCol[t] / nbx);
          const y0 = tile.y0 + F * by;
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

/**
 * The horizontal pass at canvas position p of one row (`input[off + x]` is the value at x), the
 * same bits as blurRows: the window's changes are pos[lo..hi) (p − r < b ≤ p + r), `startValue` the
 * value at max(0, p − r); rows with enough changes for a direct sum are in `input`.
 */
function hAt(input: Float64Array, off: number, p: number, r: number, g: Float64Array, tails: Float64Array, jumps: number,
  last: number, pos: Int32Array, delta: Float64Array, lo: number, hi: number, startValue: number): number {
  if (hi - lo < jumps) {
    let acc = startValue;
    for (let b = lo; b < hi; b++) acc += delta[b] * tails[pos[b] - p + r];
    return acc;
  }
  if (p >= r && p <= last - r) {
    const c = off + p;
    let acc = g[r] * input[c];
    for (let j = 1; j <= r; j++) acc += g[r + j] * (input[c - j] + input[c + j]);
    return acc;
  }
  let acc = 0;
  for (let j = -r; j <= r; j++) {
    let x = p + j;
    if (x < 0) x = 0;
    else if (x > last) x = last;
    acc += g[r + j] * input[off + x];
  }
  return acc;
}
