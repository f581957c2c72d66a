/** Update masks from OpenRaster: which brushes take a mask, which are not in the file, which layers are new. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useEditor } from '../hooks';
import { fileName } from '../document-file';
import { oraMasksSession, resolveOraMasks } from '../ora-update';

function Names({ names, testId }: { names: string[]; testId: string }) {
  return (
    <ul className="ora-masks-names" data-testid={testId}>
      {names.map((n, i) => (
        <li key={`${i}:${n}`} data-name={n}>
          {n || '(no name)'}
        </li>
      ))}
    </ul>
  );
}

export function OraMasksDialog() {
  const editor = useEditor();
  const session = oraMasksSession(editor);
  const { pending } = useSyncExternalStore(session.subscribe, session.getState);
  const [addNew, setAddNew] = useState(true);
  useEffect(() => {
    if (!pending) return;
    setAddNew(true);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') resolveOraMasks(editor, { apply: false });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor, pending]);
  if (!pending) return null;
  const { plan } = pending;
  const added = plan.added.map((l) => l.name.trim());
  return (
    <div className="models-backdrop">
      <div className="models-dialog ora-masks-dialog" role="dialog" aria-modal="true" aria-labelledby="ora-masks-title" data-testid="ora-masks-dialog">
        <h2 id="ora-masks-title">Update masks from {fileName(pending.file)}</h2>
        <p>Layers are matched to brushes by name. Prompts and settings stay as they are; only the masks change.</p>
        {pending.notes.length > 0 && (
          <ul className="ora-masks-notes" data-testid="ora-masks-notes">
            {pending.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        <h3>Masks to update ({plan.updates.length})</h3>
        {plan.updates.length > 0 ? <Names names={plan.updates.map((u) => u.name)} testId="ora-masks-updated" /> : <p>None of the file's layers is named like a brush.</p>}
        {plan.unmatched.length > 0 && (
          <>
            <h3>Brushes not in the file: kept as they are ({plan.unmatched.length})</h3>
            <Names names={plan.unmatched} testId="ora-masks-unmatched" />
          </>
        )}
        {added.length > 0 && (
          <>
            <h3>Layers without a brush of their name ({added.length})</h3>
            <Names names={added} testId="ora-masks-added" />
            <label>
              <input type="checkbox" data-testid="ora-masks-add-new" checked={addNew} onChange={(e) => setAddNew(e.target.checked)} /> Add them as new brushes (prompt = layer name)
            </label>
          </>
        )}
        <div className="actions ora-masks-actions">
          <button type="button" data-testid="ora-masks-cancel" onClick={() => resolveOraMasks(editor, { apply: false })}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="ora-masks-apply"
            className="primary"
            autoFocus
            disabled={plan.updates.length === 0 && !(addNew && added.length > 0)}
            onClick={() => resolveOraMasks(editor, { apply: true, addNew })}
          >
            Update masks
          </button>
        </div>
      </div>
    </div>
  );
}
