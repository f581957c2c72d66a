/** Conversions between RGBA8 canvases and the VAE's NCHW images in [-1, 1] (spec §7). */
import { WASM_BASE64 } from './wasm/rgba.wasm';

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
 * (Uint8ClampedArray clips and rounds, ties to even; NaN → 0); opaque. On the per-frame hot path.
 */
export function imageToRgba(image: Float32Array, width: number, height: number,
  out: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4)): Uint8ClampedArray {
  imageToRgbaCounting(image, width, height, out);
  return out;
}

/** 1.5 · 2⁵²: (v + ROUND) − ROUND rounds a double in 0..2⁵¹ to the nearest integer, ties to even */
const ROUND = 6755399441055744;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** pixels converted per WebAssembly call (the module's memory holds one chunk: 16 B a pixel) */
const CHUNK = 1 << 16;

interface RgbaModule {
  toRgba(img: number, n: number, out: number): number;
  memory: WebAssembly.Memory;
}

let rgbaModule: RgbaModule | null | undefined;

/** wasm/rgba.wat instantiated with room for one chunk, or null without WebAssembly SIMD (or PALETTE_SIMD=0) */
function simdRgba(): RgbaModule | null {
  if (rgbaModule === undefined) {
    rgbaModule = null;
    if (process.env.PALETTE_SIMD !== '0') {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil((16 * CHUNK) / 65536) });
        const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64')), { env: { memory } });
        rgbaModule = { toRgba: (inst.exports as unknown as RgbaModule).toRgba, memory };
      } catch {
        rgbaModule = null;
      }
    }
  }
  return rgbaModule;
}

/** whether imageToRgbaCounting runs as WebAssembly SIMD here */
export function rgbaUsesSimd(): boolean {
  return LITTLE_ENDIAN && simdRgba() !== null;
}

/**
 * imageToRgba, returning how many values were NaN or infinite (the decode's health check, in
 * the same pass). The same bytes as Uint8ClampedArray's conversion (tests/unit/engine/image.test.ts):
 * WebAssembly SIMD (wasm/rgba.wat, the same f64 operations) a chunk at a time where available,
 * else imageToRgbaCountingJs.
 */
export function imageToRgbaCounting(image: Float32Array, width: number, height: number, out: Uint8ClampedArray): number {
  const mod = LITTLE_ENDIAN ? simdRgba() : null;
  if (!mod) return imageToRgbaCountingJs(image, width, height, out);
  const n = width * height;
  const f32 = new Float32Array(mod.memory.buffer, 0, 3 * CHUNK);
  const words = new Uint8Array(mod.memory.buffer, 12 * CHUNK, 4 * CHUNK);
  let bad = 0;
  for (let p0 = 0; p0 < n; p0 += CHUNK) {
    const m = Math.min(CHUNK, n - p0);
    for (let c = 0; c < 3; c++) f32.set(image.subarray(c * n + p0, c * n + p0 + m), c * m);
    bad += mod.toRgba(0, m, 12 * CHUNK);
    out.set(words.subarray(0, 4 * m), 4 * p0);
  }
  return bad;
}

/** imageToRgbaCounting in JavaScript, written a pixel at a time as one 32-bit word */
export function imageToRgbaCountingJs(image: Float32Array, width: number, height: number, out: Uint8ClampedArray): number {
  const n = width * height;
  let bad = 0;
  if (!LITTLE_ENDIAN) {
    for (let p = 0, q = 0; p < n; p++, q += 4) {
      for (let c = 0; c < 3; c++) {
        const v = image[c * n + p] * 127.5 + 127.5;
        if (v - v !== 0) bad++;
        out[q + c] = v;
      }
      out[q + 3] = 255;
    }
    return bad;
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, n);
  const R = image.subarray(0, n), G = image.subarray(n, 2 * n), B = image.subarray(2 * n, 3 * n);
  for (let p = 0; p < n; p++) {
    const r0 = R[p] * 127.5 + 127.5;
    const g0 = G[p] * 127.5 + 127.5;
    const b0 = B[p] * 127.5 + 127.5;
    // x − x is 0 for every finite x, NaN for NaN and ±∞; the sum is finite exactly when all three are
    const s = r0 + g0 + b0;
    if (s - s !== 0) bad += (r0 - r0 !== 0 ? 1 : 0) + (g0 - g0 !== 0 ? 1 : 0) + (b0 - b0 !== 0 ? 1 : 0);
    const r = r0 > 255 ? 255 : r0 > 0 ? (r0 + ROUND) - ROUND : 0;
    const g = g0 > 255 ? 255 : g0 > 0 ? (g0 + ROUND) - ROUND : 0;
    const b = b0 > 255 ? 255 : b0 > 0 ? (b0 + ROUND) - ROUND : 0;
    words[p] = r | (g << 8) | (b << 16) | 0xff000000;
  }
  return bad;
}

/**
 * The white picture as the VAE takes it, 1 × 3 × H × W: rgbaToImage of an all-255 canvas
 * (255 / 127.5 − 1 = 1 exactly) without the RGBA canvas and the conversion in between.
 */
export function whiteImage(width: number, height: number): Float32Array {
  return new Float32Array(3 * width * height).fill(1);
}
