/**
 * Memory per canvas pixel (issue 11): palette-colors at 1024², 2048² and 4096² with 1, 3 and 5
 * layers, each point in a fresh process (bench/memory-point.ts), RSS after each stage and the
 * process's peak. Bytes per pixel are counted over the loaded model; the stage deltas say where
 * they go (the mask compositor is "masks composited"; the UNet calls, the stream's latent
 * state and onnxruntime's UNet memory are "UNet frame"; the decoded image and the RGBA frame
 * are "decode"; "steady peak" is what per-frame garbage adds before the collector runs).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { MemoryPoint } from './memory-point';
import { round, type BenchRow } from './stats';

const ROOT = path.join(__dirname, '..');
const PALETTE = path.join(ROOT, 'models', 'palette-colors');
const MB = 2 ** 20;

export function memoryPoint(dir: string, width: number, height: number, layers: number, frames: number, options: object = {}): MemoryPoint {
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(__dirname, 'memory-point.ts'),
    dir, String(width), String(height), String(layers), String(frames), JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as MemoryPoint;
}

const rssAt = (p: MemoryPoint, prefix: string): number => (p.stages.find((s) => s.stage.startsWith(prefix)) as { rssMB: number }).rssMB;

/** bytes per canvas pixel of `mb` megabytes */
const perPixel = (p: MemoryPoint, mb: number): number => (mb * MB) / (p.width * p.height);

function where(p: MemoryPoint): string {
  const loaded = rssAt(p, 'model loaded');
  const steps: Array<[string, number]> = [
    ['canvas set', rssAt(p, 'canvas set') - loaded],
    ['masks composited', rssAt(p, 'masks composited') - rssAt(p, 'layers set')],
    ['UNet frame', rssAt(p, 'first stream frame') - rssAt(p, 'masks composited')],
    ['decode', rssAt(p, 'first decoded frame') - rssAt(p, 'first stream frame')],
    ['steady peak', p.peakMB - rssAt(p, 'after')],
  ];
  return steps.map(([name, mb]) => `${name} ${round(perPixel(p, mb), 0)}`).join(', ');
}

export async function benchMemory(quick: boolean): Promise<BenchRow[]> {
  const sides = quick ? [1024, 2048] : [1024, 2048, 4096];
  const layerCounts = quick ? [3] : [1, 3, 5];
  const rows: BenchRow[] = [];
  for (const side of sides) {
    for (const n of layerCounts) {
      const p = memoryPoint(PALETTE, side, side, n, side >= 4096 ? 2 : 4);
      const over = p.peakMB - rssAt(p, 'model loaded');
      const is = (s: number, l: number): boolean => side === s && n === l;
      rows.push({
        benchmark: 'memory per canvas pixel (palette-colors, peak RSS over the loaded model)',
        case: `${side}×${side}, ${n} layer${n > 1 ? 's' : ''} (${p.samples} UNet samples in ${p.unetCalls} call${p.unetCalls > 1 ? 's' : ''})`,
        result: `${round(perPixel(p, over), 0)} B/px, peak ${round(p.peakMB, 0)} MB (B/px by stage: ${where(p)}); frame ${round(p.frameMs, 0)} ms, CPU ${round(p.cpuMsPerFrame, 0)} ms`,
        target: is(2048, 3) ? '≤ 64 B/px' : is(4096, 5) ? 'peak < 2048 MB' : '–',
        met: is(2048, 3) ? perPixel(p, over) <= 64 : is(4096, 5) ? p.peakMB < 2048 : null,
      });
    }
  }
  return rows;
}
