/** Menu commands and document files: what File/Edit/View do, whether from the menu or a key. */
import type { MenuCommandEvent, OpenedDocument } from '../../shared/ipc/channels';
import { parseIpcError } from '../../shared/ipc/api';
import { fromWire, toWire, toggleLive, type Editor } from './editor';
import { documentFile } from './document-file';
import { pushToast, zoomBy, zoomToFit } from './store/ui-store';
import { redo, undo } from './shortcuts';

async function guarded(editor: Editor, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  }
}

/** Save or Save As; the saved path, or null when cancelled or failed (the failure is shown). */
export async function saveDocument(editor: Editor, as: 'save' | 'saveAs'): Promise<string | null> {
  try {
    const state = editor.doc.getState();
    const saved = await editor.api.document[as]({ document: toWire(state) });
    if (!saved) return null;
    documentFile(editor).saved(saved.path, state);
    pushToast(editor.ui, 'info', `Saved ${saved.path}`);
    return saved.path;
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
    return null;
  }
}

/** Before `action` replaces the document: main asks Save / Don't Save / Cancel if it is unsaved. */
async function mayReplaceDocument(editor: Editor, action: 'new' | 'open' | 'openRecent' | 'restore'): Promise<boolean> {
  const decision = await editor.api.document.confirmUnsaved({ action });
  if (decision === 'cancel') return false;
  if (decision === 'save') return (await saveDocument(editor, 'save')) !== null;
  return true;
}

export function loadOpened(editor: Editor, opened: OpenedDocument, noteLevel: 'info' | 'warning' = 'warning'): void {
  const path = opened.documentPath === undefined ? opened.path : opened.documentPath;
  documentFile(editor).load(path, fromWire(opened.document), opened.dirty ?? false);
  for (const note of opened.notes) pushToast(editor.ui, noteLevel, note);
}

/** Open (the dialog when no path), Open Recent, or a file the OS handed over. A file that can't be opened leaves the document as it was. */
export function openDocument(editor: Editor, path?: string, action: 'open' | 'openRecent' = 'open'): Promise<void> {
  return guarded(editor, async () => {
    if (!(await mayReplaceDocument(editor, action))) return;
    const opened = await editor.api.document.open(path ? { path } : {});
    if (opened) loadOpened(editor, opened);
  });
}

export function newDocument(editor: Editor): Promise<void> {
  return guarded(editor, async () => {
    if (!(await mayReplaceDocument(editor, 'new'))) return;
    documentFile(editor).load(null, fromWire(await editor.api.document.new()), false);
  });
}

/** Restore an autosave a crash left behind: it opens unsaved, tied to its original file. */
export function restoreAutosave(editor: Editor, id: string): Promise<void> {
  const file = documentFile(editor);
  return guarded(editor, async () => {
    if (!(await mayReplaceDocument(editor, 'restore'))) return;
    const opened = await editor.api.document.restoreAutosave({ id });
    file.set((s) => ({ recoverable: s.recoverable.filter((r) => r.id !== id) }));
    loadOpened(editor, opened, 'info');
  });
}

export function discardAutosave(editor: Editor, id: string): Promise<void> {
  const file = documentFile(editor);
  return guarded(editor, async () => {
    await editor.api.document.discardAutosave({ id });
    file.set((s) => ({ recoverable: s.recoverable.filter((r) => r.id !== id) }));
  });
}

export function runCommand(editor: Editor, { command, path }: MenuCommandEvent): Promise<void> {
  const { api, doc } = editor;
  const exportAs = (as: 'exportPng' | 'exportPsd') =>
    guarded(editor, async () => {
      const saved = await api.document[as]({ document: toWire(doc.getState()) });
      if (saved) pushToast(editor.ui, 'info', `Exported ${saved.path}`);
    });
  switch (command) {
    case 'new':
      return newDocument(editor);
    case 'open':
      return openDocument(editor);
    case 'openRecent':
      return openDocument(editor, path, 'openRecent');
    case 'save':
    case 'saveAs':
      return saveDocument(editor, command).then(() => undefined);
    case 'exportPng':
    case 'exportPsd':
      return exportAs(command);
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
    case 'shortcuts':
      editor.ui.set({ shortcutsOpen: true });
      return Promise.resolve();
    default: {
      const unknown: never = command;
      return Promise.reject(new Error(`unknown menu command ${String(unknown)}`));
    }
  }
}
