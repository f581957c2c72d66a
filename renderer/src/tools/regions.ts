/**
 * Which semantic brush owns each pixel, as the painter sees it: the top-most visible brush
 * whose mask is above zero there. The region eyedropper and the bucket fill both ask this,
 * and the bucket's connected area is a scanline flood over it. Pure typed-array code.
 */
import type { PaletteDocument } from '../store/document';

/** no visible brush covers the pixel */
export const NO_REGION = -1;

/**
 * Per pixel, the index in `doc.layers` of the top-most visible brush whose mask is at least
 * `threshold` there (default: any paint), or NO_REGION.
 */
export function regionMap(doc: Pick<PaletteDocument, 'canvas' | 'layers'>, threshold = 1): Int16Array {
  const n = doc.canvas.width * doc.canvas.height;
  const owner = new Int16Array(n).fill(NO_REGION);
  // bottom → top: a later (higher) brush overwrites
  doc.layers.forEach((layer, index) => {
    if (!layer.visible || layer.mask.length !== n) return;
    const m = layer.mask;
    for (let i = 0; i < n; i++) if (m[i] >= threshold) owner[i] = index;
  });
  return owner;
}

/** The id of the brush the eyedropper picks at (x, y), or null where no visible brush is. */
export function brushAt(doc: Pick<PaletteDocument, 'canvas' | 'layers'>, x: number, y: number): string | null {
  const { width, height } = doc.canvas;
  const px = Math.floor(x);
  const py = Math.floor(y);
  if (px < 0 || py < 0 || px >= width || py >= height) return null;
  const i = py * width + px;
  for (let k = doc.layers.length - 1; k >= 0; k--) {
    const l = doc.layers[k];
    if (l.visible && l.mask[i] > 0) return l.id;
  }
  return null;
}

/**
 * The 4-connected area around (x, y) whose pixels have the same label, as a 0/255 coverage
 * mask (scanline fill: each row span is pushed once, so the stack stays small).
 * Null when (x, y) lies outside.
 */
export function floodArea(labels: Int16Array, width: number, height: number, x: number, y: number): Uint8Array | null {
  const sx = Math.floor(x);
  const sy = Math.floor(y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return null;
  const target = labels[sy * width + sx];
  const out = new Uint8Array(width * height);
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const py = stack.pop() as number;
    const px = stack.pop() as number;
    const row = py * width;
    if (out[row + px] || labels[row + px] !== target) continue;
    let l = px;
    while (l > 0 && !out[row + l - 1] && labels[row + l - 1] === target) l--;
    let r = px;
    while (r < width - 1 && !out[row + r + 1] && labels[row + r + 1] === target) r++;
    out.fill(255, row + l, row + r + 1);
    for (const ny of [py - 1, py + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      // one seed per run of matching, unfilled pixels on the neighbouring row
      let inRun = false;
      for (let i = l; i <= r; i++) {
        const open = !out[nrow + i] && labels[nrow + i] === target;
        if (open && !inRun) stack.push(i, ny);
        inRun = open;
      }
    }
  }
  return out;
}

/** `mask` with `coverage` (0..255) painted in (max) or erased out (min with the complement). */
export function applyCoverage(mask: Uint8Array, coverage: Uint8Array, mode: 'fill' | 'erase'): Uint8Array {
  const out = mask.slice();
  for (let i = 0; i < out.length; i++) {
    const c = coverage[i];
    if (c === 0) continue;
    if (mode === 'fill') {
      if (c > out[i]) out[i] = c;
    } else if (255 - c < out[i]) out[i] = 255 - c;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes. */
export function sameMask(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
