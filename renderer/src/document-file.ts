/**
 * The document as a file: where it is saved, whether it differs from what was last saved or
 * opened (compared by content, so undoing back to the saved state is clean again), and the
 * autosaves a crash left behind. Main is told each time the unsaved state flips: it asks
 * before closing and autosaves while unsaved.
 */
import type { RecoverableAutosave } from '../../shared/ipc/channels';
import type { Editor } from './editor';
import type { PaletteDocument } from './store/document';
import { titleFor } from '../../shared/window-title';
import { Observable } from './store/ui-store';

export interface FileState {
  /** where Save writes; null until the document was saved (or for an import) */
  path: string | null;
  dirty: boolean;
  /** autosaves from a crashed session, waiting for Restore / Discard */
  recoverable: RecoverableAutosave[];
}

export function fileName(path: string | null): string {
  return path ? (path.split(/[\\/]/).pop() ?? path) : 'Untitled';
}

/** the same text main gives the native window title */
export function windowTitle(path: string | null, dirty: boolean): string {
  return titleFor(fileName(path), dirty);
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep equality; the store is immutable, so shared subtrees are the same objects and cost nothing. */
export function sameDocument(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return sameBytes(a as Uint8Array, b as Uint8Array);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameDocument(ra[k], rb[k]));
}

export class DocumentFile extends Observable<FileState> {
  /** the document as last saved or opened; null: unsaved from the start (an import, a restore) */
  private baseline: PaletteDocument | null;
  /** what main was last told (or set itself when opening) */
  private reported = false;

  constructor(private readonly editor: Editor) {
    super({ path: null, dirty: false, recoverable: [] });
    this.baseline = editor.doc.getState();
    editor.doc.subscribe(() => this.check());
  }

  /** A document replaces the current one. Main already knows its state from the open/new/restore call. */
  load(path: string | null, document: PaletteDocument, dirty: boolean): void {
    this.baseline = dirty ? null : document;
    this.reported = dirty;
    this.set({ path, dirty });
    this.editor.doc.reset(document);
  }

  /** `document` (the state that was sent) is now on disk at `path` */
  saved(path: string, document: PaletteDocument): void {
    this.baseline = document;
    this.reported = false; // main's save marked it clean
    this.set({ path });
    this.check();
  }

  private check(): void {
    const dirty = this.baseline === null || !sameDocument(this.editor.doc.getState(), this.baseline);
    if (dirty !== this.getState().dirty) this.set({ dirty });
    if (dirty !== this.reported) {
      this.reported = dirty;
      void this.editor.api.document.setDirty({ dirty }).catch(() => undefined);
    }
  }
}

const files = new WeakMap<Editor, DocumentFile>();

export function documentFile(editor: Editor): DocumentFile {
  let file = files.get(editor);
  if (!file) files.set(editor, (file = new DocumentFile(editor)));
  return file;
}
