/** The keyboard shortcuts sheet (Help → Keyboard Shortcuts, or `?`), drawn from the one shortcut table. */
import { useEditor, useUi } from './hooks';
import { SHORTCUTS, formatCombo, menuShortcuts, type Shortcut } from './shortcuts';

const GROUPS: Array<Shortcut['group']> = ['Tools', 'Brush', 'Edit', 'View', 'Help'];

export function ShortcutsSheet() {
  const editor = useEditor();
  const { shortcutsOpen } = useUi();
  if (!shortcutsOpen) return null;
  const close = () => editor.ui.set({ shortcutsOpen: false });
  return (
    <div className="shortcuts-backdrop" data-testid="shortcuts-backdrop" onClick={close}>
      <div className="shortcuts-sheet" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts-sheet" onClick={(e) => e.stopPropagation()}>
        <div className="shortcuts-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="icon" aria-label="Close" data-testid="shortcuts-close" onClick={close}>
            ×
          </button>
        </div>
        <div className="shortcuts-columns">
          {GROUPS.map((group) => (
            <section key={group}>
              <h3>{group}</h3>
              <table>
                <tbody>
                  {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                    <tr key={s.label} data-testid="shortcut-row" data-label={s.label}>
                      <td className="shortcut-keys">
                        {s.keys.length > 0
                          ? s.keys.map((k, i) => (
                              <span key={i}>
                                {i > 0 ? ' or ' : ''}
                                <kbd>{formatCombo(k)}</kbd>
                              </span>
                            ))
                          : s.gesture}
                      </td>
                      <td>{s.label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          <section>
            <h3>File (menu)</h3>
            <table>
              <tbody>
                {menuShortcuts().map((m) => (
                  <tr key={m.label} data-testid="shortcut-row" data-label={m.label}>
                    <td className="shortcut-keys">
                      <kbd>{m.keys}</kbd>
                    </td>
                    <td>{m.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      </div>
    </div>
  );
}
