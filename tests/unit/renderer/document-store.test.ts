import { DocumentStore } from '../../../renderer/src/store/document-store';
import { createBrush, createDocument, resampleMask, tIndexListForSteps, type PaletteDocument } from '../../../renderer/src/store/document';
import { moveLayer } from '../../../renderer/src/store/layer-ops';
import { stepSize } from '../../../renderer/src/store/ui-store';
import { BrushTool, fillLayer, type BrushSettings } from '../../../renderer/src/tools/brush-tool';

function harness(size = 64) {
  const store = new DocumentStore<PaletteDocument>(createDocument(size, size));
  const settings: BrushSettings = { mode: 'paint', size: 8, hardness: 1 };
  const strokes: string[] = [];
  const tool = new BrushTool({
    store,
    settings: () => settings,
    targetLayerId: () => store.getState().layers[0]?.id ?? null,
    onStroke: (id) => strokes.push(id),
  });
  const mask = () => store.getState().layers[0].mask;
  const at = (x: number, y: number) => mask()[y * size + x];
  return { store, tool, settings, strokes, mask, at };
}

describe('DocumentStore history', () => {
  test('a whole stroke is one undo step', () => {
    const h = harness();
    h.tool.pointerDown(10, 10);
    expect(h.tool.state.name).toBe('drawing');
    for (let x = 11; x <= 50; x += 3) h.tool.pointerMove(x, 10);
    // the store only sees the stroke when it ends
    expect(h.at(30, 10)).toBe(0);
    h.tool.pointerUp();
    expect(h.tool.state.name).toBe('idle');
    expect(h.at(10, 10)).toBe(255);
    expect(h.at(30, 10)).toBe(255);
    expect(h.at(30, 40)).toBe(0);
    expect(h.strokes.length).toBeGreaterThan(5);
    expect(h.store.historyLabels.undo).toEqual(['stroke']);

    expect(h.store.undo()).toBe(true);
    expect(h.at(10, 10)).toBe(0);
    expect(h.at(30, 10)).toBe(0);
    expect(h.store.canUndo).toBe(false);
  });

  test('redo after undo brings the stroke back; the old mask array is untouched', () => {
    const h = harness();
    const before = h.mask();
    h.tool.pointerDown(20, 20);
    h.tool.pointerUp();
    const after = h.mask();
    expect(after).not.toBe(before);
    expect(before.every((v) => v === 0)).toBe(true);
    const afterCopy = after.slice();
    h.store.undo();
    expect(h.mask()).toEqual(before);
    h.store.redo();
    expect(h.mask()).toEqual(afterCopy);
    expect(h.at(20, 20)).toBe(255);
    // history rebuilds masks into new arrays: the ones the document held are never written
    expect(before.every((v) => v === 0)).toBe(true);
    expect(after).toEqual(afterCopy);
  });

  test('eraser lowers the mask and is its own undo step', () => {
    const h = harness();
    fillLayer(h.store, h.store.getState().layers[0].id, 255);
    h.settings.mode = 'erase';
    h.tool.pointerDown(32, 32);
    h.tool.pointerMove(40, 32);
    h.tool.pointerUp();
    expect(h.at(36, 32)).toBe(0);
    expect(h.at(5, 5)).toBe(255);
    expect(h.store.historyLabels.undo).toEqual(['fill layer', 'erase']);
    h.store.undo();
    expect(h.at(36, 32)).toBe(255);
  });

  test('soft brush falls off towards the edge', () => {
    const h = harness();
    h.settings.size = 20;
    h.settings.hardness = 0;
    h.tool.pointerDown(32, 32);
    h.tool.pointerUp();
    const centre = h.at(32, 32);
    const mid = h.at(37, 32);
    const edge = h.at(41, 32);
    expect(centre).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(edge);
    expect(h.at(43, 32)).toBe(0);
  });

  test('a slider drag is one undo step', () => {
    const h = harness();
    const id = h.store.getState().layers[0].id;
    h.store.beginGesture('prompt strength');
    for (const v of [0.9, 0.7, 0.5, 0.3]) {
      h.store.update((d) => {
        d.layers[0].promptStrength = v;
      });
    }
    h.store.commitGesture();
    expect(h.store.getState().layers[0].promptStrength).toBe(0.3);
    expect(h.store.historyLabels.undo).toEqual(['prompt strength']);
    h.store.undo();
    expect(h.store.getState().layers[0]).toMatchObject({ id, promptStrength: 1 });
    h.store.redo();
    expect(h.store.getState().layers[0].promptStrength).toBe(0.3);
  });

  test('typing into one field coalesces; another field starts a new step', () => {
    const h = harness();
    for (const p of ['r', 're', 'red']) h.store.update((d) => void (d.layers[0].prompt = p), { coalesce: 'prompt' });
    h.store.update((d) => void (d.background.prompt = 'white sky'), { coalesce: 'bg' });
    expect(h.store.historyLabels.undo.length).toBe(2);
    h.store.undo();
    expect(h.store.getState().background.prompt).toBe('white');
    expect(h.store.getState().layers[0].prompt).toBe('red');
    h.store.undo();
    expect(h.store.getState().layers[0].prompt).toBe('');
  });

  test('a new edit after undo clears redo', () => {
    const h = harness();
    h.tool.pointerDown(10, 10);
    h.tool.pointerUp();
    h.store.undo();
    expect(h.store.canRedo).toBe(true);
    h.store.update((d) => void (d.layers[0].name = 'sky'), { label: 'rename' });
    expect(h.store.canRedo).toBe(false);
    expect(h.store.redo()).toBe(false);
    expect(h.at(10, 10)).toBe(0);
    expect(h.store.getState().layers[0].name).toBe('sky');
  });

  test('cancelGesture returns to the state before the gesture and records nothing', () => {
    const h = harness();
    const start = h.store.getState();
    h.store.beginGesture('mask blur');
    h.store.update((d) => void (d.layers[0].maskBlur = 12));
    h.store.cancelGesture();
    expect(h.store.getState()).toBe(start);
    expect(h.store.canUndo).toBe(false);
  });

  test('reorder and hide are undoable and listeners see each change', () => {
    const h = harness();
    const causes: string[] = [];
    h.store.subscribe((e) => causes.push(e.cause));
    h.store.update((d) => {
      d.layers.push({ ...d.layers[0], id: 'second' as typeof d.layers[0]['id'], name: 'second', mask: new Uint8Array(64 * 64) });
    });
    const [a, b] = h.store.getState().layers.map((l) => l.id);
    h.store.update((d) => void d.layers.reverse(), { label: 'reorder' });
    expect(h.store.getState().layers.map((l) => l.id)).toEqual([b, a]);
    h.store.update((d) => void (d.layers[0].visible = false), { label: 'hide' });
    h.store.undo();
    h.store.undo();
    expect(h.store.getState().layers.map((l) => l.id)).toEqual([a, b]);
    expect(h.store.getState().layers.every((l) => l.visible)).toBe(true);
    expect(causes).toEqual(['edit', 'edit', 'edit', 'undo', 'undo']);
  });

  test('a stroke outside the canvas changes nothing and records nothing', () => {
    const h = harness();
    h.tool.pointerDown(-100, -100);
    h.tool.pointerUp();
    expect(h.store.canUndo).toBe(false);
  });
});

