/**
 * LCM noise schedule for the stream (ENGINE-SPEC §1, §9). Pure math: it never sees a model.
 * Everything is computed in float64 because quantization compares mask values against the
 * noise levels and the traces are float64.
 */
import { PaletteError } from '../../../shared/errors';

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
/** what the UNet predicts (`prediction_type`): the noise ε, the velocity v, or the clean sample x0 */
export type PredictionType = (typeof PREDICTION_TYPES)[number];
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

/** The part of a diffusers `scheduler_config.json` the stream needs. */
export interface SchedulerConfig {
  /** `_class_name` (e.g. LCMScheduler, EulerDiscreteScheduler); null when the config names none */
  className: string | null;
  predictionType: PredictionType;
  /**
   * LCM boundary condition (c_skip, c_out from `timestep_scaling`): only for `LCMScheduler`
   * configs; any other scheduler is sampled as plain x0 prediction (c_skip 0, c_out 1), as
   * Turbo, Lightning and Hyper-SD models are in a stream (ENGINE-SPEC §9).
   */
  lcmBoundary: boolean;
  /** the config's `timestep_spacing` (reported; the stream's 50-step grid is the same for every family) */
  timestepSpacing: TimestepSpacing;
  betaStart: number;
  betaEnd: number;
  betaSchedule: 'scaled_linear' | 'linear';
  numTrainTimesteps: number;
  /** LCM distillation schedule length (`original_inference_steps`) */
  originalInferenceSteps: number;
  /** how many LCM timesteps `tIndexList` indexes into (`num_inference_steps`) */
  numInferenceSteps: number;
  /** explicit betas (`trained_betas`), used instead of the schedule when given */
  trainedBetas: readonly number[] | null;
  /** LCM boundary-condition scaling (`timestep_scaling`, 10 for LCM) */
  timestepScaling: number;
}

export const SD15_SCHEDULER: Readonly<SchedulerConfig> = Object.freeze({
  className: 'LCMScheduler',
  predictionType: 'epsilon',
  lcmBoundary: true,
  timestepSpacing: 'leading',
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  numTrainTimesteps: 1000,
  originalInferenceSteps: 50,
  numInferenceSteps: 50,
  trainedBetas: null,
  timestepScaling: 10,
});

export const DEFAULT_T_INDEX_LIST: readonly number[] = Object.freeze([0, 4, 12, 25, 37]);

const SIGMA_DATA = 0.5;

/**
 * Reads the fields we use from a diffusers scheduler config (snake_case JSON); anything
 * missing falls back to SD 1.5 (an LCMScheduler predicting ε). A config that names another
 * `_class_name` loses the LCM boundary condition.
 */
/** far above any trained schedule (SD uses 1000); bounds the betas table */
const MAX_TRAIN_TIMESTEPS = 100_000;

