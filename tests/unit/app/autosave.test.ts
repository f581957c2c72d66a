import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUTOSAVE_INDEX, AutosaveFolder, Autosaver, DEFAULT_AUTOSAVE_MS } from '../../../main/app/autosave';
import { readPalette } from '../../../main/documents';
import type { PaletteDocument } from '../../../shared/document';
import { FakeTimer, paintedDocument, tempDir } from './support';

function setup(intervalMs = DEFAULT_AUTOSAVE_MS) {
  const dir = path.join(tempDir('autosave'), 'autosave');
  const timer = new FakeTimer();
  let doc: PaletteDocument = paintedDocument();
  const requests: number[] = [];
  const writes: Promise<void>[] = [];
  const interval = { ms: intervalMs };
  const autosaver: Autosaver = new Autosaver({
    folder: new AutosaveFolder(dir),
    timer,
    intervalMs: () => interval.ms,
    // the renderer answers at once with its document
    requestSnapshot: () => {
      requests.push(timer.now());
      writes.push(autosaver.write(doc));
    },
  });
  const settle = () => Promise.all(writes.splice(0));
  const index = () => JSON.parse(fs.readFileSync(path.join(dir, AUTOSAVE_INDEX), 'utf8')) as { entries: { id: string; originalPath: string | null; savedAt: number }[] };
  const palettes = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.palette')) : []);
  return { dir, timer, autosaver, requests, settle, index, palettes, interval, setDoc: (d: PaletteDocument) => (doc = d) };
}

describe('autosave', () => {
  test('nothing happens while the document is clean', async () => {
    const { timer, autosaver, requests, palettes } = setup();
    await autosaver.update(false, null);
    timer.advance(10 * DEFAULT_AUTOSAVE_MS);
    expect(requests).toEqual([]);
    expect(timer.pending).toBe(0);
    expect(palettes()).toEqual([]);
  });

  test('every 30 s while dirty: the document and an index naming its file and time', async () => {
    const { timer, autosaver, requests, settle, index, palettes, dir } = setup();
    const start = timer.now();
    await autosaver.update(true, '/art/fox.palette');
    timer.advance(DEFAULT_AUTOSAVE_MS - 1);
    expect(requests).toEqual([]);
    timer.advance(1);
    expect(requests).toEqual([start + 30_000]);
    await settle();
    const id = autosaver.currentId!;
    expect(palettes()).toEqual([`${id}.palette`]);
    expect(index().entries).toEqual([{ id, originalPath: '/art/fox.palette', savedAt: start + 30_000 }]);
    // the autosave is a complete, valid .palette with the painted mask
    const back = await readPalette(path.join(dir, `${id}.palette`));
    expect(back.layers[0].prompt).toBe('red');
    expect(back.layers[0].mask).toEqual(paintedDocument().layers[0].mask);

    // still dirty: again 30 s later, the same file (one per document), the newer time
    timer.advance(30_000);
    expect(requests).toEqual([start + 30_000, start + 60_000]);
    await settle();
    expect(palettes()).toEqual([`${id}.palette`]);
    expect(index().entries).toEqual([{ id, originalPath: '/art/fox.palette', savedAt: start + 60_000 }]);
    // a temporary file never stays behind
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a dirty report while already dirty does not restart the clock', async () => {
    const { timer, autosaver, requests } = setup();
    const start = timer.now();
    await autosaver.update(true, null);
    timer.advance(20_000);
    await autosaver.update(true, null);
    timer.advance(10_000);
    expect(requests).toEqual([start + 30_000]);
  });

  test('the interval is a setting, read at each scheduling', async () => {
    const { timer, autosaver, requests, interval, settle } = setup(5_000);
    const start = timer.now();
    await autosaver.update(true, null);
    timer.advance(5_000);
    expect(requests).toEqual([start + 5_000]);
    // the next one was scheduled with the old interval; the one after it uses the new one
    interval.ms = 60_000;
    timer.advance(5_000);
    timer.advance(59_999);
    expect(requests).toEqual([start + 5_000, start + 10_000]);
    timer.advance(1);
    expect(requests).toEqual([start + 5_000, start + 10_000, start + 70_000]);
    await settle();
  });

  test('a clean save stops the clock and removes the autosave and its index entry', async () => {
    const { timer, autosaver, requests, settle, index, palettes } = setup();
    await autosaver.update(true, null);
    timer.advance(30_000);
    await settle();
    expect(palettes()).toHaveLength(1);
    await autosaver.update(false, '/art/fox.palette');
    expect(palettes()).toEqual([]);
    expect(index().entries).toEqual([]);
    expect(timer.pending).toBe(0);
    timer.advance(120_000);
    expect(requests).toHaveLength(1);
  });

  test('an answer arriving after the document became clean writes nothing', async () => {
    const { autosaver, palettes } = setup();
    await autosaver.update(true, null);
    await autosaver.update(false, null);
    await autosaver.write(paintedDocument());
    expect(palettes()).toEqual([]);
  });

  test('another document (New, Open) and a clean exit drop the autosave', async () => {
    const { timer, autosaver, settle, palettes } = setup();
    await autosaver.update(true, null);
    timer.advance(30_000);
    await settle();
    expect(palettes()).toHaveLength(1);
    await autosaver.replaceDocument();
    expect(palettes()).toEqual([]);
    expect(timer.pending).toBe(0);

    await autosaver.update(true, null);
    timer.advance(30_000);
    await settle();
    expect(palettes()).toHaveLength(1);
    await autosaver.close();
    expect(palettes()).toEqual([]);
  });

  test('a damaged index reads as empty rather than failing the app', async () => {
    const { dir } = setup();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, AUTOSAVE_INDEX), '{"entries": [{"id": "../../etc/passwd", "originalPath": null, "savedAt": 1}, "x"');
    expect(await new AutosaveFolder(dir).entries()).toEqual([]);
    fs.writeFileSync(path.join(dir, AUTOSAVE_INDEX), '{"entries": [{"id": "../../etc/passwd", "originalPath": null, "savedAt": 1}]}');
    expect(await new AutosaveFolder(dir).entries()).toEqual([]);
  });
});
