/** PaletteDocument → .palette bytes (OpenRaster zip + palette.json). Format: docs/palette-format.md. */
import {
  brushPropertiesOf,
  PALETTE_FORMAT,
  PALETTE_FORMAT_VERSION,
  validatePaletteDocument,
  type PaletteDocument,
  type PaletteManifest,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { encodePng } from './png-codec';
import { brushToRgba, composePreview, thumbnail } from './raster';
import { ORA_MIMETYPE, writeArchive, type ArchiveEntry } from './zip-archive';

export const MANIFEST_ENTRY = 'palette.json';
export const STACK_ENTRY = 'stack.xml';
export const MERGED_ENTRY = 'mergedimage.png';
export const THUMBNAIL_ENTRY = 'Thumbnails/thumbnail.png';
export const BACKGROUND_ENTRY = 'data/background.png';
export const BACKGROUND_LAYER_NAME = 'Background image';
export const layerEntry = (id: string): string => `data/layers/${id}.png`;

export interface EncodeOptions {
  /** the rendered output (RGBA8, canvas-sized) for mergedimage.png; without it a preview of the brushes is stored */
  rendered?: Uint8Array | Uint8ClampedArray | null;
}

export function buildManifest(doc: PaletteDocument): PaletteManifest {
  const s = doc.settings;
  return {
    format: PALETTE_FORMAT,
    version: PALETTE_FORMAT_VERSION,
    canvas: { width: doc.canvas.width, height: doc.canvas.height },
    modelId: doc.modelId,
    seed: doc.seed,
    settings: {
      tIndexList: [...s.tIndexList],
      maskType: s.maskType,
      coverAlpha: s.coverAlpha,
      bootstrapSteps: s.bootstrapSteps,
      bootstrapMixSteps: s.bootstrapMixSteps,
      guidance: s.guidance,
      guidanceScale: s.guidanceScale,
      noise: s.noise,
    },
    background: {
      prompt: doc.background.prompt,
      negativePrompt: doc.background.negativePrompt,
      image: doc.background.image ? BACKGROUND_ENTRY : null,
    },
    layers: doc.layers.map((l) => ({
      id: l.id,
      ...brushPropertiesOf(l),
      mask: layerEntry(l.id),
    })),
  };
}

const xmlAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);

/** OpenRaster layer stack: first child is the top layer. */
export function buildStackXml(doc: PaletteDocument): string {
  const layer = (name: string, src: string, visible: boolean): string =>
    `    <layer name="${xmlAttr(name)}" src="${src}" x="0" y="0" opacity="1.0" visibility="${visible ? 'visible' : 'hidden'}" composite-op="svg:src-over"/>\n`;
  let body = '';
  for (let i = doc.layers.length - 1; i >= 0; i--) body += layer(doc.layers[i].name, layerEntry(doc.layers[i].id), doc.layers[i].visible);
  if (doc.background.image) body += layer(BACKGROUND_LAYER_NAME, BACKGROUND_ENTRY, true);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<image version="0.0.5" w="${doc.canvas.width}" h="${doc.canvas.height}">\n` +
    `  <stack>\n${body}  </stack>\n</image>\n`
  );
}

/** Validates the document first: an invalid document is never written. */
export function encodePalette(doc: PaletteDocument, options: EncodeOptions = {}): Uint8Array {
  validatePaletteDocument(doc);
  const { width, height } = doc.canvas;
  const rendered = options.rendered ?? null;
  if (rendered && rendered.length !== width * height * 4) {
    throw new PaletteError('E_BAD_IMAGE_SIZE', `the rendered image has ${rendered.length} bytes; a ${width}×${height} RGBA image has ${width * height * 4}`);
  }
  const merged = rendered ? new Uint8Array(rendered.buffer, rendered.byteOffset, rendered.byteLength) : composePreview(doc);
  const thumb = thumbnail(merged, width, height);
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const entries: ArchiveEntry[] = [
    { name: 'mimetype', data: text(ORA_MIMETYPE), stored: true },
    { name: STACK_ENTRY, data: text(buildStackXml(doc)) },
    { name: MANIFEST_ENTRY, data: text(`${JSON.stringify(buildManifest(doc), null, 2)}\n`) },
  ];
  for (const l of doc.layers) entries.push({ name: layerEntry(l.id), data: encodePng(brushToRgba(l.color, l.mask), width, height, 'flat'), stored: true });
  if (doc.background.image) entries.push({ name: BACKGROUND_ENTRY, data: encodePng(doc.background.image, width, height), stored: true });
  entries.push({ name: MERGED_ENTRY, data: encodePng(merged, width, height, rendered ? 'photo' : 'flat'), stored: true });
  entries.push({ name: THUMBNAIL_ENTRY, data: encodePng(thumb.data, thumb.width, thumb.height, rendered ? 'photo' : 'flat'), stored: true });
  return writeArchive(entries);
}
