import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_RECENT, SettingsStore, memoryBackend } from '../../../main/app/settings-store';
import { RecentFiles, pruneRecent } from '../../../main/app/recent';
import { FileDocumentService } from '../../../main/app/document-service';
import { writePalette } from '../../../main/documents';
import { paintedDocument, tempDir } from './support';

function store() {
  let t = 0;
  return new SettingsStore(memoryBackend(), () => ++t);
}

describe('Open Recent', () => {
  test('newest first, one entry per file, capped', () => {
    const settings = store();
    for (let i = 0; i < MAX_RECENT + 5; i++) settings.addRecent(`/art/${i}.palette`);
    settings.addRecent('/art/3.palette'); // already in the list (not at the top): moves up, no duplicate
    const list = settings.recent();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toMatchObject({ path: '/art/3.palette', name: '3.palette' });
    expect(list.filter((r) => r.path === '/art/3.palette')).toHaveLength(1);
    expect(list[1].path).toBe(`/art/${MAX_RECENT + 4}.palette`);
  });

  test('files that are gone are pruned, from the store too, with a message naming them', () => {
    const dir = tempDir('recent');
    const kept = path.join(dir, 'kept.palette');
    fs.writeFileSync(kept, 'x');
    const settings = store();
    settings.addRecent(path.join(dir, 'moved.palette'));
    settings.addRecent(kept);
    const recent = new RecentFiles(settings);
    const { entries, message } = recent.list();
    expect(entries.map((e) => e.path)).toEqual([kept]);
    expect(message).toBe(`"moved.palette" is no longer at ${path.join(dir, 'moved.palette')}: removed from Open Recent`);
    expect(settings.recent().map((e) => e.path)).toEqual([kept]);
    expect(recent.list().message).toBeNull();
  });

  test('pruneRecent also drops a second entry for one file written differently', () => {
    const list = [
      { path: '/a/x.palette', name: 'x.palette', openedAt: 2 },
      { path: '/a/../a/x.palette', name: 'x.palette', openedAt: 1 },
      { path: '/a/y.palette', name: 'y.palette', openedAt: 0 },
    ];
    const { kept, removed } = pruneRecent(list, (f) => f !== '/a/y.palette');
    expect(kept.map((k) => k.openedAt)).toEqual([2]);
    expect(removed.map((r) => r.name)).toEqual(['y.palette']);
  });

  test('opening a recent file that was deleted: one clear error, the entry leaves the list, the document is untouched', async () => {
    const dir = tempDir('recent-open');
    const file = path.join(dir, 'fox.palette');
    await writePalette(file, paintedDocument());
    const settings = store();
    const service = new FileDocumentService({ dialogs: { chooseOpen: async () => null, chooseSave: async () => null }, settings, newestFrame: () => null });
    await service.open(file);
    service.setDirty(true);
    expect(service.recent().map((r) => r.path)).toEqual([file]);
    fs.rmSync(file);
    await expect(service.open(file)).rejects.toMatchObject({ code: 'E_RECENT_MISSING', message: expect.stringContaining('"fox.palette" is no longer at') });
    expect(settings.recent()).toEqual([]);
    expect(service.currentPath).toBe(file);
    expect(service.dirty).toBe(true);
  });
});
