/**
 * One point of the memory benchmark, in a fresh process so RSS is this configuration's own:
 * `node --expose-gc -r ./scripts/register-ts.js bench/memory-point.ts MODEL_DIR WIDTH HEIGHT LAYERS FRAMES [JSON_OPTIONS]`
 * prints one JSON line: RSS, heap and ArrayBuffer bytes after each stage (model loaded, canvas
 * set with its white latent, layers set, first frame, steady frames), the process's peak RSS
 * (the kernel's high-water mark, transients included), the stream's own buffers, and the
 * median frame time with the CPU time the process spent per frame. JSON_OPTIONS are
 * LoadPipelineOptions (e.g. `{"unetBatchMiB":16}`).
 */
import { loadPipeline, type LoadPipelineOptions } from '../main/engine/pipeline';
import { layers } from './fixtures';
import { median } from './stats';

const MB = 2 ** 20;

export interface MemoryStage {
  readonly stage: string;
  readonly rssMB: number;
  readonly heapMB: number;
  readonly arrayBuffersMB: number;
  /** the process's peak RSS so far (transients included) */
  readonly peakMB: number;
}

export interface MemoryPoint {
  readonly width: number;
  readonly height: number;
  readonly layers: number;
  readonly samples: number;
  readonly unetCalls: number;
  readonly stages: readonly MemoryStage[];
  /** the kernel's peak RSS over the whole process (includes the transients between stages) */
  readonly peakMB: number;
  /** the stream's own buffers: latent state, and the UNet call buffers of the batch plan */
  readonly streamStateMB: number;
  readonly batchBuffersMB: number;
  readonly frameMs: number;
  readonly cpuMsPerFrame: number;
}

function stage(name: string): MemoryStage {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { stage: name, rssMB: m.rss / MB, heapMB: m.heapUsed / MB, arrayBuffersMB: m.arrayBuffers / MB, peakMB: peakRss() };
}

const peakRss = (): number => (process.resourceUsage().maxRSS * 1024) / MB;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const [dir, w, h, n, f, json] = process.argv.slice(2);
  const width = Number(w);
  const height = Number(h);
  const frames = Number(f);
  const extra = (json ? JSON.parse(json) : {}) as LoadPipelineOptions;
  const stages: MemoryStage[] = [stage('start')];
  // load at the smallest canvas so "loaded" is the model alone, then set the real one
  const p = await loadPipeline(dir, { providers: ['cpu'], ...extra, width: 8, height: 8 });
  stages.push(stage('model loaded'));
  await p.setCanvas(width, height);
  await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
  stages.push(stage('canvas set (white latent)'));
  await p.setLayers(layers(Number(n), width, height));
  stages.push(stage('layers set'));
  p.stream.prepare();
  stages.push(stage('masks composited'));
  await p.stream.frame();
  stages.push(stage('first stream frame (UNet, no decode)'));
  await p.frame();
  stages.push(stage('first decoded frame'));
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < frames; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    await p.frame();
    ms.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  stages.push(stage(`after ${frames} more frames`));
  const stats = p.stream.lastFrameStats;
  const buffers = p.stream.bufferBytes();
  const point: MemoryPoint = {
    width, height, layers: Number(n), samples: stats.samples, unetCalls: stats.unetCalls, stages,
    peakMB: peakRss(),
    streamStateMB: buffers.state / MB, batchBuffersMB: buffers.batch / MB,
    frameMs: median(ms), cpuMsPerFrame: median(cpu),
  };
  await p.release();
  process.stdout.write(`${JSON.stringify(point)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
