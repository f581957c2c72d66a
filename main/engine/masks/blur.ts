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

/** Scratch for convolveRowsTransposed, sized for rows of up to `maxLen` values. */
export interface BlurScratch {
  readonly boundary: Int32Array;
  readonly delta: Float64Array;
  /** 1 where an output still needs the direct interior sum */
  readonly direct: Uint8Array;
}

export function blurScratch(maxLen: number): BlurScratch {
  return { boundary: new Int32Array(maxLen + 1), delta: new Float64Array(maxLen + 1), direct: new Uint8Array(maxLen + 4) };
}

/**
 * Convolves `rows` rows along their length and writes the result transposed, so calling it
 * twice blurs both axes and returns to row-major order.
 *
 * Row `row` of `src` starts at `row * srcLen` and holds axis positions
 * `srcStart .. srcStart + srcLen - 1`; it must cover every position the window reaches after
 * clamping to `0 .. extent - 1`. Output positions `outStart .. outStart + outLen - 1` go to
 * `dst[dstOffset + (pos - outStart) * dstStride + row]` (by default packed: offset 0, stride
 * `rows`).
 *
 * Painted masks are piecewise constant along a row, so a window usually holds only a few
 * value changes: the sum is then the window's first value plus each change times the kernel
 * weight beyond it (exact, and O(changes) instead of O(r)). Windows with many changes (the
 * second, already smooth pass) are summed directly (see jumpLimit). Each output depends only
 * on the values in its window, so blurring a sub-window gives the same bits as blurring the
 * whole canvas.
 */
export function convolveRowsTransposed(
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
  dstOffset = 0,
  dstStride = rows,
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
    let lo = 0;
    let hi = 0;
    let anyDirect = false;
    for (let pos = outStart; pos < outEnd; pos++) {
      // changes strictly inside the clamped window: pos − r < b ≤ pos + r
      while (boundary[lo] <= pos - r) lo++;
      while (boundary[hi] <= pos + r) hi++;
      let acc: number;
      direct[pos - outStart] = 0;
      if (hi - lo < jumps) {
        acc = src[off + (pos - r < 0 ? 0 : pos - r) - srcStart];
        for (let b = lo; b < hi; b++) acc += delta[b] * tails[boundary[b] - pos + r];
      } else if (pos >= intStart && pos < intEnd) {
        direct[pos - outStart] = 1;
        anyDirect = true;
        continue;
      } else {
        acc = 0;
        for (let j = -r; j <= r; j++) {
          let g = pos + j;
          if (g < 0) g = 0;
          else if (g > last) g = last;
          acc += k[r + j] * src[off + g - srcStart];
        }
      }
      dst[dstOffset + (pos - outStart) * dstStride + row] = acc;
    }
    if (anyDirect) directSums(src, off - srcStart, outStart, outLen, k, r, direct, dst, dstStride, dstOffset + row);
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

/** Whole-canvas blur (tests, one-off use); the compositor blurs windows itself. */
export function gaussianBlur(src: ArrayLike<number>, height: number, width: number, sigma: number): Float64Array {
  const kernel = gaussianKernel(sigma);
  const a = Float64Array.from(src);
  if (kernel.radius === 0) return a;
  const t = new Float64Array(height * width);
  const out = new Float64Array(height * width);
  const tails = kernelTails(kernel);
  const scratch = blurScratch(Math.max(height, width));
  convolveRowsTransposed(a, height, width, 0, width, 0, width, kernel, tails, scratch, t);
  convolveRowsTransposed(t, width, height, 0, height, 0, height, kernel, tails, scratch, out);
  return out;
}

/**
 * Largest |tails[i] − Σ_{j≥u} k_j| over all entries, the sums taken exactly (double-double)
 * over the stored weights: the error bounds of the incremental blur need it.
 */
export function tailRoundingError(kernel: GaussianKernel, tails: Float64Array): number {
  const r = kernel.radius;
  let hi = 0;
  let lo = 0;
  let worst = 0;
  for (let u = r; u >= -r; u--) {
    const w = kernel.weights[u + r];
    const s = hi + w;
    const bb = s - hi;
    lo += (hi - (s - bb)) + (w - bb);
    hi = s;
    worst = Math.max(worst, Math.abs(tails[u + r] - hi - lo));
  }
  return worst;
}
