import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Editor } from './editor';
import type { PaletteDocument } from './store/document';
import type { UiState } from './store/ui-store';

export const EditorContext = createContext<Editor | null>(null);

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor outside <EditorContext.Provider>');
  return editor;
}

export function useDocument(): PaletteDocument {
  const { doc } = useEditor();
  return useSyncExternalStore(doc.subscribe, doc.getState);
}

export function useUi(): UiState {
  const { ui } = useEditor();
  return useSyncExternalStore(ui.subscribe, ui.getState);
}
