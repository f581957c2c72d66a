/**
 * Separable Gaussian blur with replicate padding (ENGINE-SPEC §3.2), computed in float64 on
 * any axis-aligned window of a canvas so a mask edit only re-blurs the rows and columns it
 * can reach.
 */

export interface GaussianKernel {
  readonly sigma: number;
  /** r = ceil(3σ); 0 for σ = 0 */
  readonly radius: number;
  /** 2r + 1 weights for offsets -r..r, summing to one */
  readonly weights: Float64Array;
}

export function gaussianKernel(sigma: number): GaussianKernel {
  if (!(sigma > 0)) return { sigma: 0, radius: 0, weights: Float64Array.of(1) };
  const radius = Math.ceil(3 * sigma);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let j = -radius; j <= radius; j++) {
    const w = Math.exp(-(j * j) / (2 * sigma * sigma));
    weights[j + radius] = w;
    sum += w;
  }
  for (let j = 0; j < weights.length; j++) weights[j] /= sum;
  return { sigma, radius, weights };
}

/** tail[u + r] = Σ_{j=u..r} k_j: the weight of everything at offset ≥ u */
export function kernelTails(kernel: GaussianKernel): Float64Array {
  const r = kernel.radius;
  const tails = new Float64Array(2 * r + 2);
  for (let u = r; u >= -r; u--) tails[u + r] = tails[u + r + 1] + kernel.weights[u + r];
  return tails;
}

/**
 * A window with fewer value changes than this sums as jumps times tails; past it the direct
 * sum, four outputs at a time, is the cheaper one.
 */
export function jumpLimit(radius: number): number {
  return (radius + 1) >> 1;
}

/** Scratch for blurRows / blurColumns, sized for lines of up to `maxLen` values. */
export interface BlurScratch {
  readonly boundary: Int32Array;
  readonly delta: Float64Array;
  /** 1 where an output still needs the direct interior sum */
  readonly direct: Uint8Array;
  /** blurColumns: per column, the value changes inside the current output's window */
  readonly changes: Int32Array;
  /** blurColumns: row offsets of the window, above and below */
  readonly up: Int32Array;
  readonly down: Int32Array;
}

export function blurScratch(maxLen: number): BlurScratch {
  return {
    boundary: new Int32Array(maxLen + 1), delta: new Float64Array(maxLen + 1), direct: new Uint8Array(maxLen + 4),
    changes: new Int32Array(maxLen), up: new Int32Array(maxLen + 1), down: new Int32Array(maxLen + 1),
  };
}

/**
 * The horizontal pass: convolves `rows` rows along their length, row-major out
 * (`dst[row * outLen + pos − outStart]`).
 *
 * Row `row` of `src` starts at `row * srcLen` and holds axis positions
 * `srcStart .. srcStart + srcLen - 1`; it must cover every position the window reaches after
 * clamping to `0 .. extent - 1`.
 *
 * Painted masks are piecewise constant along a row, so a window usually holds only a few
 * value changes: the sum is then the window's first value plus each change times the kernel
 * weight beyond it (exact, and O(changes) instead of O(r); a window without a change is its
 * value). Windows with many changes (soft float masks) are summed directly (see jumpLimit).
 * Each output depends only on the values in its window, so blurring a sub-window gives the
 * same bits as blurring the whole canvas.
 */
export function blurRows(
  src: Float64Array,
  rows: number,
  srcLen: number,
  srcStart: number,
  extent: number,
  outStart: number,
  outLen: number,
  kernel: GaussianKernel,
  tails: Float64Array,
  scratch: BlurScratch,
  dst: Float64Array,
): void {
  const r = kernel.radius;
  const jumps = jumpLimit(r);
  const k = kernel.weights;
  const last = extent - 1;
  const outEnd = outStart + outLen;
  // interior: positions whose window needs no clamping
  const intStart = Math.max(outStart, r);
  const intEnd = Math.min(outEnd, extent - r);
  const boundary = scratch.boundary;
  const delta = scratch.delta;
  const direct = scratch.direct;
  for (let row = 0; row < rows; row++) {
    const off = row * srcLen;
    const d0 = row * outLen - outStart;
    // value changes along the row, as global positions b with delta = v[b] − v[b − 1]
    let nb = 0;
    for (let i = 1; i < srcLen; i++) {
      const d = src[off + i] - src[off + i - 1];
      if (d !== 0) {
        boundary[nb] = srcStart + i;
        delta[nb] = d;
        nb++;
      }
    }
    boundary[nb] = 2147483647;
    if (nb === 0) {
      dst.fill(src[off], d0 + outStart, d0 + outEnd);
      continue;
    }
    let lo = 0;
    let hi = 0;
    let anyDirect = false;
    for (let pos = outStart; pos < outEnd; pos++) {
      // changes strictly inside the clamped window: pos − r < b ≤ pos + r
      while (boundary[lo] <= pos - r) lo++;
      while (boundary[hi] <= pos + r) hi++;
      direct[pos - outStart] = 0;
      if (hi - lo >= jumps && pos >= intStart && pos < intEnd) {
        // summed below, four outputs at a time (hAt's direct sum, the same bits)
        direct[pos - outStart] = 1;
        anyDirect = true;
        continue;
      }
      dst[d0 + pos] = hAt(src, off - srcStart, pos, r, k, tails, jumps, last, boundary, delta, lo, hi,
        src[off + (pos - r < 0 ? 0 : pos - r) - srcStart]);
    }
    if (anyDirect) directSums(src, off - srcStart, outStart, outLen, k, r, direct, dst, 1, row * outLen);
  }
}

