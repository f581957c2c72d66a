/**
 * EngineHost with the real pipeline (main/engine/pipeline.ts) and the palette-colors model:
 * what the picture shows when a brush is painted, re-prompted, erased; live mode idles.
 */
// onnxruntime's addon stays loaded by this thread, so terminating engine workers is safe
import 'onnxruntime-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineHost } from '../../../main/engine/engine-host';
import type { EngineLayer } from '../../../main/engine/pipeline-api';
import type { RingFrame } from '../../../main/frames/ring';
import type { EngineStatus } from '../../../shared/ipc/channels';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MODEL_DIR = path.join(ROOT, 'models', 'palette-colors');
const PIPELINE = path.join(ROOT, 'main', 'engine', 'pipeline.ts');
const missing = [MODEL_DIR, PIPELINE].filter((p) => !fs.existsSync(p));
if (missing.length) console.warn(`engine-host-real: skipped, missing ${missing.join(', ')}`);
const describeReal = missing.length ? describe.skip : describe;

const W = 64;
const H = 64;

function leftHalf(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) m.fill(255, y * W, y * W + W / 2);
  return m;
}

function brush(prompt: string, mask: Uint8Array): EngineLayer {
  return { id: 'brush-1', prompt, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask };
}

function rgb(f: RingFrame, x: number, y: number): number[] {
  const i = (y * f.width + x) * 4;
  return [...f.pixels.subarray(i, i + 3)];
}

function near(actual: number[], expected: number[], tolerance = 6): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
}

describeReal('EngineHost with the real palette-colors pipeline', () => {
  let host: EngineHost;
  beforeAll(async () => {
    host = new EngineHost({
      models: [{ id: 'palette-colors', name: 'Palette colors', dir: MODEL_DIR }],
      canvas: { width: W, height: H },
      threads: 1,
    });
    await host.setModel('palette-colors');
  });
  afterAll(async () => host?.close());

  test('paint "red" → red inside, white outside; re-prompt "blue" → blue; erase → white', async () => {
    await host.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await host.setLayers([brush('red', leftHalf())]);
    await host.renderOnce();
    let f = host.latestFrame()!;
    expect(near(rgb(f, 8, 32), [255, 0, 0])).toBe(true);
    expect(near(rgb(f, 56, 32), [255, 255, 255])).toBe(true);

    await host.setLayers([brush('blue', leftHalf())]);
    await host.renderOnce();
    f = host.latestFrame()!;
    expect(near(rgb(f, 8, 32), [0, 60, 255])).toBe(true);

    await host.updateLayerMask('brush-1', new Uint8Array(W * H));
    await host.renderOnce();
    f = host.latestFrame()!;
    expect(near(rgb(f, 8, 32), [255, 255, 255])).toBe(true);
  });

  test('live mode renders after a change, then goes idle with fixed noise', async () => {
    await host.setLayers([brush('green', leftHalf())]);
    let frames = 0;
    const off = host.onFrame(() => frames++);
    const idle = new Promise<EngineStatus>((resolve) => {
      const stop = host.onStatus((s) => {
        if (s.live && s.idle && frames > 0) {
          stop();
          resolve(s);
        }
      });
    });
    await host.start();
    const status = await idle;
    expect(status.modelId).toBe('palette-colors');
    const settled = frames;
    await new Promise((r) => setTimeout(r, 300));
    expect(frames).toBe(settled);
    expect(near(rgb(host.latestFrame()!, 8, 32), [0, 170, 0])).toBe(true);
    off();
    await host.pause();
  });
});
