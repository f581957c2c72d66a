/**
 * `npm run bench -- paper`: the paper's Table 6 (StreamMultiDiffusion, RTX 2080 Ti, 512², 3
 * regions) side by side on our engine, one model and one machine, one run: the SD 1.5
 * real-architecture fixture at its native size, 3 regions + background, the same masks and
 * prompts in every row.
 *
 * 1. baseline MultiDiffusion: 50 steps on the 50-step grid, classifier-free guidance 7.5 (a
 *    [cond, uncond] batch), each step one UNet batch of all regions whose estimates are
 *    averaged by mask, full VAE; time per image.
 * 2. + stable acceleration: LCM, T = 5 (default t_index_list), latent pre-averaging and
 *    bootstrapping, no CFG, step after step (one UNet batch of all regions per step), full VAE.
 * 3. + multi-prompt stream batch: the live stream, T × P′ samples per frame; time per frame.
 * 4. + tiny VAE: the same stream decoded by a TAESD-shaped tiny decoder.
 *
 * Rows 1–2 run the engine's own batch plan and pre-averaging one step at a time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPipeline, PalettePipeline } from '../main/engine/pipeline';
import { imageToRgba, whiteImage } from '../main/engine/image';
import { RandomStream, Xoshiro128 } from '../main/engine/random';
import { createStreamSchedule, DEFAULT_T_INDEX_LIST, type StreamSchedule } from '../main/engine/schedule/lcm-schedule';
import { BatchPlan, type PlanLayer } from '../main/engine/stream/batch-plan';
import { latentPreAverage, noisyBootstrapBackground, renoise } from '../main/engine/stream/batch-math';
import { downsampleArea } from '../main/engine/masks/quantize';
import type { UNetRunner } from '../main/engine/types';
import { perTimestep } from '../main/engine/models/unet';
import { SD15_FIXTURE, regionLayers } from './fixtures';
import { buildTaesdDecoder } from './taesd';
import { median, round, type BenchRow } from './stats';

/** the paper's Table 6 (FPS) */
const PAPER = { baseline: 0.0189, stable: 0.183, stream: 1.38, tiny: 1.57 };
const BACKGROUND = 'a quiet meadow at dawn';
const REGIONS = 3;

/** What a step-after-step sampler needs; masks/count/bg are per step. */
interface StepSampler {
  p: PalettePipeline;
  unet: UNetRunner;
  layers: PlanLayer[];
  count: readonly Float32Array[];
  bg: readonly Float32Array[];
  schedule: StreamSchedule;
  guidanceCopies: 1 | 2;
  guidanceScale: number;
  /** timestep_cond scale for LCM UNets */
  condScale: number;
  bootstrapSteps: number;
  noise: Float32Array[];
  /** W = scale · VAE_encode(white), for bootstrapping */
  white: Float32Array;
  tokens: number;
  embeddingWidth: number;
}

/** wall and process CPU time per image (or frame): on a shared machine CPU time is the steadier */
interface Measured { ms: number[]; cpu: number[]; samples: number; calls: number }

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function unetRuns(p: PalettePipeline): number {
  return p.model.sessions.unet?.runs ?? 0;
}

/** one image, step after step: per step one batch plan of all regions at t_k; returns the final latent */
async function sampleImage(s: StepSampler, plans: BatchPlan[], steps: StreamSchedule[]): Promise<Float32Array> {
  const st = s.p.stream;
  const n = st.latentSize;
  const plane = st.latentHeight * st.latentWidth;
  const x = s.noise[0].slice();
  const acc = new Float64Array(n);
  const noisyBg = new Float32Array(n);
  const T = plans.length;
  for (let k = 0; k < T; k++) {
    if (k < s.bootstrapSteps) noisyBootstrapBackground(s.schedule, k, st.settings.bootstrapMixSteps, s.white, null, s.noise[0], noisyBg);
    await plans[k].run(s.unet, { slotLatents: [x], noisyBackground: [noisyBg], schedule: steps[k], guidanceScale: s.guidanceScale, acc: [acc] }, Infinity);
    latentPreAverage(acc, s.count[k], s.bg[k], null, plane, st.latentChannels);
    if (k + 1 < T) renoise(s.schedule, k + 1, acc, s.noise[k + 1], x);
  }
  return Float32Array.from(acc);
}

async function decodeFull(p: PalettePipeline, latent: Float32Array): Promise<Uint8ClampedArray> {
  const vae = p.model.vae;
  const scaled = latent.map((v) => v / vae.scalingFactor);
  const image = await vae.decode(scaled, p.height / 8, p.width / 8);
  return imageToRgba(image, p.width, p.height);
}

