/**
 * EngineHost + engine worker + frame ring, in real threads.
 * NOTE: the pipeline here is tests/unit/ipc/fake-pipeline.ts (a stand-in following the
 * palette-colors contract) because main/engine/pipeline.ts does not exist yet; switch
 * `pipelineModule` to the real one (and the model dir to models/palette-colors) when it does.
 */
import * as path from 'node:path';
import { EngineHost } from '../../../main/engine/engine-host';
import type { EngineLayer } from '../../../main/engine/pipeline-api';
import type { EngineNotice, EngineStatus } from '../../../shared/ipc/channels';
import type { RingFrame } from '../../../main/frames/ring';

const FAKE_PIPELINE = path.join(__dirname, 'fake-pipeline');
const W = 64;
const H = 64;
const models = [
  { id: 'palette-colors', name: 'Palette colors', dir: '/nonexistent/models/palette-colors' },
  { id: 'broken', name: 'Broken model', dir: '/nonexistent/models/broken' },
];

function halfMask(side: 'left' | 'right', w = W, h = H): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x < w / 2) === (side === 'left')) m[y * w + x] = 255;
  return m;
}

function layer(id: string, prompt: string, mask: Uint8Array): EngineLayer {
  return { id, prompt, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask };
}

function pixel(frame: RingFrame, x: number, y: number): number[] {
  const i = (y * frame.width + x) * 4;
  return [...frame.pixels.subarray(i, i + 3)];
}

