/**
 * Any OpenRaster image (Krita, GIMP, MyPaint, …) as semantic brushes: each layer becomes a
 * brush whose name and prompt are the layer's name and whose mask is the layer's alpha,
 * placed at the layer's offset and clipped to the canvas. Layer opacity becomes the brush's
 * mask strength, hidden layers hidden brushes; groups are flattened in stacking order.
 * The bottom layer named "Background" (Krita's and GIMP's paper) is not a brush; one named
 * "Background image" (ours, after a round trip through another program) is the background
 * image. An .ora that still holds palette.json is one of our own files and opens as such.
 * Format notes: docs/palette-format.md, "Opening other OpenRaster files".
 */
import {
  CANVAS_MULTIPLE,
  createPaletteDocument,
  MAX_CANVAS_SIDE,
  MAX_LAYERS,
  MAX_NAME_LENGTH,
  MAX_PROMPT_LENGTH,
  validateCanvasSize,
  validatePaletteDocument,
  type BrushInit,
  type CanvasSize,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import type { ImportResult } from './import-demo';
import { decodePaletteArchive } from './palette-decode';
import { BACKGROUND_LAYER_NAME, MANIFEST_ENTRY, STACK_ENTRY } from './palette-encode';
import { decodeFile } from './palette-file';
import { decodePng, readPngSize } from './png-codec';
import { placeLayer, toHexColor } from './raster';
import { parseStackXml, type OraStackLayer } from './ora-stack';
import { DEFAULT_ARCHIVE_LIMITS, readArchive, type ArchiveLimits } from './zip-archive';

/** One OpenRaster layer on the canvas. */
export interface OraLayer {
  name: string;
  /** canvas-sized alpha, 0..255 */
  mask: Uint8Array;
  /** '#rrggbb', the mean colour of its pixels; null for an empty layer */
  color: string | null;
  opacity: number;
  visible: boolean;
}

export interface OraLayers {
  /** the canvas the masks are sized for */
  canvas: CanvasSize;
  /** bottom → top, as a document's layers */
  layers: OraLayer[];
  /** RGBA of a "Background image" layer, canvas-sized */
  backgroundImage: Uint8Array | null;
  notices: string[];
}

/** Krita's and GIMP's default bottom layer: paper, not a region */
export const PAPER_LAYER = /^background$/i;
/** plain painting: OpenRaster's normal mode, and MyPaint's default "Pigment" mode */
const NORMAL_OPS = new Set(['svg:src-over', 'mypaint:spectral-wgm']);
/** a layer PNG is at most this wide or high (it may reach past the canvas) */
export const MAX_LAYER_SIDE = 2 * MAX_CANVAS_SIDE;

const list = (names: string[]): string => {
  const shown = names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
};

const roundUp = (n: number): number => Math.max(CANVAS_MULTIPLE, Math.ceil(n / CANVAS_MULTIPLE) * CANVAS_MULTIPLE);

/** The file's canvas, grown to the next multiple of 8 (the latent is 1/8 of it). */
function canvasOf(width: number, height: number, notices: string[]): CanvasSize {
  if (width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE) {
    throw new PaletteError('E_CANVAS_TOO_LARGE', `the image is ${width}×${height}; the largest canvas is ${MAX_CANVAS_SIDE}×${MAX_CANVAS_SIDE}`);
  }
  const canvas = { width: roundUp(width), height: roundUp(height) };
  validateCanvasSize(canvas, 'the canvas');
  if (canvas.width !== width || canvas.height !== height) {
    notices.push(`The image is ${width}×${height}; the canvas is ${canvas.width}×${canvas.height} (a multiple of ${CANVAS_MULTIPLE}), with the extra pixels at the right and bottom.`);
  }
  return canvas;
}

function layerPixels(archive: Map<string, Uint8Array>, layer: OraStackLayer) {
  const bytes = archive.get(layer.src);
  if (!bytes) throw new PaletteError('E_PNG_MISSING', `stack.xml layer ${JSON.stringify(layer.name)} refers to "${layer.src}", which is not in the file`);
  // the size comes from the header, before anything is inflated (a tiny PNG can declare a huge image)
  const size = readPngSize(bytes, layer.src);
  if (size.width === 0 || size.height === 0 || size.width > MAX_LAYER_SIDE || size.height > MAX_LAYER_SIDE || size.width * size.height * 4 > DEFAULT_ARCHIVE_LIMITS.maxEntryBytes) {
    throw new PaletteError('E_PNG_SIZE', `layer ${JSON.stringify(layer.name)} ("${layer.src}") is ${size.width}×${size.height}; a layer is at most ${MAX_LAYER_SIDE} pixels a side and ${DEFAULT_ARCHIVE_LIMITS.maxEntryBytes / 4} pixels`);
  }
  const png = decodePng(bytes, layer.src);
  if (png.width !== size.width || png.height !== size.height) throw new PaletteError('E_PNG_SIZE', `"${layer.src}" does not decode to the ${size.width}×${size.height} its header declares`);
  return png;
}

export interface ReadOraOptions {
  /**
   * Size the masks for this canvas (Update masks of an open document): layers keep their
   * offsets from the top-left corner and are clipped to it. Default: the file's own canvas.
   */
  canvas?: CanvasSize;
}

/** The layers of an archive already read by readArchive (stack.xml required, palette.json ignored). */
export function readOraLayers(archive: Map<string, Uint8Array>, options: ReadOraOptions = {}): OraLayers {
  const stackBytes = archive.get(STACK_ENTRY);
  if (!stackBytes) throw new PaletteError('E_ORA_STACK_MISSING', 'the file has no stack.xml (not an OpenRaster archive)');
  const stack = parseStackXml(stackBytes);
  const notices: string[] = [];
  const canvas = options.canvas ?? canvasOf(stack.width, stack.height, notices);
  if (options.canvas && (stack.width !== canvas.width || stack.height !== canvas.height)) {
    notices.push(`The OpenRaster image is ${stack.width}×${stack.height} and the canvas ${canvas.width}×${canvas.height}: layers are placed from the top-left corner.`);
  }

  let entries = stack.layers;
  const skipped = entries.filter((l) => !l.src.toLowerCase().endsWith('.png'));
  if (skipped.length > 0) notices.push(`Layers that are not PNG images were left out: ${list(skipped.map((l) => l.name))}.`);
  entries = entries.filter((l) => l.src.toLowerCase().endsWith('.png'));
  // the bottom layer may be the paper or our own background image (top → bottom: the last one)
  const bottom = entries[entries.length - 1];
  let backgroundEntry: OraStackLayer | null = null;
  if (bottom && bottom.groups.length === 0 && (PAPER_LAYER.test(bottom.name.trim()) || bottom.name === BACKGROUND_LAYER_NAME)) {
    entries = entries.slice(0, -1);
    // updating masks, it is simply not a mask (nothing to say)
    if (!options.canvas) {
      if (bottom.name !== BACKGROUND_LAYER_NAME) notices.push(`The bottom layer ${JSON.stringify(bottom.name)} is the paper, not a brush (rename it to paint with it).`);
      else if (bottom.visible) backgroundEntry = bottom;
      else notices.push(`The bottom layer "${BACKGROUND_LAYER_NAME}" is hidden: the document has no background image.`);
    }
  }
  if (entries.length > MAX_LAYERS) {
    throw new PaletteError('E_TOO_MANY_LAYERS', `the image has ${entries.length} layers; at most ${MAX_LAYERS} can become brushes`);
  }

  const layers: OraLayer[] = [];
  const clipped: string[] = [];
  const empty: string[] = [];
  const blended: string[] = [];
  // bottom → top, the document's order
  for (const entry of [...entries].reverse()) {
    const placed = placeLayer(layerPixels(archive, entry), entry.x, entry.y, canvas);
    if (placed.clippedPixels > 0) clipped.push(entry.name);
    if (placed.paintedPixels === 0) empty.push(entry.name);
    if (!NORMAL_OPS.has(entry.compositeOp)) blended.push(`${entry.name} (${entry.compositeOp.replace(/^[a-z]+:/, '')})`);
    layers.push({
      name: entry.name.slice(0, MAX_PROMPT_LENGTH),
      mask: placed.alpha,
      color: placed.meanColor ? toHexColor(placed.meanColor) : null,
      opacity: entry.opacity,
      visible: entry.visible,
    });
  }
  let backgroundImage: Uint8Array | null = null;
  if (backgroundEntry) {
    const placed = placeLayer(layerPixels(archive, backgroundEntry), backgroundEntry.x, backgroundEntry.y, canvas, true);
    backgroundImage = placed.rgba!;
    if (backgroundEntry.opacity < 1) for (let i = 3; i < backgroundImage.length; i += 4) backgroundImage[i] = Math.round(backgroundImage[i] * backgroundEntry.opacity);
  }
  if (clipped.length > 0) notices.push(`Parts outside the canvas were cut off: ${list(clipped)}.`);
  if (empty.length > 0) notices.push(`Nothing is painted on the canvas in ${list(empty)}.`);
  if (blended.length > 0) notices.push(`Blending modes do not apply to brushes (each layer is a region): ${list(blended)}.`);
  return { canvas, layers, backgroundImage, notices };
}

/** A brush name from a layer name (the prompt starts as the same text). */
export function brushNameOf(layerName: string, index: number): string {
  const name = layerName.trim().slice(0, MAX_NAME_LENGTH);
  return name || `Layer ${index + 1}`;
}

export function oraLayerToBrush(layer: OraLayer, index: number): BrushInit {
  const name = brushNameOf(layer.name, index);
  return {
    name,
    prompt: layer.name.trim(),
    ...(layer.color ? { color: layer.color } : {}),
    maskStrength: layer.opacity,
    visible: layer.visible,
    mask: layer.mask,
  };
}

export const ORA_IMPORT_NOTICE = 'Opened an OpenRaster image: each layer is a brush whose prompt is its name. Saving writes a new .palette file.';

/** An OpenRaster file's bytes as a new document. */
export function importOpenRaster(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): ImportResult {
  const archive = readArchive(bytes, limits);
  if (archive.has(MANIFEST_ENTRY)) {
    // one of ours, renamed or copied: palette.json is the whole truth
    const { document } = decodePaletteArchive(archive);
    return { document, notices: ['This OpenRaster file is a Semantic Palette document: opened with its prompts and settings. Saving writes a new .palette file.'] };
  }
  const ora = readOraLayers(archive);
  const document = createPaletteDocument({
    canvas: ora.canvas,
    background: { image: ora.backgroundImage },
    layers: ora.layers.map(oraLayerToBrush),
  });
  validatePaletteDocument(document);
  // the details in one line: one toast, not one per remark
  return { document, notices: [ORA_IMPORT_NOTICE, ...(ora.notices.length > 0 ? [ora.notices.join(' ')] : [])] };
}

/** Opens an .ora as a new document (the file's name is in every error). */
export function readOpenRaster(file: string): Promise<ImportResult> {
  return decodeFile(file, (bytes) => importOpenRaster(bytes));
}

/** The masks of an .ora for an open document of `canvas` size (Update masks from OpenRaster). */
export function readOpenRasterMasks(file: string, canvas: CanvasSize): Promise<OraLayers> {
  validateCanvasSize(canvas);
  return decodeFile(file, (bytes) => readOraLayers(readArchive(bytes), { canvas }));
}
