/**
 * Optimized-model cache on a model over protobuf's 2 GB limit (issue 9, defect 3): load without
 * a cache, first load with an empty cache (optimizes and saves graph + external initializers),
 * second load from the cache. Run alone: `node -r ./scripts/register-ts.js bench/large-model-cache.ts`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession } from '../main/engine/runtime';
import { writeLargeModel } from '../tests/support/large-model';
import { median, round, type BenchRow } from './stats';

async function loadMs(modelPath: string, cacheDir: string | undefined): Promise<{ ms: number; fromCache: boolean; uncachedReason?: string }> {
  const t0 = performance.now();
  const s = await ModelSession.create(modelPath, { providers: ['cpu'], optimizedModelCacheDir: cacheDir });
  const ms = performance.now() - t0;
  await s.release();
  return { ms, fromCache: s.fromCache, uncachedReason: s.uncachedReason };
}

export async function benchLargeModelCache(repeats: number): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-bench-large-'));
  try {
    const large = writeLargeModel(path.join(root, 'model'));
    const none: number[] = [];
    const cold: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const cacheDir = path.join(root, `cache-${i}`);
      none.push((await loadMs(large.modelPath, undefined)).ms);
      const c = await loadMs(large.modelPath, cacheDir);
      if (c.fromCache || c.uncachedReason) throw new Error(`first load: expected to save the cache (${c.uncachedReason ?? 'came from cache'})`);
      cold.push(c.ms);
      const w = await loadMs(large.modelPath, cacheDir);
      if (!w.fromCache) throw new Error(`second load did not come from the cache (${w.uncachedReason ?? 'no reason'})`);
      cached.push(w.ms);
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
    const [n, c, w] = [median(none), median(cold), median(cached)];
    return [
      {
        benchmark: 'model load, > 2 GB model (optimized-model cache with external initializers)',
        case: `${round(large.bytes / 1e9, 2)} GB of initializers in model.onnx_data (${repeats} run${repeats === 1 ? '' : 's'})`,
        result: `no cache ${round(n, 0)} ms, first load (saves the cache) ${round(c, 0)} ms, cached ${round(w, 0)} ms (cached/no cache = ${round(w / n, 2)})`,
        target: 'cached no slower than no cache',
        met: w <= n * 1.05,
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchLargeModelCache(Number(process.argv[2] ?? 1))
    .then((rows) => {
      for (const r of rows) process.stdout.write(`| ${r.benchmark} | ${r.case} | ${r.result} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
}
