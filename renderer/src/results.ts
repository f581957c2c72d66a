/**
 * Keeping results: Generate once (with Live off), the output as the next background
 * (inpainting over it: the iterative workflow of region-based generation), the clipboard,
 * and the frame history strip (view a past frame, keep it, export it).
 */
import { parseIpcError } from '../../shared/ipc/api';
import { drawFrame, toWire, type Editor } from './editor';
import type { HistoryFrame } from './frame-history';
import { coverImage } from './store/document';
import { pushToast } from './store/ui-store';

function report(editor: Editor, e: unknown): void {
  pushToast(editor.ui, 'error', parseIpcError(e).message);
}

/** The picture the output view shows: the history frame being viewed, or the newest frame. */
export function shownFrame(editor: Editor): HistoryFrame | undefined {
  const id = editor.ui.getState().viewingFrameId;
  return (id === null ? undefined : editor.history.get(id)) ?? editor.history.newest;
}

/** One render of the document as it is now, with Live off. An unlocked seed rolls a new one first. */
export async function generateOnce(editor: Editor): Promise<void> {
  const { ui, api, sync, doc } = editor;
  const s = ui.getState();
  if (s.generating) return;
  if (s.status?.live) {
    pushToast(ui, 'info', 'Live is on: the output already follows every change. Turn Live off to generate on demand.');
    return;
  }
  if (!s.seedLocked) {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0];
    doc.update((d) => void (d.seed = seed), { label: 'new seed' });
  }
  ui.set({ generating: true, viewingFrameId: null });
  try {
    await sync.settled();
    await api.engine.renderOnce();
  } catch (e) {
    report(editor, e);
  } finally {
    ui.set({ generating: false });
  }
}

/** Show a frame of the history in the output view (null: back to the live stream). */
export function viewFrame(editor: Editor, id: number | null): void {
  const frame = id === null ? editor.history.newest : editor.history.get(id);
  editor.ui.set({ viewingFrameId: id !== null && frame ? id : null });
  if (frame) drawFrame(editor.frameCanvas, frame);
}

/** The shown frame (or `frame`) becomes the background image: brushes then inpaint over it. One undo step. */
export function useAsBackground(editor: Editor, frame: HistoryFrame | undefined = shownFrame(editor)): void {
  if (!frame) {
    pushToast(editor.ui, 'warning', 'Nothing has been rendered yet: generate a picture first.');
    return;
  }
  const { canvas } = editor.doc.getState();
  const rgba = new Uint8Array(frame.rgba.buffer.slice(frame.rgba.byteOffset, frame.rgba.byteOffset + frame.rgba.byteLength));
  const image = frame.width === canvas.width && frame.height === canvas.height ? rgba : coverImage(rgba, frame, canvas);
  editor.doc.update((d) => void (d.background.image = image), { label: 'use as background' });
  // what comes next is painted over it: back to the live output
  viewFrame(editor, null);
  pushToast(editor.ui, 'info', 'The output is now the background image: brushes repaint their regions over it. Undo (Ctrl+Z) to go back.');
}

export async function copyOutput(editor: Editor, frame: HistoryFrame | undefined = shownFrame(editor)): Promise<void> {
  if (!frame) {
    pushToast(editor.ui, 'warning', 'Nothing has been rendered yet: there is no picture to copy.');
    return;
  }
  try {
    await editor.api.app.copyImage({ width: frame.width, height: frame.height, pixels: frame.rgba.slice() });
    pushToast(editor.ui, 'info', `Copied the ${frame.width}×${frame.height} picture to the clipboard.`);
  } catch (e) {
    report(editor, e);
  }
}

export async function exportFrame(editor: Editor, frame: HistoryFrame | undefined = shownFrame(editor)): Promise<void> {
  if (!frame) return;
  try {
    const saved = await editor.api.document.exportFrame({
      document: toWire(editor.doc.getState()),
      image: { width: frame.width, height: frame.height, pixels: frame.rgba.slice() },
    });
    if (saved) pushToast(editor.ui, 'info', `Exported ${saved.path}`);
  } catch (e) {
    report(editor, e);
  }
}