export function schedulerConfigFromJson(json: Record<string, unknown>): SchedulerConfig {
  const num = (key: string, fallback: number): number => {
    const v = json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: ${key} must be a number, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  // bounds checked here, before a Float64Array(numTrainTimesteps) or a division by a step count
  const bounded = (key: string, fallback: number, min: number, max: number, integer: boolean): number => {
    const v = num(key, fallback);
    if ((integer && !Number.isInteger(v)) || v < min || v > max) {
      throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: ${key} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${v}`);
    }
    return v;
  };
  const schedule = json['beta_schedule'] ?? SD15_SCHEDULER.betaSchedule;
  if (schedule !== 'scaled_linear' && schedule !== 'linear') {
    throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: beta_schedule ${JSON.stringify(schedule)} is not supported (use scaled_linear or linear)`);
  }
  const trained = json['trained_betas'];
  if (trained !== undefined && trained !== null && !(Array.isArray(trained) && trained.length > 0 && trained.length <= MAX_TRAIN_TIMESTEPS && trained.every((b) => typeof b === 'number' && b > 0 && b < 1))) {
    throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: trained_betas must be a list of 1..${MAX_TRAIN_TIMESTEPS} numbers in (0, 1) or null`);
  }
  const trainedBetas = Array.isArray(trained) ? (trained as number[]) : null;
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = json[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: ${key} ${JSON.stringify(v)} is not supported (use ${allowed.join(', ')})`);
    }
    return v as T;
  };
  const rawClass = json['_class_name'];
  if (rawClass !== undefined && rawClass !== null && typeof rawClass !== 'string') {
    throw new PaletteError('E_BAD_SCHEDULER_CONFIG', `scheduler config: _class_name must be a string, got ${JSON.stringify(rawClass)}`);
  }
  const className = typeof rawClass === 'string' && rawClass !== '' ? rawClass : null;
  return {
    className,
    predictionType: oneOf('prediction_type', PREDICTION_TYPES, 'epsilon'),
    lcmBoundary: className === null || className === 'LCMScheduler',
    timestepSpacing: oneOf('timestep_spacing', TIMESTEP_SPACINGS, 'leading'),
    betaStart: bounded('beta_start', SD15_SCHEDULER.betaStart, 0, 1, false),
    betaEnd: bounded('beta_end', SD15_SCHEDULER.betaEnd, 0, 1, false),
    betaSchedule: schedule,
    numTrainTimesteps: trainedBetas ? trainedBetas.length : bounded('num_train_timesteps', SD15_SCHEDULER.numTrainTimesteps, 1, MAX_TRAIN_TIMESTEPS, true),
    originalInferenceSteps: bounded('original_inference_steps', SD15_SCHEDULER.originalInferenceSteps, 1, MAX_TRAIN_TIMESTEPS, true),
    numInferenceSteps: SD15_SCHEDULER.numInferenceSteps,
    trainedBetas,
    timestepScaling: num('timestep_scaling', SD15_SCHEDULER.timestepScaling),
  };
}

export function computeBetas(config: SchedulerConfig): Float64Array {
  if (config.trainedBetas) return Float64Array.from(config.trainedBetas);
  const n = config.numTrainTimesteps;
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const frac = n === 1 ? 0 : i / (n - 1);
    if (config.betaSchedule === 'scaled_linear') {
      const s = Math.sqrt(config.betaStart) + (Math.sqrt(config.betaEnd) - Math.sqrt(config.betaStart)) * frac;
      betas[i] = s * s;
    } else {
      betas[i] = config.betaStart + (config.betaEnd - config.betaStart) * frac;
    }
  }
  return betas;
}

export function computeAlphasCumprod(betas: Float64Array): Float64Array {
  const ac = new Float64Array(betas.length);
  let prod = 1;
  for (let i = 0; i < betas.length; i++) {
    prod *= 1 - betas[i];
    ac[i] = prod;
  }
  return ac;
}

/** LCMScheduler.set_timesteps: for 50/50 on 1000 train steps → 999, 979, …, 19. */
export function lcmTimesteps(config: SchedulerConfig): number[] {
  const c = Math.floor(config.numTrainTimesteps / config.originalInferenceSteps);
  const origin: number[] = [];
  for (let i = 1; i <= config.originalInferenceSteps; i++) origin.push(i * c - 1);
  origin.reverse();
  const skip = Math.max(1, Math.floor(origin.length / config.numInferenceSteps));
  const out: number[] = [];
  for (let i = 0; i < origin.length && out.length < config.numInferenceSteps; i += skip) out.push(origin[i]);
  return out;
}

/** LCM boundary condition scalings at integer timestep t (LCMScheduler only, see SchedulerConfig.lcmBoundary). */
export function boundaryScalings(t: number, timestepScaling = SD15_SCHEDULER.timestepScaling): { cSkip: number; cOut: number } {
  const s = t * timestepScaling;
  const sd2 = SIGMA_DATA * SIGMA_DATA;
  return { cSkip: sd2 / (s * s + sd2), cOut: s / Math.sqrt(s * s + sd2) };
}

/** Everything a stream of T steps needs, per step k. */
export interface StreamSchedule {
  readonly config: SchedulerConfig;
  readonly alphasCumprod: Float64Array;
  readonly tIndexList: readonly number[];
  /** t_k */
  readonly timesteps: readonly number[];
  readonly alphaCumprod: Float64Array;
  readonly sqrtAlphaCumprod: Float64Array;
  readonly sqrtOneMinusAlphaCumprod: Float64Array;
  readonly cSkip: Float64Array;
  readonly cOut: Float64Array;
  /** n_0..n_{T-1}, n_T = 0 (length T + 1) */
  readonly noiseLevels: Float64Array;
}

