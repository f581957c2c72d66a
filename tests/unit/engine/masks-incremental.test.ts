/**
 * Incremental mask updates (a stroke adds the blur of its difference) against a full
 * recompute: the blurred masks agree to 1e-12, and every quantization decision (Q > 0, which
 * sets the bootstrapping box, and discrete thresholds) is exactly the full recompute's.
 */
import fc from 'fast-check';
import { MaskCompositor, type MaskLayerInput, type MaskQuantization, type MaskType } from '../../../main/engine/masks';

const H = 96, W = 128;
const n = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);
/** one float32 rounding step at values up to 1: the only way the stored Q may differ */
const Q_TOLERANCE = 2 ** -24;

function disc(mask: Uint8Array, cx: number, cy: number, r: number, value: number): void {
  for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(H, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(W, Math.ceil(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask[y * W + x] = value;
    }
  }
}

function baseLayers(blur: number): MaskLayerInput[] {
  const masks = [new Uint8Array(H * W), new Uint8Array(H * W), new Uint8Array(H * W)];
  disc(masks[0], 40, 40, 22, 255);
  disc(masks[1], 70, 55, 20, 255);
  disc(masks[1], 70, 55, 26, 0);
  disc(masks[1], 75, 52, 18, 180);
  disc(masks[2], 100, 30, 14, 255);
  return masks.map((mask, i) => ({ id: `l${i}`, mask, maskStrength: [1, 0.9, 1][i], maskBlur: [blur, blur * 0.75, 2][i], visible: true }));
}

function fullCompositor(layers: readonly MaskLayerInput[], quant: MaskQuantization): MaskCompositor {
  const c = new MaskCompositor(H, W, quant);
  c.setLayers(layers);
  c.update();
  return c;
}

interface Difference { blurred: number; quantized: number; zeroPatternsDiffer: boolean }

function compare(a: MaskCompositor, b: MaskCompositor, ids: readonly string[]): Difference {
  const d: Difference = { blurred: 0, quantized: 0, zeroPatternsDiffer: false };
  for (const id of ids) {
    const ba = a.blurredMask(id), bb = b.blurredMask(id);
    for (let i = 0; i < ba.length; i++) d.blurred = Math.max(d.blurred, Math.abs(ba[i] - bb[i]));
    a.quantizedMasks(id).forEach((qa, k) => {
      const qb = b.quantizedMasks(id)[k];
      for (let i = 0; i < qa.length; i++) {
        d.quantized = Math.max(d.quantized, Math.abs(qa[i] - qb[i]));
        if ((qa[i] > 0) !== (qb[i] > 0)) d.zeroPatternsDiffer = true;
      }
    });
  }
  return d;
}

const same = (a: readonly Float32Array[], b: readonly Float32Array[]) => a.every((q, k) => Buffer.from(q.buffer).equals(Buffer.from(b[k].buffer)));

describe('incremental mask updates', () => {
  test('random strokes and toggles match a full recompute (blur to 1e-12, Q > 0 exactly)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        layer: fc.integer({ min: 0, max: 2 }),
        x: fc.integer({ min: -10, max: W + 10 }), y: fc.integer({ min: -10, max: H + 10 }),
        r: fc.integer({ min: 1, max: 14 }),
        value: fc.constantFrom(0, 40, 255),
        toggle: fc.boolean(),
      }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom<MaskType>('continuous', 'discrete', 'semi-continuous'),
      fc.constantFrom(3, 6, 10),
      (edits, type, blur) => {
        let layers = baseLayers(blur);
        const quant = { noiseLevels: n, maskType: type, coverAlpha: 0.3 };
        const inc = fullCompositor(layers, quant);
        for (const e of edits) {
          const l = layers[e.layer];
          const mask = l.mask.slice() as Uint8Array;
          disc(mask, e.x, e.y, e.r, e.value);
          const visible = e.toggle && e.layer === 1 ? !l.visible : l.visible;
          layers = layers.map((o, i) => (i === e.layer ? { ...o, mask, visible } : o));
          inc.setLayerMask(l.id, mask);
          inc.setLayerOptions(l.id, { visible });
          inc.update();
        }
        const full = fullCompositor(layers, quant);
        const d = compare(inc, full, layers.filter((l) => l.visible).map((l) => l.id));
        expect(d.blurred).toBeLessThanOrEqual(1e-12);
        expect(d.quantized).toBeLessThanOrEqual(Q_TOLERANCE);
        expect(d.zeroPatternsDiffer).toBe(false);
        for (let k = 0; k < 5; k++) {
          for (let i = 0; i < inc.count[k].length; i++) expect(Math.abs(inc.count[k][i] - full.count[k][i])).toBeLessThanOrEqual(3 * Q_TOLERANCE);
        }
      },
    ), { numRuns: 60 });
  });

  test('500 strokes in a row do not drift from a full recompute', () => {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const layers = baseLayers(8);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const inc = fullCompositor(layers, quant);
    const before = { ...inc.blurStats };
    for (let i = 0; i < 500; i++) {
      const li = rnd() < 0.7 ? 1 : rnd() < 0.5 ? 0 : 2;
      disc(layers[li].mask as Uint8Array, rnd() * W, rnd() * H, 2 + rnd() * 8, [0, 90, 255][Math.floor(rnd() * 3)]);
      inc.setLayerMask(layers[li].id, layers[li].mask);
      inc.update();
    }
    // most of them were difference blurs, not full ones
    expect(inc.blurStats.incremental - before.incremental).toBeGreaterThan(400);
    const full = fullCompositor(layers, quant);
    const d = compare(inc, full, ['l0', 'l1', 'l2']);
    expect(d.blurred).toBeLessThanOrEqual(1e-12);
    expect(d.quantized).toBeLessThanOrEqual(Q_TOLERANCE);
    expect(d.zeroPatternsDiffer).toBe(false);
  });

  test('a block stroked over and over is re-blurred the full way once its drift bound is used up', () => {
    const layers = baseLayers(8);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const inc = fullCompositor(layers, quant);
    const mask = layers[0].mask as Uint8Array;
    for (let i = 0; i < 4000; i++) {
      disc(mask, 20 + (i % 3), 80, 4, [255, 60][i % 2]);
      inc.setLayerMask('l0', mask);
      inc.update();
    }
    expect(inc.blurStats.incremental).toBeGreaterThan(3900);
    expect(inc.blurStats.repairs).toBeGreaterThan(0);
    const d = compare(inc, fullCompositor(layers, quant), ['l0']);
    expect(d.blurred).toBeLessThanOrEqual(1e-12);
    expect(d.zeroPatternsDiffer).toBe(false);
  });

  test('painting dabs and erasing them again gives back the never-painted masks exactly', () => {
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    // in empty space; over the edge of l0 and under l1
    for (const [cx, cy] of [[108, 78], [58, 40]]) {
      const layers = baseLayers(8);
      const c = fullCompositor(layers, quant);
      const ref = ['l0', 'l1', 'l2'].map((id) => c.quantizedMasks(id).map((q) => q.slice()));
      const refBlur = ['l0', 'l1', 'l2'].map((id) => c.blurredMask(id).slice());
      const original = layers[1].mask;
      const painted = original.slice() as Uint8Array;
      const incremental = c.blurStats.incremental;
      // two overlapping dabs, then one erase of both: the float sums no longer cancel term by term
      for (const [dx, value] of [[0, 255], [5, 130]]) {
        disc(painted, cx + dx, cy, 7, value);
        c.setLayerMask('l1', painted);
        c.update();
      }
      expect(c.quantizedMasks('l1')[4].some((v, i) => v !== ref[1][4][i])).toBe(true);
      c.setLayerMask('l1', original);
      c.update();
      expect(c.blurStats.incremental).toBeGreaterThanOrEqual(incremental + 3);
      ['l0', 'l1', 'l2'].forEach((id, i) => {
        expect(same(c.quantizedMasks(id), ref[i])).toBe(true);
        // where nothing reaches, the blur is exactly 0 again (no 1e-17 left over)
        const b = c.blurredMask(id);
        let residue = 0;
        for (let p = 0; p < b.length; p++) if (refBlur[i][p] === 0) residue = Math.max(residue, Math.abs(b[p]));
        expect(residue).toBe(0);
      });
    }
  });

  test('a flat mask exactly at a discrete threshold stays below it after strokes nearby', () => {
    // strength · 1 = n_2 on the flat inside: [M > n_2] is 0 there and must stay 0, although
    // strokes painted and restored nearby leave 1 ± 2e-16 in the stored blur
    const mask = new Uint8Array(H * W);
    for (let y = 8; y < 88; y++) for (let x = 8; x < 120; x++) mask[y * W + x] = 255;
    const layers: MaskLayerInput[] = [{ id: 'flat', mask, maskStrength: n[2], maskBlur: 4, visible: true }];
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'discrete', coverAlpha: 0.3 };
    const inc = fullCompositor(layers, quant);
    const ref = inc.quantizedMasks('flat').map((q) => q.slice());
    const painted = mask.slice();
    for (let i = 0; i < 40; i++) {
      const cx = 30 + (i % 8) * 9, cy = 30 + Math.floor(i / 8) * 9;
      // two overlapping dabs, then one that restores both: the float sums do not cancel exactly
      for (const [dx, dy, r, value] of [[0, 0, 3, 77 + i], [2, 1, 3, 150 - i], [1, 0, 5, 255]]) {
        disc(painted, cx + dx, cy + dy, r, value);
        inc.setLayerMask('flat', painted);
        inc.update();
      }
    }
    expect(inc.blurStats.incremental).toBe(120);
    // the inside is flat again: a full recompute gives exactly 1 there, so Q_2 = 0
    const full = fullCompositor([{ ...layers[0], mask: painted }], quant);
    expect(full.quantizedMasks('flat')[2][5 * (W / 8) + 5]).toBe(0);
    expect(full.quantizedMasks('flat')[3][5 * (W / 8) + 5]).toBe(1);
    expect(same(full.quantizedMasks('flat'), ref)).toBe(true);
    expect(same(inc.quantizedMasks('flat'), ref)).toBe(true);
    expect(compare(inc, full, ['flat']).blurred).toBeLessThanOrEqual(1e-12);
  });

  test('changing a strength re-quantizes the stored blur without blurring again', () => {
    const layers = baseLayers(6);
    const quant: MaskQuantization = { noiseLevels: n, maskType: 'continuous', coverAlpha: 0.3 };
    const inc = fullCompositor(layers, quant);
    const stats = { ...inc.blurStats };
    inc.setLayerOptions('l1', { maskStrength: 0.5 });
    inc.update();
    expect(inc.blurStats.full).toBe(stats.full);
    const full = fullCompositor(layers.map((l, i) => (i === 1 ? { ...l, maskStrength: 0.5 } : l)), quant);
    expect(same(inc.quantizedMasks('l1'), full.quantizedMasks('l1'))).toBe(true);
  });
});
