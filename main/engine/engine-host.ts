/**
 * Main's handle on the engine: owns the engine worker and the reading end of the frame ring.
 * Plain Node (no electron), so the IPC handlers, the Chromium end-to-end bridge and tests all
 * drive the same object. Control methods are async and resolve when the worker has applied
 * the change; frames are announced with onFrameAvailable and read with latestFrame()
 * (newest only: a slow consumer skips frames, never queues them).
 */
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { PaletteError } from '../../shared/errors';
import type { EngineNotice, EngineStatus, FrameInfo, ModelDescriptor, ModelProgress } from '../../shared/ipc/channels';
import { startWorker } from '../app/start-worker';
import { FrameRing, FrameRingReader, type CopiedFrame, type FrameStamp, type PixelTarget, type RingFrame } from '../frames/ring';
import type { EngineRuntime, FromWorker, PublishedFrame, ToWorker, WorkerInit, WorkerStatus } from './engine-protocol';
import { PromptTokenCounter } from './prompt-tokens';
import type { PromptTokenCount } from '../../shared/ipc/channels';

export type { EngineRuntime } from './engine-protocol';
import type { EngineBackground, EngineLayer, EngineSettings } from './pipeline-api';

/** A model the host can load: what the picker shows plus where it lives. */
export interface ModelEntry extends ModelDescriptor {
  dir: string;
  /** a TAESD-style preview decoder folder for this model's live frames (the model manager picks it per family) */
  previewDecoderDir?: string;
}

export interface EngineHostOptions {
  models: ModelEntry[];
  /** module exporting loadPipeline (absolute, without extension); default main/engine/pipeline */
  pipelineModule?: string;
  providers?: string[];
  threads?: number;
  /** session options (providers, threads, optimized-model cache); replaces providers/threads when set */
  runtime?: EngineRuntime;
  canvas?: { width: number; height: number };
  /** ring slots (default 3: one being written, one being read, one spare) */
  ringSlots?: number;
  /** engine faults tolerated within `restartWindowMs` before the host gives up (default 3 in 60 s) */
  maxRestarts?: number;
  restartWindowMs?: number;
}

/**
 * What the worker was told, kept so a restarted worker can be brought back to the same state
 * (model, canvas, settings, seed, prompts, masks, live mode). Recorded when sent (a call cut
 * short by a crash is still what the user asked for), except the model (a failed load keeps
 * the previous one). Masks are copies: the originals are transferred to the worker.
 */
interface EngineState {
  model?: { modelId: string; modelDir: string };
  settings: Partial<EngineSettings>;
  seed?: number;
  background?: EngineBackground;
  layers?: EngineLayer[];
  live: boolean;
}

const copyLayer = (l: EngineLayer): EngineLayer => ({ ...l, mask: l.mask.slice() });

type Listener<T> = (value: T) => void;
type Unsubscribe = () => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(listener: Listener<T>): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (e) {
        console.error('engine listener failed', e);
      }
    }
  }
  get size(): number {
    return this.listeners.size;
  }
}

type Request = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

const DEFAULT_CANVAS = { width: 512, height: 512 };

export class EngineHost {
  private worker!: Worker;
  private reader: FrameRingReader;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private lastStatus: WorkerStatus;
  private newest: RingFrame | null = null;
  private closed = false;
  private models: ModelEntry[];
  private runtime: EngineRuntime;
  /** canvas as of the last setCanvas sent: later messages reach the worker after it */
  private canvas: { width: number; height: number };
  private readonly statusEvents = new Emitter<EngineStatus>();
  private readonly noticeEvents = new Emitter<EngineNotice>();
  private readonly progressEvents = new Emitter<ModelProgress>();
  private readonly frameAvailableEvents = new Emitter<FrameInfo & { seq: number }>();
  private readonly frameEvents = new Emitter<RingFrame>();
  private exited!: Promise<number>;
  private readonly init: Omit<WorkerInit, 'ring' | 'canvas'>;
  private readonly ringSlots: number;
  private readonly state: EngineState = { settings: {}, live: false };
  /** set while a crashed worker is replaced: requests wait for it */
  private restarting: Promise<void> | null = null;
  private readonly faults: number[] = [];
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  /** workers given up on after a fault: their last messages and their exit are not news */
  private readonly retired = new WeakSet<Worker>();
  /** workers started after a fault (0: the first one is still running) */
  restarts = 0;
  private readonly tokenCounter = new PromptTokenCounter();

