/**
 * MultiDiffusion tiling for canvases larger than the model's native latent size
 * (ENGINE-SPEC §6). Every tile is exactly native-sized so all tiles batch together; the ramp
 * weights are normalised so they sum to one at every latent pixel.
 */

export interface Tile {
  /** top-left latent pixel and size */
  readonly y0: number;
  readonly x0: number;
  readonly height: number;
  readonly width: number;
  /** height × width weights; across tiles they sum to one at every latent pixel */
  readonly weights: Float64Array;
}

/** start offsets of the tiles along one axis of length `length` with tile size `native` */
export function tileStarts(length: number, native: number): number[] {
  if (length <= native) return [0];
  const m = Math.ceil((length - native) / (native / 2)) + 1;
  const starts: number[] = [];
  for (let j = 0; j < m; j++) starts.push(Math.floor((j * (length - native)) / (m - 1) + 0.5));
  return starts;
}

/** unnormalised ramp of tile j of m at in-tile position u (0..n-1) */
export function axisRamp(u: number, n: number, j: number, m: number): number {
  if (m === 1) return 1;
  if (j === 0 && u < n / 2) return n / 2;
  if (j === m - 1 && u >= n / 2) return n / 2;
  return Math.min(u + 1, n - u);
}

export function planTiles(latentHeight: number, latentWidth: number, nativeLatentSize: number): Tile[] {
  const n = nativeLatentSize;
  const ys = tileStarts(latentHeight, n);
  const xs = tileStarts(latentWidth, n);
  const th = Math.min(n, latentHeight);
  const tw = Math.min(n, latentWidth);
  const sum = new Float64Array(latentHeight * latentWidth);
  const raw: { y0: number; x0: number; w: Float64Array }[] = [];
  for (let a = 0; a < ys.length; a++) {
    for (let b = 0; b < xs.length; b++) {
      const w = new Float64Array(th * tw);
      for (let u = 0; u < th; u++) {
        const ry = axisRamp(u, th, a, ys.length);
        for (let v = 0; v < tw; v++) {
          const wv = ry * axisRamp(v, tw, b, xs.length);
          w[u * tw + v] = wv;
          sum[(ys[a] + u) * latentWidth + xs[b] + v] += wv;
        }
      }
      raw.push({ y0: ys[a], x0: xs[b], w });
    }
  }
  return raw.map(({ y0, x0, w }) => {
    for (let u = 0; u < th; u++) {
      for (let v = 0; v < tw; v++) w[u * tw + v] /= sum[(y0 + u) * latentWidth + x0 + v];
    }
    return { y0, x0, height: th, width: tw, weights: w };
  });
}
