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
import { FrameRing, FrameRingReader, type RingFrame } from '../frames/ring';
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
}

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
  private readonly worker: Worker;
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
  private readonly exited: Promise<number>;
  private readonly tokenCounter = new PromptTokenCounter();

  constructor(options: EngineHostOptions) {
    this.models = options.models;
    this.runtime = options.runtime ?? { providers: options.providers, intraOpNumThreads: options.threads };
    const canvas = options.canvas ?? DEFAULT_CANVAS;
    this.canvas = { ...canvas };
    const ring = FrameRing.create(canvas.width * canvas.height * 4, options.ringSlots ?? 3);
    this.reader = FrameRingReader.attach(ring.buffer);
    const init: WorkerInit = {
      ring: ring.buffer,
      pipelineModule: options.pipelineModule ?? path.join(__dirname, 'pipeline'),
      providers: options.providers,
      threads: options.threads,
      runtime: this.runtime,
      canvas,
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
    this.worker = startWorker(path.join(__dirname, 'worker'), { workerData: { engineWorker: init } });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => this.failAll(new PaletteError('E_ENGINE_CRASHED', `the engine stopped: ${e.message}`)));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.failAll(new PaletteError('E_ENGINE_CRASHED', 'the engine thread is gone'));
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
    await this.request({ type: 'start' });
    return this.status();
  }

  async pause(): Promise<EngineStatus> {
    await this.request({ type: 'pause' });
    return this.status();
  }

  async renderOnce(): Promise<FrameInfo> {
    return (await this.request({ type: 'renderOnce' })) as FrameInfo;
  }

  async setSettings(settings: Partial<EngineSettings>): Promise<void> {
    await this.request({ type: 'setSettings', settings });
  }

  async setSeed(seed: number): Promise<void> {
    await this.request({ type: 'setSeed', seed });
  }

  async setCanvas(width: number, height: number): Promise<void> {
    const previous = this.canvas;
    this.canvas = { width, height };
    const grow = !this.reader.fits(width, height);
    // a bigger canvas gets a new ring; its numbering starts again, so consumers tell frames
    // apart by identity (latestFrame() returns a new object per frame), not by seq
    const next = grow ? FrameRingReader.attach(FrameRing.create(width * height * 4, this.reader.slots).buffer) : null;
    try {
      await this.request({ type: 'setCanvas', width, height, ...(next ? { ring: next.buffer } : {}) });
    } catch (e) {
      this.canvas = previous;
      throw e;
    }
    // the worker writes into the new ring only after its reply: nothing newer is in the old one
    if (next) this.reader = next;
  }

  async setBackground(background: EngineBackground): Promise<void> {
    if (background.image) this.checkCanvasBytes('background image', background.image, 4);
    await this.request({ type: 'setBackground', background }, background.image ? [background.image] : []);
  }

  async setLayers(layers: EngineLayer[]): Promise<void> {
    for (const layer of layers) this.checkCanvasBytes(`mask of layer "${layer.id}"`, layer.mask, 1);
    await this.request({ type: 'setLayers', layers }, layers.map((l) => l.mask));
  }

  async updateLayerMask(layerId: string, mask: Uint8Array): Promise<void> {
    this.checkCanvasBytes(`mask of layer "${layerId}"`, mask, 1);
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

  /** frames published but skipped because a newer one was there first */
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
    }
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

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    if (!this.closed) {
      this.closed = true;
      this.noticeEvents.emit({ level: 'error', code: 'E_ENGINE_CRASHED', message: error.message });
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
