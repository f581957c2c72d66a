/**
 * The engine thread. Owns the pipeline; every pipeline call runs through one queue so a
 * control message never interleaves with a frame in flight. Live loop: while live and the
 * pipeline is not idle, frame() → write into the shared ring → tell main. With fixed noise
 * and nothing changed the pipeline reports idle, the loop stops (no inference), and the next
 * change wakes it.
 *
 * Started by EngineHost through main/app/start-worker.ts (compiled worker.js in dist/, or
 * this file through the swc bootstrap in tests).
 */
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PaletteError, isPaletteError } from '../../shared/errors';
import { FrameRingWriter } from '../frames/ring';
import type { EngineBackground, EngineFrame, EngineLayer, EngineSettings, PalettePipelineApi } from './pipeline-api';
import type { EngineRuntime, FromWorker, ToWorker, WorkerError, WorkerInit, WorkerStatus } from './engine-protocol';

/** main/engine/pipeline.ts's loadPipeline; width/height spare it a first canvas we'd replace */
type LoadPipeline = (modelDir: string, options?: EngineRuntime & { width?: number; height?: number }) => Promise<PalettePipelineApi>;

/**
 * The one place the worker imports the pipeline. Required by path so this file compiles
 * before main/engine/pipeline.ts exists, and so tests can point it at a stand-in.
 */
function requirePipelineLoader(modulePath: string): LoadPipeline {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(modulePath) as { loadPipeline?: LoadPipeline };
  if (typeof loaded.loadPipeline !== 'function') throw new Error(`${modulePath} does not export loadPipeline`);
  return loaded.loadPipeline;
}

function firstSkipReason(pipeline: PalettePipelineApi, provider: string): string | undefined {
  for (const list of Object.values(pipeline.skippedProviders ?? {})) {
    const hit = list.find((s) => s.provider === provider);
    if (hit) return hit.reason;
  }
  return undefined;
}

function toWorkerError(e: unknown, fallbackCode: string): WorkerError {
  if (isPaletteError(e)) return { code: e.code, message: e.message };
  return { code: fallbackCode, message: e instanceof Error ? e.message : String(e) };
}

export class EngineWorker {
  private ring: FrameRingWriter;
  private pipeline: PalettePipelineApi | null = null;
  private readonly loadPipeline: () => LoadPipeline;
  private queue: Promise<unknown> = Promise.resolve();
  private live = false;
  private looping = false;
  private loading = false;
  private modelId: string | null = null;
  private error: WorkerError | null = null;
  private lastFrame: { index: number; ms: number } = { index: 0, ms: 0 };
  private lastStatusAt = 0;
  private frameTimes: number[] = [];
  /** session options of the next load (the init's, until a loadModel brings new ones) */
  private runtime: EngineRuntime;
  /** fallback notices already shown: auto mode on a machine without a GPU says so once */
  private readonly fallbackNoticesShown = new Set<string>();
  /** newest mask per layer, applied just before the next frame: strokes coalesce */
  private pendingMasks = new Map<string, Uint8Array>();
  /** mirror of everything applied, replayed into a newly loaded model */
  private state: {
    canvas: { width: number; height: number };
    settings: Partial<EngineSettings>;
    seed: number | null;
    background: EngineBackground | null;
    layers: EngineLayer[] | null;
  };

  constructor(
    private readonly init: WorkerInit,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.ring = FrameRingWriter.attach(init.ring);
    this.state = { canvas: init.canvas, settings: {}, seed: null, background: null, layers: null };
    this.runtime = init.runtime ?? { providers: init.providers, intraOpNumThreads: init.threads };
    let loader: LoadPipeline | null = null;
    this.loadPipeline = () => (loader ??= requirePipelineLoader(init.pipelineModule));
  }

  /** nothing to render: no model, or its output can't change and no stroke waits */
  private get idle(): boolean {
    return this.pipeline ? this.pipeline.idle && this.pendingMasks.size === 0 : true;
  }

  /** runs pipeline work strictly one at a time */
  private serial<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  status(): WorkerStatus {
    const now = Date.now();
    this.frameTimes = this.frameTimes.filter((t) => now - t <= 1000);
    return {
      live: this.live,
      idle: this.idle,
      loading: this.loading,
      modelId: this.modelId,
      providers: this.pipeline ? { ...this.pipeline.providers } : {},
      skippedProviders: this.pipeline?.skippedProviders
        ? Object.fromEntries(Object.entries(this.pipeline.skippedProviders).map(([c, list]) => [c, list.map((s) => ({ ...s }))]))
        : {},
      canvas: { ...this.state.canvas },
      modelDefaults: this.pipeline?.modelDefaults ? { ...this.pipeline.modelDefaults, tIndexList: [...this.pipeline.modelDefaults.tIndexList] } : null,
      fps: this.looping ? this.frameTimes.length : 0,
      latencyMs: this.lastFrame.ms,
      frameIndex: this.lastFrame.index,
      error: this.error,
    };
  }

