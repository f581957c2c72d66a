/**
 * How one stream batch is cut into UNet calls when it would not fit one call (ENGINE-SPEC §6:
 * "chunked if they exceed a configurable batch limit"), and the one place the memory cap lives.
 *
 * The batch is a list of units u = (k·tiles + t)·P + i — step k, tile t, layer i — each with G
 * samples (G = 2: conditional and unconditional). A call takes a run of units; inside a call the
 * samples are laid out step by step, each step's conditional run then its unconditional run,
 * so a call holding the whole batch has exactly the one-call layout
 * ((k·G + g)·tiles + t)·P + i. A unit's samples never straddle two calls, so classifier-free
 * guidance combines ε_c and ε_u of the same call.
 */
import { PaletteError } from '../../../shared/errors';

/**
 * Default memory cap of one UNet call, MiB, counted as the call's sample, prediction and
 * conditioning tensors (valuesPerSample in batch-plan.ts). onnxruntime's working memory inside
 * the call grows with the same samples, by a factor that depends on the model (palette-colors
 * ~1.7× these tensors, the SD 1.5 real-arch fixture ~170×: BENCHMARKS.md, "memory"), so the
 * cap bounds both. At 32 MiB the stream batch stays one call for a 512² canvas with any
 * number of layers up to 16 and for 1024² with 3 layers (180 samples of 4×64×64: 23 MiB);
 * larger batches (2048² and up, many layers) run as several calls instead of growing with
 * canvas × layers × steps. On the CPU provider the calls cost no more CPU than one call.
 */
export const DEFAULT_UNET_BATCH_MIB = 32;

/** Samples one call may take: the batch limit and the memory cap, whichever is smaller (at least one unit). */
export function samplesPerCall(bytesPerSample: number, capMiB: number, batchLimit: number): number {
  if (!(capMiB > 0)) throw new PaletteError('E_BAD_SETTING', `UNet batch memory cap ${capMiB} MiB must be a positive number`);
  return Math.max(1, Math.min(batchLimit, Math.floor((capMiB * 2 ** 20) / bytesPerSample)));
}

/** The units of one step that a call holds, and where they start in the call. */
export interface ChunkSegment {
  readonly step: number;
  /** units [from, to) of the whole batch, all of step `step` */
  readonly from: number;
  readonly to: number;
  /** the call's sample index of unit `from`'s conditional sample; its g-th copy is at base + g·(to − from) */
  readonly base: number;
}

export interface BatchChunk {
  readonly segments: readonly ChunkSegment[];
  /** samples in the call: G × units */
  readonly samples: number;
}

/**
 * Cuts `steps × unitsPerStep` units into calls of at most `maxSamples` samples (G per unit),
 * balanced so the calls have (nearly) one shape. `acrossSteps` false keeps every call inside
 * one step (scalar-timestep UNets: one timestep per call).
 */
export function planChunks(steps: number, unitsPerStep: number, copies: number, maxSamples: number, acrossSteps: boolean): BatchChunk[] {
  const units = steps * unitsPerStep;
  if (units === 0) return [];
  const perCall = Math.max(1, Math.floor(maxSamples / copies));
  const ranges: Array<[number, number]> = [];
  const cut = (from: number, to: number): void => {
    const n = Math.max(1, Math.ceil((to - from) / perCall));
    for (let j = 0; j < n; j++) ranges.push([from + Math.floor(((to - from) * j) / n), from + Math.floor(((to - from) * (j + 1)) / n)]);
  };
  if (acrossSteps) cut(0, units);
  else for (let k = 0; k < steps; k++) cut(k * unitsPerStep, (k + 1) * unitsPerStep);
  return ranges.map(([from, to]) => {
    const segments: ChunkSegment[] = [];
    let base = 0;
    for (let k = Math.floor(from / unitsPerStep); k * unitsPerStep < to; k++) {
      const a = Math.max(from, k * unitsPerStep);
      const b = Math.min(to, (k + 1) * unitsPerStep);
      segments.push({ step: k, from: a, to: b, base });
      base += copies * (b - a);
    }
    return { segments, samples: base };
  });
}
