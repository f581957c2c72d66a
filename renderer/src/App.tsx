import { useEffect } from 'react';
import { EditorContext } from './hooks';
import type { Editor } from './editor';
import { startEditor } from './editor';
import { installShortcuts } from './shortcuts';
import { openDocument, runCommand } from './commands';
import { Toolbar } from './panels/Toolbar';
import { LayeredCanvas } from './canvas/LayeredCanvas';
import { OutputView } from './canvas/OutputView';
import { BrushesPanel } from './panels/BrushesPanel';
import { BackgroundPanel } from './panels/BackgroundPanel';
import { GlobalPanel } from './panels/GlobalPanel';
import { Toasts } from './panels/Toasts';
import { DocumentTitle } from './panels/DocumentTitle';
import { RecoveryPrompt } from './panels/RecoveryPrompt';
import { installDocumentSession } from './document-session';
import { ShortcutsSheet } from './ShortcutsSheet';

export function App({ editor }: { editor: Editor }) {
  useEffect(() => {
    const stopShortcuts = installShortcuts(editor);
    const offMenu = editor.api.events.on('menu:command', (c) => void runCommand(editor, c));
    const offOpen = editor.api.events.on('document:openRequest', ({ path }) => void openDocument(editor, path));
    const stopDocumentSession = installDocumentSession(editor);
    let stopEngine: (() => void) | null = null;
    let stopped = false;
    void startEditor(editor).then((stop) => {
      if (stopped) stop();
      else stopEngine = stop;
    });
    return () => {
      stopped = true;
      stopShortcuts();
      offMenu();
      offOpen();
      stopDocumentSession();
      stopEngine?.();
    };
  }, [editor]);

  return (
    <EditorContext.Provider value={editor}>
      <div className="app" data-testid="app">
        <DocumentTitle />
        <Toolbar />
        <main className="workspace">
          <div className="views">
            <LayeredCanvas />
            <OutputView />
          </div>
          <aside className="sidebar">
            <BrushesPanel />
            <BackgroundPanel />
            <GlobalPanel />
          </aside>
        </main>
        <RecoveryPrompt />
        <ShortcutsSheet />
        <Toasts />
      </div>
    </EditorContext.Provider>
  );
}
