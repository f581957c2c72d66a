/**
 * One onnxruntime session: created on the first provider that works (the others' errors
 * kept for the user), its declared inputs/outputs read once, runs serialized, and a failed
 * run reported with every input's dtype and dims.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { PaletteError } from '../../../shared/errors';
import { type ProviderName, defaultProviderOrder, providerUnavailableReason } from './providers';
import { type Feed, type Output, type TensorInfo, describeDims, fromOrtTensor, toOrtTensor } from './tensors';

export interface RuntimeOptions {
  /** providers to try in order (default: per platform, CPU last); one entry forces it */
  readonly providers?: readonly ProviderName[];
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** threads inside one operator (0 / undefined = defaultIntraOpThreads()) */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  /**
   * let idle intra-op threads spin waiting for more work (default false). Our sessions run one
   * after another (UNet, then VAE decode), so a pool still spinning after its run steals the
   * cores the next session's run needs (BENCHMARKS.md, "threads").
   */
  readonly allowSpinning?: boolean;
  readonly enableMemPattern?: boolean;
  /**
   * keep freed tensors in onnxruntime's CPU arena for the next run (default: yes, except for
   * VAE sessions, folder vae_*: their tensors are canvas-sized, and the arena would keep the
   * largest image's activations for as long as the model is loaded. The UNet keeps its arena:
   * without it a frame costs ~13 % more CPU; BENCHMARKS.md, "memory")
   */
  readonly enableCpuMemArena?: boolean;
  /** folder where optimized models are kept, so a second load skips graph optimization */
  readonly optimizedModelCacheDir?: string;
  /** onnxruntime log level, 0 verbose … 4 fatal (default 3, errors) */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/**
 * Intra-op threads when none are asked for: half the logical processors (≈ the physical cores
 * with SMT), at least one. The renderer, the compositor and the OS keep a core, and on a busy
 * 2-core machine a 2-thread pool only waits for its descheduled second thread (BENCHMARKS.md).
 */
export function defaultIntraOpThreads(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 2));
}

export interface SkippedProvider {
  readonly provider: ProviderName;
  readonly reason: string;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = (text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text).replace(/^Error: /, '');
  // native asserts read "<source>:<line> <function> <condition> was false. <message>": keep the message
  return line.match(/ was false\. (.+)$/)?.[1] ?? line;
}

/** Provider failures that do not depend on the model (no adapter, no libraries): tried once per process. */
const ENVIRONMENT_FAILURE = /shared library|adapter|backend not found|not available/i;
const brokenProviders = new Map<ProviderName, string>();

