/**
 * Builds the example palettes in resources/examples/ from code, so they can be regenerated
 * and reviewed: masks are drawn as ellipses and bands, prompts use colour words the embedded
 * palette-colors model knows (white black gray red orange yellow green cyan blue purple pink
 * brown sky grass sand sea).
 *
 *   node -r ./scripts/register-ts.js scripts/make-examples.ts
 */
import * as path from 'node:path';
import { createPaletteDocument, toLayerId, type PaletteDocument } from '../shared/document';
import { writePalette } from '../main/documents';

type Mask = { data: Uint8Array; width: number; height: number };

const blank = (width: number, height: number): Mask => ({ data: new Uint8Array(width * height), width, height });

function ellipse(m: Mask, cx: number, cy: number, rx: number, ry: number): Mask {
  for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(m.height - 1, Math.ceil(cy + ry)); y++) {
    for (let x = Math.max(0, Math.floor(cx - rx)); x <= Math.min(m.width - 1, Math.ceil(cx + rx)); x++) {
      const dx = (x + 0.5 - cx) / rx;
      const dy = (y + 0.5 - cy) / ry;
      if (dx * dx + dy * dy <= 1) m.data[y * m.width + x] = 255;
    }
  }
  return m;
}

/** rows from `top(x)` down to `bottom(x)` (exclusive), so band edges can wave */
function band(m: Mask, top: (x: number) => number, bottom: (x: number) => number): Mask {
  for (let x = 0; x < m.width; x++) {
    const y0 = Math.max(0, Math.round(top(x)));
    const y1 = Math.min(m.height, Math.round(bottom(x)));
    for (let y = y0; y < y1; y++) m.data[y * m.width + x] = 255;
  }
  return m;
}

const flat = (v: number) => (): number => v;
const wave = (base: number, amplitude: number, period: number) => (x: number): number => base + amplitude * Math.sin((2 * Math.PI * x) / period);

function foxInSnow(): PaletteDocument {
  const [w, h] = [512, 512];
  return createPaletteDocument({
    canvas: { width: w, height: h },
    seed: 7,
    background: { prompt: 'white snow field', negativePrompt: '' },
    layers: [
      { id: toLayerId('sky'), name: 'Sky', color: '#78beff', prompt: 'a pale blue sky', maskBlur: 8, mask: band(blank(w, h), flat(0), wave(150, 10, 512)).data },
      { id: toLayerId('fox'), name: 'Fox', color: '#ff6a00', prompt: 'a red fox', maskBlur: 2, mask: ellipse(ellipse(blank(w, h), 256, 330, 120, 70), 360, 260, 55, 45).data },
      { id: toLayerId('eye'), name: 'Eye', color: '#202020', prompt: 'a black eye', mask: ellipse(blank(w, h), 375, 250, 9, 9).data },
    ],
  });
}

function seaside(): PaletteDocument {
  const [w, h] = [512, 512];
  return createPaletteDocument({
    canvas: { width: w, height: h },
    seed: 11,
    background: { prompt: 'sand beach', negativePrompt: '' },
    layers: [
      { id: toLayerId('sky'), name: 'Sky', color: '#78beff', prompt: 'blue sky', mask: band(blank(w, h), flat(0), flat(200)).data },
      { id: toLayerId('sea'), name: 'Sea', color: '#0064a0', prompt: 'calm sea', maskBlur: 4, mask: band(blank(w, h), flat(200), wave(330, 12, 256)).data },
      { id: toLayerId('sun'), name: 'Sun', color: '#ffdc00', prompt: 'a yellow sun', maskBlur: 3, mask: ellipse(blank(w, h), 400, 90, 45, 45).data },
      { id: toLayerId('umbrella'), name: 'Umbrella', color: '#ff78b4', prompt: 'a pink umbrella', mask: ellipse(blank(w, h), 150, 420, 70, 30).data },
    ],
  });
}

function panorama(): PaletteDocument {
  const [w, h] = [1024, 512];
  return createPaletteDocument({
    canvas: { width: w, height: h },
    seed: 23,
    background: { prompt: 'sand', negativePrompt: '' },
    layers: [
      { id: toLayerId('sky'), name: 'Sky', color: '#78beff', prompt: 'sky', mask: band(blank(w, h), flat(0), flat(190)).data },
      { id: toLayerId('sea'), name: 'Sea', color: '#0064a0', prompt: 'sea', maskBlur: 6, mask: band(blank(w, h), flat(190), wave(340, 18, 340)).data },
      { id: toLayerId('boat'), name: 'Boat', color: '#8c501e', prompt: 'a brown boat', mask: ellipse(blank(w, h), 700, 250, 60, 18).data },
    ],
  });
}

/** file name → document; fixed ids and seeds, so the files are byte-for-byte reproducible */
export function buildExamples(): Record<string, PaletteDocument> {
  return { 'fox-in-snow.palette': foxInSnow(), 'seaside.palette': seaside(), 'panorama.palette': panorama() };
}

export const EXAMPLES_DIR = path.resolve(__dirname, '..', 'resources', 'examples');

export async function writeExamples(dir = EXAMPLES_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [name, doc] of Object.entries(buildExamples())) {
    const file = path.join(dir, name);
    await writePalette(file, doc, { backup: false });
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  writeExamples().then(
    (files) => files.forEach((f) => console.log(`wrote ${path.relative(process.cwd(), f)}`)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
