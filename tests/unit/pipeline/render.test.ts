/**
 * The engine end to end on the palette-colors model (no stand-ins): what the picture shows.
 * The model's contract (../shared/ORACLE-MODEL.md) makes every pixel predictable: a region
 * painted "red" must be red, the "white" background white, a covering layer wins.
 */
import { loadPipeline, type PalettePipeline } from '../../../main/engine/pipeline';
import type { EngineLayer } from '../../../main/engine/pipeline-api';

const W = 128;
const H = 128;

function rectMask(x0: number, y0: number, x1: number, y1: number, w = W, h = H): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 255;
  return m;
}

function layer(id: string, prompt: string, mask: Uint8Array, extra: Partial<EngineLayer> = {}): EngineLayer {
  return { id, prompt, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask, ...extra };
}

/**
 * Final-step weight of a fully painted layer that is covered by a layer above (spec §3):
 * its mask is cover_alpha, and continuous quantization at the last step k = T-1 gives
 * clip((M - n_T) / (n_{T-1} - n_T)) with n_T = 0.
 */
function coveredWeight(p: PalettePipeline): number {
  const n = p.stream.schedule.noiseLevels;
  return Math.min(1, p.stream.settings.coverAlpha / n[n.length - 2]);
}

/** the latent pre-average of colours with weights, as the picture must show it */
function mix(parts: Array<[number, [number, number, number]]>): [number, number, number] {
  const total = parts.reduce((s, [w]) => s + w, 0);
  return [0, 1, 2].map((c) => parts.reduce((s, [w, rgb]) => s + w * rgb[c], 0) / total) as [number, number, number];
}

function pixel(rgba: Uint8ClampedArray, w: number, x: number, y: number): [number, number, number] {
  const i = 4 * (y * w + x);
  return [rgba[i], rgba[i + 1], rgba[i + 2]];
}

function expectColour(actual: [number, number, number], expected: [number, number, number], tol = 2): void {
  for (let c = 0; c < 3; c++) expect(Math.abs(actual[c] - expected[c])).toBeLessThanOrEqual(tol);
}

describe('rendering palettes with palette-colors', () => {
  let p: PalettePipeline;
  beforeAll(async () => {
    p = await loadPipeline(undefined, { width: W, height: H, providers: ['cpu'], seed: 7 });
  });
  afterAll(async () => { await p.release(); });

  beforeEach(async () => {
    await p.setCanvas(W, H);
    p.setSettings({ maskType: 'continuous', noise: 'fixed' });
    await p.setBackground({ prompt: 'a white wall', negativePrompt: '', image: null });
  });

  test('a region painted "red" renders red inside; the "white" background stays white outside', async () => {
    await p.setLayers([layer('fox', 'a red fox', rectMask(32, 32, 96, 96))]);
    const f = await p.render();
    expect([f.width, f.height]).toEqual([W, H]);
    expectColour(pixel(f.rgba, W, 64, 64), [255, 0, 0]);
    expectColour(pixel(f.rgba, W, 40, 40), [255, 0, 0]);
    expectColour(pixel(f.rgba, W, 8, 8), [255, 255, 255]);
    expectColour(pixel(f.rgba, W, 120, 64), [255, 255, 255]);
    // nothing outside the painted square turns red
    for (let y = 0; y < H; y += 4) {
      for (let x = 0; x < W; x += 4) {
        const inside = x >= 32 && x < 96 && y >= 32 && y < 96;
        if (!inside && (x < 24 || x >= 104 || y < 24 || y >= 104)) expectColour(pixel(f.rgba, W, x, y), [255, 255, 255]);
      }
    }
  });

  test('a "blue" layer over the red wins where it covers', async () => {
    await p.setLayers([
      layer('red', 'red', rectMask(16, 16, 80, 80)),
      layer('blue', 'blue', rectMask(48, 48, 112, 112)),
    ]);
    const f = await p.render();
    expectColour(pixel(f.rgba, W, 24, 24), [255, 0, 0]); // red only
    expectColour(pixel(f.rgba, W, 100, 100), [0, 60, 255]); // blue only
    // overlap: red is covered (× cover alpha), blue is full → blue dominates, a little red shows
    const overlap = pixel(f.rgba, W, 64, 64);
    expectColour(overlap, mix([[coveredWeight(p), [255, 0, 0]], [1, [0, 60, 255]]]));
    expect(overlap[2]).toBeGreaterThan(overlap[0]);
    expectColour(pixel(f.rgba, W, 4, 120), [255, 255, 255]);
  });

  test('mask blur widens the red-white transition', async () => {
    const transitionWidth = async (blur: number): Promise<number> => {
      await p.setLayers([layer('red', 'red', rectMask(0, 0, 64, H), { maskBlur: blur })]);
      const f = await p.render();
      let mixed = 0;
      for (let x = 0; x < W; x++) {
        const [, g] = pixel(f.rgba, W, x, 64);
        if (g > 10 && g < 245) mixed++;
      }
      return mixed;
    };
    const sharp = await transitionWidth(0);
    const soft = await transitionWidth(8);
    const softer = await transitionWidth(16);
    expect(sharp).toBeLessThanOrEqual(8); // one latent pixel of area averaging
    expect(soft).toBeGreaterThan(sharp);
    expect(softer).toBeGreaterThan(soft);
  });

  test('same palette, model, seed and settings give the same bytes; fixed noise gives a still image', async () => {
    p.setSettings({ noise: 'fixed' });
    p.setSeed(1234);
    await p.setLayers([layer('sea', 'sea', rectMask(0, 64, W, H)), layer('sky', 'blue sky', rectMask(0, 0, W, 64))]);
    const a = Buffer.from((await p.render()).rgba);
    const b = Buffer.from((await p.render()).rgba);
    expect(a.equals(b)).toBe(true);
    // live frames after convergence: two consecutive frames identical
    const f1 = Buffer.from((await p.frame()).rgba);
    const f2 = Buffer.from((await p.frame()).rgba);
    expect(f1.equals(f2)).toBe(true);
    expect(p.idle).toBe(true);
    expectColour(pixel(f2 as unknown as Uint8ClampedArray, W, 64, 20), [60, 125, 255]);
  });

  test('fresh noise keeps the colours (the model denoises exactly) and stays deterministic per seed', async () => {
    p.setSettings({ noise: 'fresh' });
    p.setSeed(99);
    await p.setLayers([layer('g', 'green grass', rectMask(0, 0, W, H))]);
    const a = Buffer.from((await p.render()).rgba);
    p.setSeed(99);
    const b = Buffer.from((await p.render()).rgba);
    expect(a.equals(b)).toBe(true);
    expectColour(pixel(a as unknown as Uint8ClampedArray, W, 64, 64), [30, 165, 20]);
    expect(p.idle).toBe(false);
  });

  test('a hidden layer takes no part', async () => {
    await p.setLayers([layer('red', 'red', rectMask(0, 0, W, H), { visible: false })]);
    const f = await p.render();
    expectColour(pixel(f.rgba, W, 64, 64), [255, 255, 255]);
  });

  test('inpainting: outside the layers the background image is kept', async () => {
    const img = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) { img[4 * i] = 220; img[4 * i + 1] = 200; img[4 * i + 2] = 140; img[4 * i + 3] = 255; }
    await p.setBackground({ prompt: 'white', negativePrompt: '', image: img });
    await p.setLayers([layer('red', 'red', rectMask(32, 32, 96, 96))]);
    const f = await p.render();
    expectColour(pixel(f.rgba, W, 64, 64), [255, 0, 0]);
    expectColour(pixel(f.rgba, W, 4, 4), [220, 200, 140]);
  });

  test('bad input names the problem', async () => {
    await expect(p.setLayers([layer('x', 'red', new Uint8Array(10))])).rejects.toThrow(/mask has 10 values, the 128×128 canvas needs 16384/);
    await expect(p.setCanvas(100000, 64)).rejects.toThrow(/canvas 100000×64/);
    await expect(p.setCanvas(100, 64)).rejects.toThrow(/multiples of 8/);
  });
});