function tensorInfos(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

function cacheFile(dir: string, modelPath: string, provider: ProviderName, level: string): string {
  const stat = fs.statSync(modelPath);
  const key = createHash('sha256').update(`${path.resolve(modelPath)}|${stat.size}|${stat.mtimeMs}|${provider}|${level}|${ort.env.versions.common}`).digest('hex').slice(0, 24);
  return path.join(dir, `${path.basename(path.dirname(modelPath))}-${key}.onnx`);
}

export class ModelSession {
  /** e.g. "unet/model.onnx": how errors and reports name this model */
  readonly label: string;
  readonly modelPath: string;
  readonly provider: ProviderName;
  readonly skippedProviders: readonly SkippedProvider[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** true when the session was created from the optimized-model cache */
  readonly fromCache: boolean;
  readonly loadMs: number;
  private session: ort.InferenceSession | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(init: {
    label: string;
    modelPath: string;
    session: ort.InferenceSession;
    provider: ProviderName;
    skipped: SkippedProvider[];
    fromCache: boolean;
    loadMs: number;
  }) {
    this.label = init.label;
    this.modelPath = init.modelPath;
    this.session = init.session;
    this.provider = init.provider;
    this.skippedProviders = init.skipped;
    this.fromCache = init.fromCache;
    this.loadMs = init.loadMs;
    this.inputs = tensorInfos(init.session.inputMetadata);
    this.outputs = tensorInfos(init.session.outputMetadata);
  }

  /**
   * Creates a session on the first provider of `options.providers` that accepts the model.
   * Throws E_MODEL_NOT_FOUND for a missing file and E_MODEL_INVALID (naming every provider's
   * error) when none can load it.
   */
  static async create(modelPath: string, options: RuntimeOptions = {}, label?: string): Promise<ModelSession> {
    const name = label ?? path.join(path.basename(path.dirname(modelPath)), path.basename(modelPath));
    if (!fs.existsSync(modelPath)) throw new PaletteError('E_MODEL_NOT_FOUND', `${name}: file not found (${modelPath})`);
    const started = performance.now();
    const order = options.providers && options.providers.length > 0 ? options.providers : defaultProviderOrder();
    const level = options.graphOptimizationLevel ?? 'all';
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: level,
      enableMemPattern: options.enableMemPattern ?? true,
      enableCpuMemArena: options.enableCpuMemArena ?? !path.basename(path.dirname(modelPath)).startsWith('vae_'),
      logSeverityLevel: options.logSeverityLevel ?? 3,
      intraOpNumThreads: options.intraOpNumThreads || defaultIntraOpThreads(),
      // nodes run in sequence, so an inter-op pool would only add threads that compete
      executionMode: 'sequential',
      interOpNumThreads: options.interOpNumThreads || 1,
      extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const skipped: SkippedProvider[] = [];
    for (const provider of order) {
      const unavailable = providerUnavailableReason(provider) ?? brokenProviders.get(provider);
      if (unavailable) {
        skipped.push({ provider, reason: unavailable });
        continue;
      }
      const opts: ort.InferenceSession.SessionOptions = { ...base, executionProviders: [provider] };
      const cached = options.optimizedModelCacheDir ? cacheFile(options.optimizedModelCacheDir, modelPath, provider, level) : undefined;
      if (cached && fs.existsSync(cached)) {
        try {
          // already optimized for this provider and level: don't pay for the optimizer again
          const session = await ort.InferenceSession.create(cached, { ...opts, graphOptimizationLevel: 'disabled' });
          return new ModelSession({ label: name, modelPath, session, provider, skipped, fromCache: true, loadMs: performance.now() - started });
        } catch {
          fs.rmSync(cached, { force: true }); // stale or partial: rebuild it below
        }
      }
      try {
        let session: ort.InferenceSession;
        if (cached) {
          fs.mkdirSync(path.dirname(cached), { recursive: true });
          try {
            session = await ort.InferenceSession.create(modelPath, { ...opts, optimizedModelFilePath: cached });
          } catch {
            // Saving can fail where loading does not (e.g. models over protobuf's 2 GB): load uncached.
            fs.rmSync(cached, { force: true });
            session = await ort.InferenceSession.create(modelPath, opts);
          }
        } else {
          session = await ort.InferenceSession.create(modelPath, opts);
        }
        return new ModelSession({ label: name, modelPath, session, provider, skipped, fromCache: false, loadMs: performance.now() - started });
      } catch (e) {
        const reason = firstLine(e);
        if (provider !== 'cpu' && ENVIRONMENT_FAILURE.test(reason)) brokenProviders.set(provider, reason);
        skipped.push({ provider, reason });
      }
    }
    const reasons = skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ');
    throw new PaletteError('E_MODEL_INVALID', `${name}: cannot be loaded by any execution provider (${reasons})`);
  }

  /** time spent inside onnxruntime's run() since the session was created (benchmarks) */
  inferenceMs = 0;
  runs = 0;

  input(name: string): TensorInfo | undefined {
    return this.inputs.find((i) => i.name === name);
  }

  output(name: string): TensorInfo | undefined {
    return this.outputs.find((o) => o.name === name);
  }

  /**
   * Runs the model with feeds converted to each input's declared dtype. Runs of one session
   * never overlap (onnxruntime sessions are not meant for concurrent runs from JS).
   */
  run(feeds: Readonly<Record<string, Feed>>, outputNames?: readonly string[]): Promise<Record<string, Output>> {
    const next = this.queue.then(
      () => this.runNow(feeds, outputNames),
      () => this.runNow(feeds, outputNames),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(feeds: Readonly<Record<string, Feed>>, outputNames?: readonly string[]): Promise<Record<string, Output>> {
    const session = this.session;
    if (!session) throw new Error(`${this.label}: session was released`);
    const context = (): string =>
      Object.entries(feeds)
        .map(([name, f]) => `${name} ${this.input(name)?.type ?? '?'} ${describeDims(f.dims)}`)
        .join(', ');
    let tensors: Record<string, ort.Tensor>;
    try {
      tensors = {};
      for (const info of this.inputs) {
        const feed = feeds[info.name];
        if (!feed) throw new Error(`input ${info.name} ${info.type} ${describeDims(info.shape)} was not given`);
        tensors[info.name] = toOrtTensor(info, feed);
      }
    } catch (e) {
      throw new PaletteError('E_MODEL_RUN', `${this.label}: ${firstLine(e)} (inputs: ${context()})`, { cause: e });
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      // The failure is rethrown with context below, so onnxruntime's own log line is noise.
      const runOptions: ort.InferenceSession.RunOptions = { logSeverityLevel: 4 };
      const started = performance.now();
      results = outputNames ? await session.run(tensors, [...outputNames], runOptions) : await session.run(tensors, runOptions);
      this.inferenceMs += performance.now() - started;
      this.runs += 1;
    } catch (e) {
      throw new PaletteError('E_MODEL_RUN', `${this.label}: run failed: ${firstLine(e)} (inputs: ${context()})`, { cause: e });
    }
    const out: Record<string, Output> = {};
    for (const [name, tensor] of Object.entries(results)) {
      out[name] = fromOrtTensor(tensor);
      tensor.dispose();
    }
    return out;
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    await this.queue;
    await session.release();
  }
}
