/**
 * The per-sample arithmetic of a stream frame (ENGINE-SPEC §5.3–5.6), as plain loops over
 * typed arrays. Sample layout: `channels × th × tw` at `off`; canvas latents `channels × h × w`.
 */
import type { PredictionType, StreamSchedule } from '../schedule/lcm-schedule';
import type { Shift } from './centering';

export interface TileWindow {
  readonly y0: number;
  readonly x0: number;
  readonly height: number;
  readonly width: number;
}

/** crop of a canvas latent into a sample slot, unrolled */
export function copyCrop(src: Float32Array, h: number, w: number, channels: number, tile: TileWindow,
  dst: Float32Array, off: number): void {
  const plane = h * w;
  const th = tile.height;
  const tw = tile.width;
  if (th === h && tw === w) {
    dst.set(src.subarray(0, channels * plane), off);
    return;
  }
  for (let c = 0; c < channels; c++) {
    for (let ty = 0; ty < th; ty++) {
      const s = c * plane + (tile.y0 + ty) * w + tile.x0;
      dst.set(src.subarray(s, s + tw), off + c * th * tw + ty * tw);
    }
  }
}

/**
 * Bootstrapped, centered sample: x = (1 − Q)·noisyBackground + Q·X_k on the tile, rolled by
 * `shift` (value at (y, x) lands at ((y + dy) mod th, (x + dx) mod tw)).
 */
export function buildBootstrapSample(xk: Float32Array, noisyBackground: Float32Array, q: Float32Array,
  h: number, w: number, channels: number, tile: TileWindow, shift: Shift, dst: Float32Array, off: number): void {
  const plane = h * w;
  const th = tile.height;
  const tw = tile.width;
  const tplane = th * tw;
  const dy = ((shift.dy % th) + th) % th;
  const dx = ((shift.dx % tw) + tw) % tw;
  for (let ty = 0; ty < th; ty++) {
    const Y = tile.y0 + ty;
    let ry = ty + dy;
    if (ry >= th) ry -= th;
    for (let tx = 0; tx < tw; tx++) {
      const p = Y * w + tile.x0 + tx;
      const qi = q[p];
      let rx = tx + dx;
      if (rx >= tw) rx -= tw;
      const d = off + ry * tw + rx;
      for (let c = 0; c < channels; c++) {
        dst[d + c * tplane] = (1 - qi) * noisyBackground[c * plane + p] + qi * xk[c * plane + p];
      }
    }
  }
}

export interface DenoiseCoefficients {
  /** sqrt(ac_k), sqrt(1 − ac_k), c_out, c_skip */
  readonly sa: number;
  readonly sb: number;
  readonly cOut: number;
  readonly cSkip: number;
  /** guidance scale, applied when `uncondOff` ≥ 0 */
  readonly scale: number;
  /** what the UNet output is (ENGINE-SPEC §9) */
  readonly predictionType: PredictionType;
}

/**
 * Denoises one sample to its clean estimate D = c_out·F + c_skip·x (LCM, §1; F by the prediction
 * type, §9) from the UNet output `out` and adds weight·Q·D into the canvas accumulator at the
 * unrolled position. out = out_u + g(out_c − out_u) when an unconditional twin
 * exists at `uncondOff` (−1: none). Pixels with Q = 0 contribute nothing and are skipped.
 */
export function denoiseAccumulate(sample: Float32Array, out: Float32Array, off: number, uncondOff: number,
  co: DenoiseCoefficients, q: Float32Array, tileWeights: Float64Array, h: number, w: number, channels: number,
  tile: TileWindow, shift: Shift, acc: Float64Array): void {
  const plane = h * w;
  const th = tile.height;
  const tw = tile.width;
  const tplane = th * tw;
  const dy = ((shift.dy % th) + th) % th;
  const dx = ((shift.dx % tw) + tw) % tw;
  const { sa, sb, cOut, cSkip, scale, predictionType } = co;
  const invSa = 1 / sa;
  const eps = predictionType === 'epsilon';
  const v = predictionType === 'v_prediction';
  for (let ty = 0; ty < th; ty++) {
    const Y = tile.y0 + ty;
    let ry = ty + dy;
    if (ry >= th) ry -= th;
    for (let tx = 0; tx < tw; tx++) {
      const p = Y * w + tile.x0 + tx;
      const qi = q[p];
      if (qi === 0) continue;
      const wq = qi * tileWeights[ty * tw + tx];
      let rx = tx + dx;
      if (rx >= tw) rx -= tw;
      const r = ry * tw + rx;
      for (let c = 0; c < channels; c++) {
        const si = off + c * tplane + r;
        const x = sample[si];
        let e = out[si];
        if (uncondOff >= 0) {
          const eu = out[uncondOff + c * tplane + r];
          e = eu + scale * (e - eu);
        }
        const f = eps ? (x - sb * e) * invSa : v ? sa * x - sb * e : e;
        const d = cOut * f + cSkip * x;
        acc[c * plane + p] += wq * d;
      }
    }
  }
}

/**
 * Bootstrapping background at slot k: add_noise(G_k, S, t_k) with
 * G_k = mix_k·W + (1 − mix_k)·B, mix_k = clip(mixSteps − k, 0, 1), B = W in creation mode.
 */
export function noisyBootstrapBackground(schedule: StreamSchedule, k: number, mixSteps: number, white: Float32Array,
  latentB: Float32Array | null, stock: Float32Array, out: Float32Array): void {
  const raw = mixSteps - k;
  const mix = raw <= 0 ? 0 : raw >= 1 ? 1 : raw;
  const b = latentB ?? white;
  const sa = schedule.sqrtAlphaCumprod[k];
  const sb = schedule.sqrtOneMinusAlphaCumprod[k];
  for (let j = 0; j < out.length; j++) out[j] = sa * (mix * white[j] + (1 - mix) * b[j]) + sb * stock[j];
}

/**
 * Latent pre-averaging, in place: L = Σ Q·D / divisor (count_k, or count_k + bg_k in creation
 * mode; 0 where the divisor is 0), then in inpainting mode L ← (1 − bg_k)·L + bg_k·B.
 */
export function latentPreAverage(acc: Float64Array, count: Float32Array, bg: Float32Array, latentB: Float32Array | null,
  plane: number, channels: number): void {
  for (let p = 0; p < plane; p++) {
    const bgv = bg[p];
    const div = latentB ? count[p] : count[p] + bgv;
    const inv = div > 0 ? 1 / div : 0;
    for (let c = 0; c < channels; c++) {
      const j = c * plane + p;
      const l = acc[j] * inv;
      acc[j] = latentB ? (1 - bgv) * l + bgv * latentB[j] : l;
    }
  }
}

/** X_k = add_noise(L_{k−1}, N_k, t_k) */
export function renoise(schedule: StreamSchedule, k: number, clean: Float64Array, noise: Float32Array, out: Float32Array): void {
  const sa = schedule.sqrtAlphaCumprod[k];
  const sb = schedule.sqrtOneMinusAlphaCumprod[k];
  for (let j = 0; j < out.length; j++) out[j] = sa * clean[j] + sb * noise[j];
}
