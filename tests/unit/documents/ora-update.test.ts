/**
 * OpenRaster in the app's document flow: File → Open of an .ora (main's document service),
 * the document:readOraMasks channel through the real router (payload validation), and the
 * renderer's "Update masks from OpenRaster" matching and its single undo step.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileDocumentService } from '../../../main/app/document-service';
import { documentsInArgv } from '../../../main/app/file-open';
import { SettingsStore, memoryBackend } from '../../../main/app/settings-store';
import { readOpenRaster, readOpenRasterMasks, readPalette } from '../../../main/documents';
import { documentHandlers } from '../../../main/ipc/document-handlers';
import { IpcRouter } from '../../../main/ipc/router';
import { createSettings, documentsEqual, type PaletteDocument } from '../../../shared/document';
import type { OraLayerWire } from '../../../shared/ipc/channels';
import { DocumentStore } from '../../../renderer/src/store/document-store';
import { applyOraMasks, planOraMasks } from '../../../renderer/src/store/ora-masks';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'ora');
const KRITA = path.join(FIXTURES, 'krita-layers.ora');
const KRITA_MOVED = path.join(FIXTURES, 'krita-moved.ora');
/** resources/examples/seaside.palette opened in Krita, "Sun" moved by (40, 24), "Sea" hidden, saved as .ora */
const KRITA_ROUNDTRIP = path.join(FIXTURES, 'krita-roundtrip.ora');
const SEASIDE = path.resolve(__dirname, '..', '..', '..', 'resources', 'examples', 'seaside.palette');
const W = 512;

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-ora-app-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function service(open: Array<string | null>, save: Array<string | null> = []) {
  const asked: Array<{ kind: string | undefined; suggested?: string }> = [];
  const settings = new SettingsStore(memoryBackend());
  const documents = new FileDocumentService({
    dialogs: {
      chooseOpen: async (kind) => (asked.push({ kind }), open.shift() ?? null),
      chooseSave: async (kind, suggested) => (asked.push({ kind, suggested }), save.shift() ?? null),
    },
    settings,
    newestFrame: () => null,
  });
  return { documents, asked, settings };
}

const painted = (mask: Uint8Array): number => mask.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
const at = (mask: Uint8Array, x: number, y: number): number => mask[y * W + x];

