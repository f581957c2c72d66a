import { imageToRgba, imageToRgbaCounting, imageToRgbaCountingJs, rgbaToImage, rgbaUsesSimd } from '../../../main/engine/image';
import { Xoshiro128 } from '../../../main/engine/random';

/** the definition: Uint8ClampedArray's own conversion (clip, round to nearest, ties to even, NaN → 0) */
function reference(image: Float32Array, width: number, height: number): Uint8ClampedArray {
  const n = width * height;
  const out = new Uint8ClampedArray(4 * n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = image[c * n + p] * 127.5 + 127.5;
    out[4 * p + 3] = 255;
  }
  return out;
}

describe('decoded image → RGBA8', () => {
  test('the same bytes as Uint8ClampedArray: ties to even, clipping, NaN and ±∞; non-finite values counted', () => {
    const width = 97;
    const height = 61;
    const n = width * height;
    const rng = new Xoshiro128(5);
    const image = new Float32Array(3 * n);
    let nonFinite = 0;
    for (let i = 0; i < image.length; i++) {
      const kind = i % 7;
      const k = Math.floor(rng.nextDouble() * 256);
      if (kind === 0) image[i] = (k + 0.5 - 127.5) / 127.5; // near a tie
      else if (kind === 1) image[i] = rng.nextDouble() * 3 - 1.5; // beyond both ends
      else if (kind === 2) image[i] = (k - 127.5) / 127.5; // exactly on a level
      else if (kind === 3 && i % 5 === 0) image[i] = [NaN, Infinity, -Infinity][i % 3];
      else image[i] = rng.nextDouble() * 2 - 1;
      if (!Number.isFinite(image[i])) nonFinite++;
    }
    // an exact tie in every channel: 0 · 127.5 + 127.5 = 127.5 → 128 (to even), never 127
    for (let c = 0; c < 3; c++) image[c * n] = 0;
    expect(nonFinite).toBeGreaterThan(0);
    const out = new Uint8ClampedArray(4 * n).fill(7);
    expect(imageToRgbaCounting(image, width, height, out)).toBe(nonFinite);
    expect(Buffer.from(out).equals(Buffer.from(reference(image, width, height)))).toBe(true);
    expect(Buffer.from(imageToRgba(image, width, height)).equals(Buffer.from(out))).toBe(true);
    expect([out[0], out[1], out[2]]).toEqual([128, 128, 128]);
  });

  test('WebAssembly and JavaScript give the same bytes and counts over several chunks, odd sizes and values at the edges', () => {
    const width = 301, height = 257; // 77 357 pixels: two chunks of the WebAssembly path, the second odd
    const n = width * height;
    const rng = new Xoshiro128(11);
    const image = new Float32Array(3 * n);
    const edges = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 1, -1, 0.5 / 127.5, -0.5 / 127.5, 127.5 / 127.5, 3e38, -3e38, NaN, Infinity, -Infinity];
    let nonFinite = 0;
    for (let i = 0; i < image.length; i++) {
      image[i] = i % 3 === 0 ? edges[i % edges.length] : i % 3 === 1 ? (Math.floor(rng.nextDouble() * 256) + 0.5 - 127.5) / 127.5 : rng.nextDouble() * 2.4 - 1.2;
      if (!Number.isFinite(image[i])) nonFinite++;
    }
    const want = reference(image, width, height);
    expect(rgbaUsesSimd()).toBe(true);
    const wasm = new Uint8ClampedArray(4 * n), js = new Uint8ClampedArray(4 * n);
    expect(imageToRgbaCounting(image, width, height, wasm)).toBe(nonFinite);
    expect(imageToRgbaCountingJs(image, width, height, js)).toBe(nonFinite);
    expect(Buffer.from(wasm).equals(Buffer.from(want))).toBe(true);
    expect(Buffer.from(js).equals(Buffer.from(want))).toBe(true);
  });

  test('a finite image counts 0 and round-trips an RGBA picture exactly', () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = i % 4 === 3 ? 255 : (i * 37) % 256;
    const out = new Uint8ClampedArray(rgba.length);
    expect(imageToRgbaCounting(rgbaToImage(rgba, width, height), width, height, out)).toBe(0);
    expect([...out]).toEqual([...rgba]);
  });
});