/**
 * One output of the horizontal pass at canvas position p of a row (`input[off + x]` is the
 * value at x), for blurRows and the block-sum path (coarse.ts) alike: with fewer than `jumps`
 * changes in the window (pos[lo..hi), p − r < b ≤ p + r) the value at max(0, p − r)
 * (`startValue`) plus each change times the kernel weight beyond it, else the direct sum
 * (symmetric where the window needs no clamping).
 */
export function hAt(input: Float64Array, off: number, p: number, r: number, g: Float64Array, tails: Float64Array, jumps: number,
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

/**
 * The vertical pass over already smooth rows: `src` is row-major, `width` values a row, rows at
 * axis positions `srcStart ..` covering every clamped window; output rows
 * `outStart .. outStart + outRows − 1` go row-major to `dst`. Each output is
 * k_0·v[y] + Σ_{j=1..r} k_j·(v[y − j] + v[y + j]) with the row indices clamped (replicate
 * padding), j ascending, except where the column is constant over the whole window: there it is
 * that value exactly (a flat mask stays flat, and where no input reaches it is exactly 0).
 * Rows are contiguous, so the sums run along them: `sums` is columnSums or its SIMD twin
 * (simd.ts; then every array lives in its WebAssembly memory), lane by lane the same operations.
 */
export function blurColumns(src: Float64Array, width: number, srcStart: number, extent: number, outStart: number,
  outRows: number, kernel: GaussianKernel, scratch: BlurScratch, dst: Float64Array,
  sums: ColumnSums = columnSums, weights: Float64Array = kernel.weights): void {
  const r = kernel.radius;
  const last = extent - 1;
  const cnt = scratch.changes;
  const up = scratch.up;
  const down = scratch.down;
  cnt.fill(0, 0, width);
  const count = (i: number, sign: number): void => {
    const a = (i - srcStart) * width;
    const b = a - width;
    for (let x = 0; x < width; x++) if (src[a + x] !== src[b + x]) cnt[x] += sign;
  };
  // changes at row i (v[i] ≠ v[i − 1]) inside the window lo..hi: lo < i ≤ hi
  let lo = Math.max(0, outStart - r);
  let hi = lo;
  for (let o = 0; o < outRows; o++) {
    const y = outStart + o;
    const nlo = Math.max(0, y - r);
    const nhi = Math.min(last, y + r);
    while (hi < nhi) count(++hi, 1);
    while (lo < nlo) count(++lo, -1);
    for (let j = 1; j <= r; j++) {
      up[j] = ((y - j < 0 ? 0 : y - j) - srcStart) * width;
      down[j] = ((y + j > last ? last : y + j) - srcStart) * width;
    }
    const c = (y - srcStart) * width;
    const d = o * width;
    let x = 0;
    while (x < width) {
      if (cnt[x] === 0) {
        dst[d + x] = src[c + x];
        x++;
        continue;
      }
      let e = x + 1;
      while (e < width && cnt[e] !== 0) e++;
      sums(src, c, up, down, weights, r, x, e, dst, d);
      x = e;
    }
  }
}

/**
 * The interior outputs flagged in `direct`: k_0·v[pos] + Σ_{j=1..r} k_j·(v[pos − j] + v[pos + j]),
 * j ascending (the kernel is symmetric, so half the products). Four neighbouring outputs share
 * each loaded value (about twice as fast in V8); a lone output sums in the same order, so the
 * bits never depend on how outputs were grouped.
 */
function directSums(src: Float64Array, base: number, outStart: number, outLen: number, k: Float64Array, r: number,
  direct: Uint8Array, dst: Float64Array, stride: number, first: number): void {
  const kc = k[r];
  let i = 0;
  while (i < outLen) {
    if (direct[i] === 0) {
      i++;
      continue;
    }
    const c = base + outStart + i;
    const d = first + i * stride;
    if (i + 3 < outLen && direct[i + 1] === 1 && direct[i + 2] === 1 && direct[i + 3] === 1) {
      // l_q = v[c + q − j], r_q = v[c + q + j]
      let l0 = src[c], l1 = src[c + 1], l2 = src[c + 2], l3 = src[c + 3];
      let r1 = l1, r2 = l2, r3 = l3;
      let a0 = kc * l0, a1 = kc * l1, a2 = kc * l2, a3 = kc * l3;
      for (let j = 1; j <= r; j++) {
        l3 = l2;
        l2 = l1;
        l1 = l0;
        l0 = src[c - j];
        const r0 = r1;
        r1 = r2;
        r2 = r3;
        r3 = src[c + 3 + j];
        const kj = k[r + j];
        a0 += kj * (l0 + r0);
        a1 += kj * (l1 + r1);
        a2 += kj * (l2 + r2);
        a3 += kj * (l3 + r3);
      }
      dst[d] = a0;
      dst[d + stride] = a1;
      dst[d + 2 * stride] = a2;
      dst[d + 3 * stride] = a3;
      i += 4;
    } else {
      let acc = kc * src[c];
      for (let j = 1; j <= r; j++) acc += k[r + j] * (src[c - j] + src[c + j]);
      dst[d] = acc;
      i++;
    }
  }
}

/** the inner sums of blurColumns (see columnSums) */
export type ColumnSums = (src: Float64Array, c: number, up: Int32Array, down: Int32Array, k: Float64Array, r: number,
  x: number, e: number, dst: Float64Array, d: number, upAt?: number, downAt?: number) => void;

/**
 * dst[d + q] = k_0·v[c + q] + Σ_{j=1..r} k_j·(v[up_j + q] + v[down_j + q]) for q in x..e − 1,
 * j ascending (k holds the 2r + 1 weights, centre at k[r]), four columns at a time; up_j is
 * up[upAt + j], down_j down[downAt + j].
 */
export function columnSums(src: Float64Array, c: number, up: Int32Array, down: Int32Array, k: Float64Array, r: number,
  x: number, e: number, dst: Float64Array, d: number, upAt = 0, downAt = 0): void {
  const kc = k[r];
  let q = x;
  for (; q + 3 < e; q += 4) {
    let a0 = kc * src[c + q], a1 = kc * src[c + q + 1], a2 = kc * src[c + q + 2], a3 = kc * src[c + q + 3];
    for (let j = 1; j <= r; j++) {
      const kj = k[r + j];
      const u = up[upAt + j] + q;
      const w = down[downAt + j] + q;
      a0 += kj * (src[u] + src[w]);
      a1 += kj * (src[u + 1] + src[w + 1]);
      a2 += kj * (src[u + 2] + src[w + 2]);
      a3 += kj * (src[u + 3] + src[w + 3]);
    }
    dst[d + q] = a0;
    dst[d + q + 1] = a1;
    dst[d + q + 2] = a2;
    dst[d + q + 3] = a3;
  }
  for (; q < e; q++) {
    let a = kc * src[c + q];
    for (let j = 1; j <= r; j++) a += k[r + j] * (src[up[upAt + j] + q] + src[down[downAt + j] + q]);
    dst[d + q] = a;
  }
}

/** the block sums of the pixels the block-sum path needs (see blockSums) */
export type BlockSums = (src: Float64Array, c: number, k: Float64Array, r: number, rows: number, dst: Float64Array) => void;

/**
 * For a strip 8 values wide with contiguous rows: dst[8o + q] = k_0·v[c + 8o + q] +
 * Σ_{j=1..r} k_j·(v[c + 8(o − j) + q] + v[c + 8(o + j) + q]) for o < rows, j ascending: columnSums
 * with unclamped windows (the same bits).
 */
export function blockSums(src: Float64Array, c: number, k: Float64Array, r: number, rows: number, dst: Float64Array): void {
  const kc = k[r];
  for (let o = 0; o < rows; o++) {
    for (let q = 0; q < 8; q++) {
      const at = c + 8 * o + q;
      let a = kc * src[at];
      for (let j = 1; j <= r; j++) a += k[r + j] * (src[at - 8 * j] + src[at + 8 * j]);
      dst[8 * o + q] = a;
    }
  }
}

/** Σ_{i<n} k[kAt + i]·a[at + i] (see dot) */
export type Dot = (a: Float64Array, at: number, k: Float64Array, kAt: number, n: number) => number;

/**
 * Σ_{i<n} k[kAt + i]·a[at + i] in four interleaved partial sums (i mod 4) over the first n − n mod 4
 * terms and the rest after, ((s0 + s1) + (s2 + s3)) + tail: the SIMD dot's order (the same bits).
 */
export function dot(a: Float64Array, at: number, k: Float64Array, kAt: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t = 0;
  const m = n & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    s0 += k[kAt + i] * a[at + i];
    s1 += k[kAt + i + 1] * a[at + i + 1];
    s2 += k[kAt + i + 2] * a[at + i + 2];
    s3 += k[kAt + i + 3] * a[at + i + 3];
  }
  for (; i < n; i++) t += k[kAt + i] * a[at + i];
  return ((s0 + s1) + (s2 + s3)) + t;
}

/** Whole-canvas blur (tests, one-off use); the compositor blurs tiles itself. */
export function gaussianBlur(src: ArrayLike<number>, height: number, width: number, sigma: number): Float64Array {
  const kernel = gaussianKernel(sigma);
  const a = Float64Array.from(src);
  if (kernel.radius === 0) return a;
  const t = new Float64Array(height * width);
  const out = new Float64Array(height * width);
  const scratch = blurScratch(Math.max(height, width));
  blurRows(a, height, width, 0, width, 0, width, kernel, kernelTails(kernel), scratch, t);
  blurColumns(t, width, 0, height, 0, height, kernel, scratch, out);
  return out;
}
