/**
 * The cost curve (issue 11): FPS and memory against canvas area (512², 1024², 2048×512, 2048²;
 * 3 layers) and against layers (1 … 16 at 512²), each point in a fresh process (so RSS is that
 * configuration's own), on palette-colors (the engine's own costs; its UNet is small) — plus
 * engine overhead on the real-architecture SD 1.5 fixture at 512² (tiled) with 1, 3, 8 layers.
 * Writes docs/images/cost-curve.png.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SD15_FIXTURE } from './fixtures';
import { writeChart } from './plot';
import { round, type BenchRow } from './stats';

const ROOT = path.join(__dirname, '..');
const PALETTE = path.join(ROOT, 'models', 'palette-colors');
export const CURVE_PNG = path.join(ROOT, 'docs', 'images', 'cost-curve.png');

interface Point {
  width: number; height: number; layers: number; frameMs: number; ortMs: number; overhead: number; samples: number;
  baseMB: number; loadedMB: number; afterMB: number; peakMB: number;
}

function point(dir: string, width: number, height: number, layers: number, frames: number): Point {
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(__dirname, 'curve-point.ts'),
    dir, String(width), String(height), String(layers), String(frames)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as Point;
}

const mpx = (p: Point): number => (p.width * p.height) / 1e6;
/** bytes per canvas pixel the configuration added over the loaded model (peak RSS) */
const bytesPerPixel = (p: Point): number => ((p.peakMB - p.loadedMB) * 2 ** 20) / (p.width * p.height);

export async function benchCurve(quick: boolean): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const frames = quick ? 2 : 5;
  const areas: Array<[number, number]> = quick ? [[512, 512], [1024, 1024]] : [[512, 512], [1024, 1024], [2048, 512], [2048, 2048]];
  const layerCounts = quick ? [1, 4] : [1, 2, 4, 8, 12, 16];
  const byArea = areas.map(([w, h]) => point(PALETTE, w, h, 3, frames));
  const byLayers = layerCounts.map((n) => point(PALETTE, 512, 512, n, frames));
  const real = (quick ? [1] : [1, 3, 8]).map((n) => point(SD15_FIXTURE, 512, 512, n, quick ? 2 : 4));
  const rows: BenchRow[] = [];
  for (const p of byArea) {
    rows.push({
      benchmark: 'cost curve: canvas area (palette-colors, 3 layers)',
      case: `${p.width}×${p.height} (${round(mpx(p), 2)} MPx, ${p.samples} UNet samples per frame)`,
      result: `${round(1000 / p.frameMs, 1)} FPS (frame ${round(p.frameMs, 1)} ms); RSS ${round(p.peakMB, 0)} MB peak, +${round(bytesPerPixel(p), 0)} B per canvas pixel over the loaded model`,
      target: '–',
      met: null,
    });
  }
  for (const p of byLayers) {
    rows.push({
      benchmark: 'cost curve: layers (palette-colors, 512×512)',
      case: `${p.layers} layer${p.layers > 1 ? 's' : ''} (${p.samples} UNet samples per frame)`,
      result: `${round(1000 / p.frameMs, 1)} FPS (frame ${round(p.frameMs, 1)} ms); RSS ${round(p.peakMB, 0)} MB peak`,
      target: '–',
      met: null,
    });
  }
  for (const p of real) {
    rows.push({
      benchmark: 'engine overhead on a real architecture (frame − onnxruntime) ÷ onnxruntime',
      case: `SD 1.5 real-arch fixture, 512×512 tiled (native 256), ${p.layers} layer${p.layers > 1 ? 's' : ''} (${p.samples} UNet samples per frame)`,
      result: `${round(p.overhead * 100, 1)} % (frame ${round(p.frameMs, 0)} ms, onnxruntime ${round(p.ortMs, 0)} ms)`,
      target: '≤ 3 %',
      met: p.overhead <= 0.03,
    });
  }
  // RSS growth per layer: slope between the fewest and most layers
  const [l0, l1] = [byLayers[0], byLayers[byLayers.length - 1]];
  const perLayer = (l1.peakMB - l0.peakMB) / (l1.layers - l0.layers);
  const [a0, a1] = [byArea[0], byArea[byArea.length - 1]];
  const perMpx = (a1.peakMB - a0.peakMB) / (mpx(a1) - mpx(a0));
  fs.mkdirSync(path.dirname(CURVE_PNG), { recursive: true });
  writeChart(CURVE_PNG, [
    { title: 'CANVAS AREA (3 LAYERS)', xLabel: 'MEGAPIXELS', series: [
      { label: 'FPS', color: [30, 100, 200], points: byArea.map((p) => [mpx(p), 1000 / p.frameMs]) },
      { label: 'RSS MB', color: [200, 70, 40], points: byArea.map((p) => [mpx(p), p.peakMB]) },
    ] },
    { title: 'LAYERS (512X512)', xLabel: 'LAYERS', series: [
      { label: 'FPS', color: [30, 100, 200], points: byLayers.map((p) => [p.layers, 1000 / p.frameMs]) },
      { label: 'RSS MB', color: [200, 70, 40], points: byLayers.map((p) => [p.layers, p.peakMB]) },
    ] },
  ]);
  return {
    rows,
    notes: [
      `RSS growth: ${round(perMpx, 0)} MB per megapixel of canvas with 3 layers (${round((perMpx * 2 ** 20) / 1e6, 0)} B per pixel), ${round(perLayer * 1024, 0)} KB per layer at 512×512 (${round((perLayer * 2 ** 20) / (512 * 512), 0)} B per pixel per layer).`,
      `Plot: ![cost curve](docs/images/cost-curve.png) (left: FPS and peak RSS against megapixels; right: against layers).`,
    ],
  };
}
