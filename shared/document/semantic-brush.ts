import { PaletteError } from '../errors';
import { createLayerId, isLayerId, type LayerId } from './layer-id';
import { MAX_MASK_BLUR, MAX_NAME_LENGTH, MAX_PROMPT_LENGTH } from './limits';
import { isNumberIn } from './settings';

/**
 * One layer of the palette: a region (the mask) painted with a meaning (the prompt).
 * Plain data (the renderer's immer store holds it; typed arrays are fine there).
 */
export interface SemanticBrush {
  id: LayerId;
  name: string;
  /** how the brush shows on the canvas, '#rrggbb' */
  color: string;
  prompt: string;
  negativePrompt: string;
  /** 1 = only this prompt, 0 = only the background prompt (ENGINE-SPEC §2) */
  promptStrength: number;
  /** 0..1, multiplies the mask after cover and blur (ENGINE-SPEC §3.3) */
  maskStrength: number;
  /** Gaussian σ in canvas pixels, 0 = sharp */
  maskBlur: number;
  visible: boolean;
  /** canvas-sized alpha, row-major `y*width + x`, 0..255 */
  mask: Uint8Array;
}

/** What the engine reads of a brush besides its mask: everything but its name and colour. */
export const ENGINE_BRUSH_FIELDS = ['id', 'prompt', 'negativePrompt', 'promptStrength', 'maskStrength', 'maskBlur', 'visible'] as const;

/** What the engine needs of a brush. */
export function engineFieldsOf(b: SemanticBrush): Pick<SemanticBrush, (typeof ENGINE_BRUSH_FIELDS)[number] | 'mask'> {
  return {
    id: b.id, prompt: b.prompt, negativePrompt: b.negativePrompt, promptStrength: b.promptStrength,
    maskStrength: b.maskStrength, maskBlur: b.maskBlur, visible: b.visible, mask: b.mask,
  };
}

/** A brush's described properties (what a file or a PNG's parameters record besides id and pixels). */
export function brushPropertiesOf(b: Omit<SemanticBrush, 'id' | 'mask'>): Omit<SemanticBrush, 'id' | 'mask'> {
  return {
    name: b.name, color: b.color, prompt: b.prompt, negativePrompt: b.negativePrompt,
    promptStrength: b.promptStrength, maskStrength: b.maskStrength, maskBlur: b.maskBlur, visible: b.visible,
  };
}

export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** distinct, readable on white; brushes take them in turn */
export const BRUSH_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45'] as const;

export interface BrushInit extends Partial<Omit<SemanticBrush, 'mask'>> {
  mask?: Uint8Array;
}

export function createSemanticBrush(canvas: { width: number; height: number }, init: BrushInit = {}, index = 0): SemanticBrush {
  return {
    id: init.id ?? createLayerId(),
    name: init.name ?? `Brush ${index + 1}`,
    color: init.color ?? BRUSH_COLORS[index % BRUSH_COLORS.length],
    prompt: init.prompt ?? '',
    negativePrompt: init.negativePrompt ?? '',
    promptStrength: init.promptStrength ?? 1.0,
    maskStrength: init.maskStrength ?? 1.0,
    maskBlur: init.maskBlur ?? 0,
    visible: init.visible ?? true,
    mask: init.mask ?? new Uint8Array(canvas.width * canvas.height),
  };
}

function bad(code: string, where: string, what: string, value: unknown): PaletteError {
  const shown = typeof value === 'string' && value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  return new PaletteError(code, `${where} must be ${what}, got ${shown}`);
}

/** realm-proof (Jest sandboxes, Node Buffers, structured clones) */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function checkText(where: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.length > max) throw bad('E_BAD_DOCUMENT', where, `a string of at most ${max} characters`, value);
}

/** Throws a PaletteError naming the first field that is wrong. */
export function validateSemanticBrush(
  value: unknown,
  canvas: { width: number; height: number },
  where = 'layer',
): asserts value is SemanticBrush {
  if (typeof value !== 'object' || value === null) throw bad('E_BAD_DOCUMENT', where, 'an object', value);
  const b = value as Record<string, unknown>;
  if (!isLayerId(b.id)) throw bad('E_BAD_LAYER_ID', `${where}.id`, "1–64 letters, digits, '-' or '_'", b.id);
  checkText(`${where}.name`, b.name, MAX_NAME_LENGTH);
  if (typeof b.color !== 'string' || !COLOR_PATTERN.test(b.color)) throw bad('E_BAD_DOCUMENT', `${where}.color`, "a colour '#rrggbb'", b.color);
  checkText(`${where}.prompt`, b.prompt, MAX_PROMPT_LENGTH);
  checkText(`${where}.negativePrompt`, b.negativePrompt, MAX_PROMPT_LENGTH);
  if (!isNumberIn(b.promptStrength, 0, 1)) throw bad('E_BAD_DOCUMENT', `${where}.promptStrength`, 'a number in 0..1', b.promptStrength);
  if (!isNumberIn(b.maskStrength, 0, 1)) throw bad('E_BAD_DOCUMENT', `${where}.maskStrength`, 'a number in 0..1', b.maskStrength);
  if (!isNumberIn(b.maskBlur, 0, MAX_MASK_BLUR)) throw bad('E_BAD_DOCUMENT', `${where}.maskBlur`, `a number of pixels in 0..${MAX_MASK_BLUR}`, b.maskBlur);
  if (typeof b.visible !== 'boolean') throw bad('E_BAD_DOCUMENT', `${where}.visible`, 'true or false', b.visible);
  if (!isUint8Array(b.mask)) throw new PaletteError('E_BAD_MASK_SIZE', `${where}.mask must be a Uint8Array of ${canvas.width}×${canvas.height} alpha values`);
  if (b.mask.length !== canvas.width * canvas.height) {
    throw new PaletteError(
      'E_BAD_MASK_SIZE',
      `${where}.mask has ${b.mask.length} values; the ${canvas.width}×${canvas.height} canvas needs ${canvas.width * canvas.height}`,
    );
  }
}
