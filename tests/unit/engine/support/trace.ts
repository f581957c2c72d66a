/**
 * Golden trace support (../shared/traces/README.md): the trace file's shape, its `trace-v2`
 * UNet stand-in behind the real UNetRunner interface, and helpers to feed a trace to the
 * engine's StreamBatch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextEmbedding, UNetBatch, UNetRunner } from '../../../../main/engine/types';

export interface TraceFile {
  name: string;
  canvas: { height: number; width: number };
  latentChannels: number;
  nativeLatentSize: number;
  settings: {
    tIndexList: number[];
    maskType: 'continuous' | 'semi-continuous' | 'discrete';
    coverAlpha: number;
    bootstrapSteps: number;
    bootstrapMixSteps: number;
    noise: 'fixed' | 'fresh';
    guidance: 'none' | 'full';
  };
  mode: 'creation' | 'inpainting';
  frames: number;
  embeddingRows: number;
  background: { embedding: number[]; latent: number[] | null };
  whiteLatent: number[];
  layers: { mask: number[]; promptStrength: number; maskStrength: number; maskBlur: number; embedding: number[] }[];
  noise: { slots: number[][]; fresh: number[][] | null };
  expected: {
    quantizedMasks: number[][][];
    outputs: number[][];
    buffersAfterFrame: number[][][];
    tolerance: number;
  };
}

/** <repo>/../shared/traces unless PALETTE_TRACE_DIR says otherwise */
export function traceDir(): string {
  return process.env.PALETTE_TRACE_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'traces');
}

export function loadTrace(file: string): TraceFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TraceFile;
}

/** SD 1.5 alphas_cumprod, computed here independently of the engine's schedule module */
function sd15AlphasCumprod(): Float64Array {
  const ac = new Float64Array(1000);
  const a = Math.sqrt(0.00085);
  const b = Math.sqrt(0.012);
  let prod = 1;
  for (let i = 0; i < 1000; i++) {
    const beta = (a + ((b - a) * i) / 999) ** 2;
    prod *= 1 - beta;
    ac[i] = prod;
  }
  return ac;
}

/**
 * The trace-v2 denoiser: for each sample (sh × sw latent pixels as the UNet receives it),
 * eps = (v − sqrt(ac[t])·c[ch]) / sqrt(1 − ac[t]) + 0.05·sin(3v) + 0.1·(right − v)
 *       + 0.03·y/sh + 0.02·x/sw, with c[ch] the mean of the 77 conditioning rows.
 */
export class TraceDenoiser implements UNetRunner {
  readonly streamBatchable: boolean;
  readonly timestepCondWidth = 0;
  calls = 0;
  samples = 0;
  private readonly ac = sd15AlphasCumprod();

  constructor(streamBatchable = true) {
    this.streamBatchable = streamBatchable;
  }

  async predictNoise(batch: UNetBatch): Promise<Float32Array> {
    const { channels: C, height: sh, width: sw, tokens, embeddingWidth } = batch;
    if (embeddingWidth !== C) throw new Error(`trace-v2 needs embedding width ${C}, got ${embeddingWidth}`);
    if (!this.streamBatchable && new Set(batch.timesteps).size > 1) throw new Error('scalar-timestep UNet got mixed timesteps');
    this.calls++;
    this.samples += batch.batch;
    const out = new Float32Array(batch.sample.length);
    const plane = sh * sw;
    for (let b = 0; b < batch.batch; b++) {
      const t = batch.timesteps[b];
      const sa = Math.sqrt(this.ac[t]);
      const sb = Math.sqrt(1 - this.ac[t]);
      for (let ch = 0; ch < C; ch++) {
        let c = 0;
        for (let r = 0; r < tokens; r++) c += batch.encoderHiddenStates[(b * tokens + r) * embeddingWidth + ch];
        c /= tokens;
        const base = (b * C + ch) * plane;
        for (let y = 0; y < sh; y++) {
          for (let x = 0; x < sw; x++) {
            const v = batch.sample[base + y * sw + x];
            const right = batch.sample[base + y * sw + ((x + 1) % sw)];
            out[base + y * sw + x] = (v - sa * c) / sb + 0.05 * Math.sin(3 * v) + 0.1 * (right - v) + (0.03 * y) / sh + (0.02 * x) / sw;
          }
        }
      }
    }
    return out;
  }
}

/** every one of `rows` rows is the given vector */
export function repeatedEmbedding(row: number[], rows: number): TextEmbedding {
  const data = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) data.set(row, r * row.length);
  return { data, tokens: rows, width: row.length };
}

/** Trace masks hold k/255: pass them as exact alpha when they are, else as floats. */
export function traceMask(values: number[]): Float32Array | Uint8Array {
  const alpha = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const k = Math.round(values[i] * 255);
    if (Math.abs(values[i] * 255 - k) > 1e-6 || k < 0 || k > 255) return Float32Array.from(values);
    alpha[i] = k;
  }
  return alpha;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
