/**
 * Text conditioning helpers (ENGINE-SPEC §2): prompt-strength blending of embeddings and the
 * guidance-scale embedding for UNets with a `timestep_cond` input.
 */
import { PaletteError } from '../../../shared/errors';
import type { TextEmbedding } from '../types';
import type { StreamLayer } from './settings';

/** out = lerp(background, own, s) = background + s·(own − background) */
export function lerpEmbedding(background: TextEmbedding, own: TextEmbedding, s: number, out: Float32Array, outOff = 0): void {
  const a = background.data;
  const b = own.data;
  for (let j = 0; j < a.length; j++) out[outOff + j] = a[j] + s * (b[j] - a[j]);
}

/** p_i = lerp(p_bg, p_i, s) (SDXL's pooled vector), or null when the embeddings carry none */
export function lerpPooled(background: TextEmbedding, own: TextEmbedding, s: number): Float32Array | null {
  const a = background.pooled;
  const b = own.pooled;
  if (!a || !b) return null;
  const out = new Float32Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = a[j] + s * (b[j] - a[j]);
  return out;
}

export function checkEmbedding(name: string, e: TextEmbedding, like?: TextEmbedding): void {
  if (!(e.data instanceof Float32Array) || e.data.length !== e.tokens * e.width || e.tokens <= 0 || e.width <= 0) {
    throw new PaletteError('E_BAD_EMBEDDING', `${name}: embedding data must be a Float32Array of tokens × width values`);
  }
  if (like && (like.tokens !== e.tokens || like.width !== e.width)) {
    throw new PaletteError('E_BAD_EMBEDDING', `${name}: embedding is ${e.tokens}×${e.width}, the background's is ${like.tokens}×${like.width}`);
  }
  if (e.pooled !== undefined && !(e.pooled instanceof Float32Array && e.pooled.length > 0)) {
    throw new PaletteError('E_BAD_EMBEDDING', `${name}: the pooled vector must be a non-empty Float32Array`);
  }
  if (like && (like.pooled?.length ?? 0) !== (e.pooled?.length ?? 0)) {
    throw new PaletteError('E_BAD_EMBEDDING', `${name}: pooled vector has ${e.pooled?.length ?? 0} values, the background's has ${like.pooled?.length ?? 0}`);
  }
}

/**
 * Guidance-scale embedding of w = (g − 1)·1000 with width d:
 * [sin(w·f_j), cos(w·f_j)] with f_j = exp(−j·ln(10000)/(half − 1)), zero-padded if d is odd.
 */
export function guidanceScaleEmbedding(guidanceScale: number, width: number, out = new Float32Array(width)): Float32Array {
  const w = (guidanceScale - 1) * 1000;
  const half = Math.floor(width / 2);
  const denom = half - 1;
  for (let j = 0; j < half; j++) {
    const f = Math.exp((-j * Math.log(10000)) / (denom > 0 ? denom : 1));
    out[j] = Math.sin(w * f);
    out[half + j] = Math.cos(w * f);
  }
  if (width % 2 === 1) out[width - 1] = 0;
  return out;
}

/** what of a layer decides its conditioning C_i (and whether it is in the batch) */
export interface LayerConditioning {
  embedding: TextEmbedding;
  negativeEmbedding: TextEmbedding | null;
  promptStrength: number;
  visible: boolean;
}

/** the checks a layer's conditioning passes when set whole (setLayers) or patched (updateLayer) */
export function checkLayerConditioning(name: string, c: Pick<StreamLayer, 'embedding' | 'negativeEmbedding' | 'promptStrength'>): void {
  checkEmbedding(name, c.embedding);
  if (c.negativeEmbedding) checkEmbedding(`${name} negative`, c.negativeEmbedding, c.embedding);
  if (!(c.promptStrength >= 0 && c.promptStrength <= 1)) {
    throw new PaletteError('E_BAD_LAYER', `${name}: prompt strength ${c.promptStrength} is outside 0..1`);
  }
}

export function layerConditioning(l: StreamLayer): LayerConditioning {
  return { embedding: l.embedding, negativeEmbedding: l.negativeEmbedding ?? null, promptStrength: l.promptStrength, visible: l.visible };
}

export function sameArray(a: Float32Array | null, b: Float32Array | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameEmbedding(a: TextEmbedding | null, b: TextEmbedding | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.tokens !== b.tokens || a.width !== b.width) return false;
  return sameArray(a.data, b.data) && sameArray(a.pooled ?? null, b.pooled ?? null);
}

/** equal by value, so re-sending an unchanged palette is not a change */
export function sameLayerConditioning(a: LayerConditioning, b: LayerConditioning): boolean {
  return a.promptStrength === b.promptStrength && a.visible === b.visible &&
    sameEmbedding(a.embedding, b.embedding) && sameEmbedding(a.negativeEmbedding, b.negativeEmbedding);
}
