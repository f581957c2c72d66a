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
import { OraMasksDialog } from './panels/OraMasksDialog';
import { installDocumentSession } from './document-session';
import { useUi } from './hooks';
import { EngineReadout } from './panels/EngineReadout';
import { ResultsBar } from './panels/ResultsBar';
import { FrameStrip } from './panels/FrameStrip';
import { FirstLaunchGuide } from './panels/FirstLaunchGuide';
import { CanvasDropTarget } from './panels/CanvasDropTarget';
import { ShortcutsSheet } from './ShortcutsSheet';
import { ToolPicker } from './tools/ToolPicker';

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
      <Layout />
    </EditorContext.Provider>
  );
}

/** Header, toolbar, the two views (or one), the sidebar; messages in their own strip at the foot. */
function Layout() {
  const { viewMode } = useUi();
  return (
    <div className="app" data-testid="app" data-view={viewMode}>
      <div className="app-header">
        <DocumentTitle />
        <span className="spacer" />
        <EngineReadout />
      </div>
      <Toolbar />
      <main className="workspace">
        <CanvasDropTarget>
          <div className="view-column canvas-column" data-testid="canvas-column">
            <div className="canvas-bar" data-testid="canvas-bar">
              <ToolPicker />
            </div>
            <LayeredCanvas />
          </div>
          <div className="view-column output-column" data-testid="output-column">
            <ResultsBar />
            <OutputView />
            <FrameStrip />
          </div>
        </CanvasDropTarget>
        <aside className="sidebar" data-testid="sidebar">
          <FirstLaunchGuide />
          <BrushesPanel />
          <BackgroundPanel />
          <GlobalPanel />
        </aside>
      </main>
      <Toasts />
      <RecoveryPrompt />
      <OraMasksDialog />
      <ShortcutsSheet />
    </div>
  );
}
