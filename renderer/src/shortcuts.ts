/**
 * Keyboard shortcuts, in Krita's spirit, from ONE table: the key handler matches it and the
 * shortcuts sheet (ShortcutsSheet.tsx) lists it, so the two cannot drift. Pointer gestures
 * (Space+drag, right-click …) are rows without a key binding; the menu's accelerators come
 * from shared/menu-accelerators.ts. Undo is the document's even inside a text field, so one
 * Ctrl+Z always means one step of the same history.
 */
import type { Editor } from './editor';
import { stepSize, zoomBy, zoomToFit, type ToolName } from './store/ui-store';
import { generateOnce } from './results';
import { ACCELERATORS, MENU_LABELS } from '../../shared/menu-accelerators';

export interface KeyCombo {
  /** KeyboardEvent.key, lower case ('b', '[', 'escape', ' ', '?') */
  key: string;
  /** Ctrl (Cmd on macOS) */
  mod?: boolean;
  /** true: Shift must be held; false: must not be; absent: either (symbols like '?') */
  shift?: boolean;
}

export interface Shortcut {
  group: 'Tools' | 'Brush' | 'Edit' | 'View' | 'Help';
  label: string;
  /** the keys that run it (the first is shown first); none for pointer gestures */
  keys: KeyCombo[];
  /** how a pointer gesture is done, for rows without keys (e.g. 'Space + drag') */
  gesture?: string;
  /** the tool this row selects (the tool buttons' tooltips read their keys from here) */
  tool?: ToolName;
  /** runs even while typing in a text field */
  inText?: boolean;
  run?(editor: Editor): void;
}

export function undo(editor: Editor): void {
  editor.tool.cancel();
  editor.shapes.cancel();
  editor.doc.undo();
}

export function redo(editor: Editor): void {
  editor.tool.cancel();
  editor.shapes.cancel();
  editor.doc.redo();
}

/** Escape: abandon the stroke or shape in progress (nothing reaches the document or its history), or close the sheet. */
export function cancelGesture(editor: Editor): void {
  if (editor.ui.getState().shortcutsOpen) editor.ui.set({ shortcutsOpen: false });
  editor.tool.cancel();
  editor.shapes.cancel();
}

const tool = (t: ToolName) => (editor: Editor) => editor.ui.set({ tool: t });
const size = (dir: 1 | -1) => (editor: Editor) =>
  editor.ui.set((s) => (s.tool === 'eraser' ? { eraserSize: stepSize(s.eraserSize, dir) } : { brushSize: stepSize(s.brushSize, dir) }));

