/**
 * Update masks from OpenRaster: paint the regions in Krita (or GIMP, MyPaint), keep the
 * prompts here. The file's layers are matched to the brushes by name; a matched brush gets
 * the layer's mask and keeps everything else (prompt, strengths, blur, visibility, colour).
 * Layers with no brush of their name may be added as new brushes. One undo step.
 */
import type { OraLayerWire, OraMasksWire } from '../../../shared/ipc/channels';
import type { DocumentStore } from './document-store';
import { createBrush, type PaletteDocument, type SemanticBrush } from './document';

export interface OraMaskPlan {
  /** brush id → the layer whose mask it takes */
  updates: Array<{ id: string; name: string; layer: OraLayerWire }>;
  /** brushes the file has no layer for: left as they are */
  unmatched: string[];
  /** layers of the file no brush is named after (bottom → top) */
  added: OraLayerWire[];
}

const key = (name: string): string => name.trim();

/**
 * Names are compared trimmed, exactly first and then ignoring case; several brushes of one
 * name take that name's layers in stacking order (top first, as both lists are read).
 */
export function planOraMasks(layers: readonly SemanticBrush[], file: readonly OraLayerWire[]): OraMaskPlan {
  const brushesTop = [...layers].reverse();
  const fileTop = [...file].reverse();
  const taken = new Set<string>();
  const used = new Set<OraLayerWire>();
  const updates: OraMaskPlan['updates'] = [];
  for (const same of [(a: string, b: string) => a === b, (a: string, b: string) => a.toLowerCase() === b.toLowerCase()]) {
    for (const layer of fileTop) {
      if (used.has(layer)) continue;
      const brush = brushesTop.find((b) => !taken.has(b.id) && same(key(b.name), key(layer.name).slice(0, 200)));
      if (!brush) continue;
      taken.add(brush.id);
      used.add(layer);
      updates.push({ id: brush.id, name: brush.name, layer });
    }
  }
  return {
    updates,
    unmatched: brushesTop.filter((b) => !taken.has(b.id)).map((b) => b.name),
    added: file.filter((l) => !used.has(l)),
  };
}

/** A new brush from a file layer: named and prompted like the layer, its colour, opacity → mask strength. */
function brushFromLayer(doc: Pick<PaletteDocument, 'canvas' | 'layers'>, layer: OraLayerWire): SemanticBrush {
  const name = key(layer.name).slice(0, 200);
  return createBrush(doc, {
    ...(name ? { name } : {}),
    prompt: key(layer.name),
    ...(layer.color ? { color: layer.color } : {}),
    maskStrength: layer.opacity,
    visible: layer.visible,
    mask: layer.mask,
  });
}

/** Applies the plan as one undo step; new layers go on top, in the file's order. Returns the new brushes' ids. */
export function applyOraMasks(store: DocumentStore<PaletteDocument>, plan: OraMaskPlan, options: { addNew: boolean }): string[] {
  const doc = store.getState();
  const fresh: SemanticBrush[] = [];
  if (options.addNew) {
    for (const layer of plan.added) fresh.push(brushFromLayer({ canvas: doc.canvas, layers: [...doc.layers, ...fresh] }, layer));
  }
  store.update(
    (d) => {
      for (const u of plan.updates) {
        const brush = d.layers.find((l) => l.id === u.id);
        if (brush) brush.mask = u.layer.mask;
      }
      d.layers.push(...fresh);
    },
    { label: 'update masks from OpenRaster' },
  );
  return fresh.map((b) => b.id);
}

/** What the dialog shows until the user decides. */
export interface PendingOraMasks {
  file: string;
  plan: OraMaskPlan;
  notes: string[];
}

/** The file's masks fit this document (same canvas); otherwise they were read for another one. */
export function fitsDocument(doc: PaletteDocument, masks: OraMasksWire): boolean {
  return masks.canvas.width === doc.canvas.width && masks.canvas.height === doc.canvas.height;
}
