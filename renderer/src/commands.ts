/** Menu commands and document files: what File/Edit/View do, whether from the menu or a key. */
import type { MenuCommandEvent } from '../../shared/ipc/channels';
import { parseIpcError } from '../../shared/ipc/api';
import { fromWire, toWire, toggleLive, type Editor } from './editor';
import { pushToast, zoomBy, zoomToFit } from './store/ui-store';
import { redo, undo } from './shortcuts';

async function guarded(editor: Editor, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  }
}

export function openDocument(editor: Editor, path?: string): Promise<void> {
  return guarded(editor, async () => {
    const opened = await editor.api.document.open(path ? { path } : {});
    if (!opened) return;
    editor.doc.reset(fromWire(opened.document));
    for (const note of opened.notes) pushToast(editor.ui, 'info', note);
    await editor.api.document.setDirty({ dirty: false });
  });
}

export function runCommand(editor: Editor, { command, path }: MenuCommandEvent): Promise<void> {
  const { api, doc } = editor;
  const save = (as: 'save' | 'saveAs' | 'exportPng' | 'exportPsd') =>
    guarded(editor, async () => {
      const saved = await api.document[as]({ document: toWire(doc.getState()) });
      if (saved && (as === 'save' || as === 'saveAs')) await api.document.setDirty({ dirty: false });
      if (saved) pushToast(editor.ui, 'info', `${as.startsWith('export') ? 'Exported' : 'Saved'} ${saved.path}`);
    });
  switch (command) {
    case 'new':
      return guarded(editor, async () => {
        doc.reset(fromWire(await api.document.new()));
        await api.document.setDirty({ dirty: false });
      });
    case 'open':
      return openDocument(editor);
    case 'openRecent':
      return openDocument(editor, path);
    case 'save':
    case 'saveAs':
    case 'exportPng':
    case 'exportPsd':
      return save(command);
    case 'undo':
      undo(editor);
      return Promise.resolve();
    case 'redo':
      redo(editor);
      return Promise.resolve();
    case 'zoomIn':
      zoomBy(editor.ui, 1.25);
      return Promise.resolve();
    case 'zoomOut':
      zoomBy(editor.ui, 0.8);
      return Promise.resolve();
    case 'zoomFit':
      zoomToFit(editor.ui);
      return Promise.resolve();
    case 'toggleLive':
      return toggleLive(editor);
    default: {
      const unknown: never = command;
      return Promise.reject(new Error(`unknown menu command ${String(unknown)}`));
    }
  }
}
