/**
 * Undo history cost (issue 11): 500 strokes of r = 24 on a 2048² canvas, through the real
 * brush tool and document store; what the history keeps (its own count) and how the heap grows.
 */
import { DocumentStore } from '../renderer/src/store/document-store';
import { createDocument, type PaletteDocument } from '../renderer/src/store/document';
import { BrushTool, type BrushSettings } from '../renderer/src/tools/brush-tool';
import { Xoshiro128 } from '../main/engine/random';
import { round, type BenchRow } from './stats';

const MB = 2 ** 20;

function heapAndBuffers(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function benchHistory(strokes: number): Promise<BenchRow[]> {
  const size = 2048;
  const store = new DocumentStore<PaletteDocument>(createDocument(size, size));
  const settings: BrushSettings = { mode: 'paint', size: 48, hardness: 0.8 };
  const tool = new BrushTool({ store, settings: () => settings, targetLayerId: () => store.getState().layers[0].id });
  const rng = new Xoshiro128(21);
  const before = heapAndBuffers();
  const t0 = performance.now();
  for (let i = 0; i < strokes; i++) {
    const x = 60 + rng.nextDouble() * (size - 200);
    const y = 60 + rng.nextDouble() * (size - 200);
    tool.pointerDown(x, y);
    for (let s = 1; s <= 8; s++) tool.pointerMove(x + s * 10, y + s * 4); // a stroke ~90 px long
    tool.pointerUp();
  }
  const ms = (performance.now() - t0) / strokes;
  const grown = heapAndBuffers() - before;
  const kept = store.historyLabels.undo.length;
  const held = store.historyBytes;
  const u0 = performance.now();
  for (let i = 0; i < 20; i++) store.undo();
  const undoMs = (performance.now() - u0) / 20;
  const fullCopies = kept * size * size;
  return [{
    benchmark: 'undo history memory',
    case: `${strokes} strokes of r = 24 (~90 px long) on ${size}×${size}, 1 layer`,
    result: `${round(held / MB, 1)} MB kept by ${kept} steps (${round(held / kept / 1024, 1)} KB per step; full mask copies would be ${round(fullCopies / MB, 0)} MB); heap + buffers grew ${round(grown / MB, 1)} MB; ${round(ms, 1)} ms per stroke, undo ${round(undoMs, 1)} ms`,
    target: '≤ 50 MB',
    met: held <= 50 * MB && grown <= 60 * MB,
  }];
}
