/** Small pixel jobs of the file formats: brush layers as RGBA, previews, thumbnails. */
import type { PaletteDocument } from '../../shared/document';

export function parseHexColor(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The brush as painters see it in other apps: its colour everywhere, the mask as alpha. */
export function brushToRgba(color: string, mask: Uint8Array): Uint8Array {
  const [r, g, b] = parseHexColor(color);
  const out = new Uint8Array(mask.length * 4);
  for (let i = 0, j = 0; i < mask.length; i++, j += 4) {
    out[j] = r;
    out[j + 1] = g;
    out[j + 2] = b;
    out[j + 3] = mask[i];
  }
  return out;
}

export function alphaChannel(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4 + 3];
  return out;
}

/** What the document looks like before anything is rendered: brush colours over white (and over the background image). */
export function composePreview(doc: PaletteDocument): Uint8Array {
  const { width, height } = doc.canvas;
  const n = width * height;
  const out = new Uint8Array(n * 4).fill(255);
  const over = (i: number, r: number, g: number, b: number, a: number): void => {
    const j = i * 4;
    out[j] = Math.round(r * a + out[j] * (1 - a));
    out[j + 1] = Math.round(g * a + out[j + 1] * (1 - a));
    out[j + 2] = Math.round(b * a + out[j + 2] * (1 - a));
  };
  const image = doc.background.image;
  if (image) for (let i = 0; i < n; i++) over(i, image[i * 4], image[i * 4 + 1], image[i * 4 + 2], image[i * 4 + 3] / 255);
  for (const layer of doc.layers) {
    if (!layer.visible) continue;
    const [r, g, b] = parseHexColor(layer.color);
    for (let i = 0; i < n; i++) if (layer.mask[i] > 0) over(i, r, g, b, layer.mask[i] / 255);
  }
  return out;
}

/** Box-filtered downscale so the longer side is at most `maxSide` (OpenRaster thumbnails: 256). */
export function thumbnail(rgba: Uint8Array, width: number, height: number, maxSide = 256): { data: Uint8Array; width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const tw = Math.max(1, Math.round(width * scale));
  const th = Math.max(1, Math.round(height * scale));
  const out = new Uint8Array(tw * th * 4);
  for (let ty = 0; ty < th; ty++) {
    const y0 = Math.floor((ty * height) / th);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / th));
    for (let tx = 0; tx < tw; tx++) {
      const x0 = Math.floor((tx * width) / tw);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / tw));
      const sum = [0, 0, 0, 0];
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const j = (y * width + x) * 4;
          for (let c = 0; c < 4; c++) sum[c] += rgba[j + c];
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) out[(ty * tw + tx) * 4 + c] = Math.round(sum[c] / count);
    }
  }
  return { data: out, width: tw, height: th };
}

/** A layer's pixels placed on the canvas at (x, y), clipped to it. */
export interface PlacedLayer {
  /** canvas-sized alpha */
  alpha: Uint8Array;
  /** canvas-sized RGBA, only when asked for */
  rgba: Uint8Array | null;
  /** the alpha-weighted mean colour of the pixels on the canvas, null when none is painted */
  meanColor: [number, number, number] | null;
  /** painted pixels (alpha > 0) the canvas cut off */
  clippedPixels: number;
  /** painted pixels on the canvas */
  paintedPixels: number;
}

export function placeLayer(
  image: { width: number; height: number; data: Uint8Array },
  x: number,
  y: number,
  canvas: { width: number; height: number },
  keepRgba = false,
): PlacedLayer {
  const { width: W, height: H } = canvas;
  const { width: w, height: h, data } = image;
  const alpha = new Uint8Array(W * H);
  const rgba = keepRgba ? new Uint8Array(W * H * 4) : null;
  let r = 0;
  let g = 0;
  let b = 0;
  let weight = 0;
  let painted = 0;
  let total = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) total++;
  const x0 = Math.max(0, x);
  const x1 = Math.min(W, x + w);
  const y0 = Math.max(0, y);
  const y1 = Math.min(H, y + h);
  for (let cy = y0; cy < y1; cy++) {
    let s = ((cy - y) * w + (x0 - x)) * 4;
    for (let cx = x0, d = cy * W + x0; cx < x1; cx++, d++, s += 4) {
      const a = data[s + 3];
      if (a === 0) continue;
      alpha[d] = a;
      painted++;
      r += data[s] * a;
      g += data[s + 1] * a;
      b += data[s + 2] * a;
      weight += a;
      if (rgba) rgba.set(data.subarray(s, s + 4), d * 4);
    }
  }
  const meanColor: [number, number, number] | null = weight > 0 ? [Math.round(r / weight), Math.round(g / weight), Math.round(b / weight)] : null;
  return { alpha, rgba, meanColor, clippedPixels: total - painted, paintedPixels: painted };
}

export function toHexColor([r, g, b]: [number, number, number]): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}
