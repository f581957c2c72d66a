/** The document's name with the unsaved marker, here and in the window title. */
import { useEffect, useSyncExternalStore } from 'react';
import { useEditor } from '../hooks';
import { documentFile, fileName, windowTitle } from '../document-file';

export function DocumentTitle() {
  const file = documentFile(useEditor());
  const { path, dirty } = useSyncExternalStore(file.subscribe, file.getState);
  const title = windowTitle(path, dirty);
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <div className="document-title" data-testid="document-title" data-dirty={dirty} title={path ?? 'Not saved yet'}>
      {dirty ? <span className="unsaved-marker" aria-label="unsaved changes">•</span> : null}
      <span>{fileName(path)}</span>
    </div>
  );
}
