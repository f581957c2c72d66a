import { DocumentStore } from '../../../renderer/src/store/document-store';
import { createBrush, createDocument, type PaletteDocument } from '../../../renderer/src/store/document';
import { applyDelta, diffArrays } from '../../../renderer/src/store/history-delta';
import { BrushTool, fillLayer, type BrushSettings } from '../../../renderer/src/tools/brush-tool';
import { Xoshiro128 } from '../../../main/engine/random';

function painter(size: number, history: ConstructorParameters<typeof DocumentStore>[1] = {}) {
  const store = new DocumentStore<PaletteDocument>(createDocument(size, size), history);
  const settings: BrushSettings = { mode: 'paint', size: 48, hardness: 1 };
  let target = 0;
  const tool = new BrushTool({ store, settings: () => settings, targetLayerId: () => store.getState().layers[target]?.id ?? null });
  const rng = new Xoshiro128(5);
  /** a short stroke of r = 24 dabs at a random place */
  const stroke = (): void => {
    const x = Math.floor(rng.nextDouble() * (size - 80)) + 40;
    const y = Math.floor(rng.nextDouble() * (size - 80)) + 40;
    tool.pointerDown(x, y);
    tool.pointerMove(x + 12, y + 6);
    tool.pointerMove(x + 24, y + 10);
    tool.pointerUp();
  };
  const masks = (): Uint8Array[] => store.getState().layers.map((l) => l.mask.slice());
  return { store, settings, stroke, masks, setTarget: (i: number) => void (target = i) };
}

/** byte equality of mask lists (jest's toEqual walks typed arrays element by element: far too slow at 1024²) */
function sameMasks(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((m, i) => Buffer.from(m.buffer, m.byteOffset, m.length).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].length)));
}

describe('undo history keeps only what a stroke changed', () => {
  test('diffArrays + applyDelta give back both sides exactly, on scattered and clustered changes', () => {
    const rng = new Xoshiro128(9);
    const a = new Uint8Array(10_000);
    for (let i = 0; i < a.length; i++) a[i] = rng.nextDouble() < 0.5 ? 0 : 255;
    const b = a.slice();
    for (let i = 0; i < 40; i++) b[Math.floor(rng.nextDouble() * b.length)] ^= 0x5a; // scattered
    b.fill(7, 3000, 3400); // one run
    b[b.length - 1] ^= 1; // the last byte
    b[0] ^= 1; // the first
    const d = diffArrays(a, b, b.length)!;
    expect(applyDelta(a, { delta: d, side: 'after' })).toEqual(b);
    expect(applyDelta(b, { delta: d, side: 'before' })).toEqual(a);
    expect(d.before.length).toBeLessThan(1000);
    // over the limit: no delta (the arrays themselves are cheaper)
    expect(diffArrays(a, b, 100)).toBeNull();
    // a mask of another size is refused with a clear error
    expect(() => applyDelta(new Uint8Array(5), { delta: d, side: 'before' })).toThrow(/5 values .* 10000/);
  });

  test('60 strokes on 1024²: a few KB each, and undo/redo walk back and forth exactly', () => {
    const p = painter(1024);
    const snapshots = [p.masks()];
    for (let i = 0; i < 60; i++) {
      p.stroke();
      snapshots.push(p.masks());
    }
    // a full mask copy would be 1 MB per step
    expect(p.store.historyBytes / 60).toBeLessThan(40_000);
    for (let i = 60; i > 0; i--) {
      expect(p.store.undo()).toBe(true);
      expect(sameMasks(p.masks(), snapshots[i - 1])).toBe(true);
    }
    expect(p.store.canUndo).toBe(false);
    for (let i = 1; i <= 60; i++) {
      p.store.redo();
      if (i % 10 === 0) expect(sameMasks(p.masks(), snapshots[i])).toBe(true);
    }
    expect(sameMasks(p.masks(), snapshots[60])).toBe(true);
  });

  test('steps on several layers, a fill and a layer removal undo in order', () => {
    const p = painter(256);
    p.store.update((d) => void d.layers.push(createBrush(d)), { label: 'add brush' });
    const snapshots: PaletteDocument[] = [p.store.getState()];
    const snap = (): void => void snapshots.push(p.store.getState());
    p.stroke(); snap();
    p.setTarget(1);
    p.stroke(); snap();
    fillLayer(p.store, p.store.getState().layers[1].id, 255); snap(); // whole mask: kept as arrays
    p.stroke(); snap(); // on a full layer: a step that changes no byte
    p.setTarget(0);
    p.stroke(); snap();
    p.store.update((d) => void d.layers.splice(1, 1), { label: 'remove brush' }); snap();
    const ids = (d: PaletteDocument) => d.layers.map((l) => l.id);
    const masksOf = (d: PaletteDocument) => d.layers.map((l) => l.mask);
    for (let i = snapshots.length - 1; i > 0; i--) {
      const before = snapshots[i - 1];
      p.store.undo();
      expect(ids(p.store.getState())).toEqual(ids(before));
      expect([i, sameMasks(masksOf(p.store.getState()), masksOf(before))]).toEqual([i, true]);
    }
    expect(p.store.canUndo).toBe(true); // 'add brush' is left
    p.store.undo();
    expect(p.store.canUndo).toBe(false);
  });

  test('over the byte cap the oldest steps are dropped, the newest kept, and the user is told', () => {
    const trims: Array<{ dropped: number; kept: number; bytes: number }> = [];
    const p = painter(512, { maxBytes: 100_000, onTrim: (t) => trims.push(t) });
    const snapshots = [p.masks()];
    for (let i = 0; i < 40; i++) {
      p.stroke();
      snapshots.push(p.masks());
    }
    expect(trims.length).toBeGreaterThan(0);
    expect(p.store.historyBytes).toBeLessThanOrEqual(100_000);
    const kept = p.store.historyLabels.undo.length;
    expect(kept).toBeLessThan(40);
    for (let i = 0; i < kept; i++) p.store.undo();
    expect(p.store.canUndo).toBe(false);
    // back to the state after the oldest step still kept, not further
    expect(sameMasks(p.masks(), snapshots[40 - kept])).toBe(true);
  });

  test('the step cap drops the oldest steps too', () => {
    const trims: number[] = [];
    const p = painter(128, { maxSteps: 5, onTrim: (t) => trims.push(t.dropped) });
    p.settings.size = 8;
    for (let i = 0; i < 9; i++) p.stroke();
    expect(p.store.historyLabels.undo.length).toBe(5);
    expect(trims.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
