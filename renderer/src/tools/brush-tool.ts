/**
 * Brush and eraser as one small state machine: idle → drawing → idle. A stroke works on a
 * copy of the layer's mask and lands in the store as one gesture on pointer up, so it is
 * exactly one undo step however many pointer moves it took.
 */
import type { DocumentStore } from '../store/document-store';
import type { PaletteDocument } from '../store/document';
import { stampDab, stampSegment, unionRect, type Rect } from './dab';

export type PaintMode = 'paint' | 'erase';

export interface BrushSettings {
  mode: PaintMode;
  size: number;
  hardness: number;
  /** pen pressure scales the dab's size / its strength */
  pressureSize?: boolean;
  pressureFlow?: boolean;
}

/** the smallest share of the size a feather-light pen touch still paints */
const MIN_PRESSURE_SIZE = 0.05;

export type BrushToolState =
  | { readonly name: 'idle' }
  | {
      readonly name: 'drawing';
      readonly layerId: string;
      readonly working: Uint8Array;
      last: { x: number; y: number; pressure: number };
      dirty: Rect | null;
    };

export interface BrushToolDeps {
  store: DocumentStore<PaletteDocument>;
  settings(): BrushSettings;
  /** the layer strokes go to, or null when there is none */
  targetLayerId(): string | null;
  /** the working mask changed inside `dirty` (called on every stamp of a stroke) */
  onStroke?(layerId: string, working: Uint8Array, dirty: Rect): void;
  /** the stroke was abandoned: whoever was shown the working mask goes back to the layer's (inside `dirty`) */
  onCancel?(layerId: string, mask: Uint8Array, dirty: Rect): void;
}

export class BrushTool {
  private current: BrushToolState = { name: 'idle' };

  constructor(private readonly deps: BrushToolDeps) {}

  get state(): BrushToolState {
    return this.current;
  }

  /** `pressure` 0..1 is the pen's; a mouse passes 1 (full size and strength). */
  pointerDown(x: number, y: number, pressure = 1): void {
    if (this.current.name === 'drawing') this.pointerUp();
    const layerId = this.deps.targetLayerId();
    const doc = this.deps.store.getState();
    const layer = doc.layers.find((l) => l.id === layerId);
    if (!layer) return;
    const { width, height } = doc.canvas;
    const working = layer.mask.slice();
    const dirty = stampDab(working, width, height, x, y, this.dabOptions(pressure));
    this.current = { name: 'drawing', layerId: layer.id, working, last: { x, y, pressure }, dirty };
    if (dirty) this.deps.onStroke?.(layer.id, working, dirty);
  }

  pointerMove(x: number, y: number, pressure = 1): void {
    const s = this.current;
    if (s.name !== 'drawing') return;
    const { width, height } = this.deps.store.getState().canvas;
    const dirty = stampSegment(s.working, width, height, s.last.x, s.last.y, x, y, this.dabOptions(s.last.pressure), this.dabOptions(pressure));
    s.last = { x, y, pressure };
    s.dirty = unionRect(s.dirty, dirty);
    if (dirty) this.deps.onStroke?.(s.layerId, s.working, dirty);
  }

  pointerUp(): void {
    const s = this.current;
    if (s.name !== 'drawing') return;
    this.current = { name: 'idle' };
    if (!s.dirty) return;
    const mode = this.deps.settings().mode;
    const store = this.deps.store;
    store.beginGesture(mode === 'paint' ? 'stroke' : 'erase');
    store.update((d) => {
      const layer = d.layers.find((l) => l.id === s.layerId);
      if (layer) layer.mask = s.working;
    });
    store.commitGesture();
  }

  get drawing(): boolean {
    return this.current.name === 'drawing';
  }

  /**
   * Abandon the stroke (Escape, undo, layer removed mid-stroke): the store never saw it, and
   * whoever was shown the working mask (the engine, the canvas) is given the layer's own back.
   */
  cancel(): void {
    const s = this.current;
    this.current = { name: 'idle' };
    if (s.name !== 'drawing' || !s.dirty) return;
    const layer = this.deps.store.getState().layers.find((l) => l.id === s.layerId);
    if (layer && layer.mask.length === s.working.length) this.deps.onCancel?.(layer.id, layer.mask, s.dirty);
  }

  private dabOptions(pressure: number) {
    const s = this.deps.settings();
    const p = Math.min(1, Math.max(0, pressure));
    const size = s.pressureSize ? Math.max(1, s.size * Math.max(MIN_PRESSURE_SIZE, p)) : s.size;
    return { size, hardness: s.hardness, mode: s.mode, flow: s.pressureFlow ? p : 1 };
  }
}

/** Fill or clear a whole layer as one undo step. */
export function fillLayer(store: DocumentStore<PaletteDocument>, layerId: string, value: 0 | 255): void {
  const doc = store.getState();
  const layer = doc.layers.find((l) => l.id === layerId);
  if (!layer) return;
  const mask = new Uint8Array(doc.canvas.width * doc.canvas.height).fill(value);
  store.update(
    (d) => {
      const l = d.layers.find((x) => x.id === layerId);
      if (l) l.mask = mask;
    },
    { label: value ? 'fill layer' : 'clear layer' },
  );
}
