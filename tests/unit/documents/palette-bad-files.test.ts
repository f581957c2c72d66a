/**
 * A corpus of broken .palette files, generated here from a good one. Each must be refused with
 * its own error code and a one-line message, without crashing and without writing anything.
 */
import { strToU8, zipSync } from 'fflate';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodePaletteDetailed, encodePalette, encodePng, readPalette, writePalette } from '../../../main/documents';
import { writeArchive } from '../../../main/documents/zip-archive';
import { PALETTE_FORMAT_VERSION } from '../../../shared/document';
import { PaletteError } from '../../../shared/errors';
import { editManifest, repack, sampleDocument } from './support/fixtures';

const good = encodePalette(sampleDocument());

/** central-directory surgery: claim a different uncompressed size for one entry */
function declareSize(bytes: Uint8Array, entry: string, size: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (let o = out.length - 22; o > 0; o--) {
    if (view.getUint32(o, true) !== 0x06054b50) continue;
    let p = view.getUint32(o + 16, true);
    for (let i = 0; i < view.getUint16(o + 10, true); i++) {
      const nameLength = view.getUint16(p + 28, true);
      const name = new TextDecoder().decode(out.subarray(p + 46, p + 46 + nameLength));
      if (name === entry) view.setUint32(p + 24, size, true);
      p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    }
    return out;
  }
  throw new Error('no end of central directory');
}

const corpus: Array<[string, string, () => Uint8Array]> = [
  ['empty file', 'E_ZIP_CORRUPT', () => new Uint8Array(0)],
  ['plain text', 'E_ZIP_CORRUPT', () => strToU8('this is not a palette')],
  ['truncated to half', 'E_ZIP_CORRUPT', () => good.slice(0, good.length >> 1)],
  ['truncated by one byte', 'E_ZIP_CORRUPT', () => good.slice(0, good.length - 1)],
  ['wrong mimetype', 'E_ZIP_MIMETYPE', () => repack(good, (es) => void (es[0].data = strToU8('image/png')))],
  ['mimetype not first', 'E_ZIP_MIMETYPE', () => repack(good, (es) => [...es.slice(1), es[0]])],
  ['mimetype compressed', 'E_ZIP_MIMETYPE', () => repack(good, (es) => void (es[0].stored = false))],
  ['no mimetype', 'E_ZIP_MIMETYPE', () => repack(good, (es) => es.slice(1))],
  ['no stack.xml', 'E_ORA_STACK_MISSING', () => repack(good, (es) => es.filter((e) => e.name !== 'stack.xml'))],
  ['no palette.json (a plain OpenRaster file)', 'E_MANIFEST_MISSING', () => repack(good, (es) => es.filter((e) => e.name !== 'palette.json'))],
  ['palette.json not JSON', 'E_MANIFEST_JSON', () => repack(good, (es) => void (es.find((e) => e.name === 'palette.json')!.data = strToU8('{"format": "semantic-palette",')))],
  ['palette.json an array', 'E_MANIFEST_SCHEMA', () => repack(good, (es) => void (es.find((e) => e.name === 'palette.json')!.data = strToU8('[]')))],
  ['another format', 'E_MANIFEST_FORMAT', () => editManifest(good, (m) => (m.format = 'krita'))],
  ['a string where a number belongs', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => ((m.layers as Array<Record<string, unknown>>)[0].promptStrength = 'high'))],
  ['prompt strength out of range', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => ((m.layers as Array<Record<string, unknown>>)[0].promptStrength = 2))],
  ['an unknown field', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => (m.extra = true))],
  ['a missing field', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => delete m.seed)],
  ['an unknown mask type', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => ((m.settings as Record<string, unknown>).maskType = 'soft'))],
  ['t_index_list out of order', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => ((m.settings as Record<string, unknown>).tIndexList = [12, 4]))],
  ['a huge canvas', 'E_CANVAS_TOO_LARGE', () => editManifest(good, (m) => (m.canvas = { width: 100000, height: 100000 }))],
  ['a canvas that is not a multiple of 8', 'E_BAD_CANVAS', () => editManifest(good, (m) => (m.canvas = { width: 60, height: 48 }))],
  ['65 layers', 'E_TOO_MANY_LAYERS', () => editManifest(good, (m) => {
    const l = (m.layers as Array<Record<string, unknown>>)[0];
    m.layers = Array.from({ length: 65 }, (_, i) => ({ ...l, id: `l${i}`, mask: `data/l${i}.png` }));
  })],
  ['two layers with one id', 'E_DUPLICATE_LAYER_ID', () => editManifest(good, (m) => {
    const ls = m.layers as Array<Record<string, unknown>>;
    ls[1].id = ls[0].id;
  })],
  ['a mask path climbing out of the archive', 'E_MANIFEST_SCHEMA', () => editManifest(good, (m) => ((m.layers as Array<Record<string, unknown>>)[0].mask = '../../etc/passwd.png'))],
  ['an entry named ../evil.png', 'E_ZIP_UNSAFE_NAME', () => repack(good, (es) => void es.push({ name: '../evil.png', data: strToU8('x') }))],
  ['an entry with an absolute path', 'E_ZIP_UNSAFE_NAME', () => repack(good, (es) => void es.push({ name: '/tmp/evil.png', data: strToU8('x') }))],
  ['an entry with a drive letter', 'E_ZIP_UNSAFE_NAME', () => repack(good, (es) => void es.push({ name: 'C:/evil.png', data: strToU8('x') }))],
  ['an entry with backslashes', 'E_ZIP_UNSAFE_NAME', () => repack(good, (es) => void es.push({ name: 'data\\..\\..\\evil.png', data: strToU8('x') }))],
  ['a zip bomb (entry declaring 4 GB)', 'E_ZIP_TOO_LARGE', () => declareSize(good, 'mergedimage.png', 0xfffffff0)],
  ['an entry whose declared size is a lie', 'E_ZIP_CORRUPT', () => declareSize(good, 'stack.xml', 3)],
  ['a flipped byte inside a stored PNG', 'E_ZIP_CORRUPT', () => {
    const bytes = new Uint8Array(good);
    const at = Buffer.from(bytes).indexOf(Buffer.from('IDAT')) + 20;
    bytes[at] ^= 0x40;
    return bytes;
  }],
  ['a referenced mask PNG missing', 'E_PNG_MISSING', () => repack(good, (es) => es.filter((e) => e.name !== 'data/layers/fox.png'))],
  ['the background PNG missing', 'E_PNG_MISSING', () => repack(good, (es) => es.filter((e) => e.name !== 'data/background.png'))],
  ['a mask that is not a PNG', 'E_PNG_CORRUPT', () => repack(good, (es) => void (es.find((e) => e.name === 'data/layers/fox.png')!.data = strToU8('GIF89a........................')))],
  ['a damaged PNG', 'E_PNG_CORRUPT', () => repack(good, (es) => {
    const e = es.find((x) => x.name === 'data/layers/fox.png')!;
    e.data = e.data.slice(0, 60);
  })],
  ['a mask PNG of the wrong size', 'E_PNG_SIZE', () => repack(good, (es) => void (es.find((e) => e.name === 'data/layers/sky.png')!.data = encodePng(new Uint8Array(32 * 32 * 4), 32, 32)))],
  ['a future version', 'E_VERSION_TOO_NEW', () => editManifest(good, (m) => (m.version = PALETTE_FORMAT_VERSION + 1))],
  ['a version with no migration', 'E_VERSION_UNSUPPORTED', () => editManifest(good, (m) => (m.version = -1))],
];

