/**
 * What the picture must be, for browser scenarios: the renderer's own document (as it answers
 * main's autosave request), rendered cold by the real pipeline in the test process, compared
 * with the live output the page shows; plus the palette-colors oracle's colour of a prompt
 * (ORACLE-MODEL.md) for probes inside uniform regions, independent of the engine.
 */
import { expect, type Page } from '@playwright/test';
import { loadPipeline, type PalettePipeline } from '../../../main/engine/pipeline';
import { engineFieldsOf, type PaletteDocument } from '../../../shared/document';
import { promptColour } from '../../support/model-variants';
import { MODEL_DIR, type Bridge } from './bridge';
import type { Rgb } from './fixtures';

export { promptColour };

let reference: PalettePipeline | null = null;

export async function releaseReference(): Promise<void> {
  await reference?.release();
  reference = null;
}

/** The document as the renderer holds it now (its answer to main's autosave request). */
export async function currentDocument(bridge: Bridge): Promise<PaletteDocument> {
  bridge.lastPayload.delete('document:autosave');
  bridge.emit('document:autosaveRequest', {});
  await expect.poll(() => bridge.lastPayload.has('document:autosave'), { message: 'the renderer answers the autosave request' }).toBe(true);
  return (bridge.lastPayload.get('document:autosave') as { document: PaletteDocument }).document;
}

/** A cold one-shot render of `doc` (reset, flush, frame): what a converged live stream shows. */
export async function renderReference(doc: PaletteDocument): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  reference ??= await loadPipeline(MODEL_DIR, { width: doc.canvas.width, height: doc.canvas.height, providers: ['cpu'], intraOpNumThreads: 1 });
  const p = reference;
  await p.setCanvas(doc.canvas.width, doc.canvas.height);
  p.setSettings(doc.settings);
  p.setSeed(doc.seed);
  await p.setBackground({ ...doc.background, image: doc.background.image ? Uint8Array.from(doc.background.image) : null });
  await p.setLayers(doc.layers.map((l) => ({ ...engineFieldsOf(l), mask: Uint8Array.from(l.mask) })));
  const f = await p.render();
  return { width: f.width, height: f.height, rgba: Uint8ClampedArray.from(f.rgba) };
}

const STRIDE = 4;

/** The live output, every STRIDE-th pixel of every STRIDE-th row, with its size. */
async function sampledOutput(page: Page): Promise<{ width: number; height: number; rgb: number[] }> {
  return page.evaluate((stride) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="output-canvas"]');
    const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!c || !d) return { width: 0, height: 0, rgb: [] };
    const rgb: number[] = [];
    for (let y = 0; y < c.height; y += stride) for (let x = 0; x < c.width; x += stride) rgb.push(d[(y * c.width + x) * 4], d[(y * c.width + x) * 4 + 1], d[(y * c.width + x) * 4 + 2]);
    return { width: c.width, height: c.height, rgb };
  }, STRIDE);
}

export interface Probe {
  at: [number, number];
  rgb: Rgb;
  /** per channel (default 4) */
  tolerance?: number;
}

/**
 * Waits until the live output shows what the model implies for the renderer's document: the
 * frame's size is the canvas's, every sampled pixel is within 3 of a cold render of that
 * document, and each probe has the oracle's colour. Returns the document.
 */
export async function expectOutputAsModel(page: Page, bridge: Bridge, step: string, probes: Probe[] = []): Promise<PaletteDocument> {
  const doc = await currentDocument(bridge);
  const ref = await renderReference(doc);
  const refProbe = ([x, y]: [number, number]): Rgb => {
    const i = (y * ref.width + x) * 4;
    return [ref.rgba[i], ref.rgba[i + 1], ref.rgba[i + 2]];
  };
  // the oracle checks the reference too: a wrong engine cannot pass as its own yardstick
  for (const p of probes) {
    const got = refProbe(p.at);
    expect(got.every((v, c) => Math.abs(v - p.rgb[c]) <= (p.tolerance ?? 4)), `${step}: the model renders (${got.join(', ')}) at ${p.at.join(',')}, the oracle says (${p.rgb.map((v) => v.toFixed(0)).join(', ')})`).toBe(true);
  }
  await expect
    .poll(
      async () => {
        const out = await sampledOutput(page);
        if (out.width !== ref.width || out.height !== ref.height) return `output is ${out.width}×${out.height}, the canvas ${ref.width}×${ref.height}`;
        let worst = 0;
        let where = '';
        let i = 0;
        for (let y = 0; y < ref.height; y += STRIDE) {
          for (let x = 0; x < ref.width; x += STRIDE, i += 3) {
            for (let c = 0; c < 3; c++) {
              const d = Math.abs(out.rgb[i + c] - ref.rgba[(y * ref.width + x) * 4 + c]);
              if (d > worst) {
                worst = d;
                where = `${x},${y}: (${out.rgb.slice(i, i + 3).join(', ')}) vs (${refProbe([x, y]).join(', ')})`;
              }
            }
          }
        }
        return worst <= 3 ? 'match' : `differs by ${worst} at ${where}`;
      },
      { message: `${step}: the live output should be the model's picture of the document`, timeout: 45_000 },
    )
    .toBe('match');
  return doc;
}
