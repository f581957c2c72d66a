/**
 * Non-blocking messages: engine errors and fallbacks never stop the painting. They stack in
 * their own strip at the foot of the window, in the layout's flow, so they never cover a control.
 */
import { useEffect, useState } from 'react';
import { useEditor, useUi } from '../hooks';
import { dismissToast, type Toast } from '../store/ui-store';

const LIFETIME_MS = { info: 4000, warning: 8000, error: 12000 };
/** a message with details or a link waits for the user */
const KEEP = (t: Toast) => t.details !== undefined || t.action !== undefined;

function ToastRow({ toast }: { toast: Toast }) {
  const editor = useEditor();
  const [open, setOpen] = useState(false);
  return (
    <div className={`toast ${toast.level}`} data-testid="toast" data-level={toast.level}>
      <div className="toast-body">
        <span data-testid="toast-message">{toast.message}</span>
        {open && toast.details ? (
          <pre className="toast-details" data-testid="toast-details">
            {toast.details}
          </pre>
        ) : null}
      </div>
      {toast.action ? (
        <button type="button" className="link" data-testid="toast-action" onClick={toast.action.run}>
          {toast.action.label}
        </button>
      ) : null}
      {toast.details ? (
        <button type="button" className="link" data-testid="toast-details-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide details' : 'Details'}
        </button>
      ) : null}
      <button type="button" className="icon" aria-label="Dismiss" data-testid="toast-dismiss" onClick={() => dismissToast(editor.ui, toast.id)}>
        ✕
      </button>
    </div>
  );
}

export function Toasts() {
  const editor = useEditor();
  const { toasts } = useUi();
  useEffect(() => {
    const timers = toasts.filter((t) => !KEEP(t)).map((t) => setTimeout(() => dismissToast(editor.ui, t.id), LIFETIME_MS[t.level]));
    return () => timers.forEach(clearTimeout);
  }, [toasts, editor]);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <ToastRow key={t.id} toast={t} />
      ))}
    </div>
  );
}
