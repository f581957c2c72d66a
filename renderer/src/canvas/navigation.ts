/**
 * Moving the view the way paint programs do: the wheel scrolls (Shift+wheel sideways),
 * Ctrl/Cmd+wheel and trackpad pinch (a wheel event with ctrlKey) zoom at the cursor,
 * Space+drag and middle-drag pan. One view in the UI store, so the painting canvas and the
 * output view always show the same part of the document at the same zoom.
 */
import type { Editor } from '../editor';
import { fitView, keepInView, zoomAround, type View } from './view';

function setView(editor: Editor, next: View): void {
  const { canvas } = editor.doc.getState();
  const { viewSize } = editor.ui.getState();
  editor.ui.set(viewSize.width > 0 ? keepInView(next, canvas, viewSize) : next);
}

export function panBy(editor: Editor, dx: number, dy: number): void {
  const s = editor.ui.getState();
  setView(editor, { zoom: s.zoom, panX: s.panX + dx, panY: s.panY + dy });
}

/** Zoom by `factor` keeping the document point under viewport point (sx, sy) in place. */
export function zoomAt(editor: Editor, factor: number, sx: number, sy: number): void {
  setView(editor, zoomAround(editor.ui.getState(), factor, sx, sy));
}

export function fitToView(editor: Editor): void {
  const { viewSize } = editor.ui.getState();
  if (viewSize.width <= 0 || viewSize.height <= 0) return;
  editor.ui.set(fitView(editor.doc.getState().canvas, viewSize));
}

const sameView = (a: View, b: View) => a.zoom === b.zoom && a.panX === b.panX && a.panY === b.panY;

/** Wheel notches and pinch deltas to a zoom factor: one mouse notch (100 px) ≈ ×1.22. */
export function wheelZoomFactor(e: Pick<WheelEvent, 'deltaY' | 'deltaMode'>): number {
  const dy = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, dy)) * 0.002);
}

export interface NavigationOptions {
  /** a plain left drag pans too (the output view, where there is nothing to paint) */
  leftDragPans?: boolean;
}

/**
 * Wheel and pan-drag handling on a viewport element. Runs in the capture phase, so a pan
 * never reaches the painting tools underneath.
 */
export function attachNavigation(editor: Editor, el: HTMLElement, options: NavigationOptions = {}): () => void {
  let pan: { id: number; x: number; y: number } | null = null;

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const rect = el.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      zoomAt(editor, wheelZoomFactor(e), e.clientX - rect.left, e.clientY - rect.top);
      return;
    }
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
    let dx = e.deltaX * unit;
    let dy = e.deltaY * unit;
    if (e.shiftKey && dx === 0) [dx, dy] = [dy, 0];
    panBy(editor, -dx, -dy);
  };

  const onDown = (e: PointerEvent) => {
    const wantsPan = e.button === 1 || (e.button === 0 && (editor.ui.getState().spaceHeld || options.leftDragPans));
    if (!wantsPan || pan) return;
    e.preventDefault();
    e.stopPropagation();
    pan = { id: e.pointerId, x: e.clientX, y: e.clientY };
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // a synthetic pointer: the pan still follows the events sent to this element
    }
    el.classList.add('panning');
  };
  const onMove = (e: PointerEvent) => {
    if (!pan || e.pointerId !== pan.id) return;
    e.stopPropagation();
    panBy(editor, e.clientX - pan.x, e.clientY - pan.y);
    pan = { id: pan.id, x: e.clientX, y: e.clientY };
  };
  const onUp = (e: PointerEvent) => {
    if (!pan || e.pointerId !== pan.id) return;
    e.stopPropagation();
    pan = null;
    el.classList.remove('panning');
    if (el.hasPointerCapture?.(e.pointerId)) el.releasePointerCapture(e.pointerId);
  };
  // a middle click must not start the browser's autoscroll
  const onAux = (e: MouseEvent) => {
    if (e.button === 1) e.preventDefault();
  };

  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('pointerdown', onDown, true);
  el.addEventListener('pointermove', onMove, true);
  el.addEventListener('pointerup', onUp, true);
  el.addEventListener('pointercancel', onUp, true);
  el.addEventListener('mousedown', onAux);
  return () => {
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('pointerdown', onDown, true);
    el.removeEventListener('pointermove', onMove, true);
    el.removeEventListener('pointerup', onUp, true);
    el.removeEventListener('pointercancel', onUp, true);
    el.removeEventListener('mousedown', onAux);
  };
}

/**
 * Keep the store's viewport size current; the first measurement fits the document, and a view
 * still fitted stays fitted when the WINDOW is resized (Krita's habit). A viewport that changes
 * inside the same window (a message strip appearing) leaves the view where it is, so the
 * picture never jumps under the pen; nor is anything refitted during a stroke.
 */
export function observeViewport(editor: Editor, el: HTMLElement): () => void {
  let windowSize = `${window.innerWidth}x${window.innerHeight}`;
  const measure = () => {
    const size = { width: el.clientWidth, height: el.clientHeight };
    const state = editor.ui.getState();
    const prev = state.viewSize;
    if (size.width === prev.width && size.height === prev.height) return;
    const nowWindow = `${window.innerWidth}x${window.innerHeight}`;
    const windowResized = nowWindow !== windowSize;
    windowSize = nowWindow;
    const unmeasured = prev.width <= 0 || prev.height <= 0;
    const fitted = unmeasured || (windowResized && !editor.strokeInProgress && sameView(state, fitView(editor.doc.getState().canvas, prev)));
    editor.ui.set({ viewSize: size });
    if (fitted) fitToView(editor);
  };
  measure();
  const ro = new ResizeObserver(measure);
  ro.observe(el);
  return () => ro.disconnect();
}
