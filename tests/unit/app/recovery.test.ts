import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutosaveFolder, Autosaver } from '../../../main/app/autosave';
import { CLEAN_EXIT_MARKER, Recovery } from '../../../main/app/autosave-recovery';
import { FileDocumentService } from '../../../main/app/document-service';
import { DirtyTracker } from '../../../main/app/dirty';
import { SettingsStore, memoryBackend } from '../../../main/app/settings-store';
import { documentHandlers, documentSessionHandlers } from '../../../main/ipc/document-handlers';
import { IpcRouter } from '../../../main/ipc/router';
import { readPalette } from '../../../main/documents';
import { FakeTimer, paintedDocument, tempDir } from './support';

const sender = { id: 1, url: 'app://renderer/index.html' };

/** One app session over a data folder that outlives it: the service wired as main/index.ts wires it. */
async function session(dataDir: string, saveAs: string | null = null) {
  const folder = new AutosaveFolder(path.join(dataDir, 'autosave'));
  const timer = new FakeTimer();
  const requests: number[] = [];
  const autosave = new Autosaver({ folder, timer, requestSnapshot: () => requests.push(timer.now()) });
  const recovery = new Recovery(folder);
  const offered = await recovery.start();
  const service = new FileDocumentService({
    dialogs: { chooseOpen: async () => null, chooseSave: async () => saveAs },
    settings: new SettingsStore(memoryBackend()),
    newestFrame: () => null,
    tracker: new DirtyTracker(async () => 'discard'),
    autosave,
    recovery,
  });
  const router = new IpcRouter({ isTrustedSender: (s) => s.id === 1 }).handleAll(documentHandlers(service)).handleAll(documentSessionHandlers(service));
  const call = async (channel: Parameters<IpcRouter['dispatch']>[0], payload?: unknown) => {
    const r = await router.dispatch(channel, sender, payload);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as never;
  };
  /** a clean exit as main/index.ts does it on quit */
  const quit = async () => {
    await autosave.close();
    await recovery.finish();
  };
  return { folder, timer, requests, service, call, offered, quit, autosave };
}

function autosaves(dataDir: string): string[] {
  const dir = path.join(dataDir, 'autosave');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.palette')) : [];
}