function waitFor<T>(subscribe: (cb: (v: T) => void) => () => void, predicate: (v: T) => boolean, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for engine event'));
    }, ms);
    const off = subscribe((v) => {
      if (!predicate(v)) return;
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EngineHost (engine in a worker thread, frames through the ring)', () => {
  let host: EngineHost;
  afterEach(async () => {
    await host?.close();
  });

  test('without a model: lists models, and a render says no model is loaded', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    expect(host.listModels()).toEqual([
      { id: 'palette-colors', name: 'Palette colors' },
      { id: 'broken', name: 'Broken model' },
    ]);
    await expect(host.renderOnce()).rejects.toMatchObject({ code: 'E_NO_MODEL', message: expect.stringMatching(/no model is loaded/) });
    await expect(host.setModel('nope')).rejects.toThrow('unknown model "nope"');
  });

  test('a model that fails to load gives a clear notice, and the loaded one keeps working', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    const notices: EngineNotice[] = [];
    host.onNotice((n) => notices.push(n));
    await host.setModel('palette-colors');
    await expect(host.setModel('broken')).rejects.toThrow(/model "broken" failed to load: .*no unet\/model.onnx/);
    expect(notices).toContainEqual(expect.objectContaining({ level: 'error', code: 'E_MODEL_FILES' }));
    const status = host.status();
    expect(status.modelId).toBe('palette-colors');
    expect(status.error?.code).toBe('E_MODEL_FILES');
    await host.setLayers([layer('a', 'red', halfMask('left'))]);
    await host.renderOnce();
    expect(pixel(host.latestFrame()!, 5, 5)).toEqual([255, 0, 0]);
  });

  test('one-shot render: the painted half is red, the rest stays white', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    await host.setModel('palette-colors');
    await host.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await host.setLayers([layer('brush-1', 'red', halfMask('left'))]);
    const info = await host.renderOnce();
    expect(info).toMatchObject({ width: W, height: H });
    const frame = host.latestFrame()!;
    expect(frame.index).toBe(info.index);
    expect(pixel(frame, 2, 30)).toEqual([255, 0, 0]);
    expect(pixel(frame, 60, 30)).toEqual([255, 255, 255]);
  });

  test('live: frames flow, the engine goes idle when nothing changes, and a stroke wakes it', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    await host.setModel('palette-colors');
    await host.setLayers([layer('brush-1', 'blue', halfMask('left'))]);
    const frames: RingFrame[] = [];
    host.onFrame((f) => frames.push(f));
    const idle = waitFor<EngineStatus>((cb) => host.onStatus(cb), (s) => s.live && s.idle && s.frameIndex > 0);
    await host.start();
    await idle;
    const countWhenIdle = frames.length;
    expect(countWhenIdle).toBeGreaterThanOrEqual(1);
    await sleep(100);
    expect(frames.length).toBe(countWhenIdle); // idle: no inference, no frames
    expect(pixel(frames[frames.length - 1], 2, 2)).toEqual([0, 60, 255]);

    const mask = halfMask('right');
    const woke = waitFor<RingFrame>((cb) => host.onFrame(cb), (f) => pixel(f, 60, 2)[2] === 255 && pixel(f, 2, 2)[0] === 255);
    await host.updateLayerMask('brush-1', mask);
    expect(mask.byteLength).toBe(0); // transferred to the worker, not copied
    const after = await woke;
    expect(pixel(after, 60, 2)).toEqual([0, 60, 255]);
    expect(pixel(after, 2, 2)).toEqual([255, 255, 255]);

    const paused = await host.pause();
    expect(paused.live).toBe(false);
    const n = frames.length;
    await host.updateLayerMask('brush-1', halfMask('left'));
    await sleep(80);
    expect(frames.length).toBe(n); // paused: changes don't render
  });

  test('wrong mask sizes are refused before reaching the engine, naming the layer and sizes', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    await host.setModel('palette-colors');
    await expect(host.setLayers([layer('sky', 'blue', new Uint8Array(10))])).rejects.toMatchObject({
      code: 'E_BAD_MASK_SIZE',
      message: 'mask of layer "sky" has 10 bytes; the 64×64 canvas needs 4096',
    });
    await expect(host.updateLayerMask('sky', new Uint8Array(5))).rejects.toMatchObject({ code: 'E_BAD_MASK_SIZE' });
  });

  test('a bigger canvas gets a bigger ring; frames keep coming at the new size', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    await host.setModel('palette-colors');
    await host.renderOnce();
    await host.setCanvas(128, 96);
    await host.setLayers([layer('a', 'green', halfMask('right', 128, 96))]);
    await host.renderOnce();
    const frame = host.latestFrame()!;
    expect([frame.width, frame.height, frame.pixels.byteLength]).toEqual([128, 96, 128 * 96 * 4]);
    expect(pixel(frame, 127, 95)).toEqual([0, 170, 0]);
    expect(pixel(frame, 0, 0)).toEqual([255, 255, 255]);
    expect(host.status().canvas).toEqual({ width: 128, height: 96 });
  });

  test('asking for a GPU provider that is not there reports the fall back to CPU', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, providers: ['webgpu', 'cpu'], canvas: { width: W, height: H } });
    const notice = waitFor<EngineNotice>((cb) => host.onNotice(cb), (n) => n.code === 'E_PROVIDER_FALLBACK');
    await host.setModel('palette-colors');
    expect((await notice).message).toMatch(/webgpu is not available here: running .*unet on cpu/);
    expect(host.status().providers.unet).toBe('cpu');
  });
});

describe('EngineHost guards', () => {
  let host: EngineHost;
  afterEach(async () => host?.close());

  test('a stroke for a layer the engine does not have is refused and does not stop live rendering', async () => {
    host = new EngineHost({ models, pipelineModule: FAKE_PIPELINE, canvas: { width: W, height: H } });
    await host.setModel('palette-colors');
    await host.setLayers([layer('a', 'red', halfMask('left'))]);
    await host.start();
    await expect(host.updateLayerMask('ghost', halfMask('right'))).rejects.toMatchObject({
      code: 'E_UNKNOWN_LAYER',
      message: 'no layer "ghost" to update; send the layer list first',
    });
    const woke = waitFor<RingFrame>((cb) => host.onFrame(cb), (f) => pixel(f, 60, 2)[0] === 255 && pixel(f, 60, 2)[1] === 0);
    await host.updateLayerMask('a', halfMask('right'));
    await woke;
    expect(host.status()).toMatchObject({ live: true, error: null });
  });
});
