/**
 * palette-colors variants for tests: one per code path a real model export can take
 * (ORACLE-MODEL.md), written into temporary folders, plus the oracle's expected values
 * computed independently of the model files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type PaletteColorsOptions, buildPaletteColors, sd15AlphasCumprod } from '../../models/generator/palette-colors';
import { writeModelFolder } from '../../models/generator/generate';
import { COLOUR_WORDS, NO_COLOUR, VAE_SCALING_FACTOR } from '../../models/generator/colours';

export const MODEL_VARIANTS = {
  default: {},
  float16: { float16: true },
  scalarTimestep: { scalarTimestep: true, timestepType: 'float32' },
  timestepCond: { timestepCondWidth: 256 },
  externalData: { externalData: 'model.onnx_data' },
  float16ScalarTimestep: { float16: true, scalarTimestep: true, timestepType: 'float16' },
  /** optimum ≥ 1.24's scalar timestep (Unsqueeze → Cast → Expand), weights outside model.onnx: rewritten at load */
  optimumTimestepExternal: { optimumTimestep: true, timestepType: 'float32', externalData: 'model.onnx_data' },
  optimumTimestepFloat16: { optimumTimestep: true, float16: true, timestepType: 'float16' },
  weightsPbLatentParameters: { externalData: 'weights.pb', latentParameters: true, tinyDecoder: true, timestepType: 'int32' },
} as const satisfies Record<string, PaletteColorsOptions>;

export type ModelVariant = keyof typeof MODEL_VARIANTS;
export const VARIANT_NAMES = Object.keys(MODEL_VARIANTS) as ModelVariant[];

/** The committed default model folder. */
export const PALETTE_COLORS_DIR = path.resolve(__dirname, '..', '..', 'models', 'palette-colors');

const written = new Map<string, string>();

/** Writes a variant (or any options) into a fresh temp folder, once per test file. */
export function writeModelVariant(variant: ModelVariant | PaletteColorsOptions): string {
  const key = typeof variant === 'string' ? variant : JSON.stringify(variant);
  const existing = written.get(key);
  if (existing && fs.existsSync(existing)) return existing;
  const options = typeof variant === 'string' ? MODEL_VARIANTS[variant] : variant;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `palette-colors-${typeof variant === 'string' ? variant : 'custom'}-`));
  writeModelFolder(buildPaletteColors(options), dir);
  written.set(key, dir);
  return dir;
}

export function removeModelVariants(): void {
  for (const dir of written.values()) fs.rmSync(dir, { recursive: true, force: true });
  written.clear();
}

/** The oracle's prompt colour: mean of the colour words (whole words, any case), gray if none. */
export function promptColour(prompt: string): [number, number, number] {
  const words = prompt.toLowerCase().match(/\p{L}+/gu) ?? [];
  const colours = words.filter((w) => Object.hasOwn(COLOUR_WORDS, w)).map((w) => COLOUR_WORDS[w]);
  if (colours.length === 0) return [...NO_COLOUR];
  return [0, 1, 2].map((c) => colours.reduce((s, rgb) => s + rgb[c], 0) / colours.length) as [number, number, number];
}

/** z* = scale·(2c − 1, 0) for a colour in 0..255. */
export function colourLatent(rgb: readonly [number, number, number]): [number, number, number, number] {
  return [...rgb.map((v) => VAE_SCALING_FACTOR * ((2 * v) / 255 - 1)), 0] as [number, number, number, number];
}

/** The exact ε of the palette-colors UNet for one latent pixel value x at timestep t. */
export function exactEpsilon(x: number, zStar: number, t: number): number {
  const ac = sd15AlphasCumprod()[t];
  return (x - Math.sqrt(ac) * zStar) / Math.sqrt(1 - ac);
}