describe('File → Open of an OpenRaster image', () => {
  test('opens as a new unsaved document (Save asks, suggesting the .ora name); the saved .palette holds the same brushes', async () => {
    const { documents, asked, settings } = service([KRITA], [path.join(dir, 'painting.palette')]);
    const opened = (await documents.open())!;
    expect(asked[0]).toEqual({ kind: undefined });
    expect(opened.documentPath).toBeNull();
    expect(opened.dirty).toBe(true);
    expect(opened.notes[0]).toMatch(/OpenRaster image: each layer is a brush/);
    expect(opened.document.layers.map((l) => l.name)).toEqual(['blue sky', 'red', 'green', 'yellow', 'purple', 'pink', 'orange']);
    expect(settings.recent()).toEqual([]); // the .ora is not our document
    expect(documents.dirty).toBe(true);

    const saved = await documents.save(opened.document, { saveAs: false });
    expect(asked[1]).toEqual({ kind: 'palette', suggested: 'krita-layers.palette' });
    expect(saved).toEqual({ path: path.join(dir, 'painting.palette') });
    const back = await readPalette(saved!.path);
    expect(documentsEqual(back, opened.document as PaletteDocument)).toBe(true);
  });

  test('an .ora handed over by the OS (command line, second instance) is opened like a .palette', () => {
    fs.copyFileSync(KRITA, path.join(dir, 'art.ORA'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(documentsInArgv(['app', '--flag', 'art.ORA', 'notes.txt', 'missing.ora'], dir)).toEqual([path.join(dir, 'art.ORA')]);
  });

  test('a broken .ora leaves the open document as it was (the error names the file)', async () => {
    const bad = path.join(dir, 'bad.ora');
    fs.writeFileSync(bad, 'nope');
    const { documents } = service([]);
    await expect(documents.open(bad)).rejects.toMatchObject({ code: 'E_ZIP_CORRUPT', message: expect.stringContaining(bad) });
    expect(documents.dirty).toBe(false);
  });
});

describe('document:readOraMasks through the router', () => {
  const sender = { id: 1, url: 'app://renderer' };
  const router = (documents: FileDocumentService) =>
    new IpcRouter({ isTrustedSender: (s) => s.id === 1, logError: () => undefined }).handleAll(documentHandlers(documents));

  test('asks with the OpenRaster dialog; the layers come back as masks for the given canvas', async () => {
    const { documents, asked } = service([KRITA_MOVED]);
    const r = await router(documents).dispatch('document:readOraMasks', sender, { canvas: { width: 512, height: 512 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(asked).toEqual([{ kind: 'ora' }]);
    const masks = r.value!;
    expect(masks.path).toBe(KRITA_MOVED);
    expect(masks.layers.map((l) => [l.name, l.visible])).toEqual([['blue sky', true], ['red', true], ['green', false], ['black', true]]);
    expect(masks.layers[1].mask.length).toBe(W * W);
    expect(at(masks.layers[1].mask, 384, 128)).toBe(255);
    expect(masks.notes).toEqual([]); // the paper layer is simply not a mask
    // reading changes nothing on main's side
    expect(documents.dirty).toBe(false);
  });

  test('cancelled → null; a canvas that is not a multiple of 8 is refused before any dialog; a bad file is a one-line error', async () => {
    const { documents, asked } = service([null]);
    const r = router(documents);
    expect(await r.dispatch('document:readOraMasks', sender, { canvas: { width: 512, height: 512 } })).toEqual({ ok: true, value: null });
    const badCanvas = await r.dispatch('document:readOraMasks', sender, { canvas: { width: 500, height: 512 } });
    expect(badCanvas).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_PAYLOAD' } });
    expect(asked).toHaveLength(1);
    const bad = path.join(dir, 'bad.ora');
    fs.writeFileSync(bad, 'nope');
    const failed = await r.dispatch('document:readOraMasks', sender, { canvas: { width: 512, height: 512 }, path: bad });
    expect(failed).toMatchObject({ ok: false, error: { code: 'E_ZIP_CORRUPT' } });
  });
});

describe('Update masks from OpenRaster (renderer)', () => {
  async function session() {
    const doc = (await readOpenRaster(KRITA)).document;
    const store = new DocumentStore<PaletteDocument>(doc);
    // the user edits prompts here after opening: "blue sky" now paints "blue", red is blurred
    store.update((d) => {
      d.layers.find((l) => l.name === 'blue sky')!.prompt = 'blue';
      d.layers.find((l) => l.name === 'red')!.maskBlur = 4;
    });
    const moved = await readOpenRasterMasks(KRITA_MOVED, doc.canvas);
    return { store, moved: moved.layers as OraLayerWire[] };
  }

  test('matched brushes take the new masks and keep prompts and settings; the rest is listed; new layers added on request; one undo step', async () => {
    const { store, moved } = await session();
    const before = store.getState();
    const plan = planOraMasks(before.layers, moved);
    expect(plan.updates.map((u) => u.name).sort()).toEqual(['blue sky', 'green', 'red']);
    expect(plan.unmatched).toEqual(['orange', 'pink', 'purple', 'yellow']);
    expect(plan.added.map((l) => l.name)).toEqual(['black']);

    const ids = applyOraMasks(store, plan, { addNew: true });
    const after = store.getState();
    const by = (name: string) => after.layers.find((l) => l.name === name)!;
    expect(by('blue sky').prompt).toBe('blue');
    expect(by('red').maskBlur).toBe(4);
    expect(by('red').id).toBe(before.layers.find((l) => l.name === 'red')!.id);
    // the disc moved from (48, 224) to (304, 48)
    expect(at(by('red').mask, 128, 304)).toBe(0);
    expect(at(by('red').mask, 384, 128)).toBe(255);
    expect(at(by('blue sky').mask, 256, 352)).toBe(255);
    expect(at(by('blue sky').mask, 256, 96)).toBe(0);
    expect(by('green').visible).toBe(false); // visibility is the brush's own
    // unmatched brushes are untouched
    expect(by('yellow').mask).toBe(before.layers.find((l) => l.name === 'yellow')!.mask);
    // the new layer: a brush on top, prompt = its name, its colour
    expect(ids).toHaveLength(1);
    expect(after.layers[after.layers.length - 1]).toMatchObject({ id: ids[0], name: 'black', prompt: 'black', color: '#000000', visible: true });
    expect(painted(after.layers[after.layers.length - 1].mask)).toBe(96 * 48);

    expect(store.historyLabels.undo.slice(-1)).toEqual(['update masks from OpenRaster']);
    expect(store.undo()).toBe(true);
    expect(documentsEqual(store.getState(), before)).toBe(true);
    expect(store.redo()).toBe(true);
    expect(documentsEqual(store.getState(), after)).toBe(true);
  });

  test('our .palette through Krita and back: every brush finds its layer, masks exactly as Krita left them (the moved one shifted)', async () => {
    const original = await readPalette(SEASIDE);
    const store = new DocumentStore<PaletteDocument>(original);
    const krita = await readOpenRasterMasks(KRITA_ROUNDTRIP, original.canvas);
    const plan = planOraMasks(original.layers, krita.layers as OraLayerWire[]);
    expect(plan.unmatched).toEqual([]);
    expect(plan.added).toEqual([]);
    expect(plan.updates.map((u) => u.name).sort()).toEqual(['Sea', 'Sky', 'Sun', 'Umbrella']);
    applyOraMasks(store, plan, { addNew: false });
    const after = store.getState();
    for (const [i, l] of after.layers.entries()) {
      const before = original.layers[i];
      expect([l.id, l.prompt, l.visible]).toEqual([before.id, before.prompt, before.visible]); // Krita's hiding of "Sea" is not a mask
      if (l.name !== 'Sun') {
        expect({ name: l.name, same: Buffer.from(l.mask).equals(Buffer.from(before.mask)) }).toEqual({ name: l.name, same: true });
        continue;
      }
      const shifted = new Uint8Array(W * W);
      for (let y = 0; y + 24 < W; y++) for (let x = 0; x + 40 < W; x++) shifted[(y + 24) * W + x + 40] = before.mask[y * W + x];
      expect(Buffer.from(l.mask).equals(shifted)).toBe(true);
      expect(painted(l.mask)).toBeGreaterThan(100);
    }
  });

  test('without adding new layers only masks change', async () => {
    const { store, moved } = await session();
    const n = store.getState().layers.length;
    expect(applyOraMasks(store, planOraMasks(store.getState().layers, moved), { addNew: false })).toEqual([]);
    expect(store.getState().layers).toHaveLength(n);
  });

  test('names match trimmed, exactly before ignoring case; several brushes of one name take its layers top first', () => {
    const mask = (v: number) => new Uint8Array(64).fill(v);
    const layer = (name: string, v: number): OraLayerWire => ({ name, mask: mask(v), color: null, opacity: 1, visible: true });
    const store = new DocumentStore<PaletteDocument>({
      canvas: { width: 8, height: 8 },
      modelId: 'palette-colors',
      seed: 1,
      settings: createSettings(),
      background: { prompt: '', negativePrompt: '', image: null },
      layers: ['Sky', 'sky', 'tree', 'tree'].map((name, i) => ({ id: `b${i}`, name, color: '#000000', prompt: name, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: mask(0) })) as PaletteDocument['layers'],
    });
    // file bottom → top: tree(1), tree(2), SKY, " sky "
    const plan = planOraMasks(store.getState().layers, [layer('tree', 1), layer('tree', 2), layer('SKY', 3), layer(' sky ', 4)]);
    applyOraMasks(store, plan, { addNew: false });
    const v = store.getState().layers.map((l) => [l.name, l.mask[0]]);
    // " sky " matches "sky" exactly (trimmed); "SKY" then takes "Sky" ignoring case; top tree ↔ top layer named tree
    expect(v).toEqual([['Sky', 3], ['sky', 4], ['tree', 1], ['tree', 2]]);
    expect(plan.unmatched).toEqual([]);
  });
});
