/**
 * One onnxruntime session: created on the first provider that works (the others' errors
 * kept for the user), its declared inputs/outputs read once, runs serialized, and a failed
 * run reported with every input's dtype and dims.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { PaletteError } from '../../../shared/errors';
import { type CacheEntry, type GraphRewriteRecord, cacheEntry, readCacheMeta, removeCacheEntry, savingOptions, writeCacheMeta } from './optimized-cache';
import { physicalCores } from './cpu-cores';
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
  /** plan one block for all of a run's activations per input shape (default: sessionMemoryDefaults) */
  readonly enableMemPattern?: boolean;
  /** keep freed tensors in onnxruntime's CPU arena for the next run (default: sessionMemoryDefaults) */
  readonly enableCpuMemArena?: boolean;
  /** folder where optimized models are kept, so a second load skips graph optimization */
  readonly optimizedModelCacheDir?: string;
  /** onnxruntime log level, 0 verbose … 4 fatal (default 3, errors) */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/**
 * Intra-op threads when none are asked for: one per physical core (cpu-cores.ts). With spinning
 * off and sessions run one after another, a frame then costs what its calls cost alone, and it
 * is the fastest choice measured (BENCHMARKS.md, threads: 2 cores, 2 threads ×1.4 faster per
 * frame than 1 thread). The renderer still gets a core whenever a run waits, since no pool spins.
 */
export function defaultIntraOpThreads(): number {
  return physicalCores();
}

/**
 * The arena and memory-pattern defaults of a model's session, by its folder (measured,
 * BENCHMARKS.md "memory"). VAE sessions (vae_*) run without the CPU arena: their tensors are
 * canvas-sized, and the arena would keep the largest image's activations for as long as the
 * model is loaded. The UNet and text encoder keep the arena (without it a UNet frame costs
 * ~14 % more CPU on the SD 1.5 fixture at 512²) but run without the memory pattern: the pattern
 * plans one block per input shape on top of what the arena keeps, so with it a 180-sample call
 * on that fixture peaked at 1.6 GB RSS against 1.1 GB without, at the same CPU time.
 */
