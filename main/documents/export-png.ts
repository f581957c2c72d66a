/** PNG export: the picture plus how it was made, in a tEXt chunk other tools can read. */
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import * as pngText from 'png-chunk-text';
import type { PaletteDocument } from '../../shared/document';
import { brushPropertiesOf, PALETTE_FORMAT, PALETTE_FORMAT_VERSION } from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-write';
import { encodePng } from './png-codec';

/** tEXt keyword holding the generation parameters as JSON */
export const PARAMETERS_KEYWORD = 'semantic-palette';

/** Everything needed to make the picture again, except the masks. */
export function generationParameters(doc: PaletteDocument): Record<string, unknown> {
  return {
    format: PALETTE_FORMAT,
    version: PALETTE_FORMAT_VERSION,
    canvas: { ...doc.canvas },
    modelId: doc.modelId,
    seed: doc.seed,
    settings: { ...doc.settings },
    background: { prompt: doc.background.prompt, negativePrompt: doc.background.negativePrompt, image: doc.background.image !== null },
    layers: doc.layers.map(brushPropertiesOf),
  };
}

/** tEXt is Latin-1 only: escape everything else as JSON \u sequences, which parse back to the same text */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function exportPng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, doc: PaletteDocument): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || rgba.length !== width * height * 4) {
    throw new PaletteError('E_BAD_IMAGE_SIZE', `the image has ${rgba.length} bytes, which is not ${width}×${height} RGBA`);
  }
  const chunks = extractChunks(encodePng(rgba, width, height));
  const text = [pngText.encode(PARAMETERS_KEYWORD, asciiJson(generationParameters(doc))), pngText.encode('Software', 'Semantic Palette')];
  // text chunks go right before IEND, the conventional place for metadata written after the image
  chunks.splice(chunks.length - 1, 0, ...text);
  return Buffer.from(encodeChunks(chunks));
}

/** All tEXt chunks of a PNG, keyword → text. */
export function readPngText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const chunk of extractChunks(png)) {
    if (chunk.name !== 'tEXt') continue;
    const { keyword, text } = pngText.decode(chunk.data);
    out[keyword] = text;
  }
  return out;
}

export async function writePngExport(file: string, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, doc: PaletteDocument): Promise<void> {
  await writeFileAtomic(file, exportPng(rgba, width, height, doc));
}
