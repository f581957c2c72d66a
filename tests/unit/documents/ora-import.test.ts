/**
 * OpenRaster files from other programs as new documents: files really written by Krita 5.1.5
 * (tests/fixtures/ora, README there), checked against an independent reader (Python zipfile +
 * ElementTree + zlib, support/ora-layers.py), and a corpus of broken files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strToU8 } from 'fflate';
import { encodePalette, encodePng, importOpenRaster, readOpenRaster, readOpenRasterMasks } from '../../../main/documents';
import { writeArchive, type ArchiveEntry } from '../../../main/documents/zip-archive';
import { PaletteError } from '../../../shared/errors';
import { sampleDocument } from './support/fixtures';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'ora');
const KRITA = path.join(FIXTURES, 'krita-layers.ora');
const KRITA_CLI = path.join(FIXTURES, 'krita-cli-export.ora');
const KRITA_MOVED = path.join(FIXTURES, 'krita-moved.ora');
const MYPAINT = path.join(FIXTURES, 'mypaint-layers.ora');

const havePython = spawnSync('python3', ['-c', 'import zipfile, zlib, xml.etree.ElementTree'], { encoding: 'utf8' }).status === 0;
if (!havePython) console.warn('skipping the independent OpenRaster reader: python3 is not available');

interface Independent {
  w: number;
  h: number;
  layers: Array<{ name: string; x: number; y: number; w: number; h: number; opacity: number; visible: boolean; groups: string[]; compositeOp: string; mask: string }>;
}
const independent = (file: string): Independent =>
  JSON.parse(execFileSync('python3', [path.join(__dirname, 'support', 'ora-layers.py'), file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));

const W = 512;
const at = (mask: Uint8Array, x: number, y: number): number => mask[y * W + x];
/** bounding box of the painted pixels [x0, y0, x1, y1] (inclusive) */
function bbox(mask: Uint8Array, width = W): [number, number, number, number] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const x = i % width, y = Math.floor(i / width);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

// ---------------------------------------------------------------- synthetic files for the edge cases

function flat(w: number, h: number, rgba: [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let i = 0; i < out.length; i += 4) out.set(rgba, i);
  return out;
}
const png = (w: number, h: number, rgba: [number, number, number, number] = [255, 0, 0, 255]) => encodePng(flat(w, h, rgba), w, h, 'flat');

