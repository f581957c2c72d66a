/**
 * Threads benchmark (issue 11): does a live frame cost what its onnxruntime calls cost alone,
 * and which session configuration makes frames fastest? On the real-architecture SD 1.5 fixture
 * (256², 3 regions + background), one frame's session runs are recorded, then each is replayed
 * on its own, back to back, and the medians are summed; the frame median is divided by that sum.
 * Each configuration runs in a fresh process (`bench/threads-point.ts`): pipelines of several
 * configurations in one process keep several thread pools alive and evict each other's caches,
 * which is not what the app does (one pipeline per engine worker).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { PalettePipeline } from '../main/engine/pipeline';
import { interactiveThreads, physicalCores, type ModelSession } from '../main/engine/runtime';
import type { Feed } from '../main/engine/runtime/tensors';
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
 * scene. With several pipelines they take turns frame by frame (one is the normal use).
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

const ROOT = path.join(__dirname, '..');

type Runtime = { allowSpinning: boolean; intraOpNumThreads?: number };

/**
 * The busy neighbour: a process doing chunks of arithmetic, yielding between chunks so it hears
 * SIGTERM; it prints its chunks per second when stopped (what the renderer would get done).
 */
const NEIGHBOUR = `let n = 0; const t0 = Date.now();
process.on('SIGTERM', () => { process.stdout.write(String(n / ((Date.now() - t0) / 1000))); process.exit(0); });
let x = 0; const chunk = () => { for (let i = 0; i < 2e6; i++) x = (x * 1.000001 + i) % 1e9; n++; setImmediate(chunk); }; chunk();`;

function startNeighbour(): { stop(): Promise<number> } {
  const child = spawn(process.execPath, ['-e', NEIGHBOUR], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  return {
    stop: () => new Promise((resolve) => {
      child.on('exit', () => resolve(Number(out)));
      child.kill('SIGTERM');
    }),
  };
}

/** the neighbour's rate with nothing else running (chunks per second) */
async function neighbourAlone(seconds: number): Promise<number> {
  const n = startNeighbour();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return n.stop();
}

interface PointResult extends ThreadsResult { neighbourRate?: number }

/**
 * One configuration in a fresh process; with `neighbour`, another process keeps one core busy
 * meanwhile (what the renderer and the main process do while the artist paints), and its own
 * rate of work is measured too.
 */
async function point(frames: number, runtime: Runtime, neighbour: boolean): Promise<PointResult> {
  const busy = neighbour ? startNeighbour() : null;
  let out: string;
  let rate: number | undefined;
  try {
    out = execFileSync(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(__dirname, 'threads-point.ts'),
      String(frames), JSON.stringify(runtime)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  } finally {
    rate = await busy?.stop();
  }
  const result = JSON.parse(out.trim().split('\n').pop() ?? '') as PointResult;
  if (rate !== undefined) result.neighbourRate = rate;
  return result;
}

const plural = (n: number): string => `${n} intra-op thread${n > 1 ? 's' : ''}`;

export async function benchThreads(frames: number): Promise<BenchRow[]> {
  const cores = physicalCores();
  const app = interactiveThreads();
  const variants: Array<[string, Runtime, boolean]> = [
    [`onnxruntime's defaults (spinning pools, ${plural(cores)})`, { allowSpinning: true, intraOpNumThreads: cores }, false],
    [`renders without a UI (spinning off, ${plural(cores)}: one per physical core)`, { allowSpinning: false, intraOpNumThreads: cores }, false],
    [`the app's live engine (spinning off, ${plural(app)}: a core left to the UI)`, { allowSpinning: false, intraOpNumThreads: app }, false],
    [`onnxruntime's defaults, one other core busy`, { allowSpinning: true, intraOpNumThreads: cores }, true],
    [`${plural(cores)}, spinning off, one other core busy`, { allowSpinning: false, intraOpNumThreads: cores }, true],
    [`the app's live engine (${plural(app)}), one other core busy`, { allowSpinning: false, intraOpNumThreads: app }, true],
  ];
  const alone = await neighbourAlone(3);
  const results: Array<readonly [string, PointResult]> = [];
  for (const [label, runtime, neighbour] of variants) results.push([label, await point(frames, runtime, neighbour)]);
  const share = (r: PointResult): string => (r.neighbourRate === undefined ? '' : `; the busy core's own work ${round((100 * r.neighbourRate) / alone, 0)} % of its rate alone`);
  const rows: BenchRow[] = results.map(([label, r]) => ({
    benchmark: 'live frame ÷ sum of its onnxruntime calls run alone',
    case: `SD 1.5 real-arch fixture, 256×256, 3 regions + background (${r.calls} calls per frame), ${label}`,
    result: `×${round(r.ratio, 3)} (frame ${round(r.frameMs, 1)} ms, calls alone ${round(r.isolatedMs, 1)} ms; CPU ${round(r.cpuMs, 1)} ms per frame${share(r)})`,
    target: '≤ ×1.05',
    met: r.ratio <= 1.05,
  }));
  const ms = results.map(([, r]) => r.frameMs);
  rows.push({
    benchmark: 'live frame time: the defaults against the other choices',
    case: 'SD 1.5 real-arch fixture, 256×256, 3 regions + background; each in a fresh process',
    result: `quiet machine: spinning defaults ${round(ms[0], 1)} ms, ${plural(cores)} ${round(ms[1], 1)} ms, ${plural(app)} ${round(ms[2], 1)} ms; ` +
      `one other core busy: ${round(ms[3], 1)} / ${round(ms[4], 1)} / ${round(ms[5], 1)} ms, the busy core keeping ` +
      `${results.slice(3).map(([, r]) => `${round((100 * (r.neighbourRate ?? 0)) / alone, 0)} %`).join(' / ')} of its own rate`,
    target: 'without a UI: fastest on a quiet machine',
    met: ms[1] <= Math.min(ms[0], ms[2]) * 1.02,
  });
  return rows;
}
