/**
 * Mask updates of every kind against a from-scratch compositor: after any sequence of edits the
 * quantized masks Q_ik, count_k and bg_k are the same bits as a compositor built fresh from the
 * final layers (a window recompute equals the whole-canvas recompute, so edits never drift).
 */
import fc from 'fast-check';
import { MaskCompositor, TILE_H, TILE_W, type MaskLayerInput, type MaskQuantization, type MaskType } from '../../../main/engine/masks';

const n = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);

function disc(mask: Uint8Array, W: number, H: number, cx: number, cy: number, r: number, value: number): void {
  for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(H, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(W, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask[y * W + x] = value;
    }
  }
}

function baseLayers(W: number, H: number, blur: number): MaskLayerInput[] {
  const masks = [new Uint8Array(H * W), new Uint8Array(H * W), new Uint8Array(H * W)];
  const s = W / 128;
  disc(masks[0], W, H, 40 * s, 40 * s, 22 * s, 255);
  disc(masks[1], W, H, 70 * s, 55 * s, 20 * s, 255);
  disc(masks[1], W, H, 70 * s, 55 * s, 26 * s, 0);
  disc(masks[1], W, H, 75 * s, 52 * s, 18 * s, 180);
  disc(masks[2], W, H, 100 * s, 30 * s, 14 * s, 255);
  return masks.map((mask, i) => ({ id: `l${i}`, mask, maskStrength: [1, 0.9, 1][i], maskBlur: [blur, blur * 0.75, 2][i], visible: true }));
}

function fresh(H: number, W: number, layers: readonly MaskLayerInput[], quant: MaskQuantization): MaskCompositor {
  const c = new MaskCompositor(H, W, quant);
  c.setLayers(layers);
  c.update();
  return c;
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** the first difference between two compositors' outputs, or '' */
function firstDifference(a: MaskCompositor, b: MaskCompositor): string {
  const ids = a.visibleLayerIds();
  if (ids.join() !== b.visibleLayerIds().join()) return `visible layers ${ids.join()} vs ${b.visibleLayerIds().join()}`;
  for (const id of ids) {
    const qa = a.quantizedMasks(id), qb = b.quantizedMasks(id);
    for (let k = 0; k < qa.length; k++) if (!bits(qa[k]).equals(bits(qb[k]))) return `Q of ${id} at step ${k}`;
  }
  for (let k = 0; k < a.count.length; k++) {
    if (!bits(a.count[k]).equals(bits(b.count[k]))) return `count at step ${k}`;
    if (!bits(a.background[k]).equals(bits(b.background[k]))) return `bg at step ${k}`;
  }
  return '';
}

type Edit =
  | { kind: 'dab'; layer: number; x: number; y: number; r: number; value: number }
  | { kind: 'toggle'; layer: number }
  | { kind: 'strength'; layer: number; value: number }
  | { kind: 'blur'; layer: number; value: number }
  | { kind: 'move'; layer: number; dx: number; dy: number }
  | { kind: 'fill'; layer: number; value: number }
  | { kind: 'replace'; layer: number; x: number; y: number; r: number }
  | { kind: 'undo'; layer: number };

function editArb(W: number, H: number): fc.Arbitrary<Edit> {
  const layer = fc.integer({ min: 0, max: 2 });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('dab' as const), layer, x: fc.integer({ min: -10, max: W + 10 }), y: fc.integer({ min: -10, max: H + 10 }), r: fc.integer({ min: 1, max: Math.max(2, W / 8) }), value: fc.constantFrom(0, 40, 255) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), layer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('strength' as const), layer, value: fc.constantFrom(0, 0.3, 0.8, 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('blur' as const), layer, value: fc.constantFrom(0, 1.5, 4, 9) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), layer, dx: fc.integer({ min: -30, max: 30 }), dy: fc.integer({ min: -30, max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fill' as const), layer, value: fc.constantFrom(0, 128, 255) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), layer, x: fc.integer({ min: 0, max: W }), y: fc.integer({ min: 0, max: H }), r: fc.integer({ min: 3, max: W / 2 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('undo' as const), layer }) },
  );
}

/** applies an edit to both the layer list (for the fresh compositor) and the live compositor */
function apply(c: MaskCompositor, layers: MaskLayerInput[], history: Uint8Array[][], e: Edit, W: number, H: number, update = true): MaskLayerInput[] {
  const l = layers[e.layer];
  const old = l.mask as Uint8Array;
  let mask = old;
  let next: MaskLayerInput = l;
  switch (e.kind) {
    case 'dab': mask = old.slice(); disc(mask, W, H, e.x, e.y, e.r, e.value); break;
    case 'fill': mask = new Uint8Array(W * H).fill(e.value); break;
    case 'replace': mask = new Uint8Array(W * H); disc(mask, W, H, e.x, e.y, e.r, 255); break;
    case 'move':
      mask = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const sx = x - e.dx, sy = y - e.dy;
        if (sx >= 0 && sx < W && sy >= 0 && sy < H) mask[y * W + x] = old[sy * W + sx];
      }
      break;
    case 'undo': mask = history[e.layer].pop() ?? old; break;
    case 'toggle': next = { ...l, visible: !l.visible }; c.setLayerOptions(l.id, { visible: next.visible }); break;
    case 'strength': next = { ...l, maskStrength: e.value }; c.setLayerOptions(l.id, { maskStrength: e.value }); break;
    case 'blur': next = { ...l, maskBlur: e.value }; c.setLayerOptions(l.id, { maskBlur: e.value }); break;
  }
  if (mask !== old) {
    if (e.kind !== 'undo') history[e.layer].push(old);
    next = { ...next, mask };
    c.setLayerMask(l.id, mask);
  }
  if (update) c.update();
  return layers.map((o, i) => (i === e.layer ? next : o));
}