/** one row of the table: `once()` makes one image (or frame) and says how many UNet calls it took */
interface Row { samples: number; once(): Promise<number> }

async function stepSamplerRow(s: StepSampler): Promise<Row> {
  const T = s.schedule.timesteps.length;
  const st = s.p.stream;
  const steps = s.schedule.tIndexList.map((i) => createStreamSchedule([i], s.schedule.config));
  const plans = Array.from({ length: T }, (_, k) => new BatchPlan({
    layers: s.layers.map((l) => ({ ...l, masks: [l.masks[k]] })),
    tiles: st.tiles,
    timesteps: [s.schedule.timesteps[k]],
    channels: st.latentChannels,
    latentHeight: st.latentHeight,
    latentWidth: st.latentWidth,
    tokens: s.tokens,
    embeddingWidth: s.embeddingWidth,
    bootstrapSteps: k < s.bootstrapSteps ? 1 : 0,
    guidanceCopies: s.guidanceCopies,
    timestepCond: s.unet.timestepCondWidth > 0 ? { width: s.unet.timestepCondWidth, scale: s.condScale } : null,
  }));
  await decodeFull(s.p, await sampleImage(s, plans.slice(0, 1), steps)); // warm-up
  return {
    samples: plans.reduce((a, pl) => a + pl.total, 0),
    once: async () => {
      const before = unetRuns(s.p);
      await decodeFull(s.p, await sampleImage(s, plans, steps));
      return unetRuns(s.p) - before;
    },
  };
}

async function streamRow(p: PalettePipeline): Promise<Row> {
  await p.frame();
  await p.frame();
  return {
    samples: p.stream.lastFrameStats.samples,
    once: async () => {
      const before = unetRuns(p);
      await p.frame();
      return unetRuns(p) - before;
    },
  };
}

/**
 * Rows take turns, round after round (`per[i]` runs of row i per round), so the machine's other
 * load falls on every row alike and the ratios between rows hold.
 */
async function interleaved(rows: Row[], per: number[], rounds: number): Promise<Measured[]> {
  const out: Measured[] = rows.map((r) => ({ ms: [], cpu: [], samples: r.samples, calls: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, r] of rows.entries()) {
      for (let j = 0; j < per[i]; j++) {
        const c0 = cpuMsNow();
        const t0 = performance.now();
        out[i].calls = await r.once();
        out[i].ms.push(performance.now() - t0);
        out[i].cpu.push(cpuMsNow() - c0);
      }
    }
  }
  return out;
}

/**
 * The stream batch as it ran before the scalar-timestep rewrite (issue 9): the same samples, one
 * UNet call per distinct timestep (T calls per frame), on the same rewritten session, so only
 * the call structure differs from the "+ multi-prompt stream batch" row.
 */
function perTimestepCalls(unet: UNetRunner): UNetRunner {
  return {
    streamBatchable: false,
    timestepCondWidth: unet.timestepCondWidth,
    predictNoise: (b) => perTimestep(b, (group) => unet.predictNoise(group)),
  };
}

async function scene(p: PalettePipeline): Promise<void> {
  await p.setBackground({ prompt: BACKGROUND, negativePrompt: '', image: null });
  await p.setLayers(regionLayers(REGIONS, p.width, p.height));
  p.stream.prepare();
}

async function embeddings(p: PalettePipeline, texts: string[]): Promise<Float32Array[]> {
  return (await p.model.textEncoder.encode(texts)).map((e) => e.data);
}

/** what every sampler shares: the white latent and the embedding layout */
async function common(p: PalettePipeline): Promise<Pick<StepSampler, 'white' | 'tokens' | 'embeddingWidth'>> {
  const [e] = await p.model.textEncoder.encode([BACKGROUND]);
  const white = await p.model.vae.encode(whiteImage(p.width, p.height), p.height, p.width);
  for (let j = 0; j < white.length; j++) white[j] *= p.model.vae.scalingFactor;
  return { white, tokens: e.tokens, embeddingWidth: e.width };
}

