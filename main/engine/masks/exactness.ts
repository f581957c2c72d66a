/**
 * What keeps incremental blurring exact where it matters. An incremental update adds
 * blur(new − old) to the stored blur; its float result differs from a full recompute by a few
 * units in the last place. These rigorous bounds say by how much at most, so every pixel whose
 * quantization could go either way (near 0 or near a threshold n_k) can be recomputed the
 * full way, and pixels that no input reaches can be set to exactly 0.
 *
 * The bounds assume blur inputs within 0..1 (masks are 0..1 by contract) and use the standard
 * result that float summation errs by at most u·(Σ|partial sums| + Σ|products|): every partial
 * sum here is itself a (partial) blur, so bounded by the largest input.
 */

import { jumpLimit } from './blur';

/** float64 unit roundoff, with slack for the (1 − n·u)⁻¹ factors */
export const UNIT = 2 ** -53 * 1.01;

/**
 * Largest allowed bound on |incremental − full| per latent block before the block is
 * recomputed: well under the smallest positive blur an alpha mask can give at the suggested
 * σ ≤ 32 (1/255 · 0.3 · k_r² ≈ 2·10⁻¹¹), so that "value > 0" rarely needs a recompute.
 */
export const DRIFT_CAP = 1e-11;

/**
 * Error of one separable pass over values within ±m: a window sums either directly (r + 1
 * products of a weight and a pair sum, r + 1 partial sums: below (2r + 4)·u·m) or as first
 * value plus its changes (fewer than jumpLimit(r); a row has at most `changes`) as jumps of at
 * most 2m times a stored tail (each off by at most `tailErr`).
 */
function passError(r: number, changes: number, m: number, tailErr: number): number {
  const limit = jumpLimit(r);
  const nb = Math.min(changes, limit - 1);
  const jumps = UNIT * (3 * nb + 1) + 2 * nb * tailErr;
  return m * (changes < limit ? jumps : Math.max(UNIT * (2 * r + 4), jumps));
}

/** bound on |full-path blur − exact real blur with the stored weights| for inputs in 0..1 */
export function fullBlurError(r: number, tailErr: number): number {
  if (r === 0) return 0;
  // pass 1, then pass 2 over its output (which carries pass 1's error through weights summing to 1)
  return 2 * passError(r, r, 1, tailErr) + 2 * UNIT;
}

/**
 * Bound on the error one incremental update adds: D = new − old input (|D| ≤ m, rounded once),
 * pass 1 along D's `lines` nonzero lines (at most `changes` jumps each), the sparse sum of
 * `lines` terms along the other axis (the two edge lines' weights are stored tails), then the
 * addition to a stored value within 0..1.
 */
export function deltaBlurError(r: number, changes: number, lines: number, m: number, tailErr: number): number {
  const pass1 = passError(r, changes, m, tailErr) + UNIT * m;
  return pass1 + UNIT * m * (lines + 1) + 2 * m * tailErr + 2 * UNIT;
}

/**
 * 1 where some nonzero input lies within the clamped (2r + 1)² window of an output pixel: there
 * the blur is positive, elsewhere the full path gives exactly 0. `nonzero` (1 = input ≠ 0) holds
 * rows iy0.. and columns ix0.. (width iw, height ih) covering every clamped window of the
 * outputs (ox0..ox0+ow, oy0..oy0+oh); the result is ow wide.
 */
export function supportMap(nonzero: Uint8Array, ix0: number, iy0: number, iw: number, ih: number,
  ox0: number, oy0: number, ow: number, oh: number, height: number, r: number): Uint8Array {
  // rows: each run of nonzeros reaches r columns either side (windows clip at the canvas edge,
  // which never adds a pixel)
  const rowHas = new Uint8Array(ih * ow);
  const rowAny = new Uint8Array(ih);
  for (let y = 0; y < ih; y++) {
    const off = y * iw;
    let x = 0;
    while (x < iw) {
      if (nonzero[off + x] === 0) {
        x++;
        continue;
      }
      let e = x;
      while (e + 1 < iw && nonzero[off + e + 1] !== 0) e++;
      const c0 = Math.max(ix0 + x - r, ox0) - ox0;
      const c1 = Math.min(ix0 + e + r, ox0 + ow - 1) - ox0;
      if (c1 >= c0) {
        rowHas.fill(1, y * ow + c0, y * ow + c1 + 1);
        rowAny[y] = 1;
      }
      x = e + 1;
    }
  }
  // columns: a sliding count of rows with a hit over each output's window
  const count = new Int32Array(ow);
  const out = new Uint8Array(oh * ow);
  let lo = 0;
  let hi = 0;
  for (let o = 0; o < oh; o++) {
    const y = oy0 + o;
    const wlo = Math.max(0, y - r) - iy0;
    const whi = Math.min(height - 1, y + r) - iy0 + 1;
    for (; hi < whi; hi++) if (rowAny[hi]) for (let c = 0; c < ow; c++) count[c] += rowHas[hi * ow + c];
    for (; lo < wlo; lo++) if (rowAny[lo]) for (let c = 0; c < ow; c++) count[c] -= rowHas[lo * ow + c];
    const dst = o * ow;
    for (let c = 0; c < ow; c++) out[dst + c] = count[c] > 0 ? 1 : 0;
  }
  return out;
}
