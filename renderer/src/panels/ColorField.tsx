/** A brush's colour: the system picker, plus the colours picked lately, one click each. */
import { useEditor, useUi } from '../hooks';
import { rememberColor } from '../store/ui-store';

export function ColorField({ value, apply }: { value: string; apply: (color: string, coalesce: boolean) => void }) {
  const editor = useEditor();
  const recent = useUi().recentColors.filter((c) => c !== value.toLowerCase());
  return (
    <div className="field color">
      <span className="field-label">Colour</span>
      <div className="color-row">
        <input
          type="color"
          data-testid="brush-color"
          aria-label="Brush colour"
          value={value}
          // dragging in the picker coalesces into one undo step; the colour is remembered when the picker closes
          onChange={(e) => apply(e.currentTarget.value, true)}
          onBlur={(e) => rememberColor(editor.ui, e.currentTarget.value)}
        />
        <div className="recent-colors" data-testid="recent-colors" aria-label="Recent colours">
          {recent.slice(0, 6).map((c) => (
            <button
              key={c}
              type="button"
              className="recent-color"
              data-testid="recent-color"
              data-color={c}
              title={c}
              aria-label={`Use ${c}`}
              style={{ background: c }}
              onClick={() => {
                apply(c, false);
                rememberColor(editor.ui, c);
              }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
