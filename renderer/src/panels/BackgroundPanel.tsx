/**
 * The background: what fills the canvas where no brush paints. With an image dropped on it
 * the engine inpaints around the image; without one it creates from the background prompt.
 */
import { useState } from 'react';
import { useDocument, useEditor } from '../hooks';
import { Section, TextField } from './fields';
import { backgroundFromFile, dragHasFiles } from '../background';

export function BackgroundPanel() {
  const editor = useEditor();
  const doc = useDocument();
  const [over, setOver] = useState(false);
  const mode = doc.background.image ? 'inpainting' : 'creation';

  const useFile = (file: File | undefined) => backgroundFromFile(editor, file);

  return (
    <Section title="Background" testId="background-panel">
      <TextField label="Prompt" testId="background-prompt" multiline value={doc.background.prompt} mark="background prompt" apply={(d, v) => void (d.background.prompt = v)} tokens />
      <TextField label="Negative prompt" testId="background-negative" multiline value={doc.background.negativePrompt} mark="background negative" apply={(d, v) => void (d.background.negativePrompt = v)} tokens />
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="background-drop"
        onDragOver={(e) => {
          if (!dragHasFiles(e)) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void useFile(e.dataTransfer.files[0]);
        }}
      >
        <span>
          Mode: <strong data-testid="background-mode">{mode}</strong>
        </span>
        <span className="hint">{doc.background.image ? 'Inpainting around the background image.' : 'Drop an image here to inpaint over it.'}</span>
        <label className="file-button">
          Choose image…
          <input type="file" accept="image/*" data-testid="background-file" onChange={(e) => void useFile(e.currentTarget.files?.[0])} />
        </label>
        <button
          type="button"
          data-testid="background-remove"
          disabled={!doc.background.image}
          onClick={() => editor.doc.update((d) => void (d.background.image = null), { label: 'remove background image' })}
        >
          Remove image
        </button>
      </div>
    </Section>
  );
}
