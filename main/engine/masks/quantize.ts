/**
 * Mask quantization against the noise levels (ENGINE-SPEC §3.4) and area downsampling to the
 * latent grid (§3.5).
 */

export type MaskType = 'continuous' | 'semi-continuous' | 'discrete';
export const MASK_TYPES: readonly MaskType[] = ['continuous', 'semi-continuous', 'discrete'];

/**
 * Q_k for a mask value m at step k, given n_0..n_T (n_T = 0). Continuous with equal
 * neighbouring levels degenerates to the step it approximates.
 */
export function quantizeValue(m: number, k: number, noiseLevels: Float64Array, maskType: MaskType): number {
  const steps = noiseLevels.length - 1;
  const nk = noiseLevels[k];
  const continuous = maskType === 'continuous' || (maskType === 'semi-continuous' && k === steps - 1);
  if (!continuous) return m > nk ? 1 : 0;
  const next = noiseLevels[k + 1];
  const span = nk - next;
  if (!(span > 0)) return m > nk ? 1 : 0;
  const q = (m - next) / span;
  return q <= 0 ? 0 : q >= 1 ? 1 : q;
}

/** Quantizes one canvas-sized mask (tests, one-off use); returns one canvas mask per step. */
export function quantizeMask(mask: ArrayLike<number>, noiseLevels: Float64Array, maskType: MaskType): Float64Array[] {
  const steps = noiseLevels.length - 1;
  const out: Float64Array[] = [];
  for (let k = 0; k < steps; k++) {
    const q = new Float64Array(mask.length);
    for (let i = 0; i < mask.length; i++) q[i] = quantizeValue(mask[i], k, noiseLevels, maskType);
    out.push(q);
  }
  return out;
}

/** Area average of 8×8 blocks (any factor): `height × width` → `height/f × width/f`. */
export function downsampleArea(src: ArrayLike<number>, height: number, width: number, factor = 8): Float64Array {
  const h = height / factor;
  const w = width / factor;
  const out = new Float64Array(h * w);
  const inv = 1 / (factor * factor);
  for (let by = 0; by < h; by++) {
    for (let bx = 0; bx < w; bx++) {
      let s = 0;
      for (let y = by * factor; y < (by + 1) * factor; y++) {
        for (let x = bx * factor; x < (bx + 1) * factor; x++) s += src[y * width + x];
      }
      out[by * w + bx] = s * inv;
    }
  }
  return out;
}

/**
 * Each step as a ramp from `lo` over `span` (span 0 = the discrete threshold at lo): Q_k is
 * positive exactly when strength · M > lo[k].
 */
export function stepRamps(noiseLevels: Float64Array, maskType: MaskType): { lo: Float64Array; span: Float64Array } {
  const T = noiseLevels.length - 1;
  const lo = new Float64Array(T);
  const span = new Float64Array(T);
  for (let k = 0; k < T; k++) {
    const continuous = maskType === 'continuous' || (maskType === 'semi-continuous' && k === T - 1);
    const s = noiseLevels[k] - noiseLevels[k + 1];
    lo[k] = continuous && s > 0 ? noiseLevels[k + 1] : noiseLevels[k];
    span[k] = continuous && s > 0 ? s : 0;
  }
  return { lo, span };
}

/** clip((v − lo) / span, 0, 1), dividing only on the ramp (span 0: the threshold at lo) */
export function quantizeWith(v: number, lo: number, span: number): number {
  if (!(v > lo)) return 0;
  if (span === 0) return 1;
  const d = v - lo;
  return d >= span ? 1 : d / span;
}

/**
 * Q_k of one block from bounds on its values (low === high: the block is that one value): true
 * with `q` filled when every step is decided by them, except that a step whose ramp holds the
 * whole block is NaN (its value is the ramp of the block mean: quantizeLinear); false when a
 * kink of some step passes through the bounds (then the block's pixels decide).
 */
