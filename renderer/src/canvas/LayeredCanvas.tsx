/**
 * The painting surface: a Fabric canvas filling its viewport, holding the page (white), the
 * background image when there is one, optionally the live output, one raster image per
 * semantic brush (bottom → top, tinted with the brush colour), the outline of a lasso or
 * rectangle being drawn, and the brush outline. The view (zoom, pan) is the UI store's, shown
 * through Fabric's viewport transform, so input maps to document pixels with one formula.
 */
import { useEffect, useRef } from 'react';
import { Canvas, Circle, FabricImage, Rect, Shadow, type FabricObject } from 'fabric';
import { useDocument, useEditor, useUi } from '../hooks';
import { LayerRaster } from './layer-raster';
import type { PaletteDocument } from '../store/document';
import { attachNavigation, fitToView, observeViewport } from './navigation';
import { attachCanvasInput } from './canvas-input';
import './canvas.css';
import { setLayerVisible } from '../store/layer-ops';

/** strokes stay see-through, so the output under them and overlapping brushes can be read */
const LAYER_OPACITY = 0.65;
/** placed at the scene origin, drawn as is, never picked or cached */
const STILL = { selectable: false, evented: false, objectCaching: false, left: 0, top: 0, originX: 'left', originY: 'top' } as const;
/** two-tone outlines (a dark and a light ring) read on any background */
const RING = { ...STILL, fill: 'transparent', strokeWidth: 1, strokeUniform: true, originX: 'center', originY: 'center', visible: false } as const;

interface Scene {
  canvas: Canvas;
  width: number;
  height: number;
  page: Rect;
  layers: Map<string, { raster: LayerRaster; image: FabricImage }>;
  output: FabricImage;
  background: { raster: HTMLCanvasElement; image: FabricImage; source: Uint8Array | null };
  /** the lasso or rectangle being drawn (document pixels), or null */
  outline: Array<{ x: number; y: number }> | null;
  cursor: [Circle, Circle];
}

