/**
 * The painting surface: a Fabric canvas holding one raster image per semantic brush (bottom
 * → top, tinted with the brush colour), optionally the live output under them, and the
 * background image when there is one. Pointer input goes to the brush tool in document
 * pixels (Fabric's scene coordinates, so zoom needs no arithmetic here).
 */
import { useEffect, useRef } from 'react';
import { Canvas, Circle, FabricImage, type FabricObject } from 'fabric';
import { useDocument, useEditor, useUi } from '../hooks';
import { LayerRaster } from './layer-raster';
import { MAX_ZOOM, MIN_ZOOM } from '../store/ui-store';
import type { PaletteDocument } from '../store/document';

/** strokes stay see-through, so the output under them and overlapping brushes can be read */
const LAYER_OPACITY = 0.65;
/** placed at the scene origin, drawn as is, never picked or cached */
const STILL = { selectable: false, evented: false, objectCaching: false, left: 0, top: 0, originX: 'left', originY: 'top' } as const;

interface Scene {
  canvas: Canvas;
  width: number;
  height: number;
  layers: Map<string, { raster: LayerRaster; image: FabricImage }>;
  output: FabricImage;
  background: { raster: HTMLCanvasElement; image: FabricImage; source: Uint8Array | null };
  cursor: Circle;
}

export function LayeredCanvas() {
  const editor = useEditor();
  const doc = useDocument();
  const ui = useUi();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<Scene | null>(null);
  const { width, height } = doc.canvas;

  // one Fabric canvas per document size
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const el = document.createElement('canvas');
    el.dataset.testid = 'paint-canvas';
    host.appendChild(el);
    const canvas = new Canvas(el, {
      width,
      height,
      selection: false,
      enableRetinaScaling: false,
      renderOnAddRemove: false,
      skipTargetFind: true,
      backgroundColor: '#ffffff',
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
      layers: new Map(),
      output: new FabricImage(editor.frameCanvas, { ...STILL, scaleX: width / editor.frameCanvas.width, scaleY: height / editor.frameCanvas.height }),
      background: { raster: bgRaster, image: new FabricImage(bgRaster, STILL), source: null },
      cursor: new Circle({ ...STILL, radius: 10, fill: 'transparent', stroke: '#222', strokeWidth: 1, strokeUniform: true, originX: 'center', originY: 'center', visible: false }),
    };
    sceneRef.current = scene;

    const tool = editor.tool;
    canvas.on('mouse:down', ({ scenePoint }) => tool.pointerDown(scenePoint.x, scenePoint.y));
    canvas.on('mouse:move', ({ scenePoint }) => {
      tool.pointerMove(scenePoint.x, scenePoint.y);
      const s = editor.ui.getState();
      scene.cursor.set({ left: scenePoint.x, top: scenePoint.y, radius: (s.tool === 'brush' ? s.brushSize : s.eraserSize) / 2, visible: true });
      canvas.requestRenderAll();
    });
    canvas.on('mouse:up', () => tool.pointerUp());
    canvas.on('mouse:out', () => {
      scene.cursor.set({ visible: false });
      canvas.requestRenderAll();
    });
    // a stroke that leaves the canvas still ends when the button is released
    const up = () => tool.pointerUp();
    window.addEventListener('pointerup', up);

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
      tool.cancel();
      window.removeEventListener('pointerup', up);
      editor.onStroke.delete(unStroke);
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
    scene.canvas.setDimensions({ width: Math.round(width * ui.zoom), height: Math.round(height * ui.zoom) });
    scene.canvas.setZoom(ui.zoom);
    scene.canvas.requestRenderAll();
  }, [ui.zoom, width, height]);

  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport || ui.fitRequest === 0) return;
    const z = Math.min((viewport.clientWidth - 16) / width, (viewport.clientHeight - 16) / height);
    editor.ui.set({ zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(z * 1000) / 1000)) });
  }, [ui.fitRequest, editor, width, height]);

  return (
    <div className="viewport" ref={viewportRef} data-testid="canvas-viewport">
      <div className="paint-host" ref={hostRef} data-zoom={ui.zoom} />
    </div>
  );
}

/** Bring the Fabric objects in line with the document: order, visibility, pixels that changed. */
function syncScene(scene: Scene, doc: PaletteDocument, ui: { outputUnder: boolean; outputOpacity: number }): void {
  const objects: FabricObject[] = [];

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
  objects.push(scene.cursor);

  const current = scene.canvas.getObjects();
  if (current.length !== objects.length || current.some((o, i) => o !== objects[i])) {
    scene.canvas.remove(...current);
    scene.canvas.add(...objects);
  }
  scene.canvas.requestRenderAll();
}