describe('layer and view helpers', () => {
  test('moveLayer reorders as one undo step', () => {
    const store = new DocumentStore<PaletteDocument>(createDocument(64, 64));
    store.update((d) => void d.layers.push(createBrush(d)));
    store.update((d) => void d.layers.push(createBrush(d)));
    const ids = store.getState().layers.map((l) => l.id);
    moveLayer(store, ids[0], 2);
    expect(store.getState().layers.map((l) => l.id)).toEqual([ids[1], ids[2], ids[0]]);
    store.undo();
    expect(store.getState().layers.map((l) => l.id)).toEqual(ids);
    expect(store.getState().layers.map((l) => l.name)).toEqual(['Brush 1', 'Brush 2', 'Brush 3']);
  });

  test('[ and ] step the brush size within bounds', () => {
    expect(stepSize(48, 1)).toBeGreaterThan(48);
    expect(stepSize(48, -1)).toBeLessThan(48);
    expect(stepSize(1, -1)).toBe(1);
    expect(stepSize(2, 1)).toBe(3);
    expect(stepSize(512, 1)).toBe(512);
  });

  test('steps map to strictly increasing schedule indices; 5 is the spec default', () => {
    expect(tIndexListForSteps(5)).toEqual([0, 4, 12, 25, 37]);
    for (let n = 1; n <= 10; n++) {
      const list = tIndexListForSteps(n);
      expect(list).toHaveLength(n);
      expect(list.every((v, i) => v >= 0 && v <= 49 && (i === 0 || v > list[i - 1]))).toBe(true);
    }
  });

  test('resampling a mask keeps the painted region in place', () => {
    const mask = new Uint8Array(8 * 8);
    mask[2 * 8 + 6] = 255; // row 2, column 6
    const big = resampleMask(mask, { width: 8, height: 8 }, { width: 16, height: 16 });
    expect(big[4 * 16 + 12]).toBe(255);
    expect(big[5 * 16 + 13]).toBe(255);
    expect(big.reduce((s, v) => s + (v ? 1 : 0), 0)).toBe(4);
  });
});
