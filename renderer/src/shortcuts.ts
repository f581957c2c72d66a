/**
 * Keyboard shortcuts: Ctrl/Cmd+Z undo, Shift+Ctrl/Cmd+Z (or Ctrl+Y) redo, B brush, E eraser,
 * [ and ] brush size. Undo is the document's even inside a text field, so one Ctrl+Z always
 * means one step of the same history.
 */
import type { Editor } from './editor';
import { stepSize, zoomBy, zoomToFit } from './store/ui-store';
import { generateOnce } from './results';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'color', 'button', 'file'].includes(target.type);
}

export function undo(editor: Editor): void {
  editor.tool.cancel();
  editor.doc.undo();
}

export function redo(editor: Editor): void {
  editor.tool.cancel();
  editor.doc.redo();
}

export function handleKey(editor: Editor, e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && key === 'z') {
    if (e.shiftKey) redo(editor);
    else undo(editor);
    return true;
  }
  if (mod && key === 'y') {
    redo(editor);
    return true;
  }
  if (mod && (key === '=' || key === '+')) {
    zoomBy(editor.ui, 1.25);
    return true;
  }
  if (mod && key === '-') {
    zoomBy(editor.ui, 0.8);
    return true;
  }
  if (mod && key === '0') {
    zoomToFit(editor.ui);
    return true;
  }
  // Generate once (with Live off), also inside a prompt field: type, then render
  if (mod && key === 'enter') {
    void generateOnce(editor);
    return true;
  }
  if (mod || e.altKey || typingIn(e.target)) return false;
  const ui = editor.ui;
  switch (key) {
    case 'b':
      ui.set({ tool: 'brush' });
      return true;
    case 'e':
      ui.set({ tool: 'eraser' });
      return true;
    case '[':
    case ']': {
      const dir = key === ']' ? 1 : -1;
      ui.set((s) => (s.tool === 'brush' ? { brushSize: stepSize(s.brushSize, dir) } : { eraserSize: stepSize(s.eraserSize, dir) }));
      return true;
    }
    default:
      return false;
  }
}

export function installShortcuts(editor: Editor): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (handleKey(editor, e)) e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
