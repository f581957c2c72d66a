/**
 * The renderer's half of keeping work safe: answers main's autosave and save-before-close
 * requests, shows main's document notices, asks main for autosaves a crash left behind, and
 * keeps the brush preferences (sizes, hardness, theme) in the app's settings.
 */
import { parseIpcError } from '../../shared/ipc/api';
import type { AppSettingsPatch } from '../../shared/ipc/channels';
import { toWire, type Editor } from './editor';
import { saveDocument } from './commands';
import { documentFile } from './document-file';
import { initialUiState, pushToast } from './store/ui-store';
import { applyTheme } from './panels/ViewSwitches';
import { openExample } from './commands';

const PREFERENCES_DELAY_MS = 500;

export function installDocumentSession(editor: Editor): () => void {
  const { api, ui } = editor;
  const file = documentFile(editor);
  const unsubs = [
    api.events.on('document:autosaveRequest', () => {
      api.document.autosave({ document: toWire(editor.doc.getState()) }).catch((e: unknown) => {
        pushToast(ui, 'warning', `Autosave failed: ${parseIpcError(e).message}`);
      });
    }),
    api.events.on('document:saveRequest', () => {
      void saveDocument(editor, 'save').then((saved) => (saved ? api.document.closeWindow() : undefined));
    }),
    api.events.on('document:notice', (n) => pushToast(ui, n.level, n.message)),
  ];

  let stopped = false;
  api.document.recoverable().then(
    (recoverable) => !stopped && file.set({ recoverable }),
    (e: unknown) => pushToast(ui, 'error', parseIpcError(e).message),
  );
  unsubs.push(installPreferences(editor, () => stopped));
  return () => {
    stopped = true;
    unsubs.forEach((u) => u());
  };
}

function installPreferences(editor: Editor, stopped: () => boolean): () => void {
  const { api, ui } = editor;
  const initial = initialUiState();
  let loaded = false;
  api.settings.get().then(
    (s) => {
      if (stopped()) return;
      applyTheme(s.theme);
      editor.ui.set({ theme: s.theme });
      if (!s.guideDismissed) void firstLaunch(editor);
      const now = ui.getState();
      // the user may have moved a slider while this loaded: theirs wins
      if (now.brushSize === initial.brushSize && now.eraserSize === initial.eraserSize && now.hardness === initial.hardness) {
        ui.set({ brushSize: s.brushSize, eraserSize: s.eraserSize, hardness: s.brushHardness });
      }
      loaded = true;
    },
    () => (loaded = true),
  );
  let last = pick(ui.getState());
  let timer: ReturnType<typeof setTimeout> | null = null;
  const off = ui.subscribe(() => {
    const next = pick(ui.getState());
    if (next.brushSize === last.brushSize && next.eraserSize === last.eraserSize && next.brushHardness === last.brushHardness) return;
    last = next;
    if (!loaded) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void api.settings.set(next).catch(() => undefined), PREFERENCES_DELAY_MS);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}

/**
 * A first launch (the guide never dismissed): the guide, and a bundled example to paint on,
 * unless something else is already open (a file from the OS, a recovered autosave, an edit).
 */
async function firstLaunch(editor: Editor): Promise<void> {
  editor.ui.set({ guideOpen: true });
  const file = documentFile(editor);
  const untouched = () => file.getState().path === null && !editor.doc.canUndo;
  try {
    const [examples, recoverable] = await Promise.all([editor.api.app.examples(), editor.api.document.recoverable()]);
    if (examples.length > 0 && recoverable.length === 0 && untouched()) await openExample(editor, examples[0].id);
  } catch (e) {
    pushToast(editor.ui, 'warning', `The example could not be opened: ${parseIpcError(e).message}`);
  }
}

function pick(s: { brushSize: number; eraserSize: number; hardness: number }): Required<Pick<AppSettingsPatch, 'brushSize' | 'eraserSize' | 'brushHardness'>> {
  return { brushSize: s.brushSize, eraserSize: s.eraserSize, brushHardness: s.hardness };
}
