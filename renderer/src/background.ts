/** The background image: from a dropped or chosen file, and kept through a canvas resize. */
import type { Editor } from './editor';
import { imageFileToRgba } from './image-file';
import { coverImage, resampleMask } from './store/document';
import { pushToast } from './store/ui-store';

/** A picture file becomes the background image, scaled to cover the canvas. One undo step. */
export async function backgroundFromFile(editor: Editor, file: File | undefined): Promise<void> {
  if (!file) return;
  const { width, height } = editor.doc.getState().canvas;
  try {
    const image = await imageFileToRgba(file, width, height);
    editor.doc.update((d) => void (d.background.image = image), { label: 'background image' });
    pushToast(editor.ui, 'info', `"${file.name}" is the background image now: brushes repaint their regions over it.`);
  } catch (e) {
    pushToast(editor.ui, 'error', e instanceof Error ? e.message : String(e));
  }
}

/** The files a drag carries (only those can become a background). */
export function dragHasFiles(e: { dataTransfer: DataTransfer | null }): boolean {
  return !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

/**
 * A new canvas size: masks resampled in place, the background image scaled to cover the new
 * size (its edges may be cropped, as when it was dropped), said in a notice. One undo step.
 */
export function resizeCanvas(editor: Editor, width: number, height: number): void {
  const store = editor.doc;
  const from = store.getState().canvas;
  if (from.width === width && from.height === height) return;
  const hadImage = store.getState().background.image !== null;
  store.update(
    (d) => {
      d.canvas = { width, height };
      for (const l of d.layers) l.mask = resampleMask(l.mask, from, { width, height });
      if (d.background.image) d.background.image = coverImage(d.background.image, from, { width, height });
    },
    { label: 'canvas size' },
  );
  if (hadImage) {
    const cropped = from.width * height !== from.height * width;
    pushToast(
      editor.ui,
      'info',
      `The background image was scaled to cover the ${width}×${height} canvas${cropped ? ' (its edges were cropped to the new shape)' : ''}. Undo to go back.`,
    );
  }
}
