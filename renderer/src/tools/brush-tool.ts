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
}

export type BrushToolState =
  | { readonly name: 'idle' }
  | { readonly name: 'drawing'; readonly layerId: string; readonly working: Uint8Array; last: { x: number; y: number }; dirty: Rect | null };

export interface BrushToolDeps {
  store: DocumentStore<PaletteDocument>;
  settings(): BrushSettings;
  /** the layer strokes go to, or null when there is none */
  targetLayerId(): string | null;
  /** the working mask changed inside `dirty` (called on every stamp of a stroke) */
  onStroke?(layerId: string, working: Uint8Array, dirty: Rect): void;
}

export class BrushTool {
  private current: BrushToolState = { name: 'idle' };

  constructor(private readonly deps: BrushToolDeps) {}

  get state(): BrushToolState {
    return this.current;
  }

  pointerDown(x: number, y: number): void {
    if (this.current.name === 'drawing') this.pointerUp();
    const layerId = this.deps.targetLayerId();
    const doc = this.deps.store.getState();
    const layer = doc.layers.find((l) => l.id === layerId);
    if (!layer) return;
    const { width, height } = doc.canvas;
    const working = layer.mask.slice();
    const dirty = stampDab(working, width, height, x, y, this.dabOptions());
    this.current = { name: 'drawing', layerId: layer.id, working, last: { x, y }, dirty };
    if (dirty) this.deps.onStroke?.(layer.id, working, dirty);
  }

  pointerMove(x: number, y: number): void {
    const s = this.current;
    if (s.name !== 'drawing') return;
    const { width, height } = this.deps.store.getState().canvas;
    const dirty = stampSegment(s.working, width, height, s.last.x, s.last.y, x, y, this.dabOptions());
    s.last = { x, y };
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

  /** Abandon the stroke (Escape, layer removed mid-stroke): the store never saw it. */
  cancel(): void {
    this.current = { name: 'idle' };
  }

  private dabOptions() {
    const s = this.deps.settings();
    return { size: s.size, hardness: s.hardness, mode: s.mode };
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
