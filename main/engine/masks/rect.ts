/** half-open pixel rectangle */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** `r` grown by `reach` on every side, clipped to the canvas and widened to whole `f`×`f` blocks */
export function reachBlocks(r: Rect, reach: number, width: number, height: number, f: number): Rect {
  return {
    x0: Math.floor(Math.max(0, r.x0 - reach) / f) * f,
    y0: Math.floor(Math.max(0, r.y0 - reach) / f) * f,
    x1: Math.ceil(Math.min(width, r.x1 + reach) / f) * f,
    y1: Math.ceil(Math.min(height, r.y1 + reach) / f) * f,
  };
}