function ora(stackXml: string, files: Record<string, Uint8Array> = {}, options: { mimetype?: boolean } = {}): Uint8Array {
  const entries: ArchiveEntry[] = [];
  if (options.mimetype !== false) entries.push({ name: 'mimetype', data: strToU8('image/openraster'), stored: true });
  entries.push({ name: 'stack.xml', data: strToU8(stackXml) });
  for (const [name, data] of Object.entries(files)) entries.push({ name, data, stored: true });
  return writeArchive(entries);
}
const image = (w: number, h: number, body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<image version="0.0.5" w="${w}" h="${h}"><stack>${body}</stack></image>`;
const layer = (name: string, src: string, attrs = '') => `<layer name="${name}" src="${src}" ${attrs}/>`;

function refused(bytes: () => Uint8Array): PaletteError {
  try {
    importOpenRaster(bytes());
  } catch (e) {
    return e as PaletteError;
  }
  throw new Error('the file was accepted');
}

describe('a Krita 5.1.5 OpenRaster file as a new document', () => {
  test('each layer is a brush (bottom → top), named and prompted by the layer name, coloured like its pixels', async () => {
    const { document: doc, notices } = await readOpenRaster(KRITA);
    expect(doc.canvas).toEqual({ width: 512, height: 512 });
    // Krita's "Background" (white paper) is not a brush; groups are flattened in stacking order
    expect(doc.layers.map((l) => l.name)).toEqual(['blue sky', 'red', 'green', 'yellow', 'purple', 'pink', 'orange']);
    expect(doc.layers.map((l) => l.prompt)).toEqual(['blue sky', 'red', 'green', 'yellow', 'purple', 'pink', 'orange']);
    const colour = Object.fromEntries(doc.layers.map((l) => [l.name, l.color]));
    expect(colour).toMatchObject({ 'blue sky': '#78beff', red: '#e61414', green: '#00aa00', yellow: '#ffdc00', purple: '#8200c8', pink: '#ff78b4', orange: '#ff8c00' });
    expect(new Set(doc.layers.map((l) => l.id)).size).toBe(7);
    expect(doc.background.image).toBeNull();
    expect(notices.join('\n')).toMatch(/"Background" is the paper/);
    expect(notices.join('\n')).toMatch(/cut off: "orange"/);
    expect(notices.join('\n')).toMatch(/purple \(multiply\)/);
  });

  test('hidden layer → hidden brush; opacity → mask strength; masks are the alpha, not scaled by opacity', async () => {
    const { document: doc } = await readOpenRaster(KRITA);
    const by = Object.fromEntries(doc.layers.map((l) => [l.name, l]));
    expect(by.green.visible).toBe(false);
    expect(doc.layers.filter((l) => !l.visible).map((l) => l.name)).toEqual(['green']);
    expect(by.yellow.maskStrength).toBeCloseTo(128 / 255, 5);
    expect(doc.layers.filter((l) => l.maskStrength !== 1).map((l) => l.name)).toEqual(['yellow']);
    expect(at(by.yellow.mask, 376, 400)).toBe(255);
  });

  test('masks sit at the offsets stack.xml gives (Krita crops each layer to its content)', async () => {
    const { document: doc } = await readOpenRaster(KRITA);
    const by = Object.fromEntries(doc.layers.map((l) => [l.name, l.mask]));
    // the rectangles and the disc the Krita script painted (make_krita_fixtures.py)
    expect(bbox(by['blue sky'])).toEqual([64, 32, 447, 159]);
    expect(bbox(by.red)).toEqual([48, 224, 207, 383]); // a 160-pixel disc with a 6-pixel soft rim
    expect(at(by.red, 128, 304)).toBe(255);
    expect(at(by.red, 52, 228)).toBe(0); // the disc's corner is empty
    expect(bbox(by.pink)).toEqual([420, 220, 489, 299]); // painted into a canvas-sized buffer, cropped by Krita
    expect(bbox(by.purple)).toEqual([96, 416, 223, 479]);
    // off the top and right edges: what is on the canvas stays, the rest is cut
    expect(bbox(by.orange)).toEqual([448, 0, 511, 71]);
    // the soft rim keeps its alpha ramp
    const rim = Array.from({ length: 8 }, (_, i) => at(by.red, 48 + i, 304));
    expect(at(by.red, 47, 304)).toBe(0);
    expect(rim[0]).toBeGreaterThan(0);
    expect(rim[7]).toBeGreaterThan(rim[3]);
    expect(rim[3]).toBeGreaterThan(rim[0]);
    expect(rim.some((v) => v > 0 && v < 255)).toBe(true);
  });

  (havePython ? test : test.skip)('every mask equals the layer PNG alpha at its offset, as an independent reader computes it', async () => {
    const truth = independent(KRITA);
    const { document: doc } = await readOpenRaster(KRITA);
    const brushes = truth.layers.filter((l) => l.name !== 'Background').reverse();
    expect(doc.layers.map((l) => l.name)).toEqual(brushes.map((l) => l.name));
    for (const [i, l] of brushes.entries()) {
      expect({ name: l.name, equal: Buffer.from(doc.layers[i].mask).equals(Buffer.from(l.mask, 'base64')) }).toEqual({ name: l.name, equal: true });
      expect(doc.layers[i].maskStrength).toBeCloseTo(l.opacity, 6);
      expect(doc.layers[i].visible).toBe(l.visible);
    }
    // the file really has what this test is about
    expect(truth.layers.some((l) => l.x !== 0 || l.y !== 0)).toBe(true);
    expect(truth.layers.some((l) => l.w !== truth.w || l.h !== truth.h)).toBe(true);
    expect(truth.layers.some((l) => l.groups.length > 0)).toBe(true);
    expect(truth.layers.some((l) => l.y < 0 || l.x + l.w > truth.w)).toBe(true);
  });

  test("Krita's command-line export (krita --export) reads the same as its scripted save", async () => {
    const a = (await readOpenRaster(KRITA)).document;
    const b = (await readOpenRaster(KRITA_CLI)).document;
    expect(b.layers.map((l) => [l.name, l.visible, l.maskStrength, l.color])).toEqual(a.layers.map((l) => [l.name, l.visible, l.maskStrength, l.color]));
    for (const [i, l] of b.layers.entries()) expect(Buffer.from(l.mask).equals(Buffer.from(a.layers[i].mask))).toBe(true);
  });

  test('masks for an open document of another size: same offsets from the top-left corner, clipped', async () => {
    const small = await readOpenRasterMasks(KRITA_MOVED, { width: 320, height: 256 });
    expect(small.canvas).toEqual({ width: 320, height: 256 });
    expect(small.layers.map((l) => l.name)).toEqual(['blue sky', 'red', 'green', 'black']);
    const red = small.layers[1].mask;
    expect(red.length).toBe(320 * 256);
    // the disc's left 16 columns: cut at the right edge, symmetric about the disc's centre row (48 + 79.5)
    const [x0, y0, x1, y1] = bbox(red, 320)!;
    expect([x0, x1]).toEqual([304, 319]);
    expect(y0 + y1).toBe(2 * 127.5);
    expect(y0).toBeGreaterThan(48);
    expect(small.notices.join('\n')).toMatch(/512×512 and the canvas 320×256/);
    // "black" lies below the small canvas: empty, and said so
    expect(bbox(small.layers[3].mask, 320)).toBeNull();
    expect(small.notices.join('\n')).toMatch(/Nothing is painted on the canvas in "blue sky", "black"/);
  });
});

describe('a MyPaint 2.0.1 OpenRaster file (real brush strokes)', () => {
  test('layers become brushes; "background" paper left out; hidden and 50% kept; Pigment mode is plain painting', async () => {
    const { document: doc, notices } = await readOpenRaster(MYPAINT);
    expect(doc.canvas).toEqual({ width: 512, height: 512 });
    expect(doc.layers.map((l) => l.name)).toEqual(['Layer', 'blue sky', 'red', 'green', 'yellow']);
    const by = Object.fromEntries(doc.layers.map((l) => [l.name, l]));
    expect(by.green.visible).toBe(false);
    expect(by.yellow.maskStrength).toBe(0.5);
    expect(notices.join('\n')).toMatch(/"background" is the paper/);
    expect(notices.join('\n')).toMatch(/Nothing is painted on the canvas in "Layer"/);
    expect(notices.join('\n')).not.toMatch(/Blending modes/);
    // the pen's antialiased strokes: partial alpha along the edges
    expect(by.red.mask.some((v) => v > 0 && v < 255)).toBe(true);
    // the red strokes run along y = 260..360 from x = 60 to 200
    expect(by.red.mask[300 * W + 130]).toBeGreaterThan(200);
    expect(by.red.mask[300 * W + 260]).toBe(0);
  });

  (havePython ? test : test.skip)('every mask equals the layer alpha at its offset, as the independent reader computes it', async () => {
    const truth = independent(MYPAINT);
    const { document: doc } = await readOpenRaster(MYPAINT);
    const brushes = truth.layers.filter((l) => l.name !== 'background').reverse();
    expect(doc.layers.map((l) => l.name)).toEqual(brushes.map((l) => l.name));
    for (const [i, l] of brushes.entries()) expect(Buffer.from(doc.layers[i].mask).equals(Buffer.from(l.mask, 'base64'))).toBe(true);
    expect(truth.layers.some((l) => l.x !== 0 || l.y !== 0)).toBe(true);
  });
});

describe('OpenRaster files from anywhere', () => {
  test('nested stacks: offsets add, opacity multiplies, a hidden group hides its layers; order is the stacking order', () => {
    const doc = importOpenRaster(
      ora(
        image(64, 32, [
          layer('top', 'a.png', 'x="1" y="2"'),
          '<stack name="outer" x="10" y="4" opacity="0.5"><stack name="inner" visibility="hidden" opacity="0.5">',
          layer('deep', 'b.png', 'x="3" y="1" opacity="0.8"'),
          '</stack>',
          layer('mid', 'c.png'),
          '</stack>',
          layer('bottom', 'd.png', 'visibility="hidden"'),
        ].join('')),
        { 'a.png': png(2, 2), 'b.png': png(2, 2, [0, 0, 255, 128]), 'c.png': png(1, 1), 'd.png': png(64, 32) },
      ),
    ).document;
    expect(doc.layers.map((l) => l.name)).toEqual(['bottom', 'mid', 'deep', 'top']);
    const by = Object.fromEntries(doc.layers.map((l) => [l.name, l]));
    expect(bbox(by.top.mask, 64)).toEqual([1, 2, 2, 3]);
    expect(bbox(by.deep.mask, 64)).toEqual([13, 5, 14, 6]);
    expect(by.deep.mask[5 * 64 + 13]).toBe(128);
    expect(by.deep.maskStrength).toBeCloseTo(0.5 * 0.5 * 0.8, 9);
    expect(by.deep.visible).toBe(false);
    expect(by.deep.color).toBe('#0000ff');
    expect(bbox(by.mid.mask, 64)).toEqual([10, 4, 10, 4]);
    expect(by.mid.maskStrength).toBe(0.5);
    expect(by.mid.visible).toBe(true);
    expect(by.bottom.visible).toBe(false);
  });

  test('a canvas that is not a multiple of 8 grows to the next one, with a notice; layers far off the canvas are empty', () => {
    const { document: doc, notices } = importOpenRaster(
      ora(image(500, 301, layer('sky', 'a.png', 'x="-40" y="290"') + layer('gone', 'b.png', 'x="900" y="-900"')), { 'a.png': png(60, 20), 'b.png': png(4, 4) }),
    );
    expect(doc.canvas).toEqual({ width: 504, height: 304 });
    expect(bbox(doc.layers[1].mask, 504)).toEqual([0, 290, 19, 303]);
    expect(bbox(doc.layers[0].mask, 504)).toBeNull();
    expect(notices.join('\n')).toMatch(/500×301; the canvas is 504×304/);
    expect(notices.join('\n')).toMatch(/Nothing is painted on the canvas in "gone"/);
  });

  test('names: empty → "Layer N", trimmed, long names cut to 200; the prompt is the layer name', () => {
    const long = 'x'.repeat(300);
    const doc = importOpenRaster(ora(image(8, 8, layer(long, 'a.png') + layer('  sea  ', 'b.png') + layer('', 'c.png')), { 'a.png': png(8, 8), 'b.png': png(8, 8), 'c.png': png(8, 8) })).document;
    expect(doc.layers.map((l) => l.name)).toEqual(['Layer 1', 'sea', 'x'.repeat(200)]);
    expect(doc.layers.map((l) => l.prompt)).toEqual(['', 'sea', long]);
  });

  test('our own "Background image" layer at the bottom becomes the background image; a non-PNG layer is left out', () => {
    const { document: doc, notices } = importOpenRaster(
      ora(image(16, 8, layer('vector', 'data/shape.svg') + layer('red', 'a.png') + layer('Background image', 'bg.png')), {
        'a.png': png(4, 4),
        'bg.png': png(16, 8, [10, 20, 30, 255]),
        'data/shape.svg': strToU8('<svg/>'),
      }),
    );
    expect(doc.layers.map((l) => l.name)).toEqual(['red']);
    expect(Array.from(doc.background.image!.subarray(0, 4))).toEqual([10, 20, 30, 255]);
    expect(notices.join('\n')).toMatch(/not PNG images were left out: "vector"/);
  });

  test('an .ora that holds palette.json is one of ours: opened with its prompts and settings', () => {
    const original = sampleDocument();
    const { document: doc, notices } = importOpenRaster(encodePalette(original));
    expect(doc.layers.map((l) => [l.id, l.prompt, l.maskBlur])).toEqual(original.layers.map((l) => [l.id, l.prompt, l.maskBlur]));
    expect(doc.settings).toEqual(original.settings);
    expect(notices[0]).toMatch(/is a Semantic Palette document/);
  });

  const magick = '/usr/bin/convert';
  (existsSync(magick) ? test : test.skip)('16-bit and grey+alpha PNG layers (other programs write them) read as 8-bit alpha', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-ora16-'));
    try {
      const file = path.join(dir, 'l.png');
      // 8×8, grey with alpha 50% (32768 of 65535 in 16 bits)
      execFileSync(magick, ['-size', '8x8', 'xc:rgba(128,128,128,0.5)', '-depth', '16', '-define', 'png:color-type=4', `PNG64:${file}`]);
      const bytes = new Uint8Array(await fs.readFile(file));
      expect(bytes[24]).toBe(16); // bit depth in IHDR
      const doc = importOpenRaster(ora(image(8, 8, layer('grey', 'l.png')), { 'l.png': bytes })).document;
      expect(doc.layers[0].mask[0]).toBeGreaterThanOrEqual(127);
      expect(doc.layers[0].mask[0]).toBeLessThanOrEqual(128);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('broken OpenRaster files are refused with a code and one line', () => {
  const good = () => ora(image(8, 8, layer('red', 'a.png')), { 'a.png': png(8, 8) });
  const corpus: Array<[string, string, () => Uint8Array]> = [
    ['not a zip', 'E_ZIP_CORRUPT', () => strToU8('hello')],
    ['no mimetype', 'E_ZIP_MIMETYPE', () => ora(image(8, 8, ''), {}, { mimetype: false })],
    ['no stack.xml', 'E_ORA_STACK_MISSING', () => writeArchive([{ name: 'mimetype', data: strToU8('image/openraster'), stored: true }])],
    ['stack.xml not XML', 'E_ORA_STACK_XML', () => ora('<image w="8" h="8"><stack><layer name="a"')],
    ['stack.xml not UTF-8', 'E_ORA_STACK_XML', () => writeArchive([{ name: 'mimetype', data: strToU8('image/openraster'), stored: true }, { name: 'stack.xml', data: new Uint8Array([0x3c, 0xff, 0xfe]) }])],
    ['an entity defined in a DTD (billion laughs)', 'E_ORA_STACK_XML', () => ora('<?xml version="1.0"?><!DOCTYPE image [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><image w="8" h="8"><stack><layer name="&b;" src="a.png"/></stack></image>', { 'a.png': png(8, 8) })],
    ['the root is not <image>', 'E_ORA_STACK_XML', () => ora('<picture w="8" h="8"><stack/></picture>')],
    ['no image size', 'E_ORA_STACK_XML', () => ora('<image><stack/></image>')],
    ['a size that is not a number', 'E_ORA_STACK_XML', () => ora('<image w="wide" h="8"><stack/></image>')],
    ['no root stack', 'E_ORA_STACK_XML', () => ora('<image w="8" h="8"></image>')],
    ['an offset that is not a number', 'E_ORA_STACK_XML', () => ora(image(8, 8, layer('red', 'a.png', 'x="left"')), { 'a.png': png(8, 8) })],
    ['a layer without src', 'E_ORA_STACK_XML', () => ora(image(8, 8, '<layer name="red"/>'))],
    ['a layer src with ..', 'E_ZIP_UNSAFE_NAME', () => ora(image(8, 8, layer('red', '../../etc/passwd.png')))],
    ['an absolute layer src', 'E_ZIP_UNSAFE_NAME', () => ora(image(8, 8, layer('red', '/tmp/a.png')))],
    ['a layer PNG missing', 'E_PNG_MISSING', () => ora(image(8, 8, layer('red', 'a.png')))],
    ['a layer that is not a PNG', 'E_PNG_CORRUPT', () => ora(image(8, 8, layer('red', 'a.png')), { 'a.png': strToU8('not a png at all, really not') })],
    ['a truncated PNG', 'E_PNG_CORRUPT', () => ora(image(8, 8, layer('red', 'a.png')), { 'a.png': png(8, 8).subarray(0, 40) })],
    ['a PNG declaring 40000×40000 (refused from the header, before inflating)', 'E_PNG_SIZE', () => {
      const p = new Uint8Array(png(8, 8));
      new DataView(p.buffer).setUint32(16, 40000);
      new DataView(p.buffer).setUint32(20, 40000);
      return ora(image(8, 8, layer('red', 'a.png')), { 'a.png': p });
    }],
    ['a canvas over 8192', 'E_CANVAS_TOO_LARGE', () => ora(image(8200, 8, ''))],
    ['65 layers', 'E_TOO_MANY_LAYERS', () => ora(image(8, 8, Array.from({ length: 65 }, (_, i) => layer(`l${i}`, 'a.png')).join('')), { 'a.png': png(8, 8) })],
    ['groups nested 100 deep', 'E_ORA_STACK_XML', () => ora(image(8, 8, '<stack>'.repeat(100) + '</stack>'.repeat(100)))],
    ['stack.xml over 4 MiB', 'E_ORA_STACK_XML', () => ora(image(8, 8, `<!--${'x'.repeat(4 * 1024 * 1024)}-->`))],
  ];

  test.each(corpus)('%s → %s', (_what, code, bytes) => {
    const e = refused(bytes);
    expect(e).toBeInstanceOf(PaletteError);
    expect(e.code).toBe(code);
    expect(e.message).not.toMatch(/\n/);
    expect(e.message.length).toBeLessThan(400);
  });

  test('the good file of the corpus opens (the corpus tests what it says)', () => {
    expect(importOpenRaster(good()).document.layers.map((l) => l.name)).toEqual(['red']);
  });

  test('errors from a file name the file; nothing is written next to it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-ora-bad-'));
    try {
      const file = path.join(dir, 'broken.ora');
      await fs.writeFile(file, ora(image(8, 8, layer('red', 'a.png'))));
      await expect(readOpenRaster(file)).rejects.toMatchObject({ code: 'E_PNG_MISSING', message: expect.stringContaining(`${file}: `) });
      await expect(readOpenRaster(path.join(dir, 'none.ora'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
      expect(await fs.readdir(dir)).toEqual(['broken.ora']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
