import fc from 'fast-check';
import {
  downsampleArea, gaussianBlur, gaussianKernel, MaskCompositor, quantizeMask, quantizeValue,
  type MaskLayerInput, type MaskType,
} from '../../../main/engine/masks';

/** Direct 2-D convolution with the sampled, normalised Gaussian and replicate padding. */
function directBlur(src: ArrayLike<number>, H: number, W: number, sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const g: number[] = [];
  for (let j = -r; j <= r; j++) g.push(Math.exp(-(j * j) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const yy = Math.min(H - 1, Math.max(0, y + dy));
          const xx = Math.min(W - 1, Math.max(0, x + dx));
          acc += (g[dy + r] / sum) * (g[dx + r] / sum) * src[yy * W + xx];
        }
      }
      out[y * W + x] = acc;
    }
  }
  return out;
}

describe('Gaussian blur', () => {
  test('kernel: r = ceil(3σ), sums to one, σ = 0 is identity', () => {
    const k = gaussianKernel(1.5);
    expect(k.radius).toBe(5);
    expect(k.weights.length).toBe(11);
    expect(k.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(gaussianKernel(0).radius).toBe(0);
    const m = Float64Array.of(0, 1, 0, 1);
    expect(gaussianBlur(m, 2, 2, 0)).toEqual(m);
  });

  test('separable blur equals a direct 2-D convolution with replicate edges', () => {
    const H = 20, W = 27;
    const src = new Float64Array(H * W);
    // a block touching the left border, a single pixel, a soft ramp
    for (let y = 3; y < 12; y++) for (let x = 0; x < 6; x++) src[y * W + x] = 1;
    src[15 * W + 20] = 1;
    for (let x = 10; x < 27; x++) src[2 * W + x] = (x - 10) / 17;
    for (const sigma of [0.7, 1.5, 4]) {
      const a = gaussianBlur(src, H, W, sigma);
      const b = directBlur(src, H, W, sigma);
      let err = 0;
      for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
      expect(err).toBeLessThan(1e-12);
    }
  });

  test('replicate padding: a mask full at the border stays 1 at the border', () => {
    const H = 8, W = 16;
    const src = new Float64Array(H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < 4; x++) src[y * W + x] = 1;
    const b = gaussianBlur(src, H, W, 1);
    expect(b[0]).toBe(1);
    // reflection would give the same here; zero padding would not
    expect(b[3 * W + 3]).toBeGreaterThan(0.5);
    expect(b[3 * W + 3]).toBeLessThan(1);
  });
});

describe('quantization', () => {
  // n = levels of a 3-step stream: n0 = 0.9, n1 = 0.6, n2 = 0.3, n3 = 0
  const n = Float64Array.of(0.9, 0.6, 0.3, 0);
  const m = [0, 0.2, 0.45, 0.6, 0.75, 0.95, 1];

  test('discrete: [M > n_k]', () => {
    const q = quantizeMask(m, n, 'discrete').map((a) => Array.from(a));
    expect(q[0]).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(q[1]).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(q[2]).toEqual([0, 0, 1, 1, 1, 1, 1]);
  });

  test('continuous: clip((M − n_{k+1}) / (n_k − n_{k+1}), 0, 1)', () => {
    const q = quantizeMask(m, n, 'continuous').map((a) => Array.from(a, (v) => Number(v.toFixed(10))));
    expect(q[0]).toEqual([0, 0, 0, 0, 0.5, 1, 1]);
    expect(q[1]).toEqual([0, 0, 0.5, 1, 1, 1, 1]);
    expect(q[2]).toEqual([0, 0.6666666667, 1, 1, 1, 1, 1]);
  });

  test('semi-continuous: discrete except the last step', () => {
    const q = quantizeMask(m, n, 'semi-continuous').map((a) => Array.from(a, (v) => Number(v.toFixed(10))));
    expect(q[0]).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(q[1]).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(q[2]).toEqual([0, 0.6666666667, 1, 1, 1, 1, 1]);
  });

  test('area downsampling averages 8×8 blocks (a thin stroke survives)', () => {
    const src = new Float64Array(16 * 16);
    for (let y = 0; y < 16; y++) src[y * 16 + 3] = 1; // 1-pixel vertical line
    expect(Array.from(downsampleArea(src, 16, 16))).toEqual([0.125, 0, 0.125, 0]);
  });
});

function makeLayers(H: number, W: number, seed: number): MaskLayerInput[] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const layers: MaskLayerInput[] = [];
  for (let i = 0; i < 3; i++) {
    const mask = new Uint8Array(H * W);
    const cx = rnd() * W, cy = rnd() * H, rad = 4 + rnd() * 12;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const d = Math.hypot(x - cx, y - cy);
      mask[y * W + x] = d < rad ? 255 : d < rad + 2 ? 128 : 0;
    }
    layers.push({ id: `l${i}`, mask, maskStrength: [1, 0.8, 1][i], maskBlur: [2, 0, 3.5][i], visible: true });
  }
  return layers;
}

