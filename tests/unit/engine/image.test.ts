import { imageToRgba, imageToRgbaCounting, rgbaToImage } from '../../../main/engine/image';
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
