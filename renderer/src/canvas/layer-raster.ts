/**
 * A semantic brush as the painter sees it: its mask tinted with the brush colour, on a
 * canvas at document resolution. Redraws only the rectangle a stroke touched.
 */
import type { Rect } from '../tools/dab';

export function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [255, 0, 255];
}

export class LayerRaster {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  mask: Uint8Array | null = null;
  color = '';

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.element = document.createElement('canvas');
    this.element.width = width;
    this.element.height = height;
    const ctx = this.element.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas unavailable');
    this.ctx = ctx;
  }

  /** Redraw `rect` (default: everything) from `mask` in `color`. */
  draw(mask: Uint8Array, color: string, rect: Rect = { x: 0, y: 0, width: this.width, height: this.height }): void {
    this.mask = mask;
    this.color = color;
    const [r, g, b] = parseHexColor(color);
    const x0 = Math.max(0, rect.x);
    const y0 = Math.max(0, rect.y);
    const w = Math.min(this.width - x0, rect.width);
    const h = Math.min(this.height - y0, rect.height);
    if (w <= 0 || h <= 0) return;
    const img = this.ctx.createImageData(w, h);
    const px = img.data;
    for (let y = 0; y < h; y++) {
      let src = (y0 + y) * this.width + x0;
      let dst = y * w * 4;
      for (let x = 0; x < w; x++, src++, dst += 4) {
        px[dst] = r;
        px[dst + 1] = g;
        px[dst + 2] = b;
        px[dst + 3] = mask[src];
      }
    }
    this.ctx.putImageData(img, x0, y0);
  }
}
