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

/** `r` grown by `reach` on every side, clipped to the canvas */
export function growRect(r: Rect, reach: number, width: number, height: number): Rect {
  return { x0: Math.max(0, r.x0 - reach), y0: Math.max(0, r.y0 - reach), x1: Math.min(width, r.x1 + reach), y1: Math.min(height, r.y1 + reach) };
}

/** `r` grown by `reach` on every side, clipped to the canvas and widened to whole `f`×`f` blocks */
export function reachBlocks(r: Rect, reach: number, width: number, height: number, f: number): Rect {
  const g = growRect(r, reach, width, height);
  return { x0: Math.floor(g.x0 / f) * f, y0: Math.floor(g.y0 / f) * f, x1: Math.ceil(g.x1 / f) * f, y1: Math.ceil(g.y1 / f) * f };
}
