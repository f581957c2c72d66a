/**
 * Threads benchmark (issue 11): does a live frame cost what its onnxruntime calls cost alone?
 * On the real-architecture SD 1.5 fixture (256², 3 regions + background), one frame's session
 * runs are recorded, then each is replayed on its own (after a pause, so no other session's
 * pool is awake) and the medians are summed; the frame median is divided by that sum. Done
 * once with onnxruntime's default spinning intra-op pools and once with the engine's default
 * (spinning off), in one process, so the ratio between the two rows is what counts.
 */
import { loadPipeline, type PalettePipeline } from '../main/engine/pipeline';
import * as os from 'node:os';
import { defaultIntraOpThreads, type ModelSession } from '../main/engine/runtime';
import type { Feed } from '../main/engine/runtime/tensors';
import { SD15_FIXTURE, regionLayers } from './fixtures';
import { median, round, type BenchRow } from './stats';

type Run = ModelSession['run'];
interface Recorded { session: ModelSession; feeds: Record<string, Feed>; outputs?: readonly string[] }

function copyFeeds(feeds: Readonly<Record<string, Feed>>): Record<string, Feed> {
  return Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, { data: f.data.slice(), dims: [...f.dims] }]));
}

/** The session runs of one frame, with copies of their inputs. */
async function recordFrame(p: PalettePipeline): Promise<Recorded[]> {
  const calls: Recorded[] = [];
  const sessions = Object.values(p.model.sessions).filter((s): s is ModelSession => s !== undefined);
  const originals = new Map<ModelSession, Run>();
  for (const s of sessions) {
    const run = s.run.bind(s);
    originals.set(s, run);
    s.run = (feeds, outputs) => {
      calls.push({ session: s, feeds: copyFeeds(feeds), outputs });
      return run(feeds, outputs);
    };
  }
  try {
    await p.frame();
  } finally {
    for (const [s, run] of originals) s.run = run;
  }
  return calls;
}

/** cpuMs: process CPU time (all threads) per frame: what spinning costs the rest of the machine */
export interface ThreadsResult { frameMs: number; cpuMs: number; isolatedMs: number; ratio: number; calls: number }

interface Variant { label: string; p: PalettePipeline; calls: Recorded[]; frames: number[]; cpu: number[]; isolated: number[][] }

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** each recorded call run `repeats` times back to back (nothing else running): one time per call per round */
async function isolatedRound(v: Variant, repeats: number): Promise<void> {
  for (const [i, c] of v.calls.entries()) {
    const times: number[] = [];
    await c.session.run(c.feeds, c.outputs); // the pool is awake, as it is for the frame's own calls
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await c.session.run(c.feeds, c.outputs);
      times.push(performance.now() - t0);
    }
    (v.isolated[i] ??= []).push(median(times));
  }
}

/**
 * Frame median ÷ the sum of the isolated calls' medians, for pipelines already holding the same
 * scene. Variants take turns frame by frame, so the machine's other load hits them alike.
 */
export async function frameVsIsolated(pipelines: Array<[string, PalettePipeline]>, frames: number): Promise<Array<[string, ThreadsResult]>> {
  const variants: Variant[] = [];
  for (const [label, p] of pipelines) {
    await p.frame();
    await p.frame(); // warm-up: arenas sized, caches hot
    variants.push({ label, p, calls: await recordFrame(p), frames: [], cpu: [], isolated: [] });
  }
  for (let i = 0; i < frames; i++) {
    for (const v of variants) {
      const c0 = cpuMsNow();
      const t0 = performance.now();
      await v.p.frame();
      v.frames.push(performance.now() - t0);
      v.cpu.push(cpuMsNow() - c0);
      if (i % 3 === 0) await isolatedRound(v, 3);
    }
  }
  return variants.map((v) => {
    const isolatedMs = v.isolated.reduce((a, times) => a + median(times), 0);
    const frameMs = median(v.frames);
    return [v.label, { frameMs, cpuMs: median(v.cpu), isolatedMs, ratio: frameMs / isolatedMs, calls: v.calls.length }];
  });
}

const cores = os.availableParallelism();
const VARIANTS: Array<[string, { allowSpinning: boolean; intraOpNumThreads?: number }]> = [
  [`onnxruntime's defaults (spinning pools, ${cores} intra-op threads)`, { allowSpinning: true, intraOpNumThreads: cores }],
  [`spinning off, ${cores} intra-op threads`, { allowSpinning: false, intraOpNumThreads: cores }],
  [`engine default (spinning off, ${defaultIntraOpThreads()} intra-op thread${defaultIntraOpThreads() > 1 ? 's' : ''})`, { allowSpinning: false }],
];

export async function benchThreads(frames: number): Promise<BenchRow[]> {
  const pipelines: Array<[string, PalettePipeline]> = [];
  try {
    for (const [label, runtime] of VARIANTS) {
      const p = await loadPipeline(SD15_FIXTURE, { width: 256, height: 256, providers: ['cpu'], ...runtime });
      pipelines.push([label, p]);
      await p.setBackground({ prompt: 'a quiet meadow', negativePrompt: '', image: null });
      await p.setLayers(regionLayers(3, 256, 256));
    }
    const results = await frameVsIsolated(pipelines, frames);
    const rows: BenchRow[] = results.map(([label, r]) => ({
      benchmark: 'live frame ÷ sum of its onnxruntime calls run alone',
      case: `SD 1.5 real-arch fixture, 256×256, 3 regions + background (${r.calls} calls per frame), ${label}`,
      result: `×${round(r.ratio, 3)} (frame ${round(r.frameMs, 1)} ms, calls alone ${round(r.isolatedMs, 1)} ms; CPU ${round(r.cpuMs, 1)} ms per frame)`,
      target: '≤ ×1.05',
      met: r.ratio <= 1.05,
    }));
    const ort = results[0][1];
    const engine = results[2][1];
    rows.push({
      benchmark: 'live frame, onnxruntime defaults ÷ engine default',
      case: 'SD 1.5 real-arch fixture, 256×256, 3 regions + background, frames taking turns',
      result: `frame time ×${round(ort.frameMs / engine.frameMs, 2)}, CPU time per frame ×${round(ort.cpuMs / engine.cpuMs, 2)}`,
      target: '–',
      met: null,
    });
    return rows;
  } finally {
    for (const [, p] of pipelines) await p.release();
  }
}