export function createStreamSchedule(
  tIndexList: readonly number[] = DEFAULT_T_INDEX_LIST,
  config: SchedulerConfig = SD15_SCHEDULER,
): StreamSchedule {
  const all = lcmTimesteps(config);
  if (tIndexList.length === 0) {
    throw new PaletteError('E_BAD_STEPS', 'steps: t_index_list is empty (need at least one step)');
  }
  for (const idx of tIndexList) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= all.length) {
      throw new PaletteError('E_BAD_STEPS', `steps: index ${idx} is outside 0..${all.length - 1}`);
    }
  }
  const alphasCumprod = computeAlphasCumprod(computeBetas(config));
  const T = tIndexList.length;
  const timesteps = tIndexList.map((i) => all[i]);
  const alphaCumprod = new Float64Array(T);
  const sqrtAc = new Float64Array(T);
  const sqrt1mAc = new Float64Array(T);
  const cSkip = new Float64Array(T);
  const cOut = new Float64Array(T);
  const noiseLevels = new Float64Array(T + 1);
  for (let k = 0; k < T; k++) {
    const ac = alphasCumprod[timesteps[k]];
    alphaCumprod[k] = ac;
    sqrtAc[k] = Math.sqrt(ac);
    sqrt1mAc[k] = Math.sqrt(1 - ac);
    const b = config.lcmBoundary ? boundaryScalings(timesteps[k], config.timestepScaling) : { cSkip: 0, cOut: 1 };
    cSkip[k] = b.cSkip;
    cOut[k] = b.cOut;
    noiseLevels[k] = sqrt1mAc[k];
  }
  noiseLevels[T] = 0;
  return {
    config, alphasCumprod, tIndexList: [...tIndexList], timesteps, alphaCumprod,
    sqrtAlphaCumprod: sqrtAc, sqrtOneMinusAlphaCumprod: sqrt1mAc, cSkip, cOut, noiseLevels,
  };
}

/** out = sqrt(ac_k)·x0 + sqrt(1-ac_k)·ε (out may alias x0 or ε). */
export function addNoise(schedule: StreamSchedule, k: number, x0: Float32Array, eps: Float32Array, out: Float32Array): Float32Array {
  const a = schedule.sqrtAlphaCumprod[k];
  const b = schedule.sqrtOneMinusAlphaCumprod[k];
  const n = out.length;
  for (let j = 0; j < n; j++) out[j] = a * x0[j] + b * eps[j];
  return out;
}

/**
 * The x0 estimate F of a UNet output at step k (ENGINE-SPEC §9): ε → (x − sqrt(1−ac)·ε)/sqrt(ac),
 * v → sqrt(ac)·x − sqrt(1−ac)·v, sample → the output itself.
 */
export function predictedOriginal(predictionType: PredictionType, sa: number, sb: number, x: number, out: number): number {
  switch (predictionType) {
    case 'epsilon': return (x - sb * out) / sa;
    case 'v_prediction': return sa * x - sb * out;
    case 'sample': return out;
  }
}

/**
 * One LCM step at step index k: the clean-latent estimate D = c_out·F + c_skip·x, F the x0
 * estimate of the model output (ε, v or x0 by the config's prediction type). The stream
 * re-noises D itself, so there is no prevSample here.
 */
export function lcmDenoise(schedule: StreamSchedule, k: number, x: Float32Array, eps: Float32Array, out: Float32Array): Float32Array {
  const sa = schedule.sqrtAlphaCumprod[k];
  const sb = schedule.sqrtOneMinusAlphaCumprod[k];
  const cOut = schedule.cOut[k];
  const cSkip = schedule.cSkip[k];
  const type = schedule.config.predictionType;
  const n = out.length;
  for (let j = 0; j < n; j++) {
    const xv = x[j];
    out[j] = cOut * predictedOriginal(type, sa, sb, xv, eps[j]) + cSkip * xv;
  }
  return out;
}
