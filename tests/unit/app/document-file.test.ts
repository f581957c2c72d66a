/** The renderer's dirty tracking (renderer/src/document-file.ts): by content, reported to main on each flip. */
import { DocumentFile, sameDocument, windowTitle } from '../../../renderer/src/document-file';
import { DocumentStore } from '../../../renderer/src/store/document-store';
import type { Editor } from '../../../renderer/src/editor';
import type { PaletteDocument } from '../../../shared/document';
import { paintedDocument } from './support';

function setup() {
  const doc = new DocumentStore<PaletteDocument>(paintedDocument());
  const reported: boolean[] = [];
  const api = { document: { setDirty: async ({ dirty }: { dirty: boolean }) => void reported.push(dirty) } };
  const file = new DocumentFile({ doc, api } as unknown as Editor);
  const paint = (value: number) =>
    doc.update((d) => {
      const mask = new Uint8Array(d.layers[0].mask);
      mask[0] = value;
      d.layers[0].mask = mask;
    });
  return { doc, file, reported, paint };
}

describe('renderer dirty tracking', () => {
  test('an edit marks it unsaved; undoing back to the saved content is clean again', () => {
    const { doc, file, reported, paint } = setup();
    expect(file.getState().dirty).toBe(false);
    paint(255);
    expect(file.getState().dirty).toBe(true);
    paint(128); // still dirty: main is told once
    expect(reported).toEqual([true]);
    doc.undo();
    doc.undo();
    expect(file.getState().dirty).toBe(false);
    expect(reported).toEqual([true, false]);
    // the same bytes in a new array are the same document
    paint(0);
    expect(file.getState().dirty).toBe(false);
  });

  test('saving makes the saved state the baseline; the title follows', () => {
    const { doc, file, reported, paint } = setup();
    paint(255);
    expect(windowTitle(file.getState().path, file.getState().dirty)).toBe('• Untitled — Semantic Palette');
    file.saved('/art/fox.palette', doc.getState());
    expect(file.getState()).toMatchObject({ path: '/art/fox.palette', dirty: false });
    expect(windowTitle(file.getState().path, file.getState().dirty)).toBe('fox.palette — Semantic Palette');
    // main's save already marked it clean: nothing more to report
    expect(reported).toEqual([true]);
    doc.undo();
    expect(file.getState().dirty).toBe(true);
  });

  test('an import or a restored autosave loads unsaved, and stays so until saved', () => {
    const { doc, file, reported } = setup();
    file.load(null, paintedDocument('imported'), true);
    expect(file.getState().dirty).toBe(true);
    expect(doc.getState().layers[0].prompt).toBe('imported');
    expect(reported).toEqual([]); // main set it itself
    file.load('/art/b.palette', paintedDocument('b'), false);
    expect(file.getState()).toMatchObject({ path: '/art/b.palette', dirty: false });
  });

  test('sameDocument compares content, including mask bytes', () => {
    const a = paintedDocument();
    const b = paintedDocument();
    b.layers[0].id = a.layers[0].id;
    expect(sameDocument(a, b)).toBe(true);
    b.layers[0].mask[5] = 1;
    expect(sameDocument(a, b)).toBe(false);
    expect(sameDocument({ x: 1 }, { x: 1, y: undefined })).toBe(false);
  });
});
