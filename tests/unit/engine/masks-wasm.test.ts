/**
 * The SIMD column sums (main/engine/masks/wasm/column-sums.wat): the committed embedding is the
 * source's assembly, and it gives the plain JavaScript path's bits, on raw sums and on whole
 * compositor outputs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { columnSums, gaussianKernel } from '../../../main/engine/masks/blur';
import { MaskCompositor, type MaskLayerInput } from '../../../main/engine/masks';
import { TileMemory } from '../../../main/engine/masks/simd';
import { spareBetween, TilePool } from '../../../main/engine/masks/tile-pool';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { embedding } = require('../../../scripts/build-wasm.js') as { embedding(wat: string): Promise<string> };

const ENGINE = path.join(__dirname, '..', '..', '..', 'main', 'engine');
const WASM_DIRS = [path.join(ENGINE, 'masks', 'wasm'), path.join(ENGINE, 'wasm')];

describe('WebAssembly column sums', () => {
  test('the committed embeddings are what the .wat sources assemble to', async () => {
    for (const dir of WASM_DIRS) {
      const wats = fs.readdirSync(dir).filter((f) => f.endsWith('.wat'));
      expect(wats.length).toBeGreaterThan(0);
      for (const f of wats) {
        const committed = fs.readFileSync(path.join(dir, f.replace(/\.wat$/, '.wasm.ts')), 'utf8');
        expect(committed).toBe(await embedding(path.join(dir, f)));
      }
    }
  });

  test('SIMD is available here and gives the bits of the JavaScript sums', () => {
    const mem = new TileMemory(true);
    expect(mem.simd).toBe(true);
    let s = 3;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const sigma of [0.4, 2, 7.3, 32]) {
      const k = gaussianKernel(sigma);
      const r = k.radius;
      const width = 37 + Math.floor(rnd() * 30);
      const rows = 2 * r + 5;
      const b = mem.buffers({ input: 0, pass1: rows * width, out: width, line: Math.max(rows, width) + 2, weights: 2 * r + 1 });
      for (let i = 0; i < rows * width; i++) b.pass1[i] = rnd() < 0.2 ? 0 : rnd() * (rnd() < 0.5 ? 1e-9 : 1);
      b.weights.set(k.weights);
      const y = r + 2;
      for (let j = 1; j <= r; j++) {
        b.scratch.up[j] = (y - j) * width;
        b.scratch.down[j] = Math.min(rows - 1, y + j + (j % 3)) * width;
      }
      const expected = new Float64Array(width);
      for (const [x, e] of [[0, width], [3, width - 1], [5, 6], [1, 10]]) {
        expected.fill(-1);
        b.out.fill(-1);
        columnSums(b.pass1, y * width, b.scratch.up, b.scratch.down, k.weights, r, x, e, expected, 0);
        mem.sums(b.pass1, y * width, b.scratch.up, b.scratch.down, b.weights, r, x, e, b.out, 0);
        expect(Buffer.from(b.out.buffer, b.out.byteOffset, width * 8).equals(Buffer.from(expected.buffer))).toBe(true);
      }
    }
  });

  test('scratch grown for a huge blur radius is freed after its window, with and without SIMD', () => {
    for (const simd of [true, false]) {
      const mem = new TileMemory(simd);
      const big = { input: 3000 * 3000, pass1: 512 * 3000, out: 512 * 512, line: 3000, weights: 2401 };
      const b = mem.buffers(big);
      b.input.fill(1);
      expect(mem.bytes).toBeGreaterThan(8 * big.input);
      mem.trim(64 * 2 ** 20);
      expect(mem.bytes).toBeLessThan(2 ** 20);
      // and it works again afterwards
      expect(mem.buffers({ input: 100, pass1: 100, out: 100, line: 100, weights: 3 }).input.length).toBeGreaterThanOrEqual(100);
    }
  });

  test('a compositor with SIMD and one without give the same Q, count and bg bits', () => {
    const H = 600, W = 520;
    const masks = [0, 1, 2].map((i) => {
      const m = new Uint8Array(H * W);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const d = Math.hypot(x - 140 - 120 * i, y - 200 - 90 * i);
        m[y * W + x] = d < 110 ? 255 : d < 130 ? Math.round(255 * (130 - d) / 20) : 0;
      }
      return m;
    });
    const layers: MaskLayerInput[] = masks.map((mask, i) => ({ id: `l${i}`, mask, maskStrength: [1, 0.7, 0.95][i], maskBlur: [32, 5, 11.5][i], visible: true }));
    const quant = { noiseLevels: Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0), maskType: 'continuous' as const, coverAlpha: 0.3 };
    const env = process.env.PALETTE_MASK_SIMD;
    const build = (simd: boolean) => {
      process.env.PALETTE_MASK_SIMD = simd ? '1' : '0';
      const c = new MaskCompositor(H, W, quant);
      c.setLayers(layers);
      c.update();
      return c;
    };
    const a = build(true), b = build(false);
    process.env.PALETTE_MASK_SIMD = env;
    expect(a.simd).toBe(true);
    expect(b.simd).toBe(false);
    const bits = (q: Float32Array) => Buffer.from(q.buffer);
    for (const id of ['l0', 'l1', 'l2']) a.quantizedMasks(id).forEach((q, k) => expect(bits(q).equals(bits(b.quantizedMasks(id)[k]))).toBe(true));
    a.count.forEach((q, k) => expect(bits(q).equals(bits(b.count[k]))).toBe(true));
    a.background.forEach((q, k) => expect(bits(q).equals(bits(b.background[k]))).toBe(true));
    // and the picture is not trivial
    expect(a.quantizedMasks('l0')[4].some((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('tile pool', () => {
  test('a worker is used while other processes leave a core and a half; this process\'s own work does not count', () => {
    const at = (t: number, busy: number, ours: number) => ({ at: t, busy, ours });
    // 2 cores over 1 s: nothing else running
    expect(spareBetween(at(0, 0, 0), at(1000, 100, 100), 2)).toBe(true);
    // this process kept both cores busy (the UNet between updates): still spare for the next update
    expect(spareBetween(at(0, 0, 0), at(1000, 2000, 2000), 2)).toBe(true);
    // another process kept one core busy
    expect(spareBetween(at(0, 0, 0), at(1000, 1000, 0), 2)).toBe(false);
    // half a core elsewhere is still fine on 2 cores, not more
    expect(spareBetween(at(0, 0, 0), at(1000, 500, 0), 2)).toBe(true);
    expect(spareBetween(at(0, 0, 0), at(1000, 700, 100), 2)).toBe(false);
    // 4 cores, two busy elsewhere
    expect(spareBetween(at(0, 0, 0), at(1000, 2000, 0), 4)).toBe(true);
    expect(spareBetween(at(0, 0, 0), at(0, 0, 0), 2)).toBe(false);
  });

  test('windows shared with worker threads give the bits of one thread', async () => {

    const env = process.env.PALETTE_MASK_THREADS;
    // a pool started earlier from the defaults is used only while a core is to spare: start one that always is
    await TilePool.shutdown();
    process.env.PALETTE_MASK_THREADS = '1';
    const pool = TilePool.get();
    process.env.PALETTE_MASK_THREADS = env;
    expect(pool).not.toBeNull();
    await pool!.whenReady();
    const H = 1104, W = 1200;
    const masks = [0, 1].map((i) => {
      const m = new Uint8Array(H * W);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (Math.hypot(x - 450 - 300 * i, y - 500 - 80 * i) < 380) m[y * W + x] = 255 - 60 * i;
      return m;
    });
    const layers: MaskLayerInput[] = masks.map((mask, i) => ({ id: `p${i}`, mask, maskStrength: [1, 0.8][i], maskBlur: [16, 6][i], visible: true }));
    const quant = { noiseLevels: Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0), maskType: 'continuous' as const, coverAlpha: 0.3 };
    const run = (pooled: boolean) => {
      const c = new MaskCompositor(H, W, quant, pooled);
      c.setLayers(layers);
      c.update();
      // a whole-mask change of the top layer, again through the windows
      const next = masks[1].slice();
      next.fill(0, 200 * W, 700 * W);
      c.setLayerMask('p1', next);
      c.update();
      return c;
    };
    const a = run(true), b = run(false);
    expect(a.blurStats.pooled).toBeGreaterThan(0);
    expect(b.blurStats.pooled).toBe(0);
    // the worker did some tiles: this thread blurred fewer pixels
    expect(a.blurStats.pixels).toBeLessThan(b.blurStats.pixels);
    const bits = (q: Float32Array) => Buffer.from(q.buffer);
    for (const id of ['p0', 'p1']) a.quantizedMasks(id).forEach((q, k) => expect(bits(q).equals(bits(b.quantizedMasks(id)[k]))).toBe(true));
    a.count.forEach((q, k) => expect(bits(q).equals(bits(b.count[k]))).toBe(true));
  }, 60_000);
});
