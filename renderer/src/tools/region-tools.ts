/**
 * The region tools: bucket fill, lasso and rectangle. Each changes the current brush's mask
 * as exactly one undo step. The lasso and rectangle are a small gesture (idle → shaping →
 * idle) whose outline the canvas shows while it is drawn; Escape abandons it.
 */
import type { DocumentStore } from '../store/document-store';
import type { PaletteDocument } from '../store/document';
import { applyCoverage, floodArea, regionMap, sameMask } from './regions';

export type RegionMode = 'fill' | 'erase';
export type ShapeKind = 'lasso' | 'rectangle';

type Store = DocumentStore<PaletteDocument>;

/** Put `coverage` into the layer's mask as one undo step; false when nothing changed. */
export function applyToLayer(store: Store, layerId: string, coverage: Uint8Array, mode: RegionMode, label: string): boolean {
  const layer = store.getState().layers.find((l) => l.id === layerId);
  if (!layer || coverage.length !== layer.mask.length) return false;
  const mask = applyCoverage(layer.mask, coverage, mode);
  if (sameMask(mask, layer.mask)) return false;
  store.update(
    (d) => {
      const l = d.layers.find((x) => x.id === layerId);
      if (l) l.mask = mask;
    },
    { label },
  );
  return true;
}

/**
 * A pixel belongs to a brush for the bucket where that brush paints at least half strength:
 * a soft edge's faint halo then fills too, so no light seam is left between a fill and the
 * stroke it meets.
 */
export const BUCKET_THRESHOLD = 128;

/**
 * Fill the connected area under (x, y) that belongs to the same top-most visible brush (or
 * to none) with the brush `layerId`.
 */
export function bucketFill(store: Store, layerId: string, x: number, y: number): boolean {
  const doc = store.getState();
  const { width, height } = doc.canvas;
  const area = floodArea(regionMap(doc, BUCKET_THRESHOLD), width, height, x, y);
  return area ? applyToLayer(store, layerId, area, 'fill', 'bucket fill') : false;
}

/** The coverage (0..255, anti-aliased edge) of a closed polygon on a width×height canvas. */
export function rasterizePolygon(points: ReadonlyArray<{ x: number; y: number }>, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (points.length < 3) return out;
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.beginPath();
  ctx.moveTo(points[0].x, points[0].y);
  for (const p of points.slice(1)) ctx.lineTo(p.x, p.y);
  ctx.closePath();
  ctx.fillStyle = '#000';
  ctx.fill('nonzero');
  const px = ctx.getImageData(0, 0, width, height).data;
  for (let i = 0; i < out.length; i++) out[i] = px[i * 4 + 3];
  return out;
}

/** The outline of a shape gesture, in document pixels, from its recorded points. */
export function shapeOutline(kind: ShapeKind, points: ReadonlyArray<{ x: number; y: number }>): Array<{ x: number; y: number }> {
  if (kind === 'lasso' || points.length < 2) return [...points];
  const a = points[0];
  const b = points[points.length - 1];
  return [
    { x: a.x, y: a.y },
    { x: b.x, y: a.y },
    { x: b.x, y: b.y },
    { x: a.x, y: b.y },
  ];
}

export interface ShapeToolDeps {
  store: Store;
  mode(): RegionMode;
  /** the outline changed (null: the gesture ended) */
  onOutline?(kind: ShapeKind, outline: Array<{ x: number; y: number }> | null): void;
}

export class ShapeTool {
  private gesture: { kind: ShapeKind; layerId: string; points: Array<{ x: number; y: number }> } | null = null;

  constructor(private readonly deps: ShapeToolDeps) {}

  get active(): boolean {
    return this.gesture !== null;
  }

  begin(kind: ShapeKind, layerId: string, x: number, y: number): void {
    this.gesture = { kind, layerId, points: [{ x, y }] };
    this.deps.onOutline?.(kind, shapeOutline(kind, this.gesture.points));
  }

  move(x: number, y: number): void {
    const g = this.gesture;
    if (!g) return;
    if (g.kind === 'rectangle') g.points[1] = { x, y };
    else {
      const last = g.points[g.points.length - 1];
      // sub-pixel jitter adds nothing to the outline
      if (Math.hypot(x - last.x, y - last.y) < 0.75) return;
      g.points.push({ x, y });
    }
    this.deps.onOutline?.(g.kind, shapeOutline(g.kind, g.points));
  }

  /** Close the shape and apply it to the brush: one undo step (none for an empty shape). */
  end(): boolean {
    const g = this.gesture;
    if (!g) return false;
    this.gesture = null;
    this.deps.onOutline?.(g.kind, null);
    const { width, height } = this.deps.store.getState().canvas;
    const outline = shapeOutline(g.kind, g.points);
    const coverage = rasterizePolygon(outline, width, height);
    const mode = this.deps.mode();
    return applyToLayer(this.deps.store, g.layerId, coverage, mode, `${g.kind} ${mode}`);
  }

  cancel(): void {
    const g = this.gesture;
    this.gesture = null;
    if (g) this.deps.onOutline?.(g.kind, null);
  }
}