  private postStatus(): void {
    this.lastStatusAt = Date.now();
    this.post({ type: 'status', status: this.status() });
  }

  async handle(message: ToWorker): Promise<unknown> {
    switch (message.type) {
      case 'loadModel':
        return this.loadModel(message.modelId, message.modelDir, message.runtime);
      case 'setSettings':
        await this.serial(() => this.pipeline?.setSettings(message.settings));
        Object.assign(this.state.settings, message.settings); // only once the pipeline took them
        return this.changed();
      case 'setSeed':
        await this.serial(() => this.pipeline?.setSeed(message.seed));
        this.state.seed = message.seed;
        return this.changed();
      case 'setCanvas':
        await this.serial(async () => {
          // the pipeline first: if it refuses the size, nothing here changes (host keeps its ring)
          await this.pipeline?.setCanvas(message.width, message.height);
          if (message.ring) this.ring = FrameRingWriter.attach(message.ring);
          this.state.canvas = { width: message.width, height: message.height };
          this.state.layers = null; // masks of the old size can't apply any more
          this.pendingMasks.clear();
        });
        return this.changed();
      case 'setBackground':
        await this.serial(() => this.pipeline?.setBackground(message.background));
        this.state.background = message.background;
        return this.changed();
      case 'setLayers':
        await this.serial(async () => {
          this.pendingMasks.clear(); // the full list supersedes stroke updates
          this.state.layers = message.layers;
          await this.pipeline?.setLayers(message.layers);
        });
        return this.changed();
      case 'updateLayerMask':
        // refused here, not at the next frame: a stray stroke must not stop live rendering
        if (!this.state.layers?.some((l) => l.id === message.layerId)) {
          throw new PaletteError('E_UNKNOWN_LAYER', `no layer "${message.layerId}" to update; send the layer list first`);
        }
        this.pendingMasks.set(message.layerId, message.mask);
        return this.changed();
      case 'start':
        this.live = true;
        return this.changed();
      case 'pause':
        this.live = false;
        await this.serial(() => undefined); // the frame in flight, if any, is done
        this.postStatus();
        return this.status();
      case 'renderOnce':
        return this.serial(async () => {
          const pipeline = this.requirePipeline();
          this.flushMasks(pipeline);
          return this.publish(await pipeline.render());
        });
      case 'release':
        this.live = false;
        await this.serial(async () => {
          await this.pipeline?.release();
          this.pipeline = null;
        });
        return undefined;
    }
  }

  private requirePipeline(): PalettePipelineApi {
    if (this.pipeline) return this.pipeline;
    throw new PaletteError('E_NO_MODEL', this.loading ? 'the model is still loading' : 'no model is loaded; pick one first');
  }

  private flushMasks(pipeline: PalettePipelineApi): void {
    for (const [id, mask] of this.pendingMasks) {
      pipeline.updateLayerMask(id, mask);
      const layer = this.state.layers?.find((l) => l.id === id);
      if (layer) layer.mask = mask;
    }
    this.pendingMasks.clear();
  }

  private async loadModel(modelId: string, modelDir: string, runtime?: EngineRuntime): Promise<WorkerStatus> {
    this.loading = true;
    this.error = null;
    this.post({ type: 'progress', modelId, fraction: 0, phase: 'loading' });
    this.postStatus();
    try {
      await this.serial(async () => {
        const load = this.loadPipeline();
        const { width, height } = this.state.canvas;
        const options = { ...(runtime ?? this.runtime), width, height };
        const next = await load(path.resolve(modelDir), options);
        if (runtime) this.runtime = runtime;
        try {
          await this.replayState(next);
        } catch (e) {
          await next.release();
          throw e;
        }
        await this.pipeline?.release();
        this.pipeline = next;
        this.modelId = modelId;
        this.pendingMasks.clear();
        this.reportProviderFallback(next);
      });
      this.post({ type: 'progress', modelId, fraction: 1, phase: 'ready' });
    } catch (e) {
      // the previous model (if any) keeps running: a failed load loses nothing
      this.error = toWorkerError(e, 'E_MODEL_LOAD');
      const message = `model "${modelId}" failed to load: ${this.error.message}`;
      this.post({ type: 'notice', level: 'error', code: this.error.code, message });
      throw new PaletteError(this.error.code, message, { cause: e });
    } finally {
      this.loading = false;
      this.postStatus();
    }
    this.changed();
    return this.status();
  }

