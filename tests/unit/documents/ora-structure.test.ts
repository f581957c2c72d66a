/** The .palette file as an OpenRaster reader sees it (checked against the OpenRaster spec's layout). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePalette } from '../../../main/documents';
import { EXAMPLES_DIR } from '../../../scripts/make-examples';
import { sampleDocument } from './support/fixtures';

const python = spawnSync('python3', ['-c', 'import zipfile, xml.etree.ElementTree'], { encoding: 'utf8' });
const havePython = python.status === 0;
if (!havePython) console.warn('skipping the independent OpenRaster reader: python3 (zipfile, ElementTree) is not available');
const CONVERT = '/usr/bin/convert';
const haveMagick = existsSync(CONVERT);
if (!haveMagick) console.warn(`skipping PNG pixel read-back: ${CONVERT} is missing`);

interface Inspection {
  first: { name: string; method: number; extra: number; content: string };
  names: string[];
  testzip: string | null;
  image: { tag: string; w: string; h: string; version: string };
  stackChildren: string[];
  layers: Array<{ name: string; src: string; visibility: string; x: string; y: string; opacity: string; present: boolean; size: number[] | null }>;
  merged: number[] | null;
  thumbnail: number[] | null;
}

const inspect = (file: string): Inspection =>
  JSON.parse(execFileSync('python3', [path.join(__dirname, 'support', 'ora-inspect.py'), file], { encoding: 'utf8' }));

(havePython ? describe : describe.skip)('OpenRaster structure (read by Python zipfile + ElementTree)', () => {
  let dir: string;
  let file: string;
  const doc = sampleDocument(64, 48);
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-ora-'));
    file = path.join(dir, 'sample.palette');
    await writePalette(file, doc);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('mimetype is the first entry, stored, without extra field, reading image/openraster', () => {
    const ora = inspect(file);
    expect(ora.first).toEqual({ name: 'mimetype', method: 0, extra: 0, content: 'image/openraster' });
    expect(ora.testzip).toBeNull();
  });

  test('stack.xml: image w/h, layers top → bottom, each src present with the canvas size', () => {
    const ora = inspect(file);
    expect(ora.image).toEqual({ tag: 'image', w: '64', h: '48', version: '0.0.5' });
    expect(ora.stackChildren.every((t) => t === 'layer')).toBe(true);
    expect(ora.layers.map((l) => [l.name, l.visibility])).toEqual([
      ['Fox «renard»', 'hidden'],
      ['Sky', 'visible'],
      ['Background image', 'visible'],
    ]);
    for (const l of ora.layers) {
      expect(l.present).toBe(true);
      expect(l.size).toEqual([64, 48]);
      expect([l.x, l.y, l.opacity]).toEqual(['0', '0', '1.0']);
    }
    expect(ora.merged).toEqual([64, 48]);
    expect(ora.names).toContain('palette.json');
  });

  (haveMagick ? test : test.skip)('a brush layer PNG decodes (ImageMagick) to the brush colour with the mask as alpha', async () => {
    const { unzipSync } = await import('fflate');
    const png = unzipSync(await fs.readFile(file))['data/layers/fox.png'];
    const rgba = execFileSync(CONVERT, ['png:-', '-depth', '8', 'rgba:-'], { input: png });
    for (let p = 0; p < 64 * 48; p++) {
      expect(rgba[p * 4 + 3]).toBe(doc.layers[1].mask[p]);
      expect([rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]]).toEqual([255, 0, 0]);
    }
  });

  test.each(['fox-in-snow.palette', 'seaside.palette', 'panorama.palette'])('example %s is a valid OpenRaster file with a ≤256 px thumbnail', (name) => {
    const ora = inspect(path.join(EXAMPLES_DIR, name));
    expect(ora.first.name).toBe('mimetype');
    expect(ora.testzip).toBeNull();
    expect(ora.layers.length).toBeGreaterThan(1);
    for (const l of ora.layers) expect(l.size).toEqual([Number(ora.image.w), Number(ora.image.h)]);
    expect(Math.max(...ora.thumbnail!)).toBe(256);
    expect(ora.thumbnail![0] / ora.thumbnail![1]).toBeCloseTo(Number(ora.image.w) / Number(ora.image.h), 1);
  });
});
