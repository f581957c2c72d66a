/** Tools, view and engine controls above the canvas, with the engine's FPS and latency. */
import { useEditor, useUi } from '../hooks';
import { MAX_BRUSH, MIN_BRUSH, zoomBy, zoomToFit } from '../store/ui-store';
import { toggleLive } from '../editor';
import { redo, undo } from '../shortcuts';
import { useSyncExternalStore } from 'react';
import { ToolPicker } from '../tools/ToolPicker';

export function Toolbar() {
  const editor = useEditor();
  const ui = useUi();
  // re-render on history changes so undo/redo enable correctly
  useSyncExternalStore(editor.doc.subscribe, editor.doc.getState);
  const size = ui.tool === 'eraser' ? ui.eraserSize : ui.brushSize;
  const live = ui.status?.live ?? false;
  return (
    <header className="toolbar" data-testid="toolbar">
      <ToolPicker />
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
        <button type="button" data-testid="undo" disabled={!editor.doc.canUndo} title="Undo (Ctrl+Z)" onClick={() => undo(editor)}>
          Undo
        </button>
        <button type="button" data-testid="redo" disabled={!editor.doc.canRedo} title="Redo (Shift+Ctrl+Z)" onClick={() => redo(editor)}>
          Redo
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
        Output under strokes
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
      <button type="button" data-testid="live-toggle" aria-pressed={live} onClick={() => void toggleLive(editor)}>
        {live ? 'Live ●' : 'Live ○'}
      </button>
      <span className="readout" data-testid="engine-readout">
        <span data-testid="fps">{ui.fps} fps</span> · <span data-testid="latency">{ui.latencyMs === null ? '–' : `${Math.round(ui.latencyMs)} ms`}</span>
        {ui.status?.idle ? ' · idle' : ''}
      </span>
    </header>
  );
}
