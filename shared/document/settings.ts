import { PaletteError, quoteValue } from '../errors';
import { MAX_GUIDANCE_SCALE, MAX_T_INDEX } from './limits';

export const MASK_TYPES = ['continuous', 'semi-continuous', 'discrete'] as const;
export type MaskType = (typeof MASK_TYPES)[number];
export const GUIDANCE_MODES = ['none', 'full'] as const;
export type GuidanceMode = (typeof GUIDANCE_MODES)[number];
export const NOISE_MODES = ['fixed', 'fresh'] as const;
export type NoiseMode = (typeof NOISE_MODES)[number];

/**
 * The stream's knobs as a document stores them. Same shape as the engine's
 * `EngineSettings` (main/engine/pipeline-api.ts), so a document's settings can be handed
 * to the pipeline as they are.
 */
export interface GenerationSettings {
  /** indices into the 50 LCM timesteps, strictly increasing (ENGINE-SPEC §1) */
  tIndexList: number[];
  maskType: MaskType;
  /** how much of a layer survives under a layer painted over it (ENGINE-SPEC §3.1) */
  coverAlpha: number;
  bootstrapSteps: number;
  bootstrapMixSteps: number;
  guidance: GuidanceMode;
  /**
   * g, or null for the model's default (ENGINE-SPEC §9: 8 for LCM-distilled `timestep_cond`
   * UNets, else 1) — what a document holds until the user picks a scale
   */
  guidanceScale: number | null;
  noise: NoiseMode;
}

/**
 * What the loaded model's family starts a document from (ENGINE-SPEC §9), as the engine reports
 * it to the UI: the steps, guidance and native size that come from the model folder.
 */
export interface ModelSettingsDefaults {
  /** "sd15" | "sd2" | "sdxl" */
  family: string;
  /** "SD 1.5", "SD 2.x", "SDXL" */
  familyLabel: string;
  tIndexList: number[];
  guidance: GuidanceMode;
  guidanceScale: number;
  /** pixels per side the UNet was trained at */
  nativeSize: number;
}

/** ENGINE-SPEC §8 */
export const DEFAULT_SETTINGS: Readonly<GenerationSettings> = Object.freeze({
  tIndexList: [0, 4, 12, 25, 37],
  maskType: 'continuous',
  coverAlpha: 0.3,
  bootstrapSteps: 1,
  bootstrapMixSteps: 1.0,
  guidance: 'none',
  guidanceScale: null,
  noise: 'fixed',
});

export function createSettings(overrides: Partial<GenerationSettings> = {}): GenerationSettings {
  return { ...DEFAULT_SETTINGS, tIndexList: [...DEFAULT_SETTINGS.tIndexList], ...overrides };
}

function bad(where: string, what: string, value: unknown): PaletteError {
  return new PaletteError('E_BAD_SETTINGS', `${where} must be ${what}, got ${quoteValue(value)}`);
}

export function isNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

export function validateSettings(value: unknown, where = 'settings'): asserts value is GenerationSettings {
  if (typeof value !== 'object' || value === null) throw bad(where, 'an object', value);
  const s = value as Record<string, unknown>;
  const list = s.tIndexList;
  if (
    !Array.isArray(list) ||
    list.length < 1 ||
    list.length > MAX_T_INDEX + 1 ||
    !list.every((t, i) => Number.isInteger(t) && t >= 0 && t <= MAX_T_INDEX && (i === 0 || t > list[i - 1]))
  ) {
    throw bad(`${where}.tIndexList`, `a strictly increasing list of integers in 0..${MAX_T_INDEX}`, list);
  }
  if (!MASK_TYPES.includes(s.maskType as MaskType)) throw bad(`${where}.maskType`, MASK_TYPES.join(' | '), s.maskType);
  if (!isNumberIn(s.coverAlpha, 0, 1)) throw bad(`${where}.coverAlpha`, 'a number in 0..1', s.coverAlpha);
  if (!Number.isInteger(s.bootstrapSteps) || !isNumberIn(s.bootstrapSteps, 0, MAX_T_INDEX + 1)) {
    throw bad(`${where}.bootstrapSteps`, `an integer in 0..${MAX_T_INDEX + 1}`, s.bootstrapSteps);
  }
  if (!isNumberIn(s.bootstrapMixSteps, 0, MAX_T_INDEX + 1)) {
    throw bad(`${where}.bootstrapMixSteps`, `a number in 0..${MAX_T_INDEX + 1}`, s.bootstrapMixSteps);
  }
  if (!GUIDANCE_MODES.includes(s.guidance as GuidanceMode)) throw bad(`${where}.guidance`, GUIDANCE_MODES.join(' | '), s.guidance);
  if (s.guidanceScale !== null && !isNumberIn(s.guidanceScale, 0, MAX_GUIDANCE_SCALE)) {
    throw bad(`${where}.guidanceScale`, `null (the model's default) or a number in 0..${MAX_GUIDANCE_SCALE}`, s.guidanceScale);
  }
  if (!NOISE_MODES.includes(s.noise as NoiseMode)) throw bad(`${where}.noise`, NOISE_MODES.join(' | '), s.noise);
}