export function sessionMemoryDefaults(modelPath: string): { enableCpuMemArena: boolean; enableMemPattern: boolean } {
  const vae = path.basename(path.dirname(modelPath)).startsWith('vae_');
  return { enableCpuMemArena: !vae, enableMemPattern: vae };
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

type SessionOptions = ort.InferenceSession.SessionOptions;

/** Adds `session.*` config entries to options (keeping any already there). */
function withSessionConfig(opts: SessionOptions, entries: Record<string, string>): SessionOptions {
  const extra = (opts.extra ?? {}) as { session?: Record<string, string> };
  return { ...opts, extra: { ...extra, session: { ...(extra.session ?? {}), ...entries } } };
}

/** A graph change applied at load, before onnxruntime sees the model (see batch-timestep.ts). */
export interface GraphRewrite {
  /** names the rewrite in cache keys and reports */
  readonly id: string;
  apply(model: Uint8Array): { readonly status: GraphRewriteRecord['status']; readonly note: string; readonly bytes?: Uint8Array };
  /** the same verdict from the file without reading its weights; anything but 'rewritten' skips apply */
  precheck?(modelPath: string): Promise<{ readonly status: GraphRewriteRecord['status']; readonly note: string }>;
}

/** Models above this size are prechecked before being read whole for a rewrite. */
const PRECHECK_ABOVE_BYTES = 32 * 1024 * 1024;

export interface CreateOptions {
  /** e.g. "unet/model.onnx": how errors and reports name this model */
  readonly label?: string;
  readonly rewrite?: GraphRewrite;
}

/** The model as onnxruntime will get it: its path, or the rewritten bytes. */
interface Source {
  readonly bytes?: Uint8Array;
  readonly rewrite?: GraphRewriteRecord;
}

async function prepareSource(modelPath: string, rewrite: GraphRewrite | undefined): Promise<Source> {
  if (!rewrite) return {};
  let outcome: ReturnType<GraphRewrite['apply']>;
  try {
    if (rewrite.precheck && fs.statSync(modelPath).size > PRECHECK_ABOVE_BYTES) {
      const verdict = await rewrite.precheck(modelPath);
      if (verdict.status !== 'rewritten') return { rewrite: { id: rewrite.id, status: verdict.status, note: verdict.note } };
    }
    outcome = rewrite.apply(fs.readFileSync(modelPath));
  } catch (e) {
    return { rewrite: { id: rewrite.id, status: 'unrecognised', note: `the graph could not be read for rewriting (${firstLine(e)})` } };
  }
  const record: GraphRewriteRecord = { id: rewrite.id, status: outcome.status, note: outcome.note };
  return outcome.status === 'rewritten' && outcome.bytes ? { bytes: outcome.bytes, rewrite: record } : { rewrite: record };
}

function createFrom(modelPath: string, source: Source, opts: SessionOptions): Promise<ort.InferenceSession> {
  if (!source.bytes) return ort.InferenceSession.create(modelPath, opts);
  // rewritten bytes keep their relative external-data locations: resolve them in the model's folder
  return ort.InferenceSession.create(source.bytes, withSessionConfig(opts, { model_external_initializers_file_folder_path: path.dirname(path.resolve(modelPath)) }));
}

/**
 * Creates the session while onnxruntime saves the optimized model into the cache entry. When
 * that fails (saving can fail where loading does not), `reason` says why and the caller loads
 * uncached.
 */
async function createCached(modelPath: string, source: Source, opts: SessionOptions, entry: CacheEntry): Promise<{ session?: ort.InferenceSession; reason?: string }> {
  let session: ort.InferenceSession;
  try {
    removeCacheEntry(entry);
    fs.mkdirSync(path.dirname(entry.model), { recursive: true });
    session = await createFrom(modelPath, source, { ...opts, ...savingOptions(entry) });
  } catch (e) {
    try {
      removeCacheEntry(entry);
    } catch {
      // an unusable cache folder: the reason below says so
    }
    return { reason: `saving the optimized model failed: ${firstLine(e)}` };
  }
  try {
    if (!fs.existsSync(entry.model)) throw new Error('onnxruntime wrote no optimized model');
    writeCacheMeta(entry, { rewrite: source.rewrite });
  } catch (e) {
    removeCacheEntry(entry);
    return { session, reason: `the optimized model could not be kept: ${firstLine(e)}` };
  }
  return { session };
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
  /** with a cache folder: why this model was loaded uncached (e.g. saving it failed) */
  readonly uncachedReason?: string;
  /** the outcome of the graph rewrite asked for at load, if one was */
  readonly rewrite?: GraphRewriteRecord;
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
    uncachedReason?: string;
    rewrite?: GraphRewriteRecord;
    loadMs: number;
  }) {
    this.label = init.label;
    this.modelPath = init.modelPath;
    this.session = init.session;
    this.provider = init.provider;
    this.skippedProviders = init.skipped;
    this.fromCache = init.fromCache;
    this.uncachedReason = init.uncachedReason;
    this.rewrite = init.rewrite;
    this.loadMs = init.loadMs;
    this.inputs = tensorInfos(init.session.inputMetadata);
    this.outputs = tensorInfos(init.session.outputMetadata);
  }

  /**
   * Creates a session on the first provider of `options.providers` that accepts the model,
   * after `create.rewrite` (if given) changed its graph. Throws E_MODEL_NOT_FOUND for a missing
   * file and E_MODEL_INVALID (naming every provider's error) when none can load it.
   */
  static async create(modelPath: string, options: RuntimeOptions = {}, create: string | CreateOptions = {}): Promise<ModelSession> {
    const { label, rewrite } = typeof create === 'string' ? { label: create, rewrite: undefined } : create;
    const name = label ?? path.join(path.basename(path.dirname(modelPath)), path.basename(modelPath));
    if (!fs.existsSync(modelPath)) throw new PaletteError('E_MODEL_NOT_FOUND', `${name}: file not found (${modelPath})`);
    const started = performance.now();
    const order = options.providers && options.providers.length > 0 ? options.providers : defaultProviderOrder();
    const level = options.graphOptimizationLevel ?? 'all';
    const memory = sessionMemoryDefaults(modelPath);
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: level,
      enableMemPattern: options.enableMemPattern ?? memory.enableMemPattern,
      enableCpuMemArena: options.enableCpuMemArena ?? memory.enableCpuMemArena,
      logSeverityLevel: options.logSeverityLevel ?? 3,
      intraOpNumThreads: options.intraOpNumThreads || defaultIntraOpThreads(),
      // nodes run in sequence, so an inter-op pool would only add threads that compete
      executionMode: 'sequential',
      interOpNumThreads: options.interOpNumThreads || 1,
      extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const skipped: SkippedProvider[] = [];
    let source: Source | undefined;
    const made = (session: ort.InferenceSession, provider: ProviderName, extra: { fromCache: boolean; uncachedReason?: string; rewrite?: GraphRewriteRecord }): ModelSession =>
      new ModelSession({ label: name, modelPath, session, provider, skipped, ...extra, loadMs: performance.now() - started });
    for (const provider of order) {
      const unavailable = providerUnavailableReason(provider) ?? brokenProviders.get(provider);
      if (unavailable) {
        skipped.push({ provider, reason: unavailable });
        continue;
      }
      const opts: ort.InferenceSession.SessionOptions = { ...base, executionProviders: [provider] };
      const entry = options.optimizedModelCacheDir ? cacheEntry(options.optimizedModelCacheDir, modelPath, [provider, level, rewrite?.id ?? 'as-is']) : undefined;
      const meta = entry ? readCacheMeta(entry) : undefined;
      if (entry && meta && !meta.uncachedReason && fs.existsSync(entry.model)) {
        try {
          // already optimized (and rewritten) for this provider and level: don't pay for the optimizer again
          const session = await ort.InferenceSession.create(entry.model, { ...opts, graphOptimizationLevel: 'disabled' });
          return made(session, provider, { fromCache: true, rewrite: meta.rewrite });
        } catch {
          removeCacheEntry(entry); // stale or partial: rebuild it below
        }
      }
      try {
        source ??= await prepareSource(modelPath, rewrite);
        if (entry && !meta?.uncachedReason) {
          const saved = await createCached(modelPath, source, opts, entry);
          if (saved.session) return made(saved.session, provider, { fromCache: false, uncachedReason: saved.reason, rewrite: source.rewrite });
          const session = await createFrom(modelPath, source, opts);
          // the model loads, only saving failed: remember why, so later loads don't try again
          try {
            writeCacheMeta(entry, { rewrite: source.rewrite, uncachedReason: saved.reason });
          } catch {
            // an unusable cache folder: nothing to remember it in
          }
          return made(session, provider, { fromCache: false, uncachedReason: saved.reason, rewrite: source.rewrite });
        }
        const session = await createFrom(modelPath, source, opts);
        return made(session, provider, { fromCache: false, uncachedReason: meta?.uncachedReason, rewrite: source.rewrite });
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