/** MultiDiffusion: the masks as drawn, area-downsampled; background = what no region covers */
async function baselineSampler(p: PalettePipeline, seedNoise: Float32Array[]): Promise<StepSampler> {
  const regions = regionLayers(REGIONS, p.width, p.height);
  const [bgCond, negative, ...conds] = await embeddings(p, [BACKGROUND, '', ...regions.map((r) => r.prompt)]);
  const masks = regions.map((r) => Float32Array.from(downsampleArea(Float64Array.from(r.mask, (v) => v / 255), p.height, p.width)));
  const count = new Float32Array(masks[0].length);
  for (const m of masks) for (let j = 0; j < m.length; j++) count[j] += m[j];
  const bg = count.map((c) => Math.max(0, 1 - c));
  const schedule = createStreamSchedule(Array.from({ length: 50 }, (_, i) => i), p.model.scheduler);
  const T = schedule.timesteps.length;
  return {
    p, unet: p.model.unet,
    layers: [
      { id: '<background>', masks: new Array<Float32Array>(T).fill(bg), cond: bgCond, negative },
      ...masks.map((m, i) => ({ id: regions[i].id, masks: new Array<Float32Array>(T).fill(m), cond: conds[i], negative })),
    ],
    count: new Array<Float32Array>(T).fill(count),
    bg: new Array<Float32Array>(T).fill(bg),
    schedule, guidanceCopies: 2, guidanceScale: 7.5, condScale: 1, bootstrapSteps: 0,
    noise: Array.from({ length: T }, (_, k) => seedNoise[k % seedNoise.length]),
    ...(await common(p)),
  };
}

/** the stream's own quantized masks, bootstrapping and conditioning, sampled one step at a time */
async function stableSampler(p: PalettePipeline, seedNoise: Float32Array[]): Promise<StepSampler> {
  const st = p.stream;
  const regions = regionLayers(REGIONS, p.width, p.height);
  const [bgCond, ...conds] = await embeddings(p, [BACKGROUND, ...regions.map((r) => r.prompt)]);
  return {
    p, unet: p.model.unet,
    layers: [
      { id: '<background>', masks: st.backgroundMasks, cond: bgCond, negative: null },
      ...regions.map((r, i) => ({ id: r.id, masks: st.quantizedMasks(r.id), cond: conds[i], negative: null })),
    ],
    count: st.count, bg: st.backgroundMasks, schedule: st.schedule,
    guidanceCopies: 1, guidanceScale: st.settings.guidanceScale, condScale: st.settings.guidanceScale,
    bootstrapSteps: st.settings.bootstrapSteps, noise: seedNoise.slice(0, st.steps),
    ...(await common(p)),
  };
}

/** UNet time per sample at batch sizes 1 … T·P′ (one timestep): what batching buys on this CPU */
async function batchScaling(p: PalettePipeline, sizes: number[], repeats: number): Promise<Array<[number, number]>> {
  const st = p.stream;
  const size = st.latentSize;
  const [e] = await p.model.textEncoder.encode([BACKGROUND]);
  const cond = e.data;
  const out: Array<[number, number]> = [];
  for (const batch of sizes) {
    const sample = new Xoshiro128(3, RandomStream.slotNoise).fillGaussian(new Float32Array(batch * size));
    const hidden = new Float32Array(batch * cond.length);
    for (let i = 0; i < batch; i++) hidden.set(cond, i * cond.length);
    const w = p.model.unet.timestepCondWidth;
    const args = {
      batch, channels: st.latentChannels, height: st.latentHeight, width: st.latentWidth, sample,
      timesteps: new Int32Array(batch).fill(999), encoderHiddenStates: hidden, tokens: e.tokens, embeddingWidth: e.width,
      timestepCond: w > 0 ? new Float32Array(batch * w) : undefined,
    };
    await p.model.unet.predictNoise(args);
    const ms: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await p.model.unet.predictNoise(args);
      ms.push(performance.now() - t0);
    }
    out.push([batch, median(ms) / batch]);
  }
  return out;
}

export interface PaperResult { rows: BenchRow[]; notes: string[] }

/** the fixture, copied, plus a TAESD-shaped vae_decoder_tiny/ of `channels` channels */
function fixtureWithTinyDecoder(channels: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-bench-paper-'));
  fs.cpSync(SD15_FIXTURE, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'vae_decoder_tiny'));
  fs.writeFileSync(path.join(dir, 'vae_decoder_tiny', 'model.onnx'), buildTaesdDecoder(channels));
  fs.writeFileSync(path.join(dir, 'vae_decoder_tiny', 'config.json'), JSON.stringify({ _class_name: 'AutoencoderTiny', latent_channels: 4, scaling_factor: 1.0 }));
  return dir;
}

/**
 * The fixture's VAE is SD's shape at 16 channels instead of 128…512 (÷8 at the widest level the
 * decoder runs at full resolution), so TAESD is built twice: at its real width (64) and at the
 * fixture's scale (64 ÷ 8 = 8), the one whose cost relative to the fixture's VAE is SD's.
 */