  constructor(options: EngineHostOptions) {
    this.models = options.models;
    this.runtime = options.runtime ?? { providers: options.providers, intraOpNumThreads: options.threads };
    const canvas = options.canvas ?? DEFAULT_CANVAS;
    this.canvas = { ...canvas };
    this.ringSlots = options.ringSlots ?? 3;
    this.maxRestarts = options.maxRestarts ?? 3;
    this.restartWindowMs = options.restartWindowMs ?? 60_000;
    this.reader = FrameRingReader.attach(FrameRing.create(canvas.width * canvas.height * 4, this.ringSlots).buffer);
    this.init = {
      pipelineModule: options.pipelineModule ?? path.join(__dirname, 'pipeline'),
      providers: options.providers,
      threads: options.threads,
    };
    this.lastStatus = {
      live: false,
      idle: true,
      loading: false,
      modelId: null,
      providers: {},
      skippedProviders: {},
      canvas: { ...canvas },
      fps: 0,
      latencyMs: 0,
      frameIndex: 0,
      error: null,
    };
    this.spawn();
  }

  /** a worker writing into the current ring, with the current session options */
  private spawn(): void {
    const init: WorkerInit = { ...this.init, runtime: this.runtime, ring: this.reader.buffer, canvas: { ...this.canvas } };
    const worker = startWorker(path.join(__dirname, 'worker'), { workerData: { engineWorker: init } });
    this.worker = worker;
    let reason = 'the engine thread exited';
    worker.on('message', (m: FromWorker) => {
      if (worker === this.worker && !this.retired.has(worker)) this.onMessage(m);
    });
    worker.on('error', (e) => (reason = `the engine thread crashed: ${e.message}`));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (worker === this.worker && !this.retired.has(worker) && !this.closed) this.onFault(`${reason}${reason.endsWith('exited') ? ` (code ${code})` : ''}`);
        resolve(code);
      }),
    );
  }

  // ------------------------------------------------------------ control

  listModels(): ModelDescriptor[] {
    return this.models.map(({ id, name, nativeSize }) => (nativeSize === undefined ? { id, name } : { id, name, nativeSize }));
  }

  /** The models the picker offers (the model manager keeps this in step with what is installed). */
  setModels(models: ModelEntry[]): void {
    this.models = [...models];
  }

  async setModel(modelId: string): Promise<EngineStatus> {
    const model = this.models.find((m) => m.id === modelId);
    if (!model) throw new PaletteError('E_UNKNOWN_MODEL', `unknown model "${modelId}"`);
    await this.request({ type: 'loadModel', modelId, modelDir: model.dir, runtime: this.runtimeFor(model) });
    this.state.model = { modelId, modelDir: model.dir };
    return this.status();
  }

  private runtimeFor(model: ModelEntry): EngineRuntime {
    return model.previewDecoderDir ? { ...this.runtime, previewDecoderDir: model.previewDecoderDir } : this.runtime;
  }

  /** Session options for the next loads; the running model is reloaded with them. */
  async setRuntime(runtime: EngineRuntime): Promise<EngineStatus> {
    this.runtime = { ...runtime };
    const current = this.lastStatus.modelId;
    const model = current ? this.models.find((m) => m.id === current) : undefined;
    if (model) await this.request({ type: 'loadModel', modelId: model.id, modelDir: model.dir, runtime: this.runtimeFor(model) });
    return this.status();
  }

  get runtimeOptions(): EngineRuntime {
    return { ...this.runtime };
  }

  async start(): Promise<EngineStatus> {
    this.state.live = true;
    await this.request({ type: 'start' });
    return this.status();
  }

  async pause(): Promise<EngineStatus> {
    this.state.live = false;
    await this.request({ type: 'pause' });
    return this.status();
  }

  async renderOnce(): Promise<FrameInfo> {
    return (await this.request({ type: 'renderOnce' })) as FrameInfo;
  }

  async setSettings(settings: Partial<EngineSettings>): Promise<void> {
    this.state.settings = { ...this.state.settings, ...settings };
    await this.request({ type: 'setSettings', settings });
  }

  async setSeed(seed: number): Promise<void> {
    this.state.seed = seed;
    await this.request({ type: 'setSeed', seed });
  }

  async setCanvas(width: number, height: number): Promise<void> {
    const previous = this.canvas;
    this.canvas = { width, height };
    const grow = !this.reader.fits(width, height);
    // a bigger canvas gets a new ring; its numbering starts again, so consumers tell frames
    // apart by identity (latestFrame() returns a new object per frame) or by FrameStamp (ring
    // and seq, copyNewestFrame), never by seq alone
    const next = grow ? FrameRingReader.attach(FrameRing.create(width * height * 4, this.reader.slots).buffer) : null;
    try {
      await this.request({ type: 'setCanvas', width, height, ...(next ? { ring: next.buffer } : {}) });
    } catch (e) {
      this.canvas = previous;
      throw e;
    }
    // the worker writes into the new ring only after its reply: nothing newer is in the old one
    if (next) this.reader = next;
    // masks and images of another size are the renderer's to resend; a restart must not replay stale ones
    if (width !== previous.width || height !== previous.height) {
      this.state.layers = undefined;
      this.state.background = undefined;
    }
  }

  async setBackground(background: EngineBackground): Promise<void> {
    if (background.image) this.checkCanvasBytes('background image', background.image, 4);
    this.state.background = { ...background, image: background.image && background.image.slice() };
    await this.request({ type: 'setBackground', background }, background.image ? [background.image] : []);
  }

  async setLayers(layers: EngineLayer[]): Promise<void> {
    for (const layer of layers) this.checkCanvasBytes(`mask of layer "${layer.id}"`, layer.mask, 1);
    this.state.layers = layers.map(copyLayer);
    await this.request({ type: 'setLayers', layers }, layers.map((l) => l.mask));
  }

  async updateLayerMask(layerId: string, mask: Uint8Array): Promise<void> {
    this.checkCanvasBytes(`mask of layer "${layerId}"`, mask, 1);
    const layer = this.state.layers?.find((l) => l.id === layerId);
    if (layer) layer.mask = mask.slice();
    await this.request({ type: 'updateLayerMask', layerId, mask }, [mask]);
  }

  /** Token counts of prompts in the loaded model's tokenizer (main thread: no inference involved). */
  async countTokens(texts: readonly string[]): Promise<PromptTokenCount[]> {
    const modelId = this.lastStatus.modelId;
    const model = modelId ? this.models.find((m) => m.id === modelId) : undefined;
    if (!model) throw new PaletteError('E_NO_MODEL', 'no model is loaded: tokens are counted by the model\'s tokenizer');
    return this.tokenCounter.count(model.dir, texts);
  }

  status(): EngineStatus {
    const skipped = this.lastStatus.skippedProviders ?? {};
    return {
      ...this.lastStatus,
      providers: { ...this.lastStatus.providers },
      skippedProviders: Object.fromEntries(Object.entries(skipped).map(([c, list]) => [c, list.map((x) => ({ ...x }))])),
      canvas: { ...this.lastStatus.canvas },
    };
  }

  // ------------------------------------------------------------ frames and events

  /** The newest frame published (reads the ring if a newer one is there), or null before the first. */
  latestFrame(): RingFrame | null {
    const fresh = this.reader.readNewest();
    if (fresh) this.newest = fresh;
    return this.newest;
  }

  /**
   * The newest frame unless it is `since`, copied into the caller's buffer (the frame
   * forwarder's, reused every frame): the live path allocates nothing per frame.
   */
  copyNewestFrame(since: FrameStamp | null, target: PixelTarget): CopiedFrame | null {
    return this.reader.copyNewer(since, target);
  }

  /** frames published but skipped because a newer one was there first (latestFrame's reads) */
  get droppedFrames(): number {
    return this.reader.dropped;
  }

  onStatus(listener: Listener<EngineStatus>): Unsubscribe {
    return this.statusEvents.on(listener);
  }
  onNotice(listener: Listener<EngineNotice>): Unsubscribe {
    return this.noticeEvents.on(listener);
  }
  onModelProgress(listener: Listener<ModelProgress>): Unsubscribe {
    return this.progressEvents.on(listener);
  }
  /** a frame was published into the ring (cheap: no pixels read) */
  onFrameAvailable(listener: Listener<FrameInfo & { seq: number }>): Unsubscribe {
    return this.frameAvailableEvents.on(listener);
  }
  /** the newest frame with its pixels, read from the ring once for all listeners */
  onFrame(listener: Listener<RingFrame>): Unsubscribe {
    return this.frameEvents.on(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, 2000)));
      await Promise.race([this.request({ type: 'release' }), grace]);
    } catch {
      // a crashed engine has nothing to release
    } finally {
      clearTimeout(timer);
    }
    this.closed = true;
    await this.worker.terminate();
    await this.exited;
  }

  // ------------------------------------------------------------ plumbing

  private checkCanvasBytes(what: string, bytes: Uint8Array, channels: number): void {
    const { width, height } = this.canvas;
    const expected = width * height * channels;
    if (bytes.byteLength !== expected) {
      throw new PaletteError(
        channels === 1 ? 'E_BAD_MASK_SIZE' : 'E_BAD_IMAGE_SIZE',
        `${what} has ${bytes.byteLength} bytes; the ${width}×${height} canvas needs ${expected}`,
      );
    }
  }

  private request(message: Request, transferables: Uint8Array[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(new PaletteError('E_ENGINE_CLOSED', 'the engine is shut down'));
    // while a crashed engine is replaced, later calls wait and then reach the new one
    if (this.restarting) return this.restarting.then(() => this.request(message, transferables));
    return this.send(message, transferables);
  }

  private send(message: Request, transferables: Uint8Array[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const full = { ...message, id } as ToWorker;
      const transfer = transferList(transferables);
      try {
        this.worker.postMessage(full, transfer);
      } catch {
        // e.g. a pooled Buffer's memory is not transferable: a copy still gets there
        this.worker.postMessage(full);
      }
    });
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'reply': {
        const waiting = this.pending.get(m.id);
        if (!waiting) return;
        this.pending.delete(m.id);
        if (m.ok) waiting.resolve(m.value);
        else waiting.reject(new PaletteError(m.error.code, m.error.message));
        return;
      }
      case 'status':
        this.lastStatus = m.status;
        this.statusEvents.emit(this.status());
        return;
      case 'notice':
        this.noticeEvents.emit({ level: m.level, code: m.code, message: m.message });
        return;
      case 'progress':
        this.progressEvents.emit({ modelId: m.modelId, fraction: m.fraction, phase: m.phase });
        return;
      case 'frame':
        this.onPublished(m.frame);
        return;
      case 'fault':
        // the live loop failed (a UNet that throws, a provider failing at run time): a fresh worker
        this.onFault(`live rendering stopped: ${m.error.message}`);
        return;
    }
  }

  /**
   * The engine died or its live loop failed: everything waiting is told, a new worker is started
   * and given the state the old one had (model, canvas, settings, prompts, masks), and live mode
   * resumes where it was on. The document is the renderer's and is never touched. Too many
   * faults in a short time (a model that fails every frame) stop the restarts.
   */
  private onFault(reason: string): void {
    if (this.closed) return;
    for (const { reject } of this.pending.values()) reject(new PaletteError('E_ENGINE_CRASHED', `${reason}; the engine is restarting`));
    this.pending.clear();
    const now = Date.now();
    this.faults.push(now);
    while (this.faults.length > 0 && now - this.faults[0] > this.restartWindowMs) this.faults.shift();
    const old = this.worker;
    this.retired.add(old);
    if (this.faults.length > this.maxRestarts) {
      this.closed = true;
      void old.terminate();
      this.lastStatus = { ...this.lastStatus, live: false, error: { code: 'E_ENGINE_CRASHED', message: reason } };
      this.statusEvents.emit(this.status());
      this.noticeEvents.emit({
        level: 'error',
        code: 'E_ENGINE_CRASHED',
        message: `${reason}. The engine failed ${this.faults.length} times in a row and was not restarted again; your document is safe: save it, then restart the app or choose another model`,
      });
      return;
    }
    const restart = this.restartWorker(old, reason);
    this.restarting = restart.finally(() => {
      if (this.restarting === guarded) this.restarting = null;
    });
    const guarded = this.restarting;
  }

  private async restartWorker(old: Worker, reason: string): Promise<void> {
    this.restarts++;
    this.noticeEvents.emit({ level: 'warning', code: 'E_ENGINE_RESTARTING', message: `${reason}; restarting the engine (your document and undo history are kept)` });
    await old.terminate().catch(() => undefined);
    // a fresh ring: a worker killed mid-write can leave a slot's seqlock odd
    this.reader = FrameRingReader.attach(FrameRing.create(this.canvas.width * this.canvas.height * 4, this.ringSlots).buffer);
    this.spawn();
    const { model, settings, seed, background, layers, live } = this.state;
    try {
      const entry = model ? this.models.find((m) => m.id === model.modelId) : undefined;
      if (model) await this.send({ type: 'loadModel', modelId: model.modelId, modelDir: model.modelDir, runtime: entry ? this.runtimeFor(entry) : this.runtime });
      if (Object.keys(settings).length > 0) await this.send({ type: 'setSettings', settings });
      if (seed !== undefined) await this.send({ type: 'setSeed', seed });
      if (background) await this.send({ type: 'setBackground', background: { ...background, image: background.image && background.image.slice() } });
      if (layers) await this.send({ type: 'setLayers', layers: layers.map(copyLayer) });
      if (live) await this.send({ type: 'start' });
    } catch (e) {
      // the new worker's own fault (if it died) is handled by its exit; a refused replay is reported
      if (!(e instanceof PaletteError && e.code === 'E_ENGINE_CRASHED')) {
        this.noticeEvents.emit({ level: 'error', code: 'E_ENGINE_RESTART_FAILED', message: `the engine restarted but could not resume: ${(e as Error).message}` });
      }
      return;
    }
    this.noticeEvents.emit({ level: 'info', code: 'E_ENGINE_RESTARTED', message: `the engine was restarted${live ? ' and live mode resumed' : ''}` });
  }

  private onPublished(frame: PublishedFrame): void {
    this.lastStatus = { ...this.lastStatus, frameIndex: frame.index, latencyMs: frame.ms };
    const { seq, width, height, index, ms } = frame;
    this.frameAvailableEvents.emit({ seq, width, height, index, ms });
    if (this.frameEvents.size > 0) {
      const before = this.newest;
      const newest = this.latestFrame();
      if (newest && newest !== before) this.frameEvents.emit(newest);
    }
  }

}

/** Buffers we may hand over to the worker: whole, non-shared, not Node's Buffer pool. */
function transferList(views: Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && b.byteLength > 0) out.add(b);
  }
  return [...out];
}
