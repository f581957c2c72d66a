/**
 * Editor state that is not part of the document and never enters undo history: the tool,
 * the selection, the view, what the engine reports. A plain observable, read with
 * useSyncExternalStore.
 */
import type { EngineStatus, ModelDescriptor, ModelProgress } from '../../../shared/ipc/channels';
import { MAX_ZOOM, MIN_ZOOM, zoomAround, type Size } from '../canvas/view';

export type ToolName = 'brush' | 'eraser' | 'bucket' | 'lasso' | 'rectangle';
/** what the lasso and rectangle do to the current brush's mask */
export type RegionMode = 'fill' | 'erase';

export interface Toast {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  /** the technical reason, shown behind "Details" */
  details?: string;
  /** one button beside the message (e.g. "How to enable the GPU") */
  action?: { label: string; run: () => void };
}

/** which views the workspace shows: both side by side, or one of them alone */
export type ViewMode = 'both' | 'canvas' | 'output';
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface UiState {
  tool: ToolName;
  brushSize: number;
  eraserSize: number;
  hardness: number;
  /** pen pressure scales the dab size / its strength (flow) */
  pressureSize: boolean;
  pressureFlow: boolean;
  regionMode: RegionMode;
  selectedLayerId: string | null;
  /** the view both the painting canvas and the output view show (canvas/view.ts) */
  zoom: number;
  panX: number;
  panY: number;
  /** the painting viewport's size in screen pixels (the output view has the same) */
  viewSize: Size;
  /** the keyboard shortcuts sheet is open */
  shortcutsOpen: boolean;
  /** Space is held: a left drag pans */
  spaceHeld: boolean;
  /** bumped to ask the canvas to fit itself into its viewport */
  fitRequest: number;
  /** show the live output under the strokes on the painting canvas */
  outputUnder: boolean;
  outputOpacity: number;
  seedLocked: boolean;
  status: EngineStatus | null;
  models: ModelDescriptor[];
  modelProgress: ModelProgress | null;
  toasts: Toast[];
  /** frames that reached the renderer in the last second */
  fps: number;
  /** wall time of the newest frame in the engine */
  latencyMs: number | null;
  frameIndex: number;
  /** a Generate (one-shot render) is in flight */
  generating: boolean;
  /** the history frame the output view shows instead of the live stream (null: live) */
  viewingFrameId: number | null;
  viewMode: ViewMode;
  theme: ThemeChoice;
  /** sidebar sections folded away, by test id */
  collapsed: Record<string, boolean>;
  /** brush colours picked lately, newest first */
  recentColors: string[];
  modelsOpen: boolean;
  /** the first-launch guide is showing */
  guideOpen: boolean;
}

export const MAX_RECENT_COLORS = 10;

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 512;

export function initialUiState(): UiState {
  return {
    tool: 'brush',
    brushSize: 48,
    eraserSize: 48,
    hardness: 0.8,
    pressureSize: true,
    pressureFlow: false,
    regionMode: 'fill',
    selectedLayerId: null,
    zoom: 1,
    panX: 0,
    panY: 0,
    viewSize: { width: 0, height: 0 },
    shortcutsOpen: false,
    spaceHeld: false,
    fitRequest: 0,
    outputUnder: false,
    outputOpacity: 0.5,
    seedLocked: true,
    status: null,
    models: [],
    modelProgress: null,
    toasts: [],
    fps: 0,
    latencyMs: null,
    frameIndex: -1,
    generating: false,
    viewingFrameId: null,
    viewMode: 'both',
    theme: 'system',
    collapsed: {},
    recentColors: [],
    modelsOpen: false,
    guideOpen: false,
  };
}

export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private state: T) {}

  getState = (): T => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(patch: Partial<T> | ((s: T) => Partial<T>)): void {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of [...this.listeners]) l();
  }
}

export type UiStore = Observable<UiState>;

/** `[` and `]` step the size by about 15%, at least one pixel. */
export function stepSize(size: number, direction: 1 | -1): number {
  const next = direction > 0 ? Math.max(size + 1, Math.round(size * 1.15)) : Math.min(size - 1, Math.round(size / 1.15));
  return Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, next));
}

let toastId = 0;
export function pushToast(ui: UiStore, level: Toast['level'], message: string, extra: Pick<Toast, 'details' | 'action'> = {}): void {
  toastId += 1;
  const toast: Toast = { id: toastId, level, message, ...extra };
  // the same message twice (an error on every frame) shows once; the same words with new details replace the old
  ui.set((s) =>
    s.toasts.some((t) => t.message === message && t.details === extra.details)
      ? {}
      : { toasts: [...s.toasts.filter((t) => t.message !== message).slice(-4), toast] },
  );
}

export function dismissToast(ui: UiStore, id: number): void {
  ui.set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export { MIN_ZOOM, MAX_ZOOM };

/** Zoom by `factor` around a viewport point (default: the viewport's centre). */
export function zoomBy(ui: UiStore, factor: number, at?: { x: number; y: number }): void {
  ui.set((s) => zoomAround(s, factor, at?.x ?? s.viewSize.width / 2, at?.y ?? s.viewSize.height / 2));
}

export function zoomToFit(ui: UiStore): void {
  ui.set((s) => ({ fitRequest: s.fitRequest + 1 }));
}

/** A colour the user picked goes to the front of the recent list (once). */
export function rememberColor(ui: UiStore, color: string): void {
  const c = color.toLowerCase();
  ui.set((s) => ({ recentColors: [c, ...s.recentColors.filter((x) => x !== c)].slice(0, MAX_RECENT_COLORS) }));
}
