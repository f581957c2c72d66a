/** Non-blocking messages: engine errors and fallbacks never stop the painting. */
import { useEffect } from 'react';
import { useEditor, useUi } from '../hooks';
import { dismissToast } from '../store/ui-store';

const LIFETIME_MS = { info: 4000, warning: 8000, error: 12000 };

export function Toasts() {
  const editor = useEditor();
  const { toasts } = useUi();
  useEffect(() => {
    const timers = toasts.map((t) => setTimeout(() => dismissToast(editor.ui, t.id), LIFETIME_MS[t.level]));
    return () => timers.forEach(clearTimeout);
  }, [toasts, editor]);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.level}`} data-testid="toast" data-level={t.level}>
          <span>{t.message}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismissToast(editor.ui, t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