export function LayeredCanvas() {
  const editor = useEditor();
  const doc = useDocument();
  const ui = useUi();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<Scene | null>(null);
  const { width, height } = doc.canvas;
  const selected = doc.layers.find((l) => l.id === ui.selectedLayerId);

  // the view follows the viewport's size; a document opens fitted to it
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    const stopObserving = observeViewport(editor, viewport);
    const stopNavigation = attachNavigation(editor, viewport);
    const offReset = editor.doc.subscribe((e) => {
      if (e.cause === 'reset') fitToView(editor);
    });
    return () => {
      stopObserving();
      stopNavigation();
      offReset();
    };
  }, [editor]);

  // one Fabric canvas per document size
  useEffect(() => {
    const host = hostRef.current;
    const viewport = viewportRef.current;
    if (!host || !viewport) return;
    const el = document.createElement('canvas');
    el.dataset.testid = 'paint-canvas';
    host.appendChild(el);
    const view = editor.ui.getState();
    const canvas = new Canvas(el, {
      width: Math.max(1, view.viewSize.width),
      height: Math.max(1, view.viewSize.height),
      selection: false,
      enableRetinaScaling: false,
      renderOnAddRemove: false,
      skipTargetFind: true,
      defaultCursor: 'crosshair',
      hoverCursor: 'crosshair',
      freeDrawingCursor: 'crosshair',
    });
    const bgRaster = document.createElement('canvas');
    bgRaster.width = width;
    bgRaster.height = height;
    const scene: Scene = {
      canvas,
      width,
      height,
      page: new Rect({ ...STILL, width, height, fill: '#ffffff', strokeWidth: 0, shadow: new Shadow({ color: 'rgba(0, 0, 0, 0.3)', blur: 4, offsetY: 1 }) }),
      layers: new Map(),
      output: new FabricImage(editor.frameCanvas, { ...STILL, scaleX: width / editor.frameCanvas.width, scaleY: height / editor.frameCanvas.height }),
      background: { raster: bgRaster, image: new FabricImage(bgRaster, STILL), source: null },
      outline: null,
      cursor: [new Circle({ ...RING, stroke: '#ffffff' }), new Circle({ ...RING, stroke: '#000000' })],
    };
    sceneRef.current = scene;
    fitToView(editor);

    const stopInput = attachCanvasInput(editor, viewport, {
      hover: (at) => {
        const s = editor.ui.getState();
        const painting = s.tool === 'brush' || s.tool === 'eraser';
        const r = (s.tool === 'eraser' ? s.eraserSize : s.brushSize) / 2;
        // the light ring just outside the dark one, one screen pixel apart at any zoom
        const [light, dark] = scene.cursor;
        const visible = at !== null && painting;
        dark.set({ left: at?.x ?? 0, top: at?.y ?? 0, radius: r, visible });
        light.set({ left: at?.x ?? 0, top: at?.y ?? 0, radius: r + 1 / s.zoom, visible });
        canvas.requestRenderAll();
      },
    });

    const onOutline = (_kind: string, points: Array<{ x: number; y: number }> | null) => {
      scene.outline = points;
      canvas.requestRenderAll();
    };
    // the shape outline in screen pixels over everything: black dashes over white ones
    canvas.on('after:render', ({ ctx }) => {
      const pts = scene.outline;
      if (!pts || pts.length < 2) return;
      const { zoom, panX, panY } = editor.ui.getState();
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.beginPath();
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, Math.round(p.x * zoom + panX) + 0.5, Math.round(p.y * zoom + panY) + 0.5));
      ctx.closePath();
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.setLineDash([5, 5]);
      ctx.strokeStyle = '#000000';
      ctx.stroke();
      ctx.restore();
    });
    editor.onOutline.add(onOutline);

    const unStroke = (layerId: string, working: Uint8Array, dirty: { x: number; y: number; width: number; height: number }) => {
      const entry = scene.layers.get(layerId);
      if (!entry) return;
      entry.raster.draw(working, entry.raster.color, dirty);
      canvas.requestRenderAll();
    };
    editor.onStroke.add(unStroke);
    const onFrame = () => {
      scene.output.set({ scaleX: width / editor.frameCanvas.width, scaleY: height / editor.frameCanvas.height });
      if (editor.ui.getState().outputUnder) canvas.requestRenderAll();
    };
    editor.onFrame.add(onFrame);

    syncScene(scene, editor.doc.getState(), editor.ui.getState());
    return () => {
      editor.tool.cancel();
      editor.shapes.cancel();
      stopInput();
      editor.onStroke.delete(unStroke);
      editor.onOutline.delete(onOutline);
      editor.onFrame.delete(onFrame);
      sceneRef.current = null;
      // Take exactly this canvas's DOM out now: dispose() finishes asynchronously, after the
      // next size's canvas is already in the host, so clearing the host then would remove it.
      const wrapper = canvas.wrapperEl;
      wrapper.remove();
      void canvas.dispose().then(() => el.remove());
    };
  }, [editor, width, height]);

  useEffect(() => {
    const scene = sceneRef.current;
    if (scene) syncScene(scene, doc, ui);
  }, [doc, ui.outputUnder, ui.outputOpacity]);

  useEffect(() => {
    const scene = sceneRef.current;
    if (!scene) return;
    const { width: vw, height: vh } = ui.viewSize;
    if (vw > 0 && vh > 0 && (scene.canvas.width !== vw || scene.canvas.height !== vh)) scene.canvas.setDimensions({ width: vw, height: vh });
    scene.canvas.setViewportTransform([ui.zoom, 0, 0, ui.zoom, ui.panX, ui.panY]);
    scene.canvas.requestRenderAll();
  }, [ui.zoom, ui.panX, ui.panY, ui.viewSize, width, height]);

  useEffect(() => {
    if (ui.fitRequest > 0) fitToView(editor);
  }, [ui.fitRequest, editor]);

  return (
    <div className={`viewport paint${ui.spaceHeld ? ' space-pan' : ''}`} ref={viewportRef} data-testid="canvas-viewport">
      <div className="paint-host" ref={hostRef} data-testid="paint-view" data-zoom={ui.zoom} data-pan-x={ui.panX} data-pan-y={ui.panY} />
      {selected && !selected.visible ? (
        <div className="canvas-hint" data-testid="hidden-brush-hint" role="status">
          “{selected.name}” is hidden: painting on it is off.
          <button type="button" data-testid="hidden-brush-show" onClick={() => setLayerVisible(editor.doc, selected.id, true)}>
            Show it
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Bring the Fabric objects in line with the document: order, visibility, pixels that changed. */
function syncScene(scene: Scene, doc: PaletteDocument, ui: { outputUnder: boolean; outputOpacity: number }): void {
  const objects: FabricObject[] = [scene.page];

  const bg = scene.background;
  if (doc.background.image !== bg.source) {
    bg.source = doc.background.image;
    const ctx = bg.raster.getContext('2d');
    if (ctx && bg.source && bg.source.length === scene.width * scene.height * 4) {
      ctx.putImageData(new ImageData(new Uint8ClampedArray(bg.source), scene.width, scene.height), 0, 0);
    }
  }
  if (bg.source) objects.push(bg.image);
  if (ui.outputUnder) {
    scene.output.set({ opacity: ui.outputOpacity });
    objects.push(scene.output);
  }

  const alive = new Set<string>();
  for (const layer of doc.layers) {
    alive.add(layer.id);
    let entry = scene.layers.get(layer.id);
    if (!entry) {
      const raster = new LayerRaster(scene.width, scene.height);
      const image = new FabricImage(raster.element, { ...STILL, opacity: LAYER_OPACITY });
      entry = { raster, image };
      scene.layers.set(layer.id, entry);
    }
    if (entry.raster.mask !== layer.mask || entry.raster.color !== layer.color) entry.raster.draw(layer.mask, layer.color);
    entry.image.set({ visible: layer.visible });
    objects.push(entry.image);
  }
  for (const id of [...scene.layers.keys()]) if (!alive.has(id)) scene.layers.delete(id);
  objects.push(...scene.cursor);

  const current = scene.canvas.getObjects();
  if (current.length !== objects.length || current.some((o, i) => o !== objects[i])) {
    scene.canvas.remove(...current);
    scene.canvas.add(...objects);
  }
  scene.canvas.requestRenderAll();
}
