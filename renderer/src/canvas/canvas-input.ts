/**
 * Pointer input on the painting canvas, routed to the current tool in document pixels:
 * only the primary button paints (with pointer capture, so a stroke that leaves the canvas
 * still ends on release); pen pressure comes with every sample, and the coalesced samples
 * of each move are all used, so fast strokes stay smooth. Right-click or Alt+click picks
 * the brush under the cursor. Pans are taken before this (navigation.ts, capture phase).
 */
import type { Editor } from '../editor';
import { pushToast } from '../store/ui-store';
import { bucketFill } from '../tools/region-tools';
import { brushAt } from '../tools/regions';
import { screenToDoc } from './view';

export interface CanvasInputHooks {
  /** the pointer is at document point (x, y); null when it left the canvas */
  hover(at: { x: number; y: number } | null): void;
}

/** Pressure 0..1 of a sample: a pen's own; a mouse (0.5 while pressed, by the spec) counts as full. */
export function samplePressure(e: Pick<PointerEvent, 'pointerType' | 'pressure'>): number {
  return e.pointerType === 'pen' || e.pointerType === 'touch' ? e.pressure : 1;
}

/** Capture the pointer so a stroke that leaves the canvas still ends on release (synthetic pointers can't be captured). */
function capture(el: HTMLElement, pointerId: number): void {
  try {
    el.setPointerCapture(pointerId);
  } catch {
    // not an active pointer (a synthetic event): the window's pointerup listener still ends the stroke
  }
}

/** Pick the top-most visible brush with paint under (x, y). */
export function pickBrushAt(editor: Editor, x: number, y: number): void {
  const doc = editor.doc.getState();
  const id = brushAt(doc, x, y);
  if (!id) {
    pushToast(editor.ui, 'info', 'No visible brush has paint here: the background shows through.');
    return;
  }
  editor.ui.set({ selectedLayerId: id });
}

/** The brush a tool would change, or null after saying why it can't (none, or hidden). */
function paintableLayer(editor: Editor): string | null {
  const id = editor.ui.getState().selectedLayerId;
  const layer = editor.doc.getState().layers.find((l) => l.id === id);
  if (!layer) {
    pushToast(editor.ui, 'warning', 'No brush is selected: add or pick a brush to paint with.');
    return null;
  }
  if (!layer.visible) {
    pushToast(editor.ui, 'warning', `"${layer.name}" is hidden, so painting on it would change nothing you can see. Show it (the eye in the brush list) to paint on it.`);
    return null;
  }
  return layer.id;
}

export function attachCanvasInput(editor: Editor, el: HTMLElement, hooks: CanvasInputHooks): () => void {
  let active: number | null = null;

  const docPoint = (e: { clientX: number; clientY: number }) => {
    const rect = el.getBoundingClientRect();
    return screenToDoc(editor.ui.getState(), e.clientX - rect.left, e.clientY - rect.top);
  };

  const onDown = (e: PointerEvent) => {
    const p = docPoint(e);
    if (e.button === 2 || (e.button === 0 && e.altKey)) {
      e.preventDefault();
      pickBrushAt(editor, p.x, p.y);
      return;
    }
    // only the primary button (pen tip, left mouse button) paints; one pointer at a time
    if (e.button !== 0 || active !== null) return;
    e.preventDefault();
    const layerId = paintableLayer(editor);
    if (!layerId) return;
    const tool = editor.ui.getState().tool;
    if (tool === 'bucket') {
      bucketFill(editor.doc, layerId, p.x, p.y);
      return;
    }
    active = e.pointerId;
    capture(el, e.pointerId);
    if (tool === 'lasso' || tool === 'rectangle') editor.shapes.begin(tool, layerId, p.x, p.y);
    else editor.tool.pointerDown(p.x, p.y, samplePressure(e));
  };

  const onMove = (e: PointerEvent) => {
    const p = docPoint(e);
    hooks.hover(p);
    if (active !== e.pointerId) return;
    if (editor.shapes.active) {
      editor.shapes.move(p.x, p.y);
      return;
    }
    if (!editor.tool.drawing) return;
    const samples = e.getCoalescedEvents?.() ?? [];
    for (const s of samples.length > 0 ? samples : [e]) {
      const q = docPoint(s);
      editor.tool.pointerMove(q.x, q.y, samplePressure(s));
    }
  };

  const onUp = (e: PointerEvent) => {
    if (active !== e.pointerId) return;
    active = null;
    if (el.hasPointerCapture?.(e.pointerId)) el.releasePointerCapture(e.pointerId);
    if (editor.shapes.active) editor.shapes.end();
    else editor.tool.pointerUp();
  };

  const onLeave = () => hooks.hover(null);
  const onContextMenu = (e: Event) => e.preventDefault();

  el.addEventListener('pointerdown', onDown);
  el.addEventListener('pointermove', onMove);
  // on the window: a release anywhere ends the stroke, captured or not (a second call is a no-op)
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onUp);
  el.addEventListener('pointerleave', onLeave);
  el.addEventListener('contextmenu', onContextMenu);
  return () => {
    el.removeEventListener('pointerdown', onDown);
    el.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onUp);
    el.removeEventListener('pointerleave', onLeave);
    el.removeEventListener('contextmenu', onContextMenu);
  };
}
