/** Conversions between RGBA8 canvases and the VAE's NCHW images in [-1, 1] (spec §7). */

/** RGBA8 (alpha ignored) → 1 × 3 × H × W in [-1, 1] */
export function rgbaToImage(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Float32Array {
  const n = width * height;
  const out = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) {
    out[p] = rgba[4 * p] / 127.5 - 1;
    out[n + p] = rgba[4 * p + 1] / 127.5 - 1;
    out[2 * n + p] = rgba[4 * p + 2] / 127.5 - 1;
  }
  return out;
}

/**
 * 1 × 3 × H × W in about [-1, 1] → RGBA8: clip((x + 1) / 2, 0, 1) · 255, rounded to nearest
 * (Uint8ClampedArray clips and rounds, ties to even); opaque. On the per-frame hot path.
 */
export function imageToRgba(image: Float32Array, width: number, height: number,
  out: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4)): Uint8ClampedArray {
  const n = width * height;
  const g = n;
  const b = 2 * n;
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    out[q] = image[p] * 127.5 + 127.5;
    out[q + 1] = image[g + p] * 127.5 + 127.5;
    out[q + 2] = image[b + p] * 127.5 + 127.5;
    out[q + 3] = 255;
  }
  return out;
}

/**
 * The white picture as the VAE takes it, 1 × 3 × H × W: rgbaToImage of an all-255 canvas
 * (255 / 127.5 − 1 = 1 exactly) without the RGBA canvas and the conversion in between.
 */
export function whiteImage(width: number, height: number): Float32Array {
  return new Float32Array(3 * width * height).fill(1);
}
