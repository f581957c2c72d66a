/**
 * The semantic brushes: listed top layer first (as painters read a layer stack), with
 * add, remove, reorder by drag (or the arrow buttons), hide and select; the selected brush's
 * fields are edited below the list.
 */
import { useState } from 'react';
import { useDocument, useEditor, useUi } from '../hooks';
import { createBrush, duplicateBrush, type PaletteDocument } from '../store/document';
import { MaskThumb } from './MaskThumb';
import { ColorField } from './ColorField';
import { MAX_LAYERS } from '../../../shared/document/limits';
import { Section, SliderField, TextField } from './fields';
import { fillLayer } from '../tools/brush-tool';
import { moveLayer } from '../store/layer-ops';

export function BrushesPanel() {
  const editor = useEditor();
  const doc = useDocument();
  const ui = useUi();
  const [dragId, setDragId] = useState<string | null>(null);
  const store = editor.doc;
  const topFirst = [...doc.layers].reverse();
  const select = (id: string) => editor.ui.set({ selectedLayerId: id });

  const add = () => {
    const brush = createBrush(store.getState());
    store.update((d) => void d.layers.push(brush), { label: 'add brush' });
    select(brush.id);
  };

  const duplicate = (id: string) => {
    const state = store.getState();
    const at = state.layers.findIndex((l) => l.id === id);
    if (at < 0 || state.layers.length >= MAX_LAYERS) return;
    const copy = duplicateBrush(state, state.layers[at]);
    store.update((d) => void d.layers.splice(at + 1, 0, copy), { label: 'duplicate brush' });
    select(copy.id);
  };

  return (
    <Section title="Semantic brushes" testId="brushes-panel">
      <ol className="brush-list" data-testid="brush-list">
        {topFirst.map((layer) => {
          const index = doc.layers.indexOf(layer);
          const selected = layer.id === ui.selectedLayerId;
          return (
            <li
              key={layer.id}
              className={`brush-row${selected ? ' selected' : ''}${layer.visible ? '' : ' hidden'}${dragId === layer.id ? ' dragging' : ''}`}
              data-testid="brush-row"
              data-layer-id={layer.id}
              data-name={layer.name}
              data-visible={layer.visible}
              aria-selected={selected}
              draggable
              onClick={() => select(layer.id)}
              onDragStart={(e) => {
                setDragId(layer.id);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', layer.id);
              }}
              onDragEnd={() => setDragId(null)}
              onDragOver={(e) => {
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
              }}
              onDrop={(e) => {
                e.preventDefault();
                const id = e.dataTransfer.getData('text/plain') || dragId;
                setDragId(null);
                if (id) moveLayer(store, id, index);
              }}
            >
              <button
                type="button"
                className="icon"
                data-testid="brush-visible"
                aria-pressed={layer.visible}
                title={layer.visible ? 'Hide' : 'Show'}
                onClick={(e) => {
                  e.stopPropagation();
                  store.update((d) => void (d.layers[index].visible = !layer.visible), { label: layer.visible ? 'hide' : 'show' });
                }}
              >
                {layer.visible ? '◉' : '○'}
              </button>
              <MaskThumb mask={layer.mask} width={doc.canvas.width} height={doc.canvas.height} color={layer.color} />
              <span className="brush-name" data-testid="brush-name-label">
                {layer.name}
              </span>
              <span className="brush-prompt">{layer.prompt}</span>
              <button type="button" className="icon" data-testid="brush-up" title="Move up" disabled={index === doc.layers.length - 1} onClick={(e) => (e.stopPropagation(), moveLayer(store, layer.id, index + 1))}>
                ▲
              </button>
              <button type="button" className="icon" data-testid="brush-down" title="Move down" disabled={index === 0} onClick={(e) => (e.stopPropagation(), moveLayer(store, layer.id, index - 1))}>
                ▼
              </button>
              <button type="button" className="icon" data-testid="brush-duplicate" title="Duplicate" disabled={doc.layers.length >= MAX_LAYERS} onClick={(e) => (e.stopPropagation(), duplicate(layer.id))}>
                ❐
              </button>
              <button
                type="button"
                className="icon"
                data-testid="brush-remove"
                title="Remove"
                onClick={(e) => {
                  e.stopPropagation();
                  store.update((d) => void d.layers.splice(index, 1), { label: 'remove brush' });
                }}
              >
                ✕
              </button>
            </li>
          );
        })}
      </ol>
      <button type="button" data-testid="brush-add" onClick={add} disabled={doc.layers.length >= MAX_LAYERS}>
        + Add brush
      </button>
      <BrushEditor />
    </Section>
  );
}

function BrushEditor() {
  const editor = useEditor();
  const doc = useDocument();
  const ui = useUi();
  const index = doc.layers.findIndex((l) => l.id === ui.selectedLayerId);
  if (index < 0) return <p className="hint">Add a brush to start painting.</p>;
  const layer = doc.layers[index];
  const key = (field: string) => `${field}:${layer.id}`;
  const at = (d: PaletteDocument) => d.layers.find((l) => l.id === layer.id);
  return (
    <div className="brush-editor" data-testid="brush-editor" data-layer-id={layer.id}>
      <div className="row">
        <TextField label="Name" testId="brush-name" value={layer.name} mark={key('rename')} apply={(d, v) => void (at(d)!.name = v)} />
        <ColorField value={layer.color} apply={(v, coalesce) => editor.doc.update((d) => void (at(d as PaletteDocument)!.color = v), { label: 'colour', coalesce: coalesce ? key('colour') : undefined })} />
      </div>
      <TextField label="Prompt" testId="brush-prompt" multiline value={layer.prompt} mark={key('prompt')} apply={(d, v) => void (at(d)!.prompt = v)} placeholder="what this region shows" tokens />
      <TextField label="Negative prompt" testId="brush-negative" multiline value={layer.negativePrompt} mark={key('negative')} apply={(d, v) => void (at(d)!.negativePrompt = v)} tokens />
      <SliderField label="Prompt strength" testId="brush-prompt-strength" min={0} max={1} step={0.01} value={layer.promptStrength} mark={key('prompt strength')} apply={(d, v) => void (at(d)!.promptStrength = v)} format={(v) => v.toFixed(2)} />
      <SliderField label="Mask strength" testId="brush-mask-strength" min={0} max={1} step={0.01} value={layer.maskStrength} mark={key('mask strength')} apply={(d, v) => void (at(d)!.maskStrength = v)} format={(v) => v.toFixed(2)} />
      <SliderField label="Mask blur" testId="brush-mask-blur" min={0} max={64} step={1} value={layer.maskBlur} mark={key('mask blur')} apply={(d, v) => void (at(d)!.maskBlur = v)} format={(v) => `${v} px`} />
      <div className="row">
        <button type="button" data-testid="layer-fill" onClick={() => fillLayer(editor.doc, layer.id, 255)}>
          Fill layer
        </button>
        <button type="button" data-testid="layer-clear" onClick={() => fillLayer(editor.doc, layer.id, 0)}>
          Clear layer
        </button>
      </div>
    </div>
  );
}
