/**
 * One point of the cost curve, in a fresh process so RSS means something:
 * `node -r ./scripts/register-ts.js bench/curve-point.ts MODEL_DIR WIDTH HEIGHT LAYERS FRAMES`
 * prints one JSON line: median frame ms, onnxruntime ms, RSS before loading and after the frames.
 */
import { loadPipeline } from '../main/engine/pipeline';
import { layers } from './fixtures';
import { median } from './stats';

const MB = 2 ** 20;

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const [dir, w, h, n, f] = process.argv.slice(2);
  const width = Number(w);
  const height = Number(h);
  const frames = Number(f);
  const base = rss();
  const p = await loadPipeline(dir, { width, height, providers: ['cpu'] });
  const loaded = rss();
  await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
  await p.setLayers(layers(Number(n), width, height));
  const model = (): number => Object.values(p.model.sessions).reduce((s, x) => s + (x?.inferenceMs ?? 0), 0);
  await p.frame();
  const ms: number[] = [];
  const ort: number[] = [];
  let peak = rss();
  for (let i = 0; i < frames; i++) {
    const m0 = model();
    const t0 = performance.now();
    await p.frame();
    ms.push(performance.now() - t0);
    ort.push(model() - m0);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const after = rss();
  const samples = p.stream.lastFrameStats.samples;
  await p.release();
  process.stdout.write(`${JSON.stringify({ width, height, layers: Number(n), frameMs: median(ms), ortMs: median(ort),
    overhead: median(ms.map((t, i) => (t - ort[i]) / ort[i])), samples,
    baseMB: base / MB, loadedMB: loaded / MB, afterMB: after / MB, peakMB: Math.max(peak, after) / MB })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
