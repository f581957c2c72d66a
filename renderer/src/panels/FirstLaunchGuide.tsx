/**
 * The first-launch guide, over the brush list it points at: three steps, what the built-in
 * model can paint, and the way to a real one. Dismissed once, it stays away (app settings);
 * Help → Getting started brings it back.
 */
import { useEditor, useUi } from '../hooks';
import { pushToast } from '../store/ui-store';

export function FirstLaunchGuide() {
  const editor = useEditor();
  const ui = useUi();
  if (!ui.guideOpen) return null;
  const builtIn = !ui.status?.modelId || ui.status.modelId === 'palette-colors';
  const dismiss = () => {
    editor.ui.set({ guideOpen: false });
    editor.api.settings.set({ guideDismissed: true }).catch((e: unknown) => pushToast(editor.ui, 'warning', `The guide could not be marked as read: ${String(e)}`));
  };
  return (
    <section className="guide" data-testid="first-launch-guide" aria-label="Getting started">
      <h2>Getting started</h2>
      <ol>
        <li>
          <strong>Pick a brush</strong> in the list below, or add one. Each brush is a region of the picture.
        </li>
        <li>
          <strong>Say what it paints</strong>: type it in the brush's <em>Prompt</em>.
        </li>
        <li>
          <strong>Paint</strong> on the canvas (left): the output (right) follows as you paint.
        </li>
      </ol>
      <p className="guide-model" data-testid="guide-model-note">
        The built-in model{builtIn ? ', the one running now,' : ''} paints <strong>colour words only</strong> (“red”, “blue sky”, “sand”), not objects or
        styles. For real pictures, add a Stable Diffusion model.
      </p>
      <div className="actions">
        <button type="button" data-testid="guide-models" onClick={() => editor.ui.set({ modelsOpen: true })}>
          Models…
        </button>
        <button type="button" className="primary" data-testid="guide-dismiss" onClick={dismiss}>
          Got it
        </button>
      </div>
    </section>
  );
}
