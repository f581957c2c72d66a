/** Documents and archive surgery shared by the document tests. */
import * as fc from 'fast-check';
import { strToU8, unzipSync } from 'fflate';
import {
  BRUSH_COLORS,
  createPaletteDocument,
  toLayerId,
  type PaletteDocument,
  type SemanticBrush,
} from '../../../../shared/document';
import { writeArchive, type ArchiveEntry } from '../../../../main/documents/zip-archive';

/** a document with every feature: hidden layer, blur, background image, non-ASCII text */
export function sampleDocument(width = 64, height = 48): PaletteDocument {
  const doc = createPaletteDocument({
    canvas: { width, height },
    seed: 1234,
    settings: { maskType: 'discrete', guidance: 'full', guidanceScale: 7.5 },
    background: { prompt: 'white snow', negativePrompt: 'gray' },
    layers: [
      { id: toLayerId('sky'), name: 'Sky', prompt: 'blue sky', maskBlur: 8 },
      { id: toLayerId('fox'), name: 'Fox «renard»', color: '#ff0000', prompt: 'a red fox ✓', promptStrength: 0.8, visible: false },
    ],
  });
  for (let i = 0; i < width * height; i++) {
    doc.layers[0].mask[i] = i < (width * height) / 3 ? 255 : 0;
    doc.layers[1].mask[i] = (i * 37) & 255;
  }
  const image = new Uint8Array(width * height * 4);
  for (let i = 0; i < image.length; i++) image[i] = (i * 13) & 255;
  doc.background.image = image;
  return doc;
}

const unit = fc.double({ min: 0, max: 1, noNaN: true }).map(Math.abs); // JSON has no -0
const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });

function brushArb(n: number): fc.Arbitrary<Omit<SemanticBrush, 'id'>> {
  return fc.record({
    name: text(20),
    color: fc.constantFrom(...BRUSH_COLORS, '#ABCDEF', '#000000'),
    prompt: text(40),
    negativePrompt: text(20),
    promptStrength: unit,
    maskStrength: unit,
    maskBlur: fc.double({ min: 0, max: 64, noNaN: true }).map(Math.abs),
    visible: fc.boolean(),
    mask: fc.uint8Array({ minLength: n, maxLength: n }),
  });
}

/** random valid documents on small canvases (masks are random bytes) */
export const documentArb: fc.Arbitrary<PaletteDocument> = fc
  .record({ w: fc.integer({ min: 1, max: 6 }), h: fc.integer({ min: 1, max: 6 }) })
  .chain(({ w, h }) => {
    const width = w * 8;
    const height = h * 8;
    const n = width * height;
    return fc.record({
      canvas: fc.constant({ width, height }),
      modelId: text(30),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      settings: fc.record({
        tIndexList: fc.uniqueArray(fc.integer({ min: 0, max: 49 }), { minLength: 1, maxLength: 8 }).map((l) => l.sort((a, b) => a - b)),
        maskType: fc.constantFrom('continuous' as const, 'semi-continuous' as const, 'discrete' as const),
        coverAlpha: unit,
        bootstrapSteps: fc.integer({ min: 0, max: 5 }),
        bootstrapMixSteps: fc.double({ min: 0, max: 5, noNaN: true }).map(Math.abs),
        guidance: fc.constantFrom('none' as const, 'full' as const),
        guidanceScale: fc.double({ min: 0, max: 20, noNaN: true }).map(Math.abs),
        noise: fc.constantFrom('fixed' as const, 'fresh' as const),
      }),
      background: fc.record({
        prompt: text(40),
        negativePrompt: text(20),
        image: fc.option(fc.uint8Array({ minLength: n * 4, maxLength: n * 4 }), { nil: null }),
      }),
      layers: fc
        .array(brushArb(n), { maxLength: 5 })
        .map((layers) => layers.map((l, i) => ({ ...l, id: toLayerId(`layer-${i}`) }))),
    });
  });

/** entries of a zip in order, read with fflate directly (not through our reader) */
export function unpack(bytes: Uint8Array): ArchiveEntry[] {
  return Object.entries(unzipSync(bytes)).map(([name, data]) => ({ name, data, stored: name === 'mimetype' }));
}

export function repack(bytes: Uint8Array, edit: (entries: ArchiveEntry[]) => ArchiveEntry[] | void): Uint8Array {
  const entries = unpack(bytes);
  return writeArchive(edit(entries) ?? entries);
}

/** edits palette.json as plain JSON */
export function editManifest(bytes: Uint8Array, edit: (m: Record<string, unknown>) => void): Uint8Array {
  return repack(bytes, (entries) => {
    const e = entries.find((x) => x.name === 'palette.json');
    if (!e) throw new Error('no palette.json');
    const m = JSON.parse(new TextDecoder().decode(e.data)) as Record<string, unknown>;
    edit(m);
    e.data = strToU8(JSON.stringify(m));
  });
}
