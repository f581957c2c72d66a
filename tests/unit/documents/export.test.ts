/** PNG and PSD exports, read back by independent readers (ImageMagick for PSD, a chunk parser for PNG text). */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPsd } from 'ag-psd';
import {
  decodePng,
  exportPng,
  exportPsd,
  generationParameters,
  PARAMETERS_KEYWORD,
  readPngText,
  writePngExport,
  writePsdExport,
} from '../../../main/documents';
import { brushToRgba } from '../../../main/documents/raster';
import { toLayerId } from '../../../shared/document';
import { PaletteError } from '../../../shared/errors';
import { sampleDocument } from './support/fixtures';

const IDENTIFY = '/usr/bin/identify';
const CONVERT = '/usr/bin/convert';
const haveMagick = existsSync(IDENTIFY) && existsSync(CONVERT);
if (!haveMagick) console.warn(`skipping ImageMagick read-back: ${IDENTIFY} or ${CONVERT} is missing (apt-get install imagemagick)`);
const withMagick = haveMagick ? test : test.skip;

const W = 24;
const H = 16;
function picture(): Uint8Array {
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) rgba.set([(i * 7) & 255, (i * 3) & 255, 200, 255], i * 4);
  return rgba;
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-export-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('PNG export', () => {
  test('the pixels, and the generation parameters in a tEXt chunk (non-ASCII prompts included)', async () => {
    const doc = sampleDocument(W, H);
    const file = path.join(dir, 'out.png');
    await writePngExport(file, picture(), W, H, doc);
    const bytes = new Uint8Array(await fs.readFile(file));
    expect(Buffer.from(decodePng(bytes, 'out.png').data).equals(Buffer.from(picture()))).toBe(true);
    const text = readPngText(bytes);
    const params = JSON.parse(text[PARAMETERS_KEYWORD]);
    expect(params).toEqual(JSON.parse(JSON.stringify(generationParameters(doc))));
    expect(params.seed).toBe(1234);
    expect(params.modelId).toBe('palette-colors');
    expect(params.settings.guidanceScale).toBe(7.5);
    expect(params.layers.map((l: { prompt: string }) => l.prompt)).toEqual(['blue sky', 'a red fox ✓']);
    expect(params.background.prompt).toBe('white snow');
  });

  withMagick('ImageMagick reads the text chunk and the size', async () => {
    const file = path.join(dir, 'magick.png');
    await fs.writeFile(file, exportPng(picture(), W, H, sampleDocument(W, H)));
    const out = execFileSync(IDENTIFY, ['-format', `%wx%h|%[${PARAMETERS_KEYWORD}]`, file], { encoding: 'utf8' });
    const [size, json] = out.split('|');
    expect(size).toBe(`${W}x${H}`);
    expect(JSON.parse(json).seed).toBe(1234);
  });

  test('an image of the wrong size is refused', () => {
    expect(() => exportPng(new Uint8Array(10), W, H, sampleDocument(W, H))).toThrow(PaletteError);
  });
});

describe('PSD export', () => {
  const doc = sampleDocument(W, H);
  doc.layers[1].name = 'Fox'; // ImageMagick 6 reads the legacy (non-Unicode) layer name
  doc.layers[1].prompt = 'a red fox';
  let file = '';
  beforeAll(async () => {
    file = path.join(dir, 'out.psd');
    await writePsdExport(file, doc, picture());
  });

  /** layers as ImageMagick lists them: index 0 is the composite, then bottom → top */
  const expected = () => [
    { label: 'Background image', rgba: doc.background.image!, invisible: false },
    { label: 'Sky: blue sky', rgba: brushToRgba(doc.layers[0].color, doc.layers[0].mask), invisible: true },
    { label: 'Fox: a red fox', rgba: brushToRgba(doc.layers[1].color, doc.layers[1].mask), invisible: true },
    { label: 'Generated image', rgba: picture(), invisible: false },
  ];

  withMagick('ImageMagick sees the layer names, order, sizes and visibility', () => {
    const out = execFileSync(IDENTIFY, ['-format', '%[label]|%wx%h|%[psd:layer.invisible]\n', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = out.trim().split('\n').map((r) => r.split('|'));
    expect(rows[0][1]).toBe(`${W}x${H}`); // composite
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected().map((e) => e.label));
    for (const r of rows.slice(1)) expect(r[1]).toBe(`${W}x${H}`);
    expect(rows.slice(1).map((r) => r[2] === 'true')).toEqual(expected().map((e) => e.invisible));
  });

  withMagick('ImageMagick extracts the right pixels from the composite and from every layer', () => {
    const pixels = (index: number): Buffer => execFileSync(CONVERT, [`${file}[${index}]`, '-depth', '8', 'rgba:-'], { maxBuffer: 1 << 24 });
    expect(pixels(0).equals(Buffer.from(picture()))).toBe(true);
    expected().forEach((layer, i) => {
      const got = pixels(i + 1);
      expect(got.length).toBe(W * H * 4);
      for (let p = 0; p < W * H; p++) {
        const a = layer.rgba[p * 4 + 3];
        expect(got[p * 4 + 3]).toBe(a);
        // colour only means something where the layer is not fully transparent
        if (a > 0) expect([...got.subarray(p * 4, p * 4 + 3)]).toEqual([...layer.rgba.subarray(p * 4, p * 4 + 3)]);
      }
    });
  });

  test('Unicode layer names survive (ag-psd reads them back)', () => {
    const unicode = sampleDocument(W, H);
    const psd = readPsd(exportPsd(unicode, picture()), { skipLayerImageData: true, skipCompositeImageData: true, skipThumbnail: true });
    expect(psd.children!.map((c) => [c.name, c.hidden ?? false])).toEqual([
      ['Background image', false],
      ['Sky: blue sky', true],
      ['Fox «renard»: a red fox ✓', true],
      ['Generated image', false],
    ]);
  });

  test('without a background image there is no background layer', () => {
    const plain = sampleDocument(W, H);
    plain.background.image = null;
    plain.layers.push({ ...plain.layers[0], id: toLayerId('third'), name: 'x'.repeat(150), prompt: 'y'.repeat(200) });
    const psd = readPsd(exportPsd(plain, picture()), { skipLayerImageData: true, skipCompositeImageData: true, skipThumbnail: true });
    expect(psd.children!.map((c) => c.name!.slice(0, 20))).toEqual(['Sky: blue sky', 'Fox «renard»: a red ', 'x'.repeat(20), 'Generated image']);
    expect(psd.children![2].name!).toHaveLength(255); // Photoshop's limit, shortened with an ellipsis
    expect(psd.children![2].name!.endsWith('y…')).toBe(true);
  });

  test('a generated image of the wrong size is refused', () => {
    expect(() => exportPsd(doc, new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'E_BAD_IMAGE_SIZE' }));
  });
});
