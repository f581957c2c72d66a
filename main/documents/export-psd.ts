/**
 * PSD export for Photoshop and friends: the generated picture on top, then one hidden layer
 * per semantic brush (its colour, the mask as alpha), the background image at the bottom.
 */
import { writePsd, type Layer, type Psd } from 'ag-psd';
import { validatePaletteDocument, type PaletteDocument } from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-write';
import { brushToRgba } from './raster';

export const GENERATED_LAYER_NAME = 'Generated image';
export const BACKGROUND_PSD_LAYER_NAME = 'Background image';
/** Photoshop's layer-name limit */
const MAX_PSD_NAME = 255;

/** "sky: blue sky" — the brush's name and what it paints */
export function psdLayerName(name: string, prompt: string): string {
  const full = prompt ? `${name}: ${prompt}` : name;
  return full.length > MAX_PSD_NAME ? `${full.slice(0, MAX_PSD_NAME - 1)}…` : full;
}

export function exportPsd(doc: PaletteDocument, rgba: Uint8Array | Uint8ClampedArray): Buffer {
  validatePaletteDocument(doc);
  const { width, height } = doc.canvas;
  if (rgba.length !== width * height * 4) {
    throw new PaletteError('E_BAD_IMAGE_SIZE', `the generated image has ${rgba.length} bytes; the ${width}×${height} canvas needs ${width * height * 4}`);
  }
  const pixels = (data: Uint8Array | Uint8ClampedArray) => ({
    width,
    height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
  });
  const frame = { top: 0, left: 0, bottom: height, right: width };
  // ag-psd lists children bottom → top
  const children: Layer[] = [];
  if (doc.background.image) children.push({ name: BACKGROUND_PSD_LAYER_NAME, ...frame, imageData: pixels(doc.background.image) });
  for (const l of doc.layers) {
    children.push({ name: psdLayerName(l.name, l.prompt), ...frame, hidden: true, imageData: pixels(brushToRgba(l.color, l.mask)) });
  }
  children.push({ name: GENERATED_LAYER_NAME, ...frame, imageData: pixels(rgba) });
  // without the composite, readers that show the flattened picture show black
  const psd: Psd = { width, height, children, imageData: pixels(rgba) };
  return Buffer.from(writePsd(psd, { generateThumbnail: false, noBackground: true }));
}

export async function writePsdExport(file: string, doc: PaletteDocument, rgba: Uint8Array | Uint8ClampedArray): Promise<void> {
  await writeFileAtomic(file, exportPsd(doc, rgba));
}
