/**
 * The optimized-model cache: onnxruntime's optimized graph saved once per model, provider,
 * optimization level, onnxruntime version and graph rewrite, so a second load skips the
 * optimizer. Each entry is up to three files in the cache folder:
 *   <name>-<key>.onnx        the optimized (and rewritten) graph
 *   <name>-<key>.onnx.data   its large initializers (issue 9, defect 3: protobuf cannot hold a
 *                            model over 2 GB, so weights ≥ EXTERNAL_MIN_BYTES go here)
 *   <name>-<key>.json        what the entry holds: the rewrite's outcome, or why the model
 *                            cannot be cached (then no .onnx exists and loads go straight to
 *                            the model instead of failing to save every time)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';

/** Initializers at least this big go to the entry's .data file (small ones stay inline). */
export const EXTERNAL_MIN_BYTES = 1 << 20;

export interface GraphRewriteRecord {
  /** which rewrite was asked for, e.g. "batch-timestep-v1" */
  readonly id: string;
  readonly status: 'rewritten' | 'unchanged' | 'unrecognised';
  /** what was done, or why the graph was left alone */
  readonly note: string;
}

export interface CacheMeta {
  readonly rewrite?: GraphRewriteRecord;
  /** set when saving failed: why this model is loaded uncached */
  readonly uncachedReason?: string;
}

export interface CacheEntry {
  readonly model: string;
  readonly data: string;
  readonly meta: string;
}

export function cacheEntry(dir: string, modelPath: string, parts: readonly string[]): CacheEntry {
  const stat = fs.statSync(modelPath);
  const key = createHash('sha256')
    .update([path.resolve(modelPath), stat.size, stat.mtimeMs, ...parts, ort.env.versions.common].join('|'))
    .digest('hex')
    .slice(0, 24);
  const base = path.join(dir, `${path.basename(path.dirname(modelPath))}-${key}`);
  return { model: `${base}.onnx`, data: `${base}.onnx.data`, meta: `${base}.json` };
}

export function readCacheMeta(entry: CacheEntry): CacheMeta | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(entry.meta, 'utf8'));
    return value && typeof value === 'object' ? (value as CacheMeta) : undefined;
  } catch {
    return undefined;
  }
}

/** Written last: an entry without its .json is partial and gets rebuilt. */
export function writeCacheMeta(entry: CacheEntry, meta: CacheMeta): void {
  const tmp = `${entry.meta}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(meta, null, 2));
  fs.renameSync(tmp, entry.meta);
}

export function removeCacheEntry(entry: CacheEntry): void {
  for (const f of [entry.meta, entry.model, entry.data]) fs.rmSync(f, { force: true });
}

/** Session options that make onnxruntime save the optimized model into the entry. */
export function savingOptions(entry: CacheEntry): Pick<ort.InferenceSession.SessionOptions, 'optimizedModelFilePath' | 'extra'> {
  return {
    optimizedModelFilePath: entry.model,
    extra: {
      session: {
        // the name is relative to the optimized model's folder
        optimized_model_external_initializers_file_name: path.basename(entry.data),
        optimized_model_external_initializers_min_size_in_bytes: String(EXTERNAL_MIN_BYTES),
      },
    },
  };
}
