/**
 * A tile-pool worker (tile-pool.ts): blurs and quantizes the tiles it claims and sends each
 * latent block back on its port.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { gaussianKernel, kernelTails } from './blur';
import type { Rect } from './rect';
import { TileBlur, type LayerState } from './tile-blur';
import type { TileJob, TileLayer, TileMessage } from './tile-pool';

const { port, ready, index } = workerData as { port: MessagePort; ready: Int32Array; index: number };
let blur: TileBlur | null = null;
let steps: Float32Array[] = [];

/** a job layer as the tile code takes it, writing its Q_k into `quantized` */
function layerState(l: TileLayer, quantized: Float32Array[]): LayerState {
  const kernel = gaussianKernel(l.sigma);
  return {
    id: '', raw: l.raw, rawScale: l.rawScale, strength: l.strength, kernel, tails: kernelTails(kernel), visible: true, quantized,
    dirty: null, recompute: false, requantize: false,
  };
}

function block(q: readonly Float32Array[], tile: Rect, factor: number, latentWidth: number): Float32Array {
  const bx0 = tile.x0 / factor, by0 = tile.y0 / factor, bw = (tile.x1 - tile.x0) / factor, bh = (tile.y1 - tile.y0) / factor;
  const out = new Float32Array(q.length * bw * bh);
  q.forEach((s, k) => {
    for (let y = 0; y < bh; y++) out.set(s.subarray((by0 + y) * latentWidth + bx0, (by0 + y) * latentWidth + bx0 + bw), (k * bh + y) * bw);
  });
  return out;
}

port.on('message', ({ seq, job, sync }: { seq: number; job: TileJob; sync: Int32Array }) => {
  try {
    if (!blur || blur.width !== job.width || blur.height !== job.height || blur.factor !== job.factor) {
      blur = new TileBlur(job.height, job.width, job.factor, undefined, false);
    }
    blur.coarse = job.coarse;
    const latent = (job.width / job.factor) * (job.height / job.factor);
    const T = job.noiseLevels.length - 1;
    if (steps.length !== T || steps[0]?.length !== latent) steps = Array.from({ length: T }, () => new Float32Array(latent));
    const layers = job.layers.map((l) => layerState(l, steps));
    const ctxs = job.layers.map((l) => ({ above: l.above, coverAlpha: job.coverAlpha, noiseLevels: job.noiseLevels, maskType: job.maskType }));
    for (;;) {
      Atomics.add(sync, 1, 1);
      try {
        const i = Atomics.add(sync, 0, 1);
        if (i >= job.tiles.length) break;
        const tile = job.tiles[i];
        const before = { ...blur.stats };
        blur.tileAt(layers[tile.layer], ctxs[tile.layer], tile);
        const q = block(steps, tile, job.factor, job.width / job.factor);
        const s = blur.stats;
        const msg: TileMessage = {
          seq, index: i, q, pixels: s.pixels - before.pixels, coarseBlocks: s.coarseBlocks - before.coarseBlocks,
          pixelBlocks: s.pixelBlocks - before.pixelBlocks, empty: s.emptyTiles > before.emptyTiles,
        };
        port.postMessage(msg, [q.buffer as ArrayBuffer]);
      } finally {
        Atomics.sub(sync, 1, 1);
        Atomics.notify(sync, 1);
      }
    }
    blur.trim();
  } catch {
    // the caller redoes any tile it got no block for
  }
});
/**
 * Runs the tile code on a small made-up canvas until V8 has compiled it: a worker starts cold and
 * gets only its share of each update's tiles, so without this its first tiles (interpreted) would
 * hold the caller up for tens of milliseconds during the first strokes. Ready is signalled after.
 */
function warmUp(): void {
  const W = 256, H = 256;
  const disc = (cx: number, cy: number, r: number) => {
    const m = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * W + x] = y % 7 ? 255 : 128;
    return m;
  };
  const raw = disc(120, 130, 70), above = [disc(180, 100, 40)];
  const noiseLevels = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);
  const warm = new TileBlur(H, W, 8, undefined, false);
  const q = Array.from({ length: 5 }, () => new Float32Array((W / 8) * (H / 8)));
  const ctx = { above, coverAlpha: 0.3, noiseLevels, maskType: 'continuous' as const };
  const started = Date.now();
  for (let i = 0; i < 40 && Date.now() - started < 1500; i++) {
    for (const sigma of [32, 12, 4]) {
      const layer = layerState({ raw, rawScale: 1 / 255, sigma, strength: 0.9, above }, q);
      for (let x0 = 0; x0 < W; x0 += 128) warm.tileAt(layer, ctx, { x0, y0: 0, x1: x0 + 128, y1: H });
    }
  }
}

try {
  warmUp();
} catch {
  // only speed depends on it
}
Atomics.store(ready, index, 1);
void parentPort;
