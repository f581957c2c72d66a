/**
 * Idle is free (issue 11): the engine worker in live mode on the SD 1.5 real-arch fixture
 * (256², 3 regions), converged; over 10 s it must run no frame (so no UNet call) and use ~0 %
 * CPU; then a stroke must wake it within one frame: the time from updateLayerMask to the next
 * frame, against the frame time itself. Measured at the EngineHost (main side), one process.
 */
import 'onnxruntime-node'; // keep the addon loaded by this thread (worker restarts, see docs/desktop-main-process.md)
import { EngineHost } from '../main/engine/engine-host';
import { SD15_FIXTURE, regionLayers } from './fixtures';
import { median, percentile, round, type BenchRow } from './stats';

const SIZE = 256;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function untilIdle(host: EngineHost, timeoutMs = 60_000): Promise<void> {
  const t0 = performance.now();
  while (!host.status().idle) {
    if (performance.now() - t0 > timeoutMs) throw new Error('the engine did not go idle');
    await sleep(20);
  }
}

export async function benchIdle(quietSeconds: number, wakes: number): Promise<BenchRow[]> {
  const host = new EngineHost({ models: [{ id: 'sd15', name: 'sd15-lcm fixture', dir: SD15_FIXTURE }], canvas: { width: SIZE, height: SIZE } });
  try {
    await host.setModel('sd15');
    await host.setBackground({ prompt: 'a quiet meadow', negativePrompt: '', image: null });
    const layers = regionLayers(3, SIZE, SIZE);
    const mask = layers[1].mask.slice(); // setLayers transfers the masks it is given
    await host.setLayers(layers);
    await host.start();
    await untilIdle(host);
    await sleep(200);
    const f0 = host.status().frameIndex;
    const c0 = cpuMs();
    const t0 = performance.now();
    await sleep(quietSeconds * 1000);
    const wall = performance.now() - t0;
    const cpu = cpuMs() - c0;
    const frames = host.status().frameIndex - f0;

    const wake: number[] = [];
    const frameMs: number[] = [];
    for (let i = 0; i < wakes; i++) {
      await untilIdle(host);
      await sleep(100);
      // a new place each time: painting where the mask is already 255 is no change and wakes nothing (ENGINE-SPEC §10)
      const x = 40 + (i % 8) * 20;
      const y0 = 40 + Math.floor(i / 8) * 20;
      for (let y = y0; y < y0 + 16; y++) mask.fill(255, y * SIZE + x, y * SIZE + x + 16);
      const next = new Promise<number>((resolve) => {
        const off = host.onFrameAvailable(() => { off(); resolve(performance.now()); });
      });
      const w0 = performance.now();
      await host.updateLayerMask(layers[1].id, mask.slice());
      wake.push((await next) - w0);
      frameMs.push(host.status().latencyMs);
    }
    const wakeMed = median(wake);
    const frameMed = median(frameMs);
    return [
      {
        benchmark: 'idle is free (engine worker, live, converged)',
        case: `SD 1.5 real-arch ${SIZE}×${SIZE}, 3 regions; ${round(wall / 1000, 1)} s without changes`,
        result: `${frames} frames (so ${frames} UNet calls), CPU ${round((100 * cpu) / wall, 2)} % of one core (${round(cpu, 0)} ms)`,
        target: '0 frames, ~0 % CPU',
        met: frames === 0 && cpu / wall < 0.01,
      },
      {
        benchmark: 'wake latency: stroke → next frame, from idle',
        case: `SD 1.5 real-arch ${SIZE}×${SIZE}, 3 regions, ${wake.length} strokes`,
        result: `median ${round(wakeMed, 1)} ms, p95 ${round(percentile(wake, 95), 1)} ms; the frame itself ${round(frameMed, 1)} ms (wake ÷ frame ×${round(wakeMed / frameMed, 2)})`,
        target: 'within one frame',
        met: wakeMed <= frameMed * 1.25 + 5,
      },
    ];
  } finally {
    await host.close();
  }
}
