/**
 * Disk full (ENOSPC) during save, autosave and export, simulated at the fs seam: the file
 * handle's write puts half the bytes on disk, then fails as a full disk does. The user gets a
 * one-line message saying the disk is full; the previous file (and its .bak) is byte for byte
 * what it was; no temporary file is left.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodePalette, writePalette, writePngExport, writePsdExport } from '../../../main/documents';
import { AutosaveFolder } from '../../../main/app/autosave';
import { PaletteError } from '../../../shared/errors';
import { sampleDocument } from '../documents/support/fixtures';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-enospc-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await fsp.rm(dir, { recursive: true, force: true });
});

/** from now on, every file opened for writing fills up halfway */
function diskFull(): void {
  const realOpen = fsp.open.bind(fsp);
  jest.spyOn(fsp, 'open').mockImplementation(async (file, flags, mode) => {
    const handle = await realOpen(file, flags, mode);
    if (typeof flags === 'string' && /[wa+]/.test(flags)) {
      handle.writeFile = async (data: unknown) => {
        const bytes = data as Uint8Array;
        await handle.write(bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      };
    }
    return handle;
  });
}

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await fsp.readdir(dir, { recursive: true })).sort()) {
    const p = path.join(dir, f);
    if ((await fsp.stat(p)).isFile()) out[f] = (await fsp.readFile(p)).toString('base64');
  }
  return out;
}

function expectDiskFull(e: unknown, file: string): void {
  expect(e).toBeInstanceOf(PaletteError);
  expect((e as PaletteError).code).toBe('E_DISK_FULL');
  expect((e as PaletteError).message).toBe(`could not save "${file}": the disk is full (ENOSPC); the previous file is untouched`);
}

test('save: refused with "the disk is full"; the file and its .bak are untouched', async () => {
  const file = path.join(dir, 'fox.palette');
  const v1 = sampleDocument();
  const v2 = sampleDocument();
  v2.seed = 99;
  await writePalette(file, v1);
  await writePalette(file, v1); // now there is a .bak too
  const before = await snapshot();
  diskFull();
  expectDiskFull(await writePalette(file, v2).catch((e: unknown) => e), file);
  expect(await snapshot()).toEqual(before);
  expect(Object.keys(before)).toEqual(['fox.palette', 'fox.palette.bak']);
});

test('autosave: refused with "the disk is full"; the previous autosave and the index are untouched', async () => {
  const folder = new AutosaveFolder(path.join(dir, 'autosave'));
  const entry = { id: 'crash-test-1', originalPath: null, savedAt: 1 };
  await folder.write(entry, sampleDocument());
  const before = await snapshot();
  diskFull();
  const changed = sampleDocument();
  changed.seed = 5;
  expectDiskFull(await folder.write({ ...entry, savedAt: 2 }, changed).catch((e: unknown) => e), folder.fileOf('crash-test-1'));
  expect(await snapshot()).toEqual(before);
  jest.restoreAllMocks();
  expect(encodePalette(await folder.read('crash-test-1'))).toEqual(encodePalette(sampleDocument()));
  expect(await folder.entries()).toEqual([entry]);
});

test.each(['png', 'psd'] as const)('export %s: refused with "the disk is full"; the previous export is untouched', async (kind) => {
  const doc = sampleDocument();
  const rgba = new Uint8Array(doc.canvas.width * doc.canvas.height * 4).fill(200);
  const file = path.join(dir, `fox.${kind}`);
  const write = () => (kind === 'png' ? writePngExport(file, rgba, doc.canvas.width, doc.canvas.height, doc) : writePsdExport(file, doc, rgba));
  await write();
  const before = await snapshot();
  rgba.fill(10);
  diskFull();
  expectDiskFull(await write().catch((e: unknown) => e), file);
  expect(await snapshot()).toEqual(before);
});
