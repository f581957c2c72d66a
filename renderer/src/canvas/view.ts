/**
 * The view onto the document, shared by the painting canvas and the output view: a zoom and
 * the screen position of the document's top-left corner inside the viewport (pan). Pure math,
 * so "the point under the cursor stays under it" is one formula, tested without a browser.
 */

export interface View {
  zoom: number;
  panX: number;
  panY: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 32;
/** screen pixels kept free around a fitted document */
const FIT_MARGIN = 16;

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The document point (document pixels) shown at viewport point (sx, sy). */
export function screenToDoc(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.panX) / view.zoom, y: (sy - view.panY) / view.zoom };
}

/** Zoom by `factor` keeping the document point under viewport point (sx, sy) where it is. */
export function zoomAround(view: View, factor: number, sx: number, sy: number): View {
  const zoom = clampZoom(view.zoom * factor);
  const k = zoom / view.zoom;
  return { zoom, panX: sx - (sx - view.panX) * k, panY: sy - (sy - view.panY) * k };
}

/** The whole document, centred, as large as the viewport allows. */
export function fitView(doc: Size, viewport: Size): View {
  const w = Math.max(1, viewport.width - 2 * FIT_MARGIN);
  const h = Math.max(1, viewport.height - 2 * FIT_MARGIN);
  // a little under the exact fit, so rounding never shows a scrollbar's worth of overflow
  const zoom = clampZoom(Math.floor(Math.min(w / doc.width, h / doc.height) * 1000) / 1000);
  return { zoom, panX: Math.round((viewport.width - doc.width * zoom) / 2), panY: Math.round((viewport.height - doc.height * zoom) / 2) };
}

/**
 * Keep at least `keep` screen pixels of the document inside the viewport, so a pan or zoom
 * can never lose the document off screen.
 */
export function keepInView(view: View, doc: Size, viewport: Size, keep = 48): View {
  const w = doc.width * view.zoom;
  const h = doc.height * view.zoom;
  const kx = Math.min(keep, w, viewport.width);
  const ky = Math.min(keep, h, viewport.height);
  return {
    zoom: view.zoom,
    panX: Math.min(viewport.width - kx, Math.max(kx - w, view.panX)),
    panY: Math.min(viewport.height - ky, Math.max(ky - h, view.panY)),
  };
}

/**
 * Where a picture of `picture`'s size is shown in the document's box on screen (CSS pixels, the
 * box at pan with the view's zoom): the document's own size fills the box; a picture of another
 * size (a past frame from before a resize, a frame still of the old size) keeps its proportions,
 * fitted inside the box and centred, instead of being stretched to it.
 */
export function pictureBox(view: View, doc: Size, picture: Size): { x: number; y: number; width: number; height: number } {
  const box = { x: view.panX, y: view.panY, width: doc.width * view.zoom, height: doc.height * view.zoom };
  if (picture.width <= 0 || picture.height <= 0 || (picture.width === doc.width && picture.height === doc.height)) return box;
  const s = Math.min(doc.width / picture.width, doc.height / picture.height);
  const width = picture.width * s * view.zoom;
  const height = picture.height * s * view.zoom;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}
