/** The region eyedropper, the bucket's region map and scanline flood, pressure dabs and stroke cancel. */
import { DocumentStore } from '../../../renderer/src/store/document-store';
import { createBrush, createDocument, type PaletteDocument } from '../../../renderer/src/store/document';
import { NO_REGION, applyCoverage, brushAt, floodArea, regionMap } from '../../../renderer/src/tools/regions';
import { bucketFill } from '../../../renderer/src/tools/region-tools';
import { BrushTool } from '../../../renderer/src/tools/brush-tool';
import { fitView, keepInView, screenToDoc, zoomAround } from '../../../renderer/src/canvas/view';

const W = 16;

/** a document with two brushes: bottom fills the left half, top a ring (square outline) */
function scene(): DocumentStore<PaletteDocument> {
  const doc = createDocument(W, W);
  const bottom = doc.layers[0];
  for (let y = 0; y < W; y++) for (let x = 0; x < W / 2; x++) bottom.mask[y * W + x] = 255;
  const top = createBrush(doc);
  for (let i = 4; i <= 11; i++) {
    top.mask[4 * W + i] = 200;
    top.mask[11 * W + i] = 200;
    top.mask[i * W + 4] = 200;
    top.mask[i * W + 11] = 200;
  }
  return new DocumentStore<PaletteDocument>({ ...doc, layers: [bottom, top] });
}

const count = (m: Uint8Array) => m.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);

describe('regions', () => {
  test('the eyedropper picks the top-most visible brush with paint, skipping hidden ones', () => {
    const store = scene();
    const [bottom, top] = store.getState().layers;
    expect(brushAt(store.getState(), 4.5, 6)).toBe(top.id);
    expect(brushAt(store.getState(), 1, 1)).toBe(bottom.id);
    expect(brushAt(store.getState(), 14, 1)).toBeNull();
    expect(brushAt(store.getState(), -1, 1)).toBeNull();
    store.update((d) => void (d.layers[1].visible = false));
    expect(brushAt(store.getState(), 4.5, 6)).toBe(bottom.id);
  });

  test('region map and flood: the inside of the ring is split by the bottom brush, the outside is one area', () => {
    const doc = scene().getState();
    const labels = regionMap(doc);
    expect(labels[0]).toBe(0);
    expect(labels[4 * W + 4]).toBe(1);
    expect(labels[15]).toBe(NO_REGION);
    // inside the ring, right half: no brush, bounded by the ring → 6 columns (5..10) minus x < 8 → x 8..10, rows 5..10
    const inner = floodArea(labels, W, W, 9, 7);
    expect(inner && count(inner)).toBe(3 * 6);
    // outside, right half: everything not in the ring or the left half, connected around it
    const outer = floodArea(labels, W, W, 15, 15);
    const expected = labels.reduce((n, v, i) => n + (v === NO_REGION && !(inner as Uint8Array)[i] ? 1 : 0), 0);
    expect(outer && count(outer)).toBe(expected);
    expect(floodArea(labels, W, W, 99, 0)).toBeNull();
  });

  test('bucket fill: one undo step, fills only the connected same-region area, no step when nothing changes', () => {
    const store = scene();
    const top = store.getState().layers[1];
    expect(bucketFill(store, top.id, 9, 7)).toBe(true);
    expect(store.historyLabels.undo).toEqual(['bucket fill']);
    const mask = store.getState().layers[1].mask;
    expect(mask[7 * W + 9]).toBe(255);
    expect(mask[7 * W + 13]).toBe(0);
    expect(mask[7 * W + 6]).toBe(0);
    // the ring itself (top's own region, soft 200) fills to full strength
    expect(bucketFill(store, top.id, 4, 4)).toBe(true);
    expect(store.getState().layers[1].mask[4 * W + 4]).toBe(255);
    expect(bucketFill(store, top.id, 4, 4)).toBe(false);
    expect(store.historyLabels.undo).toHaveLength(2);
    store.undo();
    store.undo();
    expect(store.getState().layers[1].mask[7 * W + 9]).toBe(0);
  });

  test('the bucket fills under a soft edge\'s faint halo (below half strength), not under the stroke itself', () => {
    const store = scene();
    const top = store.getState().layers[1];
    // a faint halo of the bottom brush just right of its half
    store.update((d) => {
      for (let y = 0; y < W; y++) d.layers[0].mask[y * W + 8] = 60;
    });
    expect(bucketFill(store, top.id, 14, 14)).toBe(true);
    const mask = store.getState().layers[1].mask;
    expect(mask[14 * W + 8]).toBe(255);
    expect(mask[14 * W + 7]).toBe(0);
  });

  test('coverage fills by max and erases by min with the complement', () => {
    const mask = Uint8Array.from([0, 100, 255, 255]);
    const cov = Uint8Array.from([255, 50, 0, 128]);
    expect([...applyCoverage(mask, cov, 'fill')]).toEqual([255, 100, 255, 255]);
    expect([...applyCoverage(mask, cov, 'erase')]).toEqual([0, 100, 255, 127]);
  });
});

