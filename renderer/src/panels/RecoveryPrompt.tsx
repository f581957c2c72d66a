/** After a crash: the autosaved documents, each with Restore / Discard. */
import { useSyncExternalStore } from 'react';
import { useEditor } from '../hooks';
import { documentFile } from '../document-file';
import { discardAutosave, restoreAutosave } from '../commands';

export function RecoveryPrompt() {
  const editor = useEditor();
  const file = documentFile(editor);
  const { recoverable } = useSyncExternalStore(file.subscribe, file.getState);
  const first = recoverable[0];
  if (!first) return null;
  return (
    <div className="recovery-prompt" role="alertdialog" aria-labelledby="recovery-message" data-testid="recovery-prompt" data-autosave-id={first.id}>
      <p id="recovery-message" data-testid="recovery-message">
        Semantic Palette did not close properly. Unsaved work on <strong>{first.name}</strong> was autosaved at {new Date(first.savedAt).toLocaleString()}.
        {recoverable.length > 1 ? ` (${recoverable.length - 1} more after this one.)` : ''}
      </p>
      <div className="actions">
        <button type="button" data-testid="recovery-restore" onClick={() => void restoreAutosave(editor, first.id)}>
          Restore
        </button>
        <button type="button" data-testid="recovery-discard" onClick={() => void discardAutosave(editor, first.id)}>
          Discard
        </button>
      </div>
    </div>
  );
}
