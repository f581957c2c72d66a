/**
 * Incremental blur: blur is linear, so blur(new) = blur(old) + blur(new − old). A stroke's
 * difference D is nonzero on few rows (or columns): the first pass runs along those lines only
 * (cheap, they are piecewise constant) and the second pass is a sparse sum over them, about
 * `lines` products per output instead of 2r + 1.
 */
import { convolveRowsTransposed, type BlurScratch, type GaussianKernel } from './blur';
import type { Rect } from './rect';

/** where a difference D (dense on a rectangle) is nonzero */
export interface DifferenceShape {
  /** rectangle rows (0-based within the rectangle) holding a nonzero, ascending */
  readonly rows: Int32Array;
  readonly rowCount: number;
  /** rectangle columns holding a nonzero, ascending */
  readonly cols: Int32Array;
  readonly colCount: number;
  /** max |D| */
  readonly maxAbs: number;
  /** most value changes along one row / one column, counting the zero padding around */
  readonly rowChanges: number;
  readonly colChanges: number;
}

export function differenceShape(d: Float64Array, w: number, h: number): DifferenceShape {
  const rows = new Int32Array(h);
  const colHas = new Uint8Array(w);
  let rowCount = 0;
  let maxAbs = 0;
  let rowChanges = 0;
  for (let y = 0; y < h; y++) {
    const off = y * w;
    let prev = 0;
    let changes = 0;
    let any = false;
    for (let x = 0; x < w; x++) {
      const v = d[off + x];
      if (v !== prev) changes++;
      prev = v;
      if (v !== 0) {
        any = true;
        colHas[x] = 1;
        const a = v < 0 ? -v : v;
        if (a > maxAbs) maxAbs = a;
      }
    }
    if (prev !== 0) changes++;
    if (any) rows[rowCount++] = y;
    if (changes > rowChanges) rowChanges = changes;
  }
  const cols = new Int32Array(w);
  let colCount = 0;
  let colChanges = 0;
  for (let x = 0; x < w; x++) {
    if (!colHas[x]) continue;
    cols[colCount++] = x;
    let prev = 0;
    let changes = 0;
    for (let y = 0; y < h; y++) {
      const v = d[y * w + x];
      if (v !== prev) changes++;
      prev = v;
    }
    if (prev !== 0) changes++;
    if (changes > colChanges) colChanges = changes;
  }
  return { rows, rowCount, cols, colCount, maxAbs, rowChanges, colChanges };
}

export interface DeltaBuffers {
  readonly lines: Float64Array;
  readonly pass1: Float64Array;
  readonly scratch: BlurScratch;
  /** sparse weights, one per line */
  readonly weights: Float64Array;
}

/**
 * target += blur(D) on the output window `out` (target is canvas-sized, row-major). D is dense
 * on `rect` (row-major, rect width); `byRows` runs pass 1 along D's nonzero rows (else along its
 * nonzero columns). Returns the number of lines used.
 */
export function addBlurOfDifference(d: Float64Array, rect: Rect, shape: DifferenceShape, byRows: boolean,
  out: Rect, width: number, height: number, kernel: GaussianKernel, tails: Float64Array,
  buffers: DeltaBuffers, target: Float64Array): number {
  const r = kernel.radius;
  const rw = rect.x1 - rect.x0;
  const ow = out.x1 - out.x0;
  const oh = out.y1 - out.y0;
  const { lines, pass1 } = buffers;
  const n = byRows ? shape.rowCount : shape.colCount;
  const idx = byRows ? shape.rows : shape.cols;
  const global = new Int32Array(n);
  if (byRows) {
    // each nonzero row over every column its outputs reach (zeros outside the rectangle)
    const ix0 = Math.max(0, out.x0 - r);
    const iw = Math.min(width, out.x1 + r) - ix0;
    lines.fill(0, 0, n * iw);
    for (let j = 0; j < n; j++) {
      const ry = idx[j];
      global[j] = rect.y0 + ry;
      lines.set(d.subarray(ry * rw, (ry + 1) * rw), j * iw + rect.x0 - ix0);
    }
    convolveRowsTransposed(lines, n, iw, ix0, width, out.x0, ow, kernel, tails, buffers.scratch, pass1);
    sparseSum(pass1, n, global, height, out.y0, oh, ow, kernel, tails, buffers.weights, target, out.y0 * width + out.x0, width, 1);
  } else {
    const iy0 = Math.max(0, out.y0 - r);
    const ih = Math.min(height, out.y1 + r) - iy0;
    const rh = rect.y1 - rect.y0;
    lines.fill(0, 0, n * ih);
    for (let j = 0; j < n; j++) {
      const cx = idx[j];
      global[j] = rect.x0 + cx;
      const base = j * ih + rect.y0 - iy0;
      for (let y = 0; y < rh; y++) lines[base + y] = d[y * rw + cx];
    }
    convolveRowsTransposed(lines, n, ih, iy0, height, out.y0, oh, kernel, tails, buffers.scratch, pass1);
    sparseSum(pass1, n, global, width, out.x0, ow, oh, kernel, tails, buffers.weights, target, out.y0 * width + out.x0, 1, width);
  }
  return n;
}

/**
 * Pass 2 over the n lines at global positions `pos` (ascending) along an axis of length
 * `extent`: target[base + a·strideA + b·strideB] += Σ_j w_j(aStart + a)·p[b·n + j], where
 * w_j(x) is the weight the clamped kernel centred at x gives position pos[j] (an edge line
 * also takes the weight of everything beyond the edge).
 */
function sparseSum(p: Float64Array, n: number, pos: Int32Array, extent: number, aStart: number, aLen: number,
  bLen: number, kernel: GaussianKernel, tails: Float64Array, w: Float64Array, target: Float64Array,
  base: number, strideA: number, strideB: number): void {
  const r = kernel.radius;
  const k = kernel.weights;
  const last = extent - 1;
  for (let a = 0; a < aLen; a++) {
    const x = aStart + a;
    let jlo = -1;
    let jhi = -1;
    for (let j = 0; j < n; j++) {
      const g = pos[j];
      let v: number;
      if (last === 0) v = 1;
      // Σ_{t ≤ −x} k_t, and by the kernel's symmetry that is the tail from x
      else if (g === 0) v = x <= r ? tails[x + r] : 0;
      else if (g === last) v = last - x <= r ? tails[last - x + r] : 0;
      else v = g - x <= r && x - g <= r ? k[g - x + r] : 0;
      w[j] = v;
      if (v !== 0) {
        if (jlo < 0) jlo = j;
        jhi = j;
      }
    }
    if (jlo < 0) continue;
    const t0 = base + a * strideA;
    let b = 0;
    // four outputs per pass share each weight load
    for (; b + 3 < bLen; b += 4) {
      const o0 = b * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = jlo; j <= jhi; j++) {
        const wj = w[j];
        s0 += wj * p[o0 + j];
        s1 += wj * p[o1 + j];
        s2 += wj * p[o2 + j];
        s3 += wj * p[o3 + j];
      }
      const t = t0 + b * strideB;
      target[t] += s0;
      target[t + strideB] += s1;
      target[t + 2 * strideB] += s2;
      target[t + 3 * strideB] += s3;
    }
    for (; b < bLen; b++) {
      const o = b * n;
      let s = 0;
      for (let j = jlo; j <= jhi; j++) s += w[j] * p[o + j];
      target[t0 + b * strideB] += s;
    }
  }
}