const TINY_WIDTHS = { real: 64, fixtureScale: 8 };

export async function benchPaper(quick: boolean): Promise<PaperResult> {
  const dirs = [fixtureWithTinyDecoder(TINY_WIDTHS.fixtureScale), fixtureWithTinyDecoder(TINY_WIDTHS.real)];
  const pipelines: PalettePipeline[] = [];
  try {
    const native = 256;
    const load = async (dir: string, previewDecoder: boolean): Promise<PalettePipeline> => {
      const p = await loadPipeline(dir, { width: native, height: native, providers: ['cpu'], previewDecoder });
      pipelines.push(p);
      await scene(p);
      return p;
    };
    const full = await load(dirs[0], false);
    const tiny = await load(dirs[0], true);
    const tinyReal = await load(dirs[1], true);
    const perStep = new PalettePipeline({ ...full.model, unet: perTimestepCalls(full.model.unet) as typeof full.model.unet }, { previewDecoder: false });
    await perStep.setCanvas(native, native);
    await scene(perStep);
    const noise = Array.from({ length: 8 }, (_, k) => new Xoshiro128(11 + k, RandomStream.slotNoise).fillGaussian(new Float32Array(full.stream.latentSize)));

    const rowsToTime = [
      await stepSamplerRow(await baselineSampler(full, noise)),
      await stepSamplerRow(await stableSampler(full, noise)),
      await streamRow(full),
      await streamRow(tiny),
      await streamRow(tinyReal),
      await streamRow(perStep),
    ];
    const [baseline, stable, stream, tinyRow, tinyRealRow, perStepRow] = await interleaved(rowsToTime, [1, 3, 3, 3, 3, 3], quick ? 1 : 5);
    const baseMs = median(baseline.ms);
    const baseCpu = median(baseline.cpu);
    const P = REGIONS + 1;
    const T = DEFAULT_T_INDEX_LIST.length;
    const row = (name: string, m: Measured, per: string, paper: number | null, paperFps: number | null): BenchRow => {
      const ms = median(m.ms);
      return {
        benchmark: `paper Table 6: ${name}`,
        case: `SD 1.5 real-arch, ${native}×${native}, ${REGIONS} regions + background; ${m.samples} UNet samples in ${m.calls} call${m.calls === 1 ? '' : 's'} per ${per}`,
        result: `${round(1000 / ms, 2)} FPS (${round(ms, 1)} ms per ${per}), ×${round(baseMs / ms, 1)} the baseline; by CPU time ×${round(baseCpu / median(m.cpu), 1)} (${round(median(m.cpu), 0)} ms)`,
        target: paper === null ? '–' : `paper: ${paperFps} FPS, ×${paper}`,
        met: null,
      };
    };
    const rows = [
      row('baseline MultiDiffusion (50 steps, CFG 7.5, full VAE)', baseline, 'image', 1, PAPER.baseline),
      row('+ stable acceleration (LCM T = 5, pre-averaging, bootstrapping, no CFG, step after step)', stable, 'image', round(PAPER.stable / PAPER.baseline, 1), PAPER.stable),
      row('+ multi-prompt stream batch (live stream, full VAE)', stream, 'frame', round(PAPER.stream / PAPER.baseline, 0), PAPER.stream),
      row(`+ tiny VAE (TAESD-shaped, ${TINY_WIDTHS.fixtureScale} channels: the fixture's scale)`, tinyRow, 'frame', round(PAPER.tiny / PAPER.baseline, 0), PAPER.tiny),
      row(`+ tiny VAE (TAESD-shaped, ${TINY_WIDTHS.real} channels: TAESD's real width, wider than the fixture's "full" VAE)`, tinyRealRow, 'frame', null, null),
      row('stream batch before the scalar-timestep rewrite (one UNet call per timestep, full VAE; compare with the stream batch row)', perStepRow, 'frame', null, null),
    ];
    const scaling = await batchScaling(full, [1, P, 2 * P, T * P], quick ? 3 : 9);
    const perSample1 = scaling[0][1];
    const notes = [
      `UNet time per sample by batch size on this CPU (one timestep): ${scaling.map(([b, ms]) => `${b}: ${round(ms, 2)} ms (throughput ×${round(perSample1 / ms, 2)} of batch 1)`).join(', ')}.`,
    ];
    return { rows, notes };
  } finally {
    for (const p of pipelines) await p.release();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
