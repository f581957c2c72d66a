/**
 * Generation settings shared by the whole palette: seed, steps, guidance, noise, canvas
 * size and model.
 */
import { useDocument, useEditor, useUi } from '../hooks';
import { Section, SliderField } from './fields';
import { tIndexListForSteps, type NoiseMode } from '../store/document';
import { resizeCanvas } from '../background';
import { switchModel } from '../editor';
import { ModelsPanel } from './ModelsPanel';

const CANVAS_SIDES = [256, 384, 512, 640, 768, 1024];

export function GlobalPanel() {
  const editor = useEditor();
  const doc = useDocument();
  const ui = useUi();
  const store = editor.doc;
  const progress = ui.modelProgress;
  // the loaded model's family defaults (ENGINE-SPEC §9); a null guidance scale follows them
  const defaults = ui.status?.modelDefaults ?? null;
  const guidanceScale = doc.settings.guidanceScale ?? defaults?.guidanceScale ?? 1;
  const sameSteps = !!defaults && defaults.tIndexList.length === doc.settings.tIndexList.length &&
    defaults.tIndexList.every((t, i) => t === doc.settings.tIndexList[i]);

  const setCanvas = (width: number, height: number) => resizeCanvas(editor, width, height);

  return (
    <Section title="Generation" testId="global-panel">
      <div className="row">
        <label className="field">
          <span className="field-label">Seed</span>
          <input
            type="number"
            data-testid="seed"
            min={0}
            max={4294967295}
            value={doc.seed}
            title="Type a seed to repeat a picture (typing locks it)"
            onChange={(e) => {
              const v = Math.max(0, Math.min(0xffffffff, Math.floor(Number(e.currentTarget.value) || 0)));
              store.update((d) => void (d.seed = v), { label: 'seed', coalesce: 'seed' });
              // a typed seed is one the user wants to keep
              if (!ui.seedLocked) editor.ui.set({ seedLocked: true });
            }}
          />
        </label>
        <label className="field check" title="Locked: Generate keeps this seed. Unlocked: each Generate tries a new one.">
          <input type="checkbox" data-testid="seed-lock" checked={ui.seedLocked} onChange={(e) => editor.ui.set({ seedLocked: e.currentTarget.checked })} />
          Lock
        </label>
        <button
          type="button"
          data-testid="seed-new"
          onClick={() => {
            const seed = crypto.getRandomValues(new Uint32Array(1))[0];
            store.update((d) => void (d.seed = seed), { label: 'new seed' });
          }}
        >
          New seed
        </button>
      </div>
      <SliderField label="Steps" testId="steps" min={1} max={10} step={1} value={doc.settings.tIndexList.length} mark="steps" apply={(d, v) => void (d.settings.tIndexList = tIndexListForSteps(v))} />
      <div className="row">
        <label className="field">
          <span className="field-label">Guidance</span>
          <select
            data-testid="guidance-mode"
            value={doc.settings.guidance}
            onChange={(e) => {
              const v = e.currentTarget.value === 'full' ? 'full' : 'none';
              store.update((d) => void (d.settings.guidance = v), { label: 'guidance mode' });
            }}
          >
            <option value="none">none (LCM)</option>
            <option value="full">classifier-free</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Noise</span>
          <select
            data-testid="noise-mode"
            value={doc.settings.noise}
            onChange={(e) => {
              const v: NoiseMode = e.currentTarget.value === 'fresh' ? 'fresh' : 'fixed';
              store.update((d) => void (d.settings.noise = v), { label: 'noise mode' });
            }}
          >
            <option value="fixed">fixed (goes idle)</option>
            <option value="fresh">fresh every frame</option>
          </select>
        </label>
      </div>
      <SliderField
        label={doc.settings.guidanceScale === null ? 'Guidance scale (model default)' : 'Guidance scale'}
        testId="guidance-scale" min={0} max={15} step={0.1} value={guidanceScale} mark="guidance scale"
        apply={(d, v) => void (d.settings.guidanceScale = v)} format={(v) => v.toFixed(1)}
      />
      {defaults ? (
        <div className="row model-defaults" data-testid="model-defaults">
          <span className="hint">
            {defaults.familyLabel} defaults: {defaults.tIndexList.length} step{defaults.tIndexList.length === 1 ? '' : 's'}, guidance {defaults.guidanceScale.toFixed(1)}, {defaults.nativeSize} px
          </span>
          {sameSteps ? null : (
            <button type="button" data-testid="use-model-steps" onClick={() => store.update((d) => void (d.settings.tIndexList = [...defaults.tIndexList]), { label: 'model default steps' })}>
              Use its steps
            </button>
          )}
          {doc.settings.guidanceScale === null ? null : (
            <button type="button" data-testid="use-model-guidance" onClick={() => store.update((d) => void (d.settings.guidanceScale = null), { label: 'model default guidance' })}>
              Use its guidance
            </button>
          )}
        </div>
      ) : null}
      <div className="row">
        <SideField label="Width" testId="canvas-width" value={doc.canvas.width} onChange={(w) => setCanvas(w, doc.canvas.height)} />
        <SideField label="Height" testId="canvas-height" value={doc.canvas.height} onChange={(h) => setCanvas(doc.canvas.width, h)} />
      </div>
      <label className="field">
        <span className="field-label">Model</span>
        <select data-testid="model-picker" value={doc.modelId} disabled={!!progress || ui.status?.loading} onChange={(e) => void switchModel(editor, e.currentTarget.value)}>
          {ui.models.some((m) => m.id === doc.modelId) ? null : <option value={doc.modelId}>{doc.modelId} (not installed)</option>}
          {ui.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <ModelsPanel />
      {progress || ui.status?.loading ? (
        <div className="progress" data-testid="model-progress">
          <progress max={1} value={progress?.fraction ?? undefined} />
          <span>{progress ? `${progress.phase} ${Math.round(progress.fraction * 100)}%` : 'loading model…'}</span>
        </div>
      ) : null}
    </Section>
  );
}

/** one side of the canvas: the usual sizes, plus the current one if it is not among them */
function SideField(props: { label: string; testId: string; value: number; onChange: (side: number) => void }) {
  const sides = CANVAS_SIDES.includes(props.value) ? CANVAS_SIDES : [...CANVAS_SIDES, props.value].sort((a, b) => a - b);
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
        {sides.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </label>
  );
}
