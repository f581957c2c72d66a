/** The tool buttons and the current tool's options (pen pressure, fill/erase), labelled from the shortcut table. */
import { useEditor, useUi } from '../hooks';
import { SHORTCUTS, formatCombo } from '../shortcuts';
import type { ToolName } from '../store/ui-store';

const TOOLS: Array<{ tool: ToolName; name: string }> = [
  { tool: 'brush', name: 'Brush' },
  { tool: 'eraser', name: 'Eraser' },
  { tool: 'bucket', name: 'Bucket' },
  { tool: 'lasso', name: 'Lasso' },
  { tool: 'rectangle', name: 'Rect' },
];

/** "Brush (B)": the tool's keys as the shortcut table has them */
function titleFor(name: string, tool: ToolName): string {
  const row = SHORTCUTS.find((s) => s.tool === tool);
  const keys = row?.keys.map(formatCombo).join(' or ');
  return keys ? `${row?.label ?? name} (${keys})` : name;
}

export function ToolPicker() {
  const editor = useEditor();
  const ui = useUi();
  const regionTool = ui.tool === 'lasso' || ui.tool === 'rectangle';
  return (
    <>
      <div className="group" role="radiogroup" aria-label="Tool">
        {TOOLS.map((t) => (
          <button key={t.tool} type="button" data-testid={`tool-${t.tool}`} aria-pressed={ui.tool === t.tool} title={titleFor(t.name, t.tool)} onClick={() => editor.ui.set({ tool: t.tool })}>
            {t.name}
          </button>
        ))}
      </div>
      {regionTool ? (
        <div className="group" role="radiogroup" aria-label="Lasso and rectangle mode" title="Switch with X">
          <button type="button" data-testid="region-fill" aria-pressed={ui.regionMode === 'fill'} onClick={() => editor.ui.set({ regionMode: 'fill' })}>
            Fill
          </button>
          <button type="button" data-testid="region-erase" aria-pressed={ui.regionMode === 'erase'} onClick={() => editor.ui.set({ regionMode: 'erase' })}>
            Erase
          </button>
        </div>
      ) : (
        <div className="group" aria-label="Pen pressure">
          <span className="hint">Pen:</span>
          <label className="field inline" title="Pen pressure changes the brush size (P)">
            <input type="checkbox" data-testid="pressure-size" checked={ui.pressureSize} onChange={(e) => editor.ui.set({ pressureSize: e.currentTarget.checked })} />
            size
          </label>
          <label className="field inline" title="Pen pressure changes how strongly a dab paints">
            <input type="checkbox" data-testid="pressure-flow" checked={ui.pressureFlow} onChange={(e) => editor.ui.set({ pressureFlow: e.currentTarget.checked })} />
            flow
          </label>
        </div>
      )}
    </>
  );
}
