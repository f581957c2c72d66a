/**
 * The real-architecture fixtures (../shared/real-arch, format in its README): where they are,
 * their goldens decoded, and the comparisons the suite makes. PALETTE_REAL_ARCH_DIR names
 * another folder; without one the suites skip with the reason printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

export const REAL_ARCH_DIR = path.resolve(process.env.PALETTE_REAL_ARCH_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'real-arch'));

export interface GoldenArray {
  shape: number[];
  f32: string;
}

export interface GoldenRun {
  id: string;
  prompt: string;
  negative_prompt: string | null;
  guidance_scale: number;
  cfg: boolean;
  height: number;
  width: number;
  timesteps: number[];
  noise: string;
  final_latent: GoldenArray;
  image_png: string;
  image_shape: [number, number, number];
  time_ids?: number[];
  timestep_cond_w?: number;
}

export interface Goldens {
  model: string;
  native_size: number;
  scheduler: { timesteps: number[]; prediction_type: string; steps: { t: number; alpha_prod_t: number; c_skip: number; c_out: number }[] };
  tokens: Record<string, unknown> & { prompts: string[]; tokenizer: number[][]; tokenizer_ftfy_path: number[][]; pad_token_id: number };
  conditioning: Record<string, unknown> & { prompts: string[] };
  unet: { inputs: Record<string, GoldenArray | number[]>; output: GoldenArray };
  vae: { scaling_factor: number; decode: { latent: GoldenArray; image: GoldenArray }; encode: { image: GoldenArray; latent: GoldenArray } };
  noises: Record<string, { height: number; width: number; initial_latent: GoldenArray; step_noises: GoldenArray[] }>;
  runs: GoldenRun[];
}

export interface Fixture {
  name: string;
  dir: string;
  goldens: Goldens;
  /** float16 weights and I/O (the README's fp16 tolerances apply) */
  fp16: boolean;
}

/** The fixture folders (each with goldens.json), or the reason there are none. */
export function findFixtures(): { fixtures: Fixture[]; skipReason?: string } {
  if (!fs.existsSync(REAL_ARCH_DIR)) {
    return { fixtures: [], skipReason: `real-arch fixtures not found at ${REAL_ARCH_DIR} (set PALETTE_REAL_ARCH_DIR)` };
  }
  const names = fs.readdirSync(REAL_ARCH_DIR).filter((n) => fs.existsSync(path.join(REAL_ARCH_DIR, n, 'goldens.json'))).sort();
  if (names.length === 0) return { fixtures: [], skipReason: `no model folder with goldens.json in ${REAL_ARCH_DIR}` };
  const fixtures = names.map((name) => {
    const dir = path.join(REAL_ARCH_DIR, name);
    const goldens = JSON.parse(fs.readFileSync(path.join(dir, 'goldens.json'), 'utf8')) as Goldens;
    const io = JSON.parse(fs.readFileSync(path.join(dir, 'io.json'), 'utf8')) as unknown;
    const fp16 = JSON.stringify(io).includes('"float16"');
    return { name, dir, goldens, fp16 };
  });
  return { fixtures };
}

/** a describe() that skips, printing why, when there are no fixtures */
export function describeFixtures(title: string, body: (fixtures: Fixture[]) => void): void {
  const { fixtures, skipReason } = findFixtures();
  if (skipReason) {
    console.log(`${title}: skipped — ${skipReason}`);
    describe(title, () => test.skip(`skipped: ${skipReason}`, () => undefined));
    return;
  }
  describe(title, () => body(fixtures));
}

export function f32(a: GoldenArray): Float32Array {
  const b = Buffer.from(a.f32, 'base64');
  return new Float32Array(new Uint8Array(b).buffer);
}

export function decodePng(base64: string): { width: number; height: number; rgb: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = png.data[4 * i + c];
  return { width: png.width, height: png.height, rgb };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |a − b| relative to max |b| */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return maxAbsDiff(actual, expected) / Math.max(maxAbs(expected), 1e-30);
}

/** largest per-channel difference between an RGBA frame and an RGB golden */
export function imageDiff(rgba: Uint8ClampedArray, rgb: Uint8Array): number {
  expect(rgba.length / 4).toBe(rgb.length / 3);
  let m = 0;
  for (let i = 0; i < rgb.length / 3; i++) for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(rgba[4 * i + c] - rgb[3 * i + c]));
  return m;
}

export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * Tolerances (README "Cross-check", a few times the torch-vs-onnxruntime errors): fp32 1e-4
 * absolute on components, final latents 1e-3 relative and images ±1; fp16 1e-2 absolute on
 * components and 5e-3 relative on final latents (its ORT cross-check reaches 6.1e-2 on values
 * up to ~65, about 1e-3), images ±1 as the table shows for every model.
 */
export function tolerances(f: Fixture): { component: number; latentRelative: number; image: number } {
  return f.fp16 ? { component: 1e-2, latentRelative: 5e-3, image: 1 } : { component: 1e-4, latentRelative: 1e-3, image: 1 };
}

/** a canvas-sized alpha mask that is 255 everywhere */
export function fullMask(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height).fill(255);
}
