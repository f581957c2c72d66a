/**
 * Which files of a hub repository make a Stable Diffusion 1.5 ONNX model folder
 * (the diffusers/optimum export), so a download fetches the few GB the engine reads and not
 * the PyTorch weights that often sit in the same repository.
 */
import { PaletteError } from '../../shared/errors';
import type { HubFile } from './hub-client';

/** Without these the folder cannot run; the model loader checks the rest. */
export const REQUIRED_FILES = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'vae_decoder/model.onnx',
] as const;

/** Folders with a model.onnx that the engine never runs (and that cost a GB). */
const UNUSED_COMPONENTS = new Set(['safety_checker', 'feature_extractor']);

/** Weights of other frameworks, documentation, pictures. */
const UNRELATED = /\.(safetensors|bin|ckpt|pt|pth|msgpack|h5|pb\.gz|md|png|jpe?g|gif|webp|txt\.lock)$|^\.git/i;

export interface LayoutChoice {
  files: HubFile[];
  /** required files the repository lacks */
  missing: string[];
  /** files left out, for the log */
  skipped: string[];
}

function componentOf(path: string): string | null {
  const slash = path.indexOf('/');
  return slash < 0 ? null : path.slice(0, slash);
}

function wanted(path: string, onnxComponents: Set<string>): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (UNRELATED.test(name)) return false;
  const component = componentOf(path);
  if (component === null) return path === 'model_index.json';
  // Deeper nesting (e.g. "unet/fp16/model.onnx") belongs to another variant of the export.
  if (path.split('/').length !== 2) return false;
  // tokenizer_2: SDXL's second tokenizer
  if (component === 'tokenizer' || component === 'tokenizer_2') return true;
  if (component === 'scheduler') return name.endsWith('.json');
  if (!onnxComponents.has(component)) return false;
  // External weights are "model.onnx_data", "model.onnx.data", "weights.pb", or one file per
  // tensor without an extension (older torch.onnx exports); other .onnx files are variants.
  if (name.endsWith('.onnx')) return name === 'model.onnx';
  return true;
}

/** Pick the files of the SD 1.5 ONNX layout out of a repository listing. */
export function chooseModelFiles(listing: HubFile[]): LayoutChoice {
  const onnxComponents = new Set<string>();
  for (const f of listing) {
    const component = componentOf(f.path);
    if (component && f.path === `${component}/model.onnx` && !UNUSED_COMPONENTS.has(component)) {
      onnxComponents.add(component);
    }
  }
  const files: HubFile[] = [];
  const skipped: string[] = [];
  for (const f of listing) {
    if (wanted(f.path, onnxComponents)) files.push(f);
    else skipped.push(f.path);
  }
  const present = new Set(listing.map((f) => f.path));
  const missing = REQUIRED_FILES.filter((p) => !present.has(p));
  return { files, missing, skipped };
}

/** The choice, or an error naming what makes the repository unusable. */
export function requireModelLayout(listing: HubFile[], where: string): HubFile[] {
  const choice = chooseModelFiles(listing);
  if (choice.missing.length > 0) {
    throw new PaletteError(
      'E_MODEL_LAYOUT',
      `${where} is not a Stable Diffusion 1.5 ONNX export: missing ${choice.missing.join(', ')}`,
    );
  }
  return choice.files;
}

/** The files of a preview decoder (TAESD-style): `vae_decoder/` only, the ONNX file and its data. */
export function requirePreviewDecoderLayout(listing: HubFile[], where: string): HubFile[] {
  const files = listing.filter((f) => f.path.startsWith('vae_decoder/') && f.path.split('/').length === 2 && !UNRELATED.test(f.path.slice(f.path.lastIndexOf('/') + 1)) && (!f.path.endsWith('.onnx') || f.path === 'vae_decoder/model.onnx'));
  if (!files.some((f) => f.path === 'vae_decoder/model.onnx')) {
    throw new PaletteError('E_MODEL_LAYOUT', `${where} is not a preview decoder export: missing vae_decoder/model.onnx`);
  }
  return files;
}