describe('recovery after a crash', () => {
  test('crash with unsaved work → next start offers it; Restore opens it unsaved, tied to the original file; Save writes there and drops the autosave', async () => {
    const data = tempDir('recovery');
    const original = path.join(data, 'fox.palette');
    const first = await session(data);
    expect(first.offered).toEqual([]);
    const opened = await first.call('document:new', { width: 16, height: 16 });
    expect(opened).toBeTruthy();
    // the document gets a path (as after Open), then the user paints: dirty
    first.service.currentPath = original;
    await first.call('document:setDirty', { dirty: true });
    first.timer.advance(30_000);
    expect(first.requests).toHaveLength(1);
    await first.call('document:autosave', { document: paintedDocument('red fox') });
    expect(autosaves(data)).toHaveLength(1);
    // ...and the app is killed: no quit(), no clean-exit marker

    const second = await session(data);
    expect(second.offered).toEqual([{ id: expect.any(String), originalPath: original, name: 'fox.palette', savedAt: first.timer.now() }]);
    expect(await second.call('document:recoverable')).toEqual(second.offered);
    const restored: { document: { layers: { prompt: string; mask: Uint8Array }[] }; documentPath: string; dirty: boolean; notes: string[] } = await second.call('document:restoreAutosave', { id: second.offered[0].id });
    expect(restored).toMatchObject({ documentPath: original, dirty: true });
    expect(restored.notes[0]).toMatch(/^Restored the autosave of fox\.palette from /);
    expect(restored.document.layers[0].prompt).toBe('red fox');
    expect([...restored.document.layers[0].mask]).toEqual([...paintedDocument().layers[0].mask]);
    expect(second.service.dirty).toBe(true);
    expect(second.service.currentPath).toBe(original);
    expect(await second.call('document:recoverable')).toEqual([]);
    // the autosave stays until the restored work is saved
    expect(autosaves(data)).toHaveLength(1);

    // Save goes to the original file without asking, and the autosave goes
    expect(await second.call('document:save', { document: restored.document })).toEqual({ path: original });
    expect((await readPalette(original)).layers[0].prompt).toBe('red fox');
    expect(autosaves(data)).toEqual([]);
    await second.quit();

    const third = await session(data);
    expect(third.offered).toEqual([]);
  });

  test('Discard removes the autosave for good', async () => {
    const data = tempDir('recovery-discard');
    const first = await session(data);
    await first.call('document:setDirty', { dirty: true });
    first.timer.advance(30_000);
    await first.call('document:autosave', { document: paintedDocument() });

    const second = await session(data);
    expect(second.offered).toHaveLength(1);
    expect(second.offered[0]).toMatchObject({ originalPath: null, name: 'Untitled' });
    await second.call('document:discardAutosave', { id: second.offered[0].id });
    expect(autosaves(data)).toEqual([]);
    await expect(second.call('document:restoreAutosave', { id: second.offered[0].id })).rejects.toMatchObject({ code: 'E_AUTOSAVE_NOT_FOUND' });
    await second.quit();
    expect((await session(data)).offered).toEqual([]);
  });

  test('a clean exit leaves nothing to recover, even with unsaved work let go (Don’t Save)', async () => {
    const data = tempDir('recovery-clean');
    const first = await session(data);
    await first.call('document:setDirty', { dirty: true });
    first.timer.advance(30_000);
    await first.call('document:autosave', { document: paintedDocument() });
    expect(autosaves(data)).toHaveLength(1);
    await first.quit();
    expect(autosaves(data)).toEqual([]);
    expect(fs.existsSync(path.join(data, 'autosave', CLEAN_EXIT_MARKER))).toBe(true);
    expect((await session(data)).offered).toEqual([]);
  });

  test('autosaves left beside a clean-exit marker are stale and removed; unanswered ones are offered again next time', async () => {
    const data = tempDir('recovery-stale');
    const folder = new AutosaveFolder(path.join(data, 'autosave'));
    await folder.write({ id: 'doc-stale', originalPath: null, savedAt: 1 }, paintedDocument());
    fs.writeFileSync(path.join(data, 'autosave', CLEAN_EXIT_MARKER), 'x');
    expect((await session(data)).offered).toEqual([]);
    expect(autosaves(data)).toEqual([]);

    await folder.write({ id: 'doc-crash', originalPath: null, savedAt: 2 }, paintedDocument());
    const s = await session(data);
    expect(s.offered.map((o) => o.id)).toEqual(['doc-crash']);
    await s.quit(); // the user never answered
    expect((await session(data)).offered.map((o) => o.id)).toEqual(['doc-crash']);
  });

  test('a damaged autosave is refused with its error and stays offered', async () => {
    const data = tempDir('recovery-bad');
    const folder = new AutosaveFolder(path.join(data, 'autosave'));
    await folder.write({ id: 'doc-bad', originalPath: null, savedAt: 2 }, paintedDocument());
    fs.writeFileSync(folder.fileOf('doc-bad'), 'not a zip');
    const s = await session(data);
    await expect(s.call('document:restoreAutosave', { id: 'doc-bad' })).rejects.toMatchObject({ code: 'E_ZIP_CORRUPT' });
    expect((await s.call('document:recoverable') as { id: string }[]).map((r) => r.id)).toEqual(['doc-bad']);
  });
});

describe('unsaved-changes decisions over IPC', () => {
  test('confirmUnsaved asks only when dirty; New after Don’t Save drops the autosave', async () => {
    const data = tempDir('confirm');
    const asked: string[] = [];
    const folder = new AutosaveFolder(path.join(data, 'autosave'));
    const timer = new FakeTimer();
    const autosave = new Autosaver({ folder, timer, requestSnapshot: () => undefined });
    const answers = ['cancel', 'discard'] as const;
    let i = 0;
    const service = new FileDocumentService({
      dialogs: { chooseOpen: async () => null, chooseSave: async () => null },
      settings: new SettingsStore(memoryBackend()),
      newestFrame: () => null,
      tracker: new DirtyTracker(async (q) => {
        asked.push(q.message);
        return answers[i++];
      }),
      autosave,
    });
    const router = new IpcRouter({ isTrustedSender: () => true }).handleAll(documentHandlers(service)).handleAll(documentSessionHandlers(service));
    expect(await router.dispatch('document:confirmUnsaved', sender, { action: 'new' })).toEqual({ ok: true, value: 'proceed' });
    await router.dispatch('document:setDirty', sender, { dirty: true });
    timer.advance(30_000);
    await router.dispatch('document:autosave', sender, { document: paintedDocument() });
    expect(autosaves(data)).toHaveLength(1);
    expect(await router.dispatch('document:confirmUnsaved', sender, { action: 'new' })).toEqual({ ok: true, value: 'cancel' });
    expect(autosaves(data)).toHaveLength(1);
    expect(await router.dispatch('document:confirmUnsaved', sender, { action: 'new' })).toEqual({ ok: true, value: 'proceed' });
    await router.dispatch('document:new', sender, undefined);
    expect(autosaves(data)).toEqual([]);
    expect(service.dirty).toBe(false);
    expect(asked).toHaveLength(2);
    expect(await router.dispatch('document:confirmUnsaved', sender, { action: 'close' })).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_PAYLOAD' } });
  });
});
