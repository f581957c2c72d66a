/** One view or both (canvas | output), and the colour theme (follows the OS unless chosen). */
import { useEditor, useUi } from '../hooks';
import { pushToast, type ThemeChoice, type ViewMode } from '../store/ui-store';

const VIEWS: Array<{ mode: ViewMode; label: string; title: string }> = [
  { mode: 'canvas', label: 'Canvas', title: 'Show the painting canvas only' },
  { mode: 'both', label: 'Both', title: 'Canvas and output side by side' },
  { mode: 'output', label: 'Output', title: 'Show the output only' },
];

export function ViewModeSwitch() {
  const editor = useEditor();
  const { viewMode } = useUi();
  return (
    <div className="group segmented" role="group" aria-label="Views">
      {VIEWS.map((v) => (
        <button key={v.mode} type="button" data-testid={`view-${v.mode}`} aria-pressed={viewMode === v.mode} title={v.title} onClick={() => editor.ui.set({ viewMode: v.mode })}>
          {v.label}
        </button>
      ))}
    </div>
  );
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: as the system', dark: 'Theme: dark', light: 'Theme: light' };

export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = choice;
}

export function ThemeSwitch() {
  const editor = useEditor();
  const { theme } = useUi();
  return (
    <button
      type="button"
      className="theme-switch"
      data-testid="theme-switch"
      data-theme-choice={theme}
      title={`${LABEL[theme]} (click for ${LABEL[NEXT[theme]].toLowerCase().replace('theme: ', '')})`}
      aria-label={LABEL[theme]}
      onClick={() => {
        const next = NEXT[theme];
        editor.ui.set({ theme: next });
        applyTheme(next);
        editor.api.settings.set({ theme: next }).catch((e: unknown) => pushToast(editor.ui, 'warning', `The theme could not be saved: ${String(e)}`));
      }}
    >
      <span aria-hidden="true">{theme === 'system' ? '◐' : theme === 'dark' ? '●' : '○'}</span>
      <span className="wide-only"> {theme === 'system' ? 'Auto' : theme === 'dark' ? 'Dark' : 'Light'}</span>
    </button>
  );
}