function runSequence(W: number, H: number, blur: number, type: MaskType, edits: readonly Edit[], updates?: readonly boolean[]): void {
  let layers = baseLayers(W, H, blur);
  const quant = { noiseLevels: n, maskType: type, coverAlpha: 0.3 };
  const live = fresh(H, W, layers, quant);
  const history: Uint8Array[][] = [[], [], []];
  edits.forEach((e, i) => {
    layers = apply(live, layers, history, e, W, H, updates?.[i] ?? true);
  });
  live.update();
  expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
}

describe('mask updates equal a from-scratch recompute, bit for bit', () => {
  test('random edit sequences of every kind (small canvas)', () => {
    fc.assert(fc.property(
      fc.array(editArb(128, 96), { minLength: 1, maxLength: 10 }),
      fc.constantFrom<MaskType>('continuous', 'discrete', 'semi-continuous'),
      fc.constantFrom(0, 3, 6, 10),
      (edits, type, blur) => runSequence(128, 96, blur, type, edits),
    ), { numRuns: 80 });
  });

  test('random edit sequences with several edits between updates', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(editArb(128, 96), fc.boolean()), { minLength: 1, maxLength: 12 }),
      fc.constantFrom<MaskType>('continuous', 'discrete'),
      fc.constantFrom(0, 4, 9),
      (steps, type, blur) => runSequence(128, 96, blur, type, steps.map((s) => s[0]), steps.map((s) => s[1])),
    ), { numRuns: 80 });
  });

  test('a strength slider requantizes the held blur, and any other edit drops it', () => {
    const W = 256, H = 192;
    let layers = baseLayers(W, H, 12);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const live = fresh(H, W, layers, quant);
    const history: Uint8Array[][] = [[], [], []];
    const pixels = () => live.blurStats.pixels;
    layers = apply(live, layers, history, { kind: 'strength', layer: 1, value: 0.8 }, W, H);
    const afterFirst = pixels();
    expect(live.memoryUse.held).toBeGreaterThan(0);
    for (const v of [0.3, 0.55, 1, 0.7]) {
      layers = apply(live, layers, history, { kind: 'strength', layer: 1, value: v }, W, H);
      expect(pixels()).toBe(afterFirst);
      expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
    }
    // a stroke on the layer above changes what covers l1: the held blur must go
    layers = apply(live, layers, history, { kind: 'dab', layer: 2, x: 150, y: 80, r: 20, value: 255 }, W, H, false);
    layers = apply(live, layers, history, { kind: 'strength', layer: 1, value: 0.9 }, W, H);
    expect(pixels()).toBeGreaterThan(afterFirst);
    expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
    // strength, then a stroke before the update
    layers = apply(live, layers, history, { kind: 'strength', layer: 1, value: 0.4 }, W, H, false);
    layers = apply(live, layers, history, { kind: 'dab', layer: 1, x: 60, y: 60, r: 10, value: 255 }, W, H);
    expect(live.memoryUse.held).toBe(0);
    expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
  });

  test('random edit sequences on a canvas of several tiles', () => {
    // windows cross tile borders, so tiling must not change a bit
    const W = TILE_W * 2 + 64, H = TILE_H + 128;
    fc.assert(fc.property(
      fc.array(editArb(W, H), { minLength: 1, maxLength: 5 }),
      fc.constantFrom<MaskType>('continuous', 'discrete'),
      (edits, type) => runSequence(W, H, 12, type, edits),
    ), { numRuns: 6 });
  });

  test('soft float masks (many value changes a row: the direct sums) edited at random equal a fresh compositor', () => {
    const W = 136, H = 104;
    const soft = (cx: number, cy: number, r: number) => {
      const m = new Float32Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = Math.max(0, 1 - Math.hypot(x - cx, y - cy) / r);
      return m;
    };
    fc.assert(fc.property(
      fc.array(fc.record({ layer: fc.integer({ min: 0, max: 1 }), x: fc.integer({ min: 0, max: W }), y: fc.integer({ min: 0, max: H }), r: fc.integer({ min: 2, max: 30 }), update: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom(0.7, 3, 8),
      (edits, blur) => {
        let layers: MaskLayerInput[] = [soft(40, 50, 35), soft(90, 40, 28)].map((mask, i) => ({ id: `f${i}`, mask, maskStrength: 0.9, maskBlur: blur * (i + 1) / 2, visible: true }));
        const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
        const live = fresh(H, W, layers, quant);
        for (const e of edits) {
          const mask = (layers[e.layer].mask as Float32Array).slice();
          const add = soft(e.x, e.y, e.r);
          for (let i = 0; i < mask.length; i++) mask[i] = Math.max(mask[i], add[i]);
          layers = layers.map((l, i) => (i === e.layer ? { ...l, mask } : l));
          live.setLayerMask(`f${e.layer}`, mask);
          if (e.update) live.update();
        }
        live.update();
        expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
      },
    ), { numRuns: 40 });
  });

  test('500 strokes in a row stay the bits of a fresh compositor', () => {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const W = 128, H = 96;
    const layers = baseLayers(W, H, 8);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const live = fresh(H, W, layers, quant);
    for (let i = 0; i < 500; i++) {
      const li = rnd() < 0.7 ? 1 : rnd() < 0.5 ? 0 : 2;
      disc(layers[li].mask as Uint8Array, W, H, rnd() * W, rnd() * H, 2 + rnd() * 8, [0, 90, 255][Math.floor(rnd() * 3)]);
      live.setLayerMask(layers[li].id, layers[li].mask);
      live.update();
    }
    expect(firstDifference(live, fresh(H, W, layers, quant))).toBe('');
  });

  test('a dab recomputes only the tiles within blur reach, and an erased dab gives back the original bits', () => {
    const W = 1024, H = 1024;
    const layers = baseLayers(W, H, 16);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const c = fresh(H, W, layers, quant);
    const ref = c.quantizedMasks('l1').map((q) => q.slice());
    const original = layers[1].mask;
    const painted = original.slice() as Uint8Array;
    const before = { ...c.blurStats };
    disc(painted, W, H, 900, 880, 20, 255);
    expect(c.setLayerMask('l1', painted)).toBe(true);
    c.update();
    // (2·20 + 2·48) px wide at most, rounded out to blocks: a small fraction of the canvas
    expect(c.blurStats.pixels - before.pixels).toBeLessThanOrEqual(144 * 144);
    expect(c.quantizedMasks('l1')[4].some((v, i) => v !== ref[4][i])).toBe(true);
    c.setLayerMask('l1', original);
    c.update();
    c.quantizedMasks('l1').forEach((q, k) => expect(bits(q).equals(bits(ref[k]))).toBe(true));
  });

  test('a layer with nothing painted costs no blurring and gives Q = 0 everywhere', () => {
    const W = 1024, H = 512;
    const c = new MaskCompositor(H, W, { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 });
    c.setLayers([{ id: 'empty', mask: new Uint8Array(W * H), maskStrength: 1, maskBlur: 32, visible: true }]);
    c.update();
    expect(c.blurStats.pixels).toBe(0);
    for (const q of c.quantizedMasks('empty')) expect(q.every((v) => v === 0)).toBe(true);
    for (const b of c.background) expect(b.every((v) => v === 1)).toBe(true);
  });

  test('memory: per layer the raw mask and Q_k only, and a scratch that does not grow with the canvas', () => {
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const scratch: number[] = [];
    for (const side of [1024, 2048]) {
      const c = fresh(side, side, baseLayers(side, side, 32), quant);
      const use = c.memoryUse;
      // 1 B/px raw + 5 steps × 4 B per 8×8 block
      expect(use.layers / (3 * side * side)).toBeCloseTo(1 + 5 * 4 / 64, 6);
      expect(use.shared / (side * side)).toBeCloseTo(2 * 5 * 4 / 64, 6);
      scratch.push(use.scratch);
    }
    // one tile and its input reach (r = 96 for σ = 32), whatever the canvas
    const r = 96, L = Math.max(TILE_W, TILE_H) + 2 * r;
    const tile = 8 * ((TILE_W + 2 * r) * (TILE_H + 2 * r) + TILE_W * (TILE_H + 2 * r) + TILE_W * TILE_H + 2 * r + 1 + L + 1) + 4 * (4 * L + 3) + L + 4;
    // the block-sum path (coarse.ts, r ≥ 24): per input row of a tile its changes, lattice and box sums
    // (bytes: 4 + 8 + 12·lattice columns + 24·block columns + 4·8 + 1), per block 20, the change lists,
    // each array at most twice what it needs
    const ih = TILE_H + 2 * r + 1, lw = TILE_W / 8 + 1, nbx = TILE_W / 8;
    const coarse = 2 * (ih * (13 + 12 * lw + 24 * nbx + 32) + 8 * lw * lw + 20 * nbx * nbx + 20 * Math.max(1024, 4 * (TILE_W + 2 * r + 1)));
    for (const b of scratch) expect(b).toBeLessThanOrEqual(tile + coarse + 65536);
    expect(scratch[1]).toBeGreaterThan(0);

  });
});