export const SHORTCUTS: readonly Shortcut[] = [
  { group: 'Tools', label: 'Brush', keys: [{ key: 'b' }], tool: 'brush', run: tool('brush') },
  { group: 'Tools', label: 'Eraser', keys: [{ key: 'e' }], tool: 'eraser', run: tool('eraser') },
  { group: 'Tools', label: 'Bucket fill (the connected region under the cursor)', keys: [{ key: 'f' }, { key: 'g' }], tool: 'bucket', run: tool('bucket') },
  { group: 'Tools', label: 'Lasso (fill or erase the enclosed area)', keys: [{ key: 'l' }], tool: 'lasso', run: tool('lasso') },
  { group: 'Tools', label: 'Rectangle (fill or erase the enclosed area)', keys: [{ key: 'm' }, { key: 'r' }], tool: 'rectangle', run: tool('rectangle') },
  {
    group: 'Tools',
    label: 'Lasso and rectangle: switch between fill and erase',
    keys: [{ key: 'x' }],
    run: (e) => e.ui.set((s) => ({ regionMode: s.regionMode === 'fill' ? 'erase' : 'fill' })),
  },
  { group: 'Tools', label: 'Pick the brush under the cursor', keys: [], gesture: 'Right-click, or Alt + click' },
  { group: 'Brush', label: 'Smaller brush', keys: [{ key: '[' }], run: size(-1) },
  { group: 'Brush', label: 'Larger brush', keys: [{ key: ']' }], run: size(1) },
  { group: 'Brush', label: 'Pen pressure changes the size (on/off)', keys: [{ key: 'p' }], run: (e) => e.ui.set((s) => ({ pressureSize: !s.pressureSize })) },
  { group: 'Brush', label: 'Cancel the stroke or shape in progress', keys: [{ key: 'escape' }], inText: false, run: cancelGesture },
  { group: 'Edit', label: 'Undo', keys: [{ key: 'z', mod: true, shift: false }], inText: true, run: undo },
  { group: 'Edit', label: 'Redo', keys: [{ key: 'z', mod: true, shift: true }, { key: 'y', mod: true }], inText: true, run: redo },
  { group: 'Edit', label: 'Generate once (with Live off; also from inside a prompt field)', keys: [{ key: 'enter', mod: true }], inText: true, run: (e) => void generateOnce(e) },
  { group: 'View', label: 'Pan', keys: [], gesture: 'Space + drag, middle-drag, or the wheel (Shift + wheel: sideways)' },
  { group: 'View', label: 'Zoom at the cursor', keys: [], gesture: 'Ctrl + wheel, or pinch on a trackpad' },
  { group: 'View', label: 'Zoom in', keys: [{ key: '=', mod: true }, { key: '+', mod: true }], run: (e) => zoomBy(e.ui, 1.25) },
  { group: 'View', label: 'Zoom out', keys: [{ key: '-', mod: true }], run: (e) => zoomBy(e.ui, 0.8) },
  { group: 'View', label: 'Fit to window', keys: [{ key: '0', mod: true }], run: (e) => zoomToFit(e.ui) },
  { group: 'Help', label: 'Keyboard shortcuts (this sheet)', keys: [{ key: '?' }], run: (e) => e.ui.set((s) => ({ shortcutsOpen: !s.shortcutsOpen })) },
];

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** A key combination as the sheet shows it, e.g. "Ctrl+Shift+Z", "[", "Esc". */
export function formatCombo(c: KeyCombo): string {
  const names: Record<string, string> = { escape: 'Esc', ' ': 'Space', enter: 'Enter' };
  const key = names[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key);
  return [c.mod ? (isMac ? '⌘' : 'Ctrl') : '', c.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The menu's accelerators ("Shift+CmdOrCtrl+S") in the sheet's form, for the commands only the menu has. */
export function menuShortcuts(): Array<{ label: string; keys: string }> {
  return Object.entries(MENU_LABELS).map(([command, label]) => ({
    label: label ?? command,
    keys: (ACCELERATORS[command as keyof typeof ACCELERATORS] ?? '').replace('CmdOrCtrl', isMac ? '⌘' : 'Ctrl'),
  }));
}

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'color', 'button', 'file'].includes(target.type);
}

function matches(c: KeyCombo, e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key.toLowerCase() !== c.key) return false;
  if (!!c.mod !== mod || e.altKey) return false;
  return c.shift === undefined || c.shift === e.shiftKey;
}

export function findShortcut(e: KeyboardEvent): Shortcut | undefined {
  return SHORTCUTS.find((s) => s.run && s.keys.some((c) => matches(c, e)));
}

export function handleKey(editor: Editor, e: KeyboardEvent): boolean {
  const shortcut = findShortcut(e);
  if (!shortcut?.run) return false;
  // in a text field only the history keys (and mod combos) act; Escape leaves the field alone
  const typing = typingIn(e.target);
  if (typing && !shortcut.inText && !shortcut.keys.some((c) => c.mod)) return false;
  shortcut.run(editor);
  return true;
}

export function installShortcuts(editor: Editor): () => void {
  const onKey = (e: KeyboardEvent) => {
    // Space held pans with a left drag (it must not scroll the page or press a focused button)
    if (e.key === ' ' && !typingIn(e.target) && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      if (!editor.ui.getState().spaceHeld) editor.ui.set({ spaceHeld: true });
      return;
    }
    if (handleKey(editor, e)) e.preventDefault();
    // Escape leaves a text field, so the next key is a shortcut again
    else if (e.key === 'Escape' && typingIn(e.target) && e.target instanceof HTMLElement) e.target.blur();
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === ' ' && editor.ui.getState().spaceHeld) editor.ui.set({ spaceHeld: false });
  };
  const onBlur = () => {
    if (editor.ui.getState().spaceHeld) editor.ui.set({ spaceHeld: false });
  };
  window.addEventListener('keydown', onKey);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);
  return () => {
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKeyUp);
    window.removeEventListener('blur', onBlur);
  };
}
