/**
 * The "Update masks from OpenRaster…" command: main reads the .ora (its one channel,
 * document:readOraMasks), the renderer matches layers to brushes by name and, when some do
 * not match, asks first (OraMasksDialog) whether to add the new ones. Applying is one undo step.
 */
import { parseIpcError } from '../../shared/ipc/api';
import type { Editor } from './editor';
import { fileName } from './document-file';
import { applyOraMasks, fitsDocument, planOraMasks, type PendingOraMasks } from './store/ora-masks';
import { Observable, pushToast } from './store/ui-store';

const sessions = new WeakMap<Editor, Observable<{ pending: PendingOraMasks | null }>>();

/** the update waiting for the user's answer, if any */
export function oraMasksSession(editor: Editor): Observable<{ pending: PendingOraMasks | null }> {
  let s = sessions.get(editor);
  if (!s) sessions.set(editor, (s = new Observable<{ pending: PendingOraMasks | null }>({ pending: null })));
  return s;
}

function apply(editor: Editor, pending: PendingOraMasks, addNew: boolean): void {
  const added = applyOraMasks(editor.doc, pending.plan, { addNew });
  const n = pending.plan.updates.length;
  const parts = [`${n} brush${n === 1 ? '' : 'es'}`];
  if (added.length > 0) parts.push(`${added.length} new brush${added.length === 1 ? '' : 'es'} added`);
  pushToast(editor.ui, 'info', `Updated the masks of ${parts.join(', ')} from ${fileName(pending.file)}.`);
}

export async function updateMasksFromOra(editor: Editor, path?: string): Promise<void> {
  try {
    const doc = editor.doc.getState();
    const masks = await editor.api.document.readOraMasks({ canvas: doc.canvas, ...(path ? { path } : {}) });
    if (!masks) return;
    const now = editor.doc.getState();
    if (!fitsDocument(now, masks)) {
      pushToast(editor.ui, 'error', 'The canvas size changed while the file was read: choose Update Masks from OpenRaster again.');
      return;
    }
    const plan = planOraMasks(now.layers, masks.layers);
    if (plan.updates.length === 0 && plan.added.length === 0) {
      for (const note of masks.notes) pushToast(editor.ui, 'info', note);
      pushToast(editor.ui, 'warning', `${fileName(masks.path)} has no layers to take masks from.`);
      return;
    }
    const pending = { file: masks.path, plan, notes: masks.notes };
    // every brush found its layer and no layer is left over: nothing to ask
    if (plan.unmatched.length === 0 && plan.added.length === 0) {
      for (const note of masks.notes) pushToast(editor.ui, 'info', note);
      apply(editor, pending, false);
    } else {
      oraMasksSession(editor).set({ pending }); // the dialog shows the notes
    }
  } catch (e) {
    pushToast(editor.ui, 'error', parseIpcError(e).message);
  }
}

/** the dialog's answer */
export function resolveOraMasks(editor: Editor, answer: { apply: false } | { apply: true; addNew: boolean }): void {
  const session = oraMasksSession(editor);
  const pending = session.getState().pending;
  session.set({ pending: null });
  if (pending && answer.apply) apply(editor, pending, answer.addNew);
}
