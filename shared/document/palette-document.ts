import { PaletteError, quoteValue } from '../errors';
import { CANVAS_MULTIPLE, MAX_CANVAS_SIDE, MAX_LAYERS, MAX_MODEL_ID_LENGTH, MAX_PROMPT_LENGTH, MAX_SEED } from './limits';
import { createSemanticBrush, isUint8Array, validateSemanticBrush, type BrushInit, type SemanticBrush } from './semantic-brush';
import { createSettings, validateSettings, type GenerationSettings } from './settings';

export interface CanvasSize {
  width: number;
  height: number;
}

export interface DocumentBackground {
  prompt: string;
  negativePrompt: string;
  /** RGBA8, canvas-sized → inpainting mode; null → creation mode (ENGINE-SPEC §4) */
  image: Uint8Array | null;
}

/** Everything a .palette file holds except the derived pictures (preview, thumbnail). */
export interface PaletteDocument {
  canvas: CanvasSize;
  modelId: string;
  seed: number;
  settings: GenerationSettings;
  background: DocumentBackground;
  /** bottom → top, as the engine composes them */
  layers: SemanticBrush[];
}

export const DEFAULT_CANVAS: Readonly<CanvasSize> = Object.freeze({ width: 512, height: 512 });
export const DEFAULT_MODEL_ID = 'palette-colors';
/** the reference implementation's default seed */
export const DEFAULT_SEED = 2024;

export interface DocumentInit {
  canvas?: CanvasSize;
  modelId?: string;
  seed?: number;
  settings?: Partial<GenerationSettings>;
  background?: Partial<DocumentBackground>;
  layers?: BrushInit[];
}

export function createPaletteDocument(init: DocumentInit = {}): PaletteDocument {
  const canvas = { ...(init.canvas ?? DEFAULT_CANVAS) };
  return {
    canvas,
    modelId: init.modelId ?? DEFAULT_MODEL_ID,
    seed: init.seed ?? DEFAULT_SEED,
    settings: createSettings(init.settings),
    background: {
      prompt: init.background?.prompt ?? '',
      negativePrompt: init.background?.negativePrompt ?? '',
      image: init.background?.image ?? null,
    },
    layers: (init.layers ?? []).map((l, i) => createSemanticBrush(canvas, l, i)),
  };
}

export function validateCanvasSize(value: unknown, where = 'canvas'): asserts value is CanvasSize {
  const c = value as Partial<CanvasSize> | null;
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.width) || !Number.isInteger(c.height)) {
    throw new PaletteError('E_BAD_CANVAS', `${where} must have integer width and height, got ${quoteValue(value)}`);
  }
  const { width, height } = c as CanvasSize;
  if (width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE) {
    throw new PaletteError('E_CANVAS_TOO_LARGE', `${where} is ${width}×${height}; the largest canvas is ${MAX_CANVAS_SIDE}×${MAX_CANVAS_SIDE}`);
  }
  if (width < CANVAS_MULTIPLE || height < CANVAS_MULTIPLE || width % CANVAS_MULTIPLE !== 0 || height % CANVAS_MULTIPLE !== 0) {
    throw new PaletteError('E_BAD_CANVAS', `${where} is ${width}×${height}; width and height must be positive multiples of ${CANVAS_MULTIPLE}`);
  }
}

/** Throws a PaletteError naming the first thing that is wrong; the document is not changed. */
export function validatePaletteDocument(value: unknown): asserts value is PaletteDocument {
  if (typeof value !== 'object' || value === null) throw new PaletteError('E_BAD_DOCUMENT', 'document must be an object');
  const d = value as Record<string, unknown>;
  validateCanvasSize(d.canvas);
  const canvas = d.canvas;
  if (typeof d.modelId !== 'string' || d.modelId.length > MAX_MODEL_ID_LENGTH) {
    throw new PaletteError('E_BAD_DOCUMENT', `modelId must be a string of at most ${MAX_MODEL_ID_LENGTH} characters`);
  }
  if (!Number.isInteger(d.seed) || (d.seed as number) < 0 || (d.seed as number) > MAX_SEED) {
    throw new PaletteError('E_BAD_DOCUMENT', `seed must be an integer in 0..${MAX_SEED}, got ${quoteValue(d.seed)}`);
  }
  validateSettings(d.settings);
  const bg = d.background as Record<string, unknown> | null;
  if (typeof bg !== 'object' || bg === null) throw new PaletteError('E_BAD_DOCUMENT', 'background must be an object');
  for (const key of ['prompt', 'negativePrompt'] as const) {
    if (typeof bg[key] !== 'string' || (bg[key] as string).length > MAX_PROMPT_LENGTH) {
      throw new PaletteError('E_BAD_DOCUMENT', `background.${key} must be a string of at most ${MAX_PROMPT_LENGTH} characters`);
    }
  }
  if (bg.image !== null) {
    const need = canvas.width * canvas.height * 4;
    if (!isUint8Array(bg.image) || bg.image.length !== need) {
      throw new PaletteError('E_BAD_IMAGE_SIZE', `background.image must be ${canvas.width}×${canvas.height} RGBA (${need} bytes) or null`);
    }
  }
  if (!Array.isArray(d.layers)) throw new PaletteError('E_BAD_DOCUMENT', 'layers must be a list');
  if (d.layers.length > MAX_LAYERS) {
    throw new PaletteError('E_TOO_MANY_LAYERS', `the document has ${d.layers.length} layers; at most ${MAX_LAYERS} are allowed`);
  }
  const seen = new Set<string>();
  d.layers.forEach((layer, i) => {
    validateSemanticBrush(layer, canvas, `layers[${i}]`);
    if (seen.has(layer.id)) throw new PaletteError('E_DUPLICATE_LAYER_ID', `layers[${i}].id ${quoteValue(layer.id)} is used by two layers`);
    seen.add(layer.id);
  });
}

function bytesEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep equality including mask and image bytes (typed-array class does not matter). */
export function documentsEqual(a: PaletteDocument, b: PaletteDocument): boolean {
  // fixed key order, so documents built along different paths compare equal
  const plain = (d: PaletteDocument): string => {
    const s = d.settings;
    return JSON.stringify([
      d.canvas.width, d.canvas.height, d.modelId, d.seed,
      [s.tIndexList, s.maskType, s.coverAlpha, s.bootstrapSteps, s.bootstrapMixSteps, s.guidance, s.guidanceScale, s.noise],
      d.background.prompt, d.background.negativePrompt, d.background.image === null,
      d.layers.map((l) => [l.id, l.name, l.color, l.prompt, l.negativePrompt, l.promptStrength, l.maskStrength, l.maskBlur, l.visible]),
    ]);
  };
  return (
    plain(a) === plain(b) &&
    bytesEqual(a.background.image, b.background.image) &&
    a.layers.length === b.layers.length &&
    a.layers.every((l, i) => bytesEqual(l.mask, b.layers[i].mask))
  );
}
