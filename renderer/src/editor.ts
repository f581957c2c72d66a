/**
 * The editor: the document store, the editor state, the brush tool and the engine sync,
 * wired to `window.palette`. Panels and the canvas reach it through React context.
 */
import type { PaletteApi, RendererFrame } from '../../shared/ipc/api';
import { parseIpcError } from '../../shared/ipc/api';
import type { EngineNotice, EngineStatus, PaletteDocumentWire } from '../../shared/ipc/channels';
import { DocumentStore } from './store/document-store';
import { createDocument, type PaletteDocument } from './store/document';
import { Observable, initialUiState, pushToast, type UiStore } from './store/ui-store';
import { BrushTool } from './tools/brush-tool';
import type { Rect } from './tools/dab';
import { ShapeTool, type ShapeKind } from './tools/region-tools';
import { EngineSync } from './engine/engine-sync';
import { FrameHistory } from './frame-history';

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
  /** the last distinct frames (the stream's timeline) */
  history: FrameHistory;
  /** the newest engine frame, drawn with putImageData; shown beside and (optionally) under the strokes */
  frameCanvas: HTMLCanvasElement;
  onStroke: Set<StrokeListener>;
  onOutline: Set<OutlineListener>;
  onFrame: Set<(frame: RendererFrame) => void>;
  /** a stroke is being painted: its frames take one place in the history, replaced until it lands */
  strokeInProgress: boolean;
}

export function createEditor(api: PaletteApi, initial: PaletteDocument = createDocument()): Editor {
  const ui: UiStore = new Observable(initialUiState());
  // told once per document: after that, every new step drops one old step
  let toldTrim = false;
  const doc = new DocumentStore<PaletteDocument>(initial, {
    onTrim: ({ kept, bytes }) => {
      if (toldTrim) return;
      toldTrim = true;
      pushToast(ui, 'info', `Undo history is full: the oldest steps are now dropped as you go (${kept} steps kept, ${Math.round(bytes / 2 ** 20)} MB).`);
    },
  });
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

  const editor: Editor = { api, doc, ui, tool, shapes, sync, history: new FrameHistory(), frameCanvas, onStroke, onOutline, onFrame: new Set(), strokeInProgress: false };
  onStroke.add(() => void (editor.strokeInProgress = true));

  doc.subscribe((e) => {
    if (e.cause === 'reset') toldTrim = false;
    if (editor.strokeInProgress) editor.history.settle();
    editor.strokeInProgress = false;
    sync.documentChanged(e.state);
    // the model is part of the document: opening one, undo and redo bring their model
    if (e.state.modelId !== e.previous.modelId) void followDocumentModel(editor);
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
    api.events.on('engine:notice', (n) => showNotice(editor, n)),
    api.events.on('engine:modelProgress', (p) => ui.set({ modelProgress: p.fraction >= 1 ? null : p })),
    api.frames.onFrame((frame) => {
      editor.history.add(frame, { transient: editor.strokeInProgress, adopt: true });
      // a history frame being looked at stays on screen; the stream goes on into the strip
      if (ui.getState().viewingFrameId === null) drawFrame(editor.frameCanvas, frame);
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
    await followDocumentModel(editor);
    sync.documentChanged(doc.getState());
    await sync.settled();
    if (!ui.getState().status?.live) setStatus(editor, await api.engine.start());
  } catch (e) {
    report(e);
  }
  return () => unsubs.forEach((u) => u());
}

/**
 * Engine notices in the user's words. The GPU fallback says what it means for them and how to
 * enable the GPU; the provider's own reason stays one click away, behind "Details".
 */
export function showNotice(editor: Editor, n: EngineNotice): void {
  if (n.code === 'E_PROVIDER_FALLBACK') {
    pushToast(
      editor.ui,
      n.level,
      'Running on the processor (CPU): the graphics card (GPU) could not be used, so pictures take longer. Painting works as usual.',
      { details: n.message, action: { label: 'How to enable the GPU', run: () => void editor.api.app.openHelp({ topic: 'gpu' }).catch(() => undefined) } },
    );
    return;
  }
  pushToast(editor.ui, n.level, n.message);
}

function setStatus(editor: Editor, status: EngineStatus): void {
  const prev = editor.ui.getState().status;
  editor.ui.set({ status });
  if (status.error && status.error.message !== prev?.error?.message) pushToast(editor.ui, 'error', status.error.message);
}

export function drawFrame(canvas: HTMLCanvasElement, frame: Pick<RendererFrame, 'width' | 'height' | 'rgba'>): void {
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

const modelFollowers = new WeakMap<Editor, Promise<void>>();

/**
 * The one place that keeps the engine on the document's model (at start, when a document
 * opens, on undo/redo of a model switch). Runs one load at a time; each reads the document's
 * model when it starts, so the newest wins. A model that is not installed is said so, once per
 * document change, and the engine keeps the one it has.
 */
export function followDocumentModel(editor: Editor): Promise<void> {
  return oneModelLoadAtATime(editor, () => loadDocumentModel(editor));
}

/** model loads from the renderer run one after another (the picker's and the document's) */
function oneModelLoadAtATime(editor: Editor, task: () => Promise<void>): Promise<void> {
  const run = (modelFollowers.get(editor) ?? Promise.resolve()).then(task);
  modelFollowers.set(editor, run.catch(() => undefined));
  return run;
}

async function loadDocumentModel(editor: Editor): Promise<void> {
  const wanted = editor.doc.getState().modelId;
  const { models } = editor.ui.getState();
  // the engine's own word, not a status event that may still be on its way
  let status = await editor.api.engine.status();
  // a load main started (a removed model's fallback): wait for it, then decide
  while (status.loading) {
    await new Promise((r) => setTimeout(r, 100));
    status = await editor.api.engine.status();
  }
  if (status.modelId === wanted || editor.doc.getState().modelId !== wanted) return;
  if (!models.some((m) => m.id === wanted)) {
    const current = status.modelId ? `"${status.modelId}"` : 'no model';
    pushToast(editor.ui, 'warning', `This document was painted with the model "${wanted}", which is not installed: showing it with ${current}. Install it, or pick another model.`);
    return;
  }
  try {
    editor.ui.set({ modelProgress: { modelId: wanted, fraction: 0, phase: 'loading' } });
    setStatus(editor, await editor.api.engine.setModel({ modelId: wanted }));
    editor.sync.resendAll();
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  } finally {
    editor.ui.set({ modelProgress: null });
  }
}

export function switchModel(editor: Editor, modelId: string): Promise<void> {
  return oneModelLoadAtATime(editor, () => loadPickedModel(editor, modelId));
}

async function loadPickedModel(editor: Editor, modelId: string): Promise<void> {
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