describe('panorama', () => {
  test('a 1024×512 canvas renders tiled with no seam at the tile borders', async () => {
    const w = 1024;
    const h = 512;
    const p = await loadPipeline(undefined, { width: w, height: h, providers: ['cpu'], seed: 3 });
    try {
      await p.setBackground({ prompt: 'sky', negativePrompt: '', image: null });
      // a diagonal band of sea crossing every tile border, and soft sand at the bottom
      const sea = new Uint8Array(w * h);
      const sand = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (y > 200 + x / 8) sea[y * w + x] = 255;
          if (y > 440) sand[y * w + x] = 255;
        }
      }
      await p.setLayers([
        layer('sea', 'sea', sea, { maskBlur: 12 }),
        layer('sand', 'sand', sand, { maskBlur: 4 }),
      ]);
      const f = await p.render();
      expect(p.stream.tiles.length).toBeGreaterThan(1);
      expectColour(pixel(f.rgba, w, 10, 10), [120, 190, 255]);
      // sand covers the sea there: sand at full weight, the sea below it at the covered weight
      expectColour(pixel(f.rgba, w, 900, 500), mix([[1, [220, 200, 140]], [coveredWeight(p), [0, 100, 160]]]));
      expectColour(pixel(f.rgba, w, 600, 400), [0, 100, 160]);
      // at every tile border column, each column matches its neighbours within what the
      // picture's own gradient allows: the largest step between adjacent columns at a tile
      // border is no larger than the largest step anywhere inside tiles
      const borders = new Set<number>();
      for (const t of p.stream.tiles) { borders.add(t.x0 * 8); borders.add((t.x0 + t.width) * 8); }
      const step = (x: number): number => {
        let m = 0;
        for (let y = 0; y < h; y++) {
          for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(f.rgba[4 * (y * w + x) + c] - f.rgba[4 * (y * w + x - 1) + c]));
        }
        return m;
      };
      let interior = 0;
      for (let x = 1; x < w; x++) if (!borders.has(x)) interior = Math.max(interior, step(x));
      for (const b of borders) if (b > 0 && b < w) expect(step(b)).toBeLessThanOrEqual(interior);
    } finally {
      await p.release();
    }
  });
});