/** the spec's pipeline written naively on whole canvases: cover, blur, strength, quantize, downsample */
function naiveMasks(layers: MaskLayerInput[], H: number, W: number, n: Float64Array, type: MaskType, alpha: number) {
  const visible = layers.filter((l) => l.visible);
  const T = n.length - 1;
  const out = new Map<string, Float64Array[]>();
  visible.forEach((l, i) => {
    const m = new Float64Array(H * W);
    for (let p = 0; p < H * W; p++) {
      const covered = visible.slice(i + 1).some((u) => u.mask[p] > 0);
      m[p] = (l.mask[p] / 255) * (covered ? alpha : 1);
    }
    const b = gaussianBlur(m, H, W, l.maskBlur).map((v) => v * l.maskStrength);
    out.set(l.id, Array.from({ length: T }, (_, k) => downsampleArea(b.map((v) => quantizeValue(v, k, n, type)), H, W)));
  });
  return out;
}

describe('mask compositor', () => {
  const H = 48, W = 64;
  const n = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);

  test('count_k, bg_k and cover follow the spec', () => {
    const layers = makeLayers(H, W, 5);
    const comp = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    comp.setLayers(layers);
    comp.update();
    const naive = naiveMasks(layers, H, W, n, 'continuous', 0.3);
    let err = 0;
    for (const l of layers) comp.quantizedMasks(l.id).forEach((q, k) => q.forEach((v, i) => { err = Math.max(err, Math.abs(v - naive.get(l.id)![k][i])); }));
    expect(err).toBeLessThan(1e-6);
    for (let k = 0; k < 5; k++) {
      for (let i = 0; i < comp.count[k].length; i++) {
        const c = layers.reduce((a, l) => a + comp.quantizedMasks(l.id)[k][i], 0);
        expect(comp.count[k][i]).toBeCloseTo(c, 6);
        expect(comp.background[k][i]).toBeCloseTo(Math.min(1, Math.max(0, 1 - c)), 6);
      }
    }
  });

  test('incremental recompute after random edits equals a full recompute (to float32 rounding)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.array(fc.record({
        layer: fc.integer({ min: 0, max: 2 }),
        x: fc.integer({ min: 0, max: W - 1 }), y: fc.integer({ min: 0, max: H - 1 }),
        w: fc.integer({ min: 1, max: 20 }), h: fc.integer({ min: 1, max: 20 }),
        value: fc.constantFrom(0, 40, 255),
        toggle: fc.boolean(),
      }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom<MaskType>('continuous', 'discrete', 'semi-continuous'),
      (seed, edits, type) => {
        let layers = makeLayers(H, W, seed);
        const quant = { noiseLevels: n, maskType: type, coverAlpha: 0.3 };
        const inc = new MaskCompositor(H, W, quant);
        inc.setLayers(layers);
        inc.update();
        for (const e of edits) {
          const l = layers[e.layer];
          const mask = l.mask.slice() as Uint8Array;
          for (let y = e.y; y < Math.min(H, e.y + e.h); y++) for (let x = e.x; x < Math.min(W, e.x + e.w); x++) mask[y * W + x] = e.value;
          const visible = e.toggle && e.layer === 1 ? !l.visible : l.visible;
          layers = layers.map((o, i) => (i === e.layer ? { ...o, mask, visible } : o));
          inc.setLayerMask(l.id, mask);
          inc.setLayerOptions(l.id, { visible });
          inc.update();
        }
        const full = new MaskCompositor(H, W, quant);
        full.setLayers(layers);
        full.update();
        // strokes are blurred incrementally (blur of the difference added): the stored Q may differ
        // by one float32 rounding step, never in which entries are > 0
        for (const l of layers) {
          const a = inc.quantizedMasks(l.id), b = full.quantizedMasks(l.id);
          for (let k = 0; k < a.length; k++) {
            for (let i = 0; i < a[k].length; i++) {
              expect(Math.abs(a[k][i] - b[k][i])).toBeLessThanOrEqual(2 ** -24);
              expect(a[k][i] > 0).toBe(b[k][i] > 0);
            }
          }
        }
        for (let k = 0; k < 5; k++) {
          for (let i = 0; i < inc.count[k].length; i++) expect(Math.abs(inc.count[k][i] - full.count[k][i])).toBeLessThanOrEqual(2 ** -22);
        }
      },
    ), { numRuns: 40 });
  });

  test('a hidden layer neither counts nor covers', () => {
    const layers = makeLayers(H, W, 9);
    const a = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    a.setLayers(layers.map((l, i) => (i === 2 ? { ...l, visible: false } : l)));
    a.update();
    const b = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    b.setLayers(layers.slice(0, 2));
    b.update();
    expect(Array.from(a.quantizedMasks('l0')[4])).toEqual(Array.from(b.quantizedMasks('l0')[4]));
    expect(Array.from(a.count[2])).toEqual(Array.from(b.count[2]));
    expect(a.quantizedMasks('l2')[0].every((v) => v === 0)).toBe(true);
  });

  test('bad masks get a one-line error naming the layer and size', () => {
    const c = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    expect(() => c.setLayers([{ id: 'sky', mask: new Uint8Array(10), maskStrength: 1, maskBlur: 0, visible: true }]))
      .toThrow('layer sky: mask has 10 pixels, canvas 64×48 needs 3072');
    expect(() => new MaskCompositor(50, 64, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 })).toThrow(/multiples of 8/);
  });
});
