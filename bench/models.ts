/**
 * Model load benchmarks (issue 5): cold load vs load with the optimized-model cache, and the
 * first frame after load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPaletteColors } from '../models/generator/palette-colors';
import { writeModelFolder } from '../models/generator/generate';
import { loadPipeline } from '../main/engine/pipeline';
import { median, round, type BenchRow } from './stats';

async function loadOnce(dir: string, cacheDir: string | undefined): Promise<{ loadMs: number; firstFrameMs: number }> {
  const t0 = performance.now();
  const p = await loadPipeline(dir, { width: 512, height: 512, providers: ['cpu'], optimizedModelCacheDir: cacheDir });
  const loadMs = performance.now() - t0;
  await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
  const mask = new Uint8Array(512 * 512).fill(255, 0, 512 * 256);
  await p.setLayers([{ id: 'a', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask }]);
  const t1 = performance.now();
  await p.frame();
  const firstFrameMs = performance.now() - t1;
  await p.release();
  return { loadMs, firstFrameMs };
}

export async function benchModelLoad(repeats: number): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-bench-load-'));
  const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-bench-cache-'));
  // a deep UNet graph (200 convolutions) so that graph optimization costs what it does for a real model
  writeModelFolder(buildPaletteColors({ unetWorkload: { layers: 200, channels: 8 } }), dir);
  try {
    const cold: number[] = [];
    const cached: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const cacheDir = path.join(cacheRoot, String(i));
      const c = await loadOnce(dir, cacheDir); // empty cache: optimizes and writes it
      const w = await loadOnce(dir, cacheDir); // second load reads the optimized models
      cold.push(c.loadMs);
      cached.push(w.loadMs);
      first.push(c.firstFrameMs, w.firstFrameMs);
    }
    const c = median(cold);
    const w = median(cached);
    return [
      {
        benchmark: 'model load (palette-colors with a 200-conv UNet graph, all components)',
        case: 'cold (no optimized-model cache) vs second load (cache)',
        result: `cold ${round(c, 1)} ms, cached ${round(w, 1)} ms (cached/cold = ${round(w / c, 2)})`,
        target: 'second load faster',
        met: w < c,
      },
      {
        benchmark: 'first frame after load',
        case: '512×512, 1 layer',
        result: `${round(median(first), 1)} ms`,
        target: '–',
        met: null,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  }
}