  private async replayState(pipeline: PalettePipelineApi): Promise<void> {
    const { canvas, settings, seed, background, layers } = this.state;
    await pipeline.setCanvas(canvas.width, canvas.height);
    if (Object.keys(settings).length > 0) pipeline.setSettings(settings);
    if (seed !== null) pipeline.setSeed(seed);
    if (background) await pipeline.setBackground(background);
    if (layers) await pipeline.setLayers(layers);
  }

  private reportProviderFallback(pipeline: PalettePipelineApi): void {
    const wanted = this.runtime.providers?.[0];
    if (wanted === 'cpu') return;
    if (wanted) {
      // a forced provider that could not run a component: always worth a warning
      const fellBack = Object.entries(pipeline.providers).filter(([, used]) => used !== wanted);
      if (fellBack.length === 0) return;
      const parts = fellBack.map(([component, used]) => `${component} on ${used}`).join(', ');
      const why = firstSkipReason(pipeline, wanted);
      this.post({ type: 'notice', level: 'warning', code: 'E_PROVIDER_FALLBACK', message: `${wanted} is not available here: running ${parts}${why ? ` (${why})` : ''}` });
      return;
    }
    // auto: the GPU providers of this platform were tried first; say once that the CPU runs instead
    const onCpu = Object.entries(pipeline.providers).filter(([, used]) => used === 'cpu').map(([c]) => c);
    if (onCpu.length === 0) return;
    const reasons = new Map<string, string>();
    for (const c of onCpu) for (const s of pipeline.skippedProviders?.[c] ?? []) if (!reasons.has(s.provider)) reasons.set(s.provider, s.reason);
    if (reasons.size === 0) return;
    const tried = [...reasons].map(([p, r]) => `${p}: ${r}`).join('; ');
    const message = `No GPU execution provider could run ${onCpu.join(', ')}: running on cpu (${tried})`;
    if (this.fallbackNoticesShown.has(message)) return;
    this.fallbackNoticesShown.add(message);
    this.post({ type: 'notice', level: 'info', code: 'E_PROVIDER_FALLBACK', message });
  }

  /** something changed: report, and wake the live loop if it sleeps */
  private changed(): undefined {
    this.postStatus();
    if (this.live && !this.looping) void this.loop();
    return undefined;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.live && this.pipeline) {
        const rendered = await this.serial(async () => {
          const pipeline = this.pipeline;
          if (!this.live || !pipeline) return false;
          // the waiting strokes go in first; then the stream's input revision alone says
          // whether the picture can change (a stroke on a hidden brush cannot)
          this.flushMasks(pipeline);
          if (pipeline.idle) return false;
          this.publish(await pipeline.frame());
          return true;
        });
        if (!rendered) break;
        // let control messages in between frames
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (e) {
      this.live = false;
      this.error = toWorkerError(e, 'E_ENGINE');
      this.post({ type: 'fault', error: this.error });
    } finally {
      this.looping = false;
      this.postStatus(); // idle (or stopped) now
    }
    // a change that arrived while the loop was deciding to stop
    if (this.live && this.pipeline && !this.idle) void this.loop();
  }

  private publish(frame: EngineFrame): { width: number; height: number; index: number; ms: number } {
    const rgba = new Uint8Array(frame.rgba.buffer, frame.rgba.byteOffset, frame.rgba.byteLength);
    const seq = this.ring.write({ rgba, width: frame.width, height: frame.height, index: frame.index, ms: frame.ms });
    this.lastFrame = { index: frame.index, ms: frame.ms };
    this.frameTimes.push(Date.now());
    const info = { width: frame.width, height: frame.height, index: frame.index, ms: frame.ms };
    this.post({ type: 'frame', frame: { seq, ...info } });
    // fps and latency readouts refresh twice a second while live
    if (Date.now() - this.lastStatusAt >= 500) this.postStatus();
    return info;
  }
}

if (parentPort && (workerData as { engineWorker?: WorkerInit } | null)?.engineWorker) {
  const port = parentPort;
  const engine = new EngineWorker((workerData as { engineWorker: WorkerInit }).engineWorker, (m) => port.postMessage(m));
  port.on('message', (message: ToWorker) => {
    engine.handle(message).then(
      (value) => port.postMessage({ type: 'reply', id: message.id, ok: true, value } satisfies FromWorker),
      (e: unknown) =>
        port.postMessage({ type: 'reply', id: message.id, ok: false, error: toWorkerError(e, 'E_ENGINE') } satisfies FromWorker),
    );
  });
}
