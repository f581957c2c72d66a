/** Stream settings, their defaults (ENGINE-SPEC §8) and validation. */
import { PaletteError } from '../../../shared/errors';
import { MASK_TYPES, type MaskType } from '../masks/quantize';
import { DEFAULT_T_INDEX_LIST } from '../schedule/lcm-schedule';
import type { TextEmbedding } from '../types';
import type { CanvasMask } from '../masks/compositor';

export type NoiseMode = 'fixed' | 'fresh';
export type GuidanceMode = 'none' | 'full';

export interface StreamSettings {
  tIndexList: readonly number[];
  maskType: MaskType;
  coverAlpha: number;
  bootstrapSteps: number;
  bootstrapMixSteps: number;
  noise: NoiseMode;
  guidance: GuidanceMode;
  /** g: CFG scale for `full`, or the distilled scale for `timestep_cond` UNets */
  guidanceScale: number;
  /**
   * most samples per UNet call (Infinity: no limit but the memory cap, stream/batch-chunks.ts);
   * a layer's conditional and unconditional samples always share a call, so with `full`
   * guidance a call holds at least 2
   */
  batchLimit: number;
}

export const DEFAULT_STREAM_SETTINGS: Readonly<StreamSettings> = Object.freeze({
  tIndexList: DEFAULT_T_INDEX_LIST,
  maskType: 'continuous',
  coverAlpha: 0.3,
  bootstrapSteps: 1,
  bootstrapMixSteps: 1.0,
  noise: 'fixed',
  guidance: 'none',
  guidanceScale: 1.0,
  batchLimit: Infinity,
});

/** One semantic brush as the stream needs it. */
export interface StreamLayer {
  readonly id: string;
  readonly embedding: TextEmbedding;
  /** used with `full` guidance; missing → the background's negative */
  readonly negativeEmbedding?: TextEmbedding | null;
  /** 1 = only its own prompt, 0 = only the background prompt */
  readonly promptStrength: number;
  readonly maskStrength: number;
  /** σ in canvas pixels */
  readonly maskBlur: number;
  readonly visible: boolean;
  /** canvas-sized: Float32Array 0..1 or Uint8Array alpha */
  readonly mask: CanvasMask;
}

export interface StreamBackground {
  readonly embedding: TextEmbedding;
  readonly negativeEmbedding?: TextEmbedding | null;
  /** B = scale · VAE_encode(image), NCHW (inpainting); null → creation mode */
  readonly latent: Float32Array | null;
}

export interface StreamGeometry {
  /** canvas pixels, multiples of 8 */
  readonly height: number;
  readonly width: number;
  /** the UNet's native latent size (SD 1.5: 64); larger canvases are tiled */
  readonly nativeLatentSize: number;
  readonly latentChannels?: number;
}

function bad(message: string): never {
  throw new PaletteError('E_BAD_SETTING', message);
}

export function checkSettings(s: StreamSettings): void {
  if (!MASK_TYPES.includes(s.maskType)) bad(`mask type ${JSON.stringify(s.maskType)} is not one of ${MASK_TYPES.join(', ')}`);
  if (!(s.coverAlpha >= 0 && s.coverAlpha <= 1)) bad(`cover alpha ${s.coverAlpha} is outside 0..1`);
  if (!(Number.isInteger(s.bootstrapSteps) && s.bootstrapSteps >= 0)) bad(`bootstrap steps ${s.bootstrapSteps} must be a non-negative integer`);
  if (!(s.bootstrapMixSteps >= 0 && Number.isFinite(s.bootstrapMixSteps))) bad(`bootstrap mix steps ${s.bootstrapMixSteps} must be ≥ 0`);
  if (s.noise !== 'fixed' && s.noise !== 'fresh') bad(`noise ${JSON.stringify(s.noise)} is not fixed or fresh`);
  if (s.guidance !== 'none' && s.guidance !== 'full') bad(`guidance ${JSON.stringify(s.guidance)} is not none or full`);
  if (!Number.isFinite(s.guidanceScale) || s.guidanceScale < 0 || s.guidanceScale > 100) bad(`guidance scale ${s.guidanceScale} is outside 0..100`);
  if (!(s.batchLimit === Infinity || (Number.isInteger(s.batchLimit) && s.batchLimit >= 1))) bad(`batch limit ${s.batchLimit} must be a positive integer`);
}
