/** Brush and view controls; Help at the end. The tools sit above the canvas (canvas bar), the engine's controls above the output (ResultsBar). */
import { useEditor, useUi } from '../hooks';
import { MAX_BRUSH, MIN_BRUSH, zoomBy, zoomToFit } from '../store/ui-store';
import { HelpMenu } from './HelpMenu';
import { ThemeSwitch, ViewModeSwitch } from './ViewSwitches';
import { redo, undo } from '../shortcuts';
import { useSyncExternalStore } from 'react';

export function Toolbar() {
  const editor = useEditor();
  const ui = useUi();
  // re-render on history changes so undo/redo enable correctly
  useSyncExternalStore(editor.doc.subscribe, editor.doc.getState);
  const size = ui.tool === 'eraser' ? ui.eraserSize : ui.brushSize;
  return (
    <header className="toolbar" data-testid="toolbar">
      <label className="field inline">
        Size
        <input
          type="range"
          data-testid="brush-size"
          min={MIN_BRUSH}
          max={MAX_BRUSH}
          value={size}
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            editor.ui.set(ui.tool === 'eraser' ? { eraserSize: v } : { brushSize: v });
          }}
        />
        <output data-testid="brush-size-value">{size}</output>
      </label>
      <label className="field inline">
        Hardness
        <input type="range" data-testid="brush-hardness" min={0} max={1} step={0.05} value={ui.hardness} onChange={(e) => editor.ui.set({ hardness: Number(e.currentTarget.value) })} />
      </label>
      <div className="group">
        <button type="button" data-testid="undo" disabled={!editor.doc.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo" onClick={() => undo(editor)}>
          ↶
        </button>
        <button type="button" data-testid="redo" disabled={!editor.doc.canRedo} title="Redo (Shift+Ctrl+Z)" aria-label="Redo" onClick={() => redo(editor)}>
          ↷
        </button>
      </div>
      <div className="group">
        <button type="button" data-testid="zoom-out" title="Zoom out" onClick={() => zoomBy(editor.ui, 0.8)}>
          −
        </button>
        <span data-testid="zoom-value">{Math.round(ui.zoom * 100)}%</span>
        <button type="button" data-testid="zoom-in" title="Zoom in" onClick={() => zoomBy(editor.ui, 1.25)}>
          +
        </button>
        <button type="button" data-testid="zoom-fit" title="Fit" onClick={() => zoomToFit(editor.ui)}>
          Fit
        </button>
      </div>
      <label className="field inline">
        <input type="checkbox" data-testid="output-under" checked={ui.outputUnder} onChange={(e) => editor.ui.set({ outputUnder: e.currentTarget.checked })} />
        <span title="Show the output under the strokes on the painting canvas">Overlay</span>
      </label>
      <input
        type="range"
        data-testid="output-opacity"
        aria-label="Output opacity"
        min={0}
        max={1}
        step={0.05}
        value={ui.outputOpacity}
        disabled={!ui.outputUnder}
        onChange={(e) => editor.ui.set({ outputOpacity: Number(e.currentTarget.value) })}
      />
      <span className="spacer" />
      <ViewModeSwitch />
      <ThemeSwitch />
      <HelpMenu />
    </header>
  );
}
