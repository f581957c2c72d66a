/**
 * Quantizing from block sums (main/engine/masks/coarse.ts) against blurring every pixel: the
 * bounds it decides by hold for every pixel of every block, and the Q_k it gives are the
 * per-pixel Q_k up to rounding, on scenes built to be hard for it (stripes and checkerboards at
 * the bound's worst frequencies, soft noise, cover from layers above, strengths near the kinks).
 */
import fc from 'fast-check';
import { gaussianKernel, kernelTails, MaskCompositor, type MaskLayerInput, type MaskType } from '../../../main/engine/masks';
import { blockSummary } from '../../../main/engine/masks/coarse';
import { COARSE_MIN_RADIUS, TileBlur, type LayerState } from '../../../main/engine/masks/tile-blur';

const n = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);

type Scene = (W: number, H: number, seed: number) => Uint8Array | Float32Array;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const scenes: Record<string, Scene> = {
  discs: (W, H, seed) => {
    const rnd = rng(seed);
    const m = new Uint8Array(W * H);
    for (let d = 0; d < 4; d++) {
      const cx = rnd() * W, cy = rnd() * H, r = 10 + rnd() * W / 3, v = [255, 255, 128, 0][d];
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * W + x] = v;
    }
    return m;
  },
  stripes: (W, H, seed) => {
    const period = 2 + (seed % 40);
    const m = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = Math.floor((x + y * (seed % 3)) / period) % 2 ? 255 : 0;
    return m;
  },
  checker: (W, H, seed) => {
    const p = 1 + (seed % 24);
    const m = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = (Math.floor(x / p) + Math.floor(y / p)) % 2 ? 255 : 0;
    return m;
  },
  noise: (W, H, seed) => {
    const rnd = rng(seed);
    const m = new Float32Array(W * H);
    for (let i = 0; i < m.length; i++) m[i] = rnd() < 0.3 ? 0 : rnd();
    return m;
  },
  edge: (W, H, seed) => {
    // one straight edge at a slant: long runs of blocks near every level of the ramps
    const m = new Uint8Array(W * H);
    const a = (seed % 17) / 17 - 0.5;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x > W / 2 + a * (y - H / 2)) m[y * W + x] = 255;
    return m;
  },
};

function layerState(raw: Uint8Array | Float32Array, sigma: number, strength: number, T: number, W: number, H: number): LayerState {
  const kernel = gaussianKernel(sigma);
  return {
    id: 't', raw, rawScale: raw instanceof Uint8Array ? 1 / 255 : 1, strength, kernel, tails: kernelTails(kernel), visible: true,
    quantized: Array.from({ length: T }, () => new Float32Array((W / 8) * (H / 8))), dirty: null, recompute: true, requantize: false,
  };
}

