/**
 * The document as the renderer edits it: the shared records (shared/document), plus the few
 * renderer-side helpers that make new brushes and documents from them.
 */
import {
  createPaletteDocument,
  createSemanticBrush,
  type BrushInit,
  type PaletteDocument,
  type SemanticBrush,
} from '../../../shared/document';
import { nextBrushColor } from './brush-colors';

export type { PaletteDocument, SemanticBrush, DocumentBackground, GenerationSettings, NoiseMode, LayerId } from '../../../shared/document';

export function createBrush(doc: Pick<PaletteDocument, 'canvas' | 'layers'>, init: BrushInit = {}): SemanticBrush {
  // next free "Brush N" name, so removing one and adding another never repeats a name
  const names = new Set(doc.layers.map((l) => l.name));
  let n = doc.layers.length;
  while (names.has(`Brush ${n + 1}`)) n += 1;
  const color = nextBrushColor(doc.layers.map((l) => l.color));
  return createSemanticBrush(doc.canvas, { name: `Brush ${n + 1}`, color, ...init }, doc.layers.length);
}

/** A copy of `layer` above it: same prompts, settings and mask, a new id, its own colour. */
export function duplicateBrush(doc: Pick<PaletteDocument, 'canvas' | 'layers'>, layer: SemanticBrush): SemanticBrush {
  const names = new Set(doc.layers.map((l) => l.name));
  let name = `${layer.name} copy`;
  for (let n = 2; names.has(name); n++) name = `${layer.name} copy ${n}`;
  const fresh = createBrush(doc, { name });
  return { ...layer, id: fresh.id, name, color: fresh.color, mask: layer.mask.slice() };
}

/** A new document as the app opens it: one empty brush on a white creation background. */
export function createDocument(width = 512, height = 512): PaletteDocument {
  return createPaletteDocument({
    canvas: { width, height },
    background: { prompt: 'white' },
    layers: [{ name: 'Brush 1' }],
  });
}

/** Stream step subsets of the 50-step LCM schedule; 5 is the spec's default list. */
const T_INDEX_LISTS: Record<number, number[]> = {
  1: [0],
  2: [0, 25],
  3: [0, 16, 32],
  4: [0, 12, 25, 37],
  5: [0, 4, 12, 25, 37],
};

export function tIndexListForSteps(steps: number): number[] {
  const n = Math.max(1, Math.min(10, Math.round(steps)));
  if (T_INDEX_LISTS[n]) return [...T_INDEX_LISTS[n]];
  return Array.from({ length: n }, (_, i) => Math.round((i * 45) / n));
}

/** Masks for a new canvas size: nearest-neighbour resampling keeps painted regions in place. */
export function resampleMask(mask: Uint8Array, from: { width: number; height: number }, to: { width: number; height: number }): Uint8Array {
  const out = new Uint8Array(to.width * to.height);
  for (let y = 0; y < to.height; y++) {
    const sy = Math.min(from.height - 1, Math.floor(((y + 0.5) * from.height) / to.height));
    for (let x = 0; x < to.width; x++) {
      const sx = Math.min(from.width - 1, Math.floor(((x + 0.5) * from.width) / to.width));
      out[y * to.width + x] = mask[sy * from.width + sx];
    }
  }
  return out;
}

/**
 * An RGBA picture scaled to cover a new canvas size (centre crop, as a dropped image is
 * placed), bilinear: a background image survives a canvas resize in its place.
 */
export function coverImage(rgba: Uint8Array, from: { width: number; height: number }, to: { width: number; height: number }): Uint8Array {
  const out = new Uint8Array(to.width * to.height * 4);
  const scale = Math.max(to.width / from.width, to.height / from.height);
  const offX = (from.width - to.width / scale) / 2;
  const offY = (from.height - to.height / scale) / 2;
  for (let y = 0; y < to.height; y++) {
    const sy = Math.min(from.height - 1, Math.max(0, offY + (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(from.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < to.width; x++) {
      const sx = Math.min(from.width - 1, Math.max(0, offX + (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(from.width - 1, x0 + 1);
      const fx = sx - x0;
      const a = (y0 * from.width + x0) * 4;
      const b = (y0 * from.width + x1) * 4;
      const c = (y1 * from.width + x0) * 4;
      const d = (y1 * from.width + x1) * 4;
      const o = (y * to.width + x) * 4;
      for (let k = 0; k < 4; k++) {
        const top = rgba[a + k] + (rgba[b + k] - rgba[a + k]) * fx;
        const bottom = rgba[c + k] + (rgba[d + k] - rgba[c + k]) * fx;
        out[o + k] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}
