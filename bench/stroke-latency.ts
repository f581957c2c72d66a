/**
 * Stroke → first updated frame (issue 3): the engine worker in live mode, palette-colors at
 * 512×512 with 5 layers, converged and idle; a stroke (updateLayerMask) paints a new dab; the
 * clock stops when a frame shows red under the dab. Measured at the EngineHost (main side).
 */
import 'onnxruntime-node'; // keep the addon loaded by this thread (worker restarts, see docs/desktop-main-process.md)
import * as path from 'node:path';
import { EngineHost } from '../main/engine/engine-host';
import type { EngineLayer } from '../main/engine/pipeline-api';
import type { RingFrame } from '../main/frames/ring';
import { median, percentile, round, type BenchRow } from './stats';

const SIZE = 512;
const COLOURS = ['blue', 'green', 'yellow', 'purple'];

function band(i: number): Uint8Array {
  const m = new Uint8Array(SIZE * SIZE);
  for (let y = i * 100; y < i * 100 + 80; y++) m.fill(255, y * SIZE, y * SIZE + SIZE / 2);
  return m;
}

function isRed(f: RingFrame, x: number, y: number): boolean {
  const i = (y * f.width + x) * 4;
  return f.pixels[i] > 240 && f.pixels[i + 1] < 15 && f.pixels[i + 2] < 15;
}

export async function benchStrokeLatency(strokes: number): Promise<BenchRow[]> {
  const host = new EngineHost({
    models: [{ id: 'palette-colors', name: 'palette-colors', dir: path.join(__dirname, '..', 'models', 'palette-colors') }],
    canvas: { width: SIZE, height: SIZE },
  });
  try {
    await host.setModel('palette-colors');
    await host.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    const red = new Uint8Array(SIZE * SIZE);
    const layers: EngineLayer[] = [
      ...COLOURS.map((c, i) => ({ id: `l${i}`, prompt: c, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: band(i) })),
      { id: 'red', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: red.slice() },
    ];
    await host.setLayers(layers);
    await host.start();
    const latencies: number[] = [];
    for (let s = 0; s < strokes; s++) {
      // let the stream converge and go idle, as between strokes
      await new Promise((r) => setTimeout(r, 150));
      const x = 300 + (s % 10) * 20;
      const y = 20 + Math.floor(s / 10) * 40 % 480;
      for (let yy = y; yy < y + 16; yy++) red.fill(255, yy * SIZE + x, yy * SIZE + x + 16);
      const seen = new Promise<number>((resolve) => {
        const off = host.onFrame((f) => {
          if (isRed(f, x + 8, y + 8)) { off(); resolve(performance.now()); }
        });
      });
      const t0 = performance.now();
      await host.updateLayerMask('red', red.slice());
      latencies.push((await seen) - t0);
    }
    const row = (what: string, v: number): string => `${what} ${round(v, 1)} ms`;
    return [{
      benchmark: 'stroke → first updated frame (engine worker, live)',
      case: `palette-colors 512×512, 5 layers, ${latencies.length} strokes from idle`,
      result: `${row('median', median(latencies))}, ${row('p95', percentile(latencies, 95))}`,
      target: '–',
      met: null,
    }];
  } finally {
    await host.close();
  }
}