describe('quantizing from block sums', () => {
  test('the bounds hold every pixel of every block, and the block means are the pixel means', () => {
    const W = 256, H = 192;
    fc.assert(fc.property(
      fc.constantFrom(...Object.keys(scenes)),
      fc.integer({ min: 1, max: 10_000 }),
      fc.constantFrom(8, 11, 17.5, 32),
      fc.boolean(),
      (scene, seed, sigma, covered) => {
        const raw = scenes[scene](W, H, seed);
        const above = covered ? [scenes.discs(W, H, seed + 1) as Uint8Array] : [];
        const layer = layerState(raw, sigma, 1, 5, W, H);
        const win = { x0: 0, y0: 0, x1: W, y1: H };
        const keep = { win, values: new Float64Array(W * H), summary: blockSummary((W / 8) * (H / 8)) };
        new TileBlur(H, W, 8).run(layer, { above, coverAlpha: 0.3, noiseLevels: n, maskType: 'continuous' }, win, keep);
        const s = keep.summary;
        for (let by = 0; by < H / 8; by++) {
          for (let bx = 0; bx < W / 8; bx++) {
            const i = by * (W / 8) + bx;
            let min = Infinity, max = -Infinity, sum = 0;
            for (let y = by * 8; y < by * 8 + 8; y++) {
              for (let x = bx * 8; x < bx * 8 + 8; x++) {
                const v = keep.values[y * W + x];
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
              }
            }
            if (!(s.low[i] <= min && max <= s.high[i])) throw new Error(`${scene} σ=${sigma} block ${bx},${by}: [${min}, ${max}] outside [${s.low[i]}, ${s.high[i]}]`);
            expect(Math.abs(s.mean[i] - sum / 64)).toBeLessThan(1e-12);
            if (s.low[i] === s.high[i]) expect(min === max && min === s.mean[i]).toBe(true);
          }
        }
      },
    ), { numRuns: 60 });
  });

  test('Q_k from block sums equals Q_k from every pixel (to float32 rounding), and needs few pixels', () => {
    const W = 256, H = 256;
    const env = process.env.PALETTE_MASK_COARSE;
    let pixelBlocks = 0, blocks = 0;
    try {
      fc.assert(fc.property(
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(scenes)), fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.2, max: 1, noNaN: true }), fc.constantFrom(8, 12, 24, 32)), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<MaskType>('continuous', 'semi-continuous', 'discrete'),
        (specs, type) => {
          const layers: MaskLayerInput[] = specs.map(([scene, seed, strength, blur], i) => ({
            id: `l${i}`, mask: scenes[scene](W, H, seed), maskStrength: strength, maskBlur: blur, visible: true,
          }));
          const quant = { noiseLevels: n, maskType: type, coverAlpha: 0.3 };
          process.env.PALETTE_MASK_COARSE = '1';
          const coarse = new MaskCompositor(H, W, quant);
          coarse.setLayers(layers);
          coarse.update();
          process.env.PALETTE_MASK_COARSE = '0';
          const fine = new MaskCompositor(H, W, quant);
          fine.setLayers(layers);
          fine.update();
          for (const l of layers) {
            const a = coarse.quantizedMasks(l.id), b = fine.quantizedMasks(l.id);
            for (let k = 0; k < a.length; k++) {
              for (let i = 0; i < a[k].length; i++) {
                if (!(Math.abs(a[k][i] - b[k][i]) <= 2 ** -23) || (a[k][i] > 0) !== (b[k][i] > 0)) {
                  throw new Error(`${l.id} step ${k} block ${i}: ${a[k][i]} from block sums, ${b[k][i]} from pixels`);
                }
              }
            }
          }
          pixelBlocks += coarse.blurStats.pixelBlocks;
          blocks += coarse.blurStats.coarseBlocks;
          expect(fine.blurStats.coarseBlocks).toBe(0);
        },
      ), { numRuns: 40 });
    } finally {
      if (env === undefined) delete process.env.PALETTE_MASK_COARSE;
      else process.env.PALETTE_MASK_COARSE = env;
    }
    expect(blocks).toBeGreaterThan(0);
    expect(pixelBlocks).toBeLessThan(blocks);
  });

  test('a painted shape at σ = 32 blurs the pixels of few blocks', () => {
    const W = 512, H = 512;
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 250) ** 2 + (y - 260) ** 2 < 150 ** 2) mask[y * W + x] = 255;
    const c = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    c.setLayers([{ id: 'a', mask, maskStrength: 1, maskBlur: 32, visible: true }]);
    c.update();
    const s = c.blurStats;
    expect(s.coarseBlocks).toBeGreaterThan(3000);
    // the ramps' kinks pass through a ring of blocks; the rest is decided by the block sums
    expect(s.pixelBlocks / s.coarseBlocks).toBeLessThan(0.2);
    expect(s.pixels + s.workerPixels).toBe(s.pixelBlocks * 64);
    expect(COARSE_MIN_RADIUS).toBeLessThanOrEqual(96);
  });
});
