/**
 * The editor: the document store, the editor state, the brush tool and the engine sync,
 * wired to `window.palette`. Panels and the canvas reach it through React context.
 */
import type { PaletteApi, RendererFrame } from '../../shared/ipc/api';
import { parseIpcError } from '../../shared/ipc/api';
import type { EngineStatus, PaletteDocumentWire } from '../../shared/ipc/channels';
import { DocumentStore } from './store/document-store';
import { createDocument, type PaletteDocument } from './store/document';
import { Observable, initialUiState, pushToast, type UiStore } from './store/ui-store';
import { BrushTool } from './tools/brush-tool';
import type { Rect } from './tools/dab';
import { ShapeTool, type ShapeKind } from './tools/region-tools';
import { EngineSync } from './engine/engine-sync';

export type StrokeListener = (layerId: string, working: Uint8Array, dirty: Rect) => void;
export type OutlineListener = (kind: ShapeKind, outline: Array<{ x: number; y: number }> | null) => void;

export interface Editor {
  api: PaletteApi;
  doc: DocumentStore<PaletteDocument>;
  ui: UiStore;
  tool: BrushTool;
  /** lasso and rectangle gestures */
  shapes: ShapeTool;
  sync: EngineSync;
  /** the newest engine frame, drawn with putImageData; shown beside and (optionally) under the strokes */
  frameCanvas: HTMLCanvasElement;
  onStroke: Set<StrokeListener>;
  onOutline: Set<OutlineListener>;
  onFrame: Set<(frame: RendererFrame) => void>;
}

export function createEditor(api: PaletteApi, initial: PaletteDocument = createDocument()): Editor {
  const doc = new DocumentStore<PaletteDocument>(initial);
  const ui: UiStore = new Observable(initialUiState());
  ui.set({ selectedLayerId: initial.layers[initial.layers.length - 1]?.id ?? null });
  const onStroke = new Set<StrokeListener>();
  const sync = new EngineSync(api.engine, {
    schedule: (flush) => requestAnimationFrame(flush),
    onError: (e) => pushToast(ui, 'error', e.message),
  });
  const tool = new BrushTool({
    store: doc,
    settings: () => {
      const s = ui.getState();
      const pressure = { pressureSize: s.pressureSize, pressureFlow: s.pressureFlow };
      return s.tool === 'eraser'
        ? { mode: 'erase', size: s.eraserSize, hardness: s.hardness, ...pressure }
        : { mode: 'paint', size: s.brushSize, hardness: s.hardness, ...pressure };
    },
    targetLayerId: () => ui.getState().selectedLayerId,
    onStroke: (id, working, dirty) => {
      sync.strokeChanged(id, working);
      for (const l of onStroke) l(id, working, dirty);
    },
    onCancel: (id, mask, dirty) => {
      sync.strokeCancelled(id);
      for (const l of onStroke) l(id, mask, dirty);
    },
  });
  const onOutline = new Set<OutlineListener>();
  const shapes = new ShapeTool({
    store: doc,
    mode: () => ui.getState().regionMode,
    onOutline: (kind, outline) => onOutline.forEach((l) => l(kind, outline)),
  });
  const frameCanvas = document.createElement('canvas');
  frameCanvas.width = initial.canvas.width;
  frameCanvas.height = initial.canvas.height;
  frameCanvas.dataset.testid = 'output-canvas';
  frameCanvas.className = 'output-canvas';
  // stays transparent until the engine's first frame, so "white" always means a real frame

  const editor: Editor = { api, doc, ui, tool, shapes, sync, frameCanvas, onStroke, onOutline, onFrame: new Set() };

  doc.subscribe((e) => {
    sync.documentChanged(e.state);
    // keep a valid selection through undo, removal and new documents
    const sel = ui.getState().selectedLayerId;
    if (!e.state.layers.some((l) => l.id === sel)) {
      ui.set({ selectedLayerId: e.state.layers[e.state.layers.length - 1]?.id ?? null });
    }
    // the unsaved state goes to main from document-file.ts (by content, so undo back to the saved state is clean)
  });
  return editor;
}

/** Connect to the engine: events, frames, the model, and the first full palette. */
export async function startEditor(editor: Editor): Promise<() => void> {
  const { api, ui, sync, doc } = editor;
  const report = (e: unknown) => pushToast(ui, 'error', parseIpcError(e).message);
  let frameTimes: number[] = [];
  const unsubs = [
    api.events.on('engine:status', (status) => setStatus(editor, status)),
    api.events.on('engine:notice', (n) => pushToast(ui, n.level, n.message)),
    api.events.on('engine:modelProgress', (p) => ui.set({ modelProgress: p.fraction >= 1 ? null : p })),
    api.frames.onFrame((frame) => {
      drawFrame(editor.frameCanvas, frame);
      const now = performance.now();
      frameTimes = [...frameTimes.filter((t) => now - t < 1000), now];
      ui.set({ fps: frameTimes.length, latencyMs: frame.ms, frameIndex: frame.index });
      for (const l of editor.onFrame) l(frame);
    }),
  ];
  try {
    const [status, models] = await Promise.all([api.engine.status(), api.engine.listModels()]);
    ui.set({ models });
    setStatus(editor, status);
    const wanted = doc.getState().modelId;
    if (!status.loading && status.modelId !== wanted && models.some((m) => m.id === wanted)) {
      setStatus(editor, await api.engine.setModel({ modelId: wanted }));
    }
    sync.documentChanged(doc.getState());
    await sync.settled();
    if (!ui.getState().status?.live) setStatus(editor, await api.engine.start());
  } catch (e) {
    report(e);
  }
  return () => unsubs.forEach((u) => u());
}

function setStatus(editor: Editor, status: EngineStatus): void {
  const prev = editor.ui.getState().status;
  editor.ui.set({ status });
  if (status.error && status.error.message !== prev?.error?.message) pushToast(editor.ui, 'error', status.error.message);
}

export function drawFrame(canvas: HTMLCanvasElement, frame: RendererFrame): void {
  if (canvas.width !== frame.width || canvas.height !== frame.height) {
    canvas.width = frame.width;
    canvas.height = frame.height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const pixels = frame.rgba.length === frame.width * frame.height * 4 ? frame.rgba : new Uint8ClampedArray(frame.width * frame.height * 4);
  ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer as ArrayBuffer, pixels.byteOffset, pixels.length), frame.width, frame.height), 0, 0);
}

export function toWire(doc: PaletteDocument): PaletteDocumentWire {
  return doc as PaletteDocumentWire;
}

export function fromWire(doc: PaletteDocumentWire): PaletteDocument {
  return doc as unknown as PaletteDocument;
}

export async function toggleLive(editor: Editor): Promise<void> {
  try {
    const live = editor.ui.getState().status?.live;
    setStatus(editor, live ? await editor.api.engine.pause() : await editor.api.engine.start());
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  }
}

export async function switchModel(editor: Editor, modelId: string): Promise<void> {
  try {
    editor.ui.set({ modelProgress: { modelId, fraction: 0, phase: 'loading' } });
    const status = await editor.api.engine.setModel({ modelId });
    editor.ui.set({ modelProgress: null });
    setStatus(editor, status);
    editor.doc.update((d) => void (d.modelId = modelId), { label: 'model' });
    editor.sync.resendAll();
  } catch (e) {
    editor.ui.set({ modelProgress: null });
    // the document keeps its model id: the user can retry or pick another
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  }
}