describe('brush pressure and cancel', () => {
  function tool(pressureSize: boolean) {
    const store = new DocumentStore<PaletteDocument>(createDocument(64, 64));
    const shown: Uint8Array[] = [];
    const t = new BrushTool({
      store,
      settings: () => ({ mode: 'paint', size: 20, hardness: 1, pressureSize }),
      targetLayerId: () => store.getState().layers[0].id,
      onStroke: (_id, m) => shown.push(m),
      onCancel: (_id, m) => shown.push(m),
    });
    return { store, t, shown };
  }
  const column = (m: Uint8Array, x: number) => Array.from({ length: 64 }, (_, y) => m[y * 64 + x]).filter((v) => v > 0).length;

  test('pressure scales the dab along the stroke', () => {
    const { store, t } = tool(true);
    t.pointerDown(5, 32, 0.2);
    t.pointerMove(58, 32, 1);
    t.pointerUp();
    const m = store.getState().layers[0].mask;
    expect(column(m, 8)).toBeLessThan(8);
    expect(column(m, 55)).toBeGreaterThan(16);
  });

  test('cancel leaves the store and its history alone and shows the old mask again', () => {
    const { store, t, shown } = tool(false);
    const before = store.getState().layers[0].mask;
    t.pointerDown(10, 10);
    t.pointerMove(40, 40);
    t.cancel();
    t.pointerUp();
    expect(store.getState().layers[0].mask).toBe(before);
    expect(store.canUndo).toBe(false);
    expect(shown[shown.length - 1]).toBe(before);
  });
});

describe('view', () => {
  test('zooming around a point keeps the document point under it', () => {
    const v = { zoom: 1.3, panX: 40, panY: -12 };
    const before = screenToDoc(v, 300, 200);
    const after = screenToDoc(zoomAround(v, 2.5, 300, 200), 300, 200);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  test('fit centres the whole document; keepInView never loses it', () => {
    const f = fitView({ width: 1024, height: 512 }, { width: 600, height: 900 });
    expect(1024 * f.zoom).toBeLessThanOrEqual(600 - 32);
    expect(f.panY).toBeCloseTo((900 - 512 * f.zoom) / 2, 0);
    const lost = keepInView({ zoom: 1, panX: -5000, panY: 5000 }, { width: 512, height: 512 }, { width: 600, height: 900 });
    expect(lost.panX + 512).toBeGreaterThanOrEqual(48);
    expect(lost.panY).toBeLessThanOrEqual(900 - 48);
  });
});

describe('pressure as flow', () => {
  test('a light touch paints weaker, full pressure full strength; size stays when size-pressure is off', () => {
    const store = new DocumentStore<PaletteDocument>(createDocument(64, 64));
    const t = new BrushTool({
      store,
      settings: () => ({ mode: 'paint', size: 10, hardness: 1, pressureSize: false, pressureFlow: true }),
      targetLayerId: () => store.getState().layers[0].id,
    });
    t.pointerDown(10, 32, 0.25);
    t.pointerUp();
    t.pointerDown(50, 32, 1);
    t.pointerUp();
    const m = store.getState().layers[0].mask;
    expect(m[32 * 64 + 10]).toBe(Math.round(0.25 * 255));
    expect(m[32 * 64 + 50]).toBe(255);
    const width = (x: number) => Array.from({ length: 64 }, (_, y) => m[y * 64 + x]).filter((v) => v > 0).length;
    expect(width(10)).toBe(width(50));
  });
});
