/** Help in the window (the Electron menu has the same): the guide, the shortcuts sheet, the examples, the guides on disk. */
import { useEffect, useRef, useState } from 'react';
import type { ExampleEntry } from '../../../shared/ipc/channels';
import { parseIpcError } from '../../../shared/ipc/api';
import { useEditor } from '../hooks';
import { openExample, runCommand } from '../commands';
import { pushToast } from '../store/ui-store';

export function HelpMenu() {
  const editor = useEditor();
  const [open, setOpen] = useState(false);
  const [examples, setExamples] = useState<ExampleEntry[]>([]);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    let alive = true;
    editor.api.app.examples().then((e) => alive && setExamples(e), () => undefined);
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('pointerdown', away);
    window.addEventListener('keydown', escape);
    return () => {
      alive = false;
      window.removeEventListener('pointerdown', away);
      window.removeEventListener('keydown', escape);
    };
  }, [open, editor]);
  const pick = (work: () => unknown) => () => {
    setOpen(false);
    void work();
  };
  const guide = (topic: 'guide' | 'models') => editor.api.app.openHelp({ topic }).catch((e: unknown) => pushToast(editor.ui, 'error', parseIpcError(e).message));
  return (
    <div className="menu" ref={ref}>
      <button type="button" data-testid="help-menu" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        Help ▾
      </button>
      {open ? (
        <div className="menu-list" role="menu" data-testid="help-menu-list">
          <button type="button" role="menuitem" data-testid="help-guide" onClick={pick(() => runCommand(editor, { command: 'help:guide' }))}>
            Getting started
          </button>
          <button type="button" role="menuitem" data-testid="help-shortcuts" onClick={pick(() => runCommand(editor, { command: 'help:shortcuts' }))}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
          <div className="menu-heading">Examples</div>
          {examples.map((e) => (
            <button key={e.id} type="button" role="menuitem" data-testid="help-example" data-example-id={e.id} onClick={pick(() => openExample(editor, e.id))}>
              {e.name}
            </button>
          ))}
          <div className="menu-separator" />
          <button type="button" role="menuitem" data-testid="help-docs" onClick={pick(() => guide('guide'))}>
            User guide
          </button>
          <button type="button" role="menuitem" data-testid="help-models-doc" onClick={pick(() => guide('models'))}>
            Models and GPU
          </button>
        </div>
      ) : null}
    </div>
  );
}