export function quantizeBounds(low: number, high: number, strength: number, lo: Float64Array, span: Float64Array,
  q: Float64Array): boolean {
  const T = lo.length;
  if (low === high) {
    const v = low * strength;
    for (let k = 0; k < T; k++) q[k] = quantizeWith(v, lo[k], span[k]);
    return true;
  }
  const a = low * strength;
  const b = high * strength;
  for (let k = 0; k < T; k++) {
    const l = lo[k];
    const sp = span[k];
    if (b <= l) q[k] = 0;
    else if (sp === 0) {
      if (a > l) q[k] = 1;
      else return false;
    } else if (a - l >= sp) q[k] = 1;
    else if (a >= l && b - l <= sp) q[k] = NaN;
    else return false;
  }
  return true;
}

/** whether quantizeBounds left a step to the block mean */
export function needsMean(q: Float64Array): boolean {
  for (let k = 0; k < q.length; k++) if (q[k] !== q[k]) return true;
  return false;
}

/** the steps quantizeBounds left (NaN) from the block mean: on one linear piece the mean of the ramp is the ramp of the mean */
export function quantizeLinear(mean: number, strength: number, lo: Float64Array, span: Float64Array, q: Float64Array): void {
  for (let k = 0; k < q.length; k++) {
    if (q[k] === q[k]) continue;
    const m = (mean * strength - lo[k]) / span[k];
    q[k] = m <= 0 ? 0 : m >= 1 ? 1 : m;
  }
}

/** quantizeBounds and quantizeLinear: Q_k of one block from its summary, or false when its pixels decide */
export function quantizeSummary(mean: number, low: number, high: number, strength: number, lo: Float64Array,
  span: Float64Array, q: Float64Array): boolean {
  if (!quantizeBounds(low, high, strength, lo, span, q)) return false;
  quantizeLinear(mean, strength, lo, span, q);
  return true;
}

/**
 * Q_k of one block from its F² blurred values (strength applied here), `m[base + y·stride + x]`:
 * flat blocks quantize once, steps the whole block lies on one side of need no pixel visits.
 */
export function quantizePixels(m: Float64Array, base: number, stride: number, F: number, strength: number,
  lo: Float64Array, span: Float64Array, q: Float64Array): void {
  const T = lo.length;
  const inv = 1 / (F * F);
  let min = m[base];
  let max = min;
  for (let y = 0; y < F; y++) {
    const row = base + y * stride;
    for (let x = 0; x < F; x++) {
      const v = m[row + x];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
  }
  if (min === max) {
    const v = min * strength;
    for (let k = 0; k < T; k++) q[k] = quantizeWith(v, lo[k], span[k]);
    return;
  }
  const lowest = min * strength;
  const highest = max * strength;
  for (let k = 0; k < T; k++) {
    const l = lo[k];
    const sp = span[k];
    if (!(highest > l)) q[k] = 0;
    else if (lowest > l && (sp === 0 || lowest - l >= sp)) q[k] = 1;
    else {
      let sum = 0;
      for (let y = 0; y < F; y++) {
        const row = base + y * stride;
        for (let x = 0; x < F; x++) sum += quantizeWith(m[row + x] * strength, l, sp);
      }
      q[k] = sum * inv;
    }
  }
}

/**
 * Strength, quantization per step and `factor`×`factor` area average for the blocks of a
 * block-aligned canvas window; `m` holds the blurred mask with origin (mx0, my0) and row
 * stride `stride`. Writes `out[k]` (latent-sized, `latentWidth` wide) on those blocks only.
 */
export function quantizeBlocks(m: Float64Array, stride: number, mx0: number, my0: number,
  window: { x0: number; y0: number; x1: number; y1: number }, strength: number,
  noiseLevels: Float64Array, maskType: MaskType, out: readonly Float32Array[], latentWidth: number, factor = 8): void {
  const F = factor;
  const T = noiseLevels.length - 1;
  const q = new Float64Array(T);
  const { lo, span } = stepRamps(noiseLevels, maskType);
  for (let by = window.y0 / F; by < window.y1 / F; by++) {
    for (let bx = window.x0 / F; bx < window.x1 / F; bx++) {
      quantizePixels(m, (by * F - my0) * stride + (bx * F - mx0), stride, F, strength, lo, span, q);
      const li = by * latentWidth + bx;
      for (let k = 0; k < T; k++) out[k][li] = q[k];
    }
  }
}
