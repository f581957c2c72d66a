/** Layer-stack edits, each one undo step. */
import type { DocumentStore } from './document-store';
import type { PaletteDocument } from './document';

/** Move the layer `id` to bottom→top index `to`. */
export function moveLayer(store: DocumentStore<PaletteDocument>, id: string, to: number): void {
  const from = store.getState().layers.findIndex((l) => l.id === id);
  if (from < 0 || from === to) return;
  store.update(
    (d) => {
      const [layer] = d.layers.splice(from, 1);
      d.layers.splice(Math.max(0, Math.min(d.layers.length, to)), 0, layer);
    },
    { label: 'reorder' },
  );
}

/** Show or hide the layer `id`, one undo step. */
export function setLayerVisible(store: DocumentStore<PaletteDocument>, id: string, visible: boolean): void {
  store.update(
    (d) => {
      const layer = d.layers.find((l) => l.id === id);
      if (layer) layer.visible = visible;
    },
    { label: visible ? 'show' : 'hide' },
  );
}
