/**
 * Import of the palette JSON saved by the reference Semantic Palette demo: parallel lists
 * (`prompt_names`, `prompts`, `neg_prompts`, `prompt_strengths`, `mask_strengths`,
 * `mask_stds`) whose index 0 is the background, plus `seed` and `model_id`. It carries no
 * masks, so the brushes come in empty and the user is told to paint them.
 */
import { promises as fs } from 'node:fs';
import {
  createPaletteDocument,
  DEFAULT_SEED,
  MAX_LAYERS,
  MAX_MASK_BLUR,
  MAX_NAME_LENGTH,
  MAX_PROMPT_LENGTH,
  MAX_SEED,
  validatePaletteDocument,
  type CanvasSize,
  type PaletteDocument,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';

export interface ImportResult {
  document: PaletteDocument;
  /** one-line, user-facing remarks about what could not come in as it was */
  notices: string[];
}

export const MASKS_NOTICE = 'Masks are not in this file; paint them: every imported brush starts with an empty mask.';

type Json = Record<string, unknown>;

function list(json: Json, key: string, n: number, notices: string[]): unknown[] {
  const value = json[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PaletteError('E_IMPORT_FORMAT', `"${key}" must be a list, got ${JSON.stringify(value).slice(0, 60)}`);
  if (value.length !== n) notices.push(`"${key}" has ${value.length} entries for ${n} prompts; missing values use the defaults.`);
  return value;
}

function text(value: unknown, fallback: string, max: number): string {
  if (typeof value !== 'string') return fallback;
  return value.slice(0, max);
}

/** numbers may arrive as strings from the demo's text fields */
function number(value: unknown, fallback: number, min: number, max: number, what: string, notices: string[]): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    notices.push(`${what} ${JSON.stringify(value)} is not a number; using ${fallback}.`);
    return fallback;
  }
  if (n < min || n > max) {
    const clamped = Math.min(max, Math.max(min, n));
    notices.push(`${what} ${n} is outside ${min}..${max}; using ${clamped}.`);
    return clamped;
  }
  return n;
}

export function importDemoJson(source: string, options: { canvas?: CanvasSize } = {}): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (e) {
    throw new PaletteError('E_IMPORT_JSON', `the palette JSON is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Array.isArray((json as Json).prompts)) {
    throw new PaletteError('E_IMPORT_FORMAT', 'not a Semantic Palette demo palette: it has no "prompts" list');
  }
  const j = json as Json;
  const prompts = j.prompts as unknown[];
  const n = prompts.length;
  if (n === 0) throw new PaletteError('E_IMPORT_FORMAT', 'the palette has an empty "prompts" list (index 0 must be the background)');
  if (n - 1 > MAX_LAYERS) throw new PaletteError('E_TOO_MANY_LAYERS', `the palette has ${n - 1} brushes; at most ${MAX_LAYERS} are allowed`);
  const notices: string[] = [];
  const names = list(j, 'prompt_names', n, notices);
  const negatives = list(j, 'neg_prompts', n, notices);
  const promptStrengths = list(j, 'prompt_strengths', n, notices);
  const maskStrengths = list(j, 'mask_strengths', n, notices);
  const maskStds = list(j, 'mask_stds', n, notices);

  let seed = DEFAULT_SEED;
  if (j.seed !== undefined) {
    const s = typeof j.seed === 'number' ? j.seed : Number(j.seed);
    if (Number.isInteger(s) && s >= 0 && s <= MAX_SEED) seed = s;
    else notices.push(`seed ${JSON.stringify(j.seed)} is not an integer in 0..${MAX_SEED}; using ${DEFAULT_SEED}.`);
  }
  const modelId = typeof j.model_id === 'string' && j.model_id.length > 0 ? j.model_id : undefined;
  if (modelId) notices.push(`The palette was made with model "${modelId}"; pick another model if it is not installed.`);

  const layers = [];
  for (let i = 1; i < n; i++) {
    const label = `brush ${i} `;
    layers.push({
      name: text(names[i], `Brush ${i}`, MAX_NAME_LENGTH),
      prompt: text(prompts[i], '', MAX_PROMPT_LENGTH),
      negativePrompt: text(negatives[i], '', MAX_PROMPT_LENGTH),
      promptStrength: number(promptStrengths[i], 1, 0, 1, `${label}prompt strength`, notices),
      maskStrength: number(maskStrengths[i], 1, 0, 1, `${label}mask strength`, notices),
      maskBlur: number(maskStds[i], 0, 0, MAX_MASK_BLUR, `${label}mask blur`, notices),
    });
  }
  const document = createPaletteDocument({
    canvas: options.canvas,
    modelId,
    seed,
    background: { prompt: text(prompts[0], '', MAX_PROMPT_LENGTH), negativePrompt: text(negatives[0], '', MAX_PROMPT_LENGTH) },
    layers,
  });
  validatePaletteDocument(document);
  if (layers.length > 0) notices.unshift(MASKS_NOTICE);
  return { document, notices };
}

export async function importDemoFile(file: string, options: { canvas?: CanvasSize } = {}): Promise<ImportResult> {
  let source: string;
  try {
    source = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PaletteError(code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ', `cannot read "${file}": ${(e as Error).message}`, { cause: e });
  }
  return importDemoJson(source, options);
}