function refusal(bytes: Uint8Array, limits?: Parameters<typeof decodePaletteDetailed>[1]): PaletteError {
  try {
    decodePaletteDetailed(bytes, limits);
  } catch (e) {
    if (e instanceof PaletteError) return e;
    throw new Error(`not a PaletteError: ${(e as Error).message}`, { cause: e });
  }
  throw new Error('the file was accepted');
}

describe('bad .palette files', () => {
  test.each(corpus)('%s → %s', (_name, code, make) => {
    const e = refusal(make());
    expect(e.code).toBe(code);
    expect(e.message).not.toMatch(/\n/);
    expect(e.message.length).toBeGreaterThan(10);
  });

  test('a future version is refused with a message saying so', () => {
    expect(refusal(editManifest(good, (m) => (m.version = 7))).message).toMatch(/version 7.*newer.*update/);
  });

  test('a real zip bomb (a few KB inflating to 64 MB) stops at the limit before inflating', () => {
    const bomb = zipSync({ mimetype: [strToU8('image/openraster'), { level: 0 }], 'stack.xml': strToU8('<image/>'), 'data/zeros.png': new Uint8Array(64 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(refusal(bomb, { maxEntryBytes: 1024 * 1024 * 1024, maxTotalBytes: 16 * 1024 * 1024, maxEntries: 100 }).code).toBe('E_ZIP_TOO_LARGE');
    expect(refusal(bomb, { maxEntryBytes: 16 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxEntries: 100 }).code).toBe('E_ZIP_TOO_LARGE');
  });

  test('too many entries', () => {
    const many = writeArchive([
      { name: 'mimetype', data: strToU8('image/openraster'), stored: true },
      ...Array.from({ length: 300 }, (_, i) => ({ name: `x${i}`, data: strToU8('x') })),
    ]);
    expect(refusal(many).code).toBe('E_ZIP_TOO_LARGE');
  });

  test('opening a bad file from disk names the file and writes nothing', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-bad-'));
    try {
      for (const [name, code, make] of corpus) {
        const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.palette`);
        const bytes = make();
        await fs.writeFile(file, bytes);
        const before = (await fs.readdir(dir)).sort();
        const e = await readPalette(file).then(() => null, (x: unknown) => x as PaletteError);
        expect(e).toBeInstanceOf(PaletteError);
        expect(e!.code).toBe(code);
        expect(e!.message.startsWith(file)).toBe(true);
        expect((await fs.readdir(dir)).sort()).toEqual(before);
        expect(Buffer.from(await fs.readFile(file)).equals(Buffer.from(bytes))).toBe(true);
      }
      const missing = await readPalette(path.join(dir, 'nope.palette')).catch((x: PaletteError) => x);
      expect((missing as PaletteError).code).toBe('E_FILE_NOT_FOUND');
      const folder = await readPalette(dir).catch((x: PaletteError) => x);
      expect((folder as PaletteError).code).toBe('E_FILE_READ');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('saving an invalid document leaves the existing file and folder untouched', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-bad-save-'));
    try {
      const file = path.join(dir, 'doc.palette');
      await writePalette(file, sampleDocument());
      const before = await fs.readFile(file);
      const broken = sampleDocument();
      broken.layers[0].mask = new Uint8Array(7);
      await expect(writePalette(file, broken)).rejects.toMatchObject({ code: 'E_BAD_MASK_SIZE' });
      expect((await fs.readFile(file)).equals(before)).toBe(true);
      expect(await fs.readdir(dir)).toEqual(['doc.palette']);
      const e = await writePalette(path.join(dir, 'no-such-folder', 'x.palette'), sampleDocument()).catch((x: PaletteError) => x);
      expect((e as PaletteError).code).toBe('E_SAVE_FAILED');
      expect((e as PaletteError).message).toMatch(/could not save .*x\.palette/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
