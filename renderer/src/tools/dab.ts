/**
 * Brush dabs stamped straight into a layer's alpha mask (row-major, 0..255). Painting on
 * the mask itself, not on a picture of it, means what the engine receives is exactly what
 * the user sees, at canvas resolution.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DabOptions {
  /** diameter in canvas pixels */
  size: number;
  /** 0..1: the share of the radius painted at full strength before the edge falls off */
  hardness: number;
  mode: 'paint' | 'erase';
  /** 0..1: the dab's strength (pen pressure as flow); 1 when absent */
  flow?: number;
}

/**
 * One round dab at (cx, cy). Paint takes the max with what is there and erase the min with
 * its complement, so going over the same spot within a stroke does not build up.
 * Returns the touched rectangle, or null when the dab lies outside the mask.
 */
export function stampDab(mask: Uint8Array, width: number, height: number, cx: number, cy: number, opts: DabOptions): Rect | null {
  const r = Math.max(0.5, opts.size / 2);
  const hard = Math.min(1, Math.max(0, opts.hardness));
  const inner = r * hard;
  const flow = Math.min(1, Math.max(0, opts.flow ?? 1));
  const x0 = Math.max(0, Math.floor(cx - r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const x1 = Math.min(width - 1, Math.ceil(cx + r));
  const y1 = Math.min(height - 1, Math.ceil(cy + r));
  if (x0 > x1 || y0 > y1) return null;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d >= r) continue;
      const a = d <= inner ? 1 : (r - d) / (r - inner);
      const v = Math.round(a * flow * 255);
      const i = y * width + x;
      if (opts.mode === 'paint') {
        if (v > mask[i]) mask[i] = v;
      } else if (255 - v < mask[i]) mask[i] = 255 - v;
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Dabs from (ax, ay) to (bx, by), an eighth of the diameter apart, so fast moves leave no
 * gaps. With `to`, size and flow change smoothly along the segment (pen pressure).
 */
export function stampSegment(
  mask: Uint8Array,
  width: number,
  height: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  opts: DabOptions,
  to: Pick<DabOptions, 'size' | 'flow'> = opts,
): Rect | null {
  const spacing = Math.max(1, Math.min(opts.size, to.size) / 8);
  const dist = Math.hypot(bx - ax, by - ay);
  const n = Math.max(1, Math.ceil(dist / spacing));
  const f0 = opts.flow ?? 1;
  const f1 = to.flow ?? 1;
  let dirty: Rect | null = null;
  for (let s = 1; s <= n; s++) {
    const t = s / n;
    const dab = { ...opts, size: opts.size + (to.size - opts.size) * t, flow: f0 + (f1 - f0) * t };
    dirty = unionRect(dirty, stampDab(mask, width, height, ax + (bx - ax) * t, ay + (by - ay) * t, dab));
  }
  return dirty;
}

export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
