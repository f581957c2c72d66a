/** A brush's mask in small, in its colour over white: which region is which, at a glance. */
import { useEffect, useRef } from 'react';

const SIDE = 28;

export function MaskThumb({ mask, width, height, color }: { mask: Uint8Array; width: number; height: number; color: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || mask.length !== width * height) return;
    const scale = SIDE / Math.max(width, height);
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    c.width = w;
    c.height = h;
    const r = parseInt(color.slice(1, 3), 16);
    const g = parseInt(color.slice(3, 5), 16);
    const b = parseInt(color.slice(5, 7), 16);
    const img = ctx.createImageData(w, h);
    // box-average the mask into each thumbnail pixel, so thin strokes still show
    for (let ty = 0; ty < h; ty++) {
      const y0 = Math.floor((ty * height) / h);
      const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / h));
      for (let tx = 0; tx < w; tx++) {
        const x0 = Math.floor((tx * width) / w);
        const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / w));
        let sum = 0;
        let max = 0;
        for (let y = y0; y < y1; y += 2) {
          for (let x = x0; x < x1; x += 2) {
            const v = mask[y * width + x];
            sum += v;
            if (v > max) max = v;
          }
        }
        const n = Math.ceil((y1 - y0) / 2) * Math.ceil((x1 - x0) / 2);
        const a = Math.max(sum / n, max * 0.6) / 255;
        const o = (ty * w + tx) * 4;
        img.data[o] = Math.round(255 + (r - 255) * a);
        img.data[o + 1] = Math.round(255 + (g - 255) * a);
        img.data[o + 2] = Math.round(255 + (b - 255) * a);
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [mask, width, height, color]);
  return <canvas ref={ref} className="mask-thumb" data-testid="mask-thumb" style={{ borderColor: color }} aria-hidden="true" />;
}
