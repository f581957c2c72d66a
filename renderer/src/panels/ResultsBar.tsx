/**
 * Above the output: Live, Generate once (with its progress), and what to do with the picture
 * shown: use it as the background, copy it, export it. When a history frame is being viewed
 * these act on that frame, and "Back to live" returns to the stream.
 */
import { useSyncExternalStore } from 'react';
import { useDocument, useEditor, useUi } from '../hooks';
import { toggleLive } from '../editor';
import { copyOutput, exportFrame, generateOnce, useAsBackground, viewFrame } from '../results';

export function ResultsBar() {
  const editor = useEditor();
  const ui = useUi();
  const doc = useDocument();
  const { frames } = useSyncExternalStore(editor.history.subscribe, editor.history.getState);
  const live = ui.status?.live ?? false;
  const viewing = ui.viewingFrameId === null ? undefined : frames.find((f) => f.id === ui.viewingFrameId);
  const nothing = frames.length === 0;
  return (
    <div className="results-bar" data-testid="results-bar">
      <div className="group">
      <button type="button" data-testid="live-toggle" aria-pressed={live} title="Render as you paint (Ctrl+L)" onClick={() => void toggleLive(editor)}>
        {live ? 'Live ●' : 'Live ○'}
      </button>
      <button
        type="button"
        data-testid="generate-once"
        disabled={live || ui.generating || !ui.status?.modelId}
        title={live ? 'Live is on: the output follows every change' : 'Render the picture once (Ctrl+Enter)'}
        onClick={() => void generateOnce(editor)}
      >
        Generate
      </button>
      {ui.generating ? (
        <span className="generating" data-testid="generate-progress" role="progressbar" aria-label="Generating">
          <progress /> Generating…
        </span>
      ) : null}
      </div>
      <span className="spacer" />
      <div className="group">
      {viewing ? (
        <span className="viewing" data-testid="viewing-frame">
          Frame {frames.indexOf(viewing) + 1} of {frames.length}
          {viewing.width !== doc.canvas.width || viewing.height !== doc.canvas.height ? (
            <span className="hint" data-testid="viewing-frame-size" title="Made before the canvas size changed">
              {' '}({viewing.width}×{viewing.height})
            </span>
          ) : null}
          <button type="button" data-testid="back-to-live" onClick={() => viewFrame(editor, null)}>
            Back to live
          </button>
        </span>
      ) : null}
      <button type="button" data-testid="use-as-background" disabled={nothing} title="Keep this picture as the background and paint over it (Shift+Ctrl+B)" onClick={() => useAsBackground(editor)}>
        Use as background
      </button>
      <button type="button" data-testid="copy-output" disabled={nothing} title="Copy the picture (Shift+Ctrl+C)" onClick={() => void copyOutput(editor)}>
        Copy
      </button>
      <button type="button" data-testid="export-frame" disabled={nothing} title="Save the picture as PNG" onClick={() => void exportFrame(editor)}>
        Export…
      </button>
      </div>
    </div>
  );
}
