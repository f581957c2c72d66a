import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileDocumentService, type FileDialogs, type NewestFrame } from '../../../main/app/document-service';
import { SettingsStore, memoryBackend, DEFAULT_APP_SETTINGS } from '../../../main/app/settings-store';
import { IpcRouter } from '../../../main/ipc/router';
import { documentHandlers, settingsHandlers } from '../../../main/ipc/document-handlers';
import { readPngText } from '../../../main/documents';
import type { PaletteDocumentWire } from '../../../shared/ipc/channels';

const sender = { id: 1, url: 'app://renderer/index.html' };

function setup(answers: (string | null)[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-docsvc-'));
  const asked: string[] = [];
  const dialogs: FileDialogs = {
    chooseOpen: async () => {
      asked.push('open');
      return answers.shift() ?? null;
    },
    chooseSave: async (kind, suggested) => {
      asked.push(`${kind}:${suggested}`);
      const a = answers.shift();
      return a ? path.join(dir, a) : null;
    },
  };
  let frame: NewestFrame | null = null;
  const settings = new SettingsStore(memoryBackend(), () => 1234);
  const dirty: boolean[] = [];
  const service = new FileDocumentService({ dialogs, settings, newestFrame: () => frame, onDirtyChange: (d) => dirty.push(d) });
  const router = new IpcRouter({ isTrustedSender: (s) => s.id === 1 })
    .handleAll(documentHandlers(service))
    .handleAll(settingsHandlers(settings));
  return { dir, asked, service, router, settings, dirty, setFrame: (f: NewestFrame | null) => (frame = f) };
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('documents over IPC (FileDocumentService with real .palette files)', () => {
  test('new → save (asks once) → save again (same file) → open from recent gives the same document', async () => {
    const { dir, asked, router, dirty } = setup(['art']);
    const doc = await ok(router.dispatch('document:new', sender, { width: 64, height: 32 }));
    expect(doc.canvas).toEqual({ width: 64, height: 32 });
    const mask = new Uint8Array(64 * 32).fill(255, 0, 100);
    const edited: PaletteDocumentWire = {
      ...doc,
      layers: [{ id: 'sky', name: 'Sky', color: '#3366ff', prompt: 'blue sky', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask }],
    };
    expect(await ok(router.dispatch('document:save', sender, { document: edited }))).toEqual({ path: path.join(dir, 'art.palette') });
    expect(await ok(router.dispatch('document:save', sender, { document: edited }))).toEqual({ path: path.join(dir, 'art.palette') });
    expect(asked).toEqual(['palette:Untitled.palette']);
    const recent = await ok(router.dispatch('document:recent', sender, undefined));
    expect(recent).toEqual([{ path: path.join(dir, 'art.palette'), name: 'art.palette', openedAt: 1234 }]);
    const opened = await ok(router.dispatch('document:open', sender, { path: recent[0].path }));
    expect(opened?.document.layers[0]).toMatchObject({ id: 'sky', prompt: 'blue sky' });
    expect([...opened!.document.layers[0].mask]).toEqual([...mask]);
    expect(dirty.at(-1)).toBe(false);
  });

  test('cancelled dialogs return null and write nothing', async () => {
    const { dir, router } = setup([null, null]);
    const doc = await ok(router.dispatch('document:new', sender, undefined));
    expect(await ok(router.dispatch('document:saveAs', sender, { document: doc }))).toBeNull();
    expect(await ok(router.dispatch('document:open', sender, undefined))).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('export PNG needs a rendered frame of the canvas size, then records the generation parameters', async () => {
    const { dir, router, setFrame } = setup(['out']);
    const doc = await ok(router.dispatch('document:new', sender, { width: 16, height: 16 }));
    expect(await router.dispatch('document:exportPng', sender, { document: doc })).toEqual({
      ok: false,
      error: { code: 'E_NO_FRAME', message: 'nothing has been rendered yet: render once, then export' },
    });
    setFrame({ width: 8, height: 8, pixels: new Uint8Array(8 * 8 * 4) });
    expect(await router.dispatch('document:exportPng', sender, { document: doc })).toMatchObject({
      ok: false,
      error: { code: 'E_NO_FRAME', message: expect.stringMatching(/8×8 but the canvas is 16×16/) },
    });
    setFrame({ width: 16, height: 16, pixels: new Uint8Array(16 * 16 * 4).fill(255) });
    const saved = await ok(router.dispatch('document:exportPng', sender, { document: doc }));
    expect(saved).toEqual({ path: path.join(dir, 'out.png') });
    const text = readPngText(fs.readFileSync(saved!.path));
    expect(Object.values(text).join(' ')).toContain(String(doc.seed));
  });

  test('a document the files layer refuses comes back as its one-line error, nothing written', async () => {
    const { dir, router } = setup(['bad']);
    const doc = await ok(router.dispatch('document:new', sender, { width: 16, height: 16 }));
    const twins = { ...doc, layers: [0, 1].map(() => ({ id: 'same', name: 'x', color: '#000000', prompt: '', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: new Uint8Array(256) })) };
    const r = await router.dispatch('document:save', sender, { document: twins });
    expect(r).toMatchObject({ ok: false, error: { code: 'E_DUPLICATE_LAYER_ID' } });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('settings: defaults, patch, bad stored values fall back field by field', async () => {
    const { router, settings } = setup();
    expect(await ok(router.dispatch('settings:get', sender, undefined))).toEqual(DEFAULT_APP_SETTINGS);
    const next = await ok(router.dispatch('settings:set', sender, { brushSize: 64, lastModelId: 'palette-colors' }));
    expect(next).toMatchObject({ brushSize: 64, lastModelId: 'palette-colors', eraserSize: 48 });
    expect(await router.dispatch('settings:set', sender, { recent: [] })).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_PAYLOAD' } });
    const broken = new SettingsStore(memoryBackend({ brushSize: 'huge', theme: 'dark' }));
    expect(broken.get()).toMatchObject({ brushSize: 32, theme: 'dark' });
    for (let i = 0; i < 12; i++) settings.addRecent(`/tmp/f${i}.palette`);
    settings.addRecent('/tmp/f3.palette');
    expect(settings.recent().map((r) => r.name).slice(0, 3)).toEqual(['f3.palette', 'f11.palette', 'f10.palette']);
    expect(settings.recent()).toHaveLength(10);
    const seen: number[] = [];
    settings.onRecentChange((r) => seen.push(r.length));
    settings.removeRecent('/tmp/f3.palette');
    settings.clearRecent();
    expect(seen).toEqual([9, 0]);
  });
});
