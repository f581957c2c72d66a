import { centeringShift, guidanceScaleEmbedding, planTiles, roll, StreamBatch, tileStarts, unrollShift } from '../../../main/engine/stream';
import { DEFAULT_UNET_BATCH_MIB, planChunks } from '../../../main/engine/stream/batch-chunks';
import type { UNetBatch, UNetRunner } from '../../../main/engine/types';
import { repeatedEmbedding, TraceDenoiser } from './support/trace';

describe('tiling', () => {
  test('tiles are native-sized, the last ends at the border, weights sum to one', () => {
    for (const [h, w, n] of [[12, 16, 8], [13, 17, 8], [64, 128, 64], [64, 64, 64], [40, 200, 64], [96, 97, 64]]) {
      const tiles = planTiles(h, w, n);
      const sum = new Float64Array(h * w);
      for (const t of tiles) {
        expect(t.height).toBe(Math.min(n, h));
        expect(t.width).toBe(Math.min(n, w));
        expect(t.y0 + t.height).toBeLessThanOrEqual(h);
        expect(t.x0 + t.width).toBeLessThanOrEqual(w);
        for (let u = 0; u < t.height; u++) for (let v = 0; v < t.width; v++) sum[(t.y0 + u) * w + t.x0 + v] += t.weights[u * t.width + v];
      }
      let err = 0;
      for (const s of sum) err = Math.max(err, Math.abs(s - 1));
      expect(err).toBeLessThan(1e-12);
    }
    expect(tileStarts(17, 8)).toEqual([0, 3, 6, 9]);
    expect(tileStarts(128, 64)).toEqual([0, 32, 64]);
    expect(tileStarts(64, 64)).toEqual([0]);
  });
});

describe('mask centering', () => {
  test('bbox centre moves to the latent centre; roll then unroll is the identity', () => {
    const h = 6, w = 10;
    const mask = new Float32Array(h * w);
    mask[1 * w + 7] = 0.2; mask[2 * w + 9] = 1; // box rows 1..2, cols 7..9
    const shift = centeringShift(mask, w, 0, 0, h, w);
    expect(shift).toEqual({ dy: 3 - 2, dx: 5 - 8 });
    const x = Float32Array.from({ length: 2 * h * w }, (_, i) => i);
    const rolled = new Float32Array(x.length);
    roll(x, 0, rolled, 0, 2, h, w, shift);
    // the mask's centre pixel (2, 8) of channel 1 is now at (3, 5)
    expect(rolled[h * w + 3 * w + 5]).toBe(x[h * w + 2 * w + 8]);
    const back = new Float32Array(x.length);
    roll(rolled, 0, back, 0, 2, h, w, unrollShift(shift));
    expect(Array.from(back)).toEqual(Array.from(x));
    expect(centeringShift(new Float32Array(h * w), w, 0, 0, h, w)).toEqual({ dy: 0, dx: 0 });
  });
});

test('guidance-scale embedding (timestep_cond) for d = 5, g = 8', () => {
  const e = guidanceScaleEmbedding(8, 5);
  // w = 7000, half = 2, f = [1, 1e-4]
  expect(Array.from(e)).toEqual(Array.from(Float32Array.of(Math.sin(7000), Math.sin(0.7), Math.cos(7000), Math.cos(0.7), 0)));
});

/** a small creation-mode palette: two brushes on a 64×96 canvas, native tile 8 (2 tiles wide) */
function makeStream(unet: UNetRunner = new TraceDenoiser(), settings = {}, options: { unetBatchMiB?: number } = {}) {
  const H = 64, W = 96;
  const stream = new StreamBatch({ unet, height: H, width: W, nativeLatentSize: 8, settings, seed: 11, ...options });
  const rows = 77;
  stream.setBackground({ embedding: repeatedEmbedding([0.2, -0.1, 0.4, 0], rows), negativeEmbedding: repeatedEmbedding([0, 0, 0, 0], rows), latent: null });
  stream.setWhiteLatent(new Float32Array(stream.latentSize).fill(0.8));
  const a = new Uint8Array(H * W), b = new Uint8Array(H * W);
  for (let y = 10; y < 40; y++) for (let x = 5; x < 50; x++) a[y * W + x] = 255;
  for (let y = 30; y < 60; y++) for (let x = 40; x < 90; x++) b[y * W + x] = 200;
  stream.setLayers([
    { id: 'a', embedding: repeatedEmbedding([-0.5, 0.5, 0.1, 0.3], rows), promptStrength: 1, maskStrength: 1, maskBlur: 2, visible: true, mask: a },
    { id: 'b', embedding: repeatedEmbedding([0.7, 0.1, -0.6, 0.2], rows), negativeEmbedding: repeatedEmbedding([0.1, 0.1, 0.1, 0.1], rows), promptStrength: 0.9, maskStrength: 1, maskBlur: 0, visible: true, mask: b },
  ]);
  return stream;
}

describe('stream batch', () => {
  test('same seed → same bytes; fixed noise converges after T frames', async () => {
    const s1 = makeStream();
    const r1 = (await s1.render()).slice();
    const s2 = makeStream();
    const r2 = (await s2.render()).slice();
    expect(Buffer.from(r1.buffer).equals(Buffer.from(r2.buffer))).toBe(true);
    expect(s1.isConverged).toBe(true);
    const next = await s1.frame();
    expect(Buffer.from(next.buffer).equals(Buffer.from(r1.buffer))).toBe(true);
    s1.setSeed(12);
    expect(s1.isConverged).toBe(false);
    const other = await s1.render();
    expect(Buffer.from(other.buffer).equals(Buffer.from(r1.buffer))).toBe(false);
  });

  test('re-sending an unchanged palette is not a change', async () => {
    const s = makeStream();
    await s.render();
    expect(s.isConverged).toBe(true);
    const H = 64, W = 96, mask = new Uint8Array(H * W);
    for (let y = 10; y < 40; y++) for (let x = 5; x < 50; x++) mask[y * W + x] = 255;
    s.updateLayerMask('a', mask);
    await s.frame();
    expect(s.isConverged).toBe(true);
    mask[0] = 255;
    s.updateLayerMask('a', mask);
    await s.frame();
    expect(s.framesSinceChange).toBe(1);
  });

  test('batch limit and per-step calls give the same output as one call', async () => {
    const one = makeStream();
    const ref = (await one.render()).slice();
    const chunkedUnet = new TraceDenoiser();
    const chunked = makeStream(chunkedUnet, { batchLimit: 7 });
    const out = await chunked.render();
    // 5 steps × 2 tiles × 3 layers (incl. background) = 30 samples → 5 calls of ≤ 7 per frame
    expect(chunkedUnet.calls).toBe(5 * 5);
    expect(Array.from(out)).toEqual(Array.from(ref));
    const scalarUnet = new TraceDenoiser(false);
    const perStep = makeStream(scalarUnet);
    expect(Array.from(await perStep.render())).toEqual(Array.from(ref));
    expect(scalarUnet.calls).toBe(5 * 5);
  });

  /** a runner that records each call's size and timesteps */
  function recording(inner: UNetRunner) {
    const calls: { batch: number; timesteps: number[] }[] = [];
    const unet: UNetRunner = {
      streamBatchable: inner.streamBatchable, timestepCondWidth: 0,
      predictNoise: (b) => { calls.push({ batch: b.batch, timesteps: Array.from(b.timesteps) }); return inner.predictNoise(b); },
    };
    return { unet, calls };
  }

  test.each([
    ['no guidance, [batch] timestep', {}, true],
    ['full guidance (conditional and unconditional twins), [batch] timestep', { guidance: 'full', guidanceScale: 3 }, true],
    ['full guidance, scalar timestep (calls stay inside one step)', { guidance: 'full', guidanceScale: 3 }, false],
    ['two bootstrapped slots, fresh noise', { bootstrapSteps: 2, noise: 'fresh' }, true],
  ])('a batch over the memory cap runs as calls of at most the cap, bit for bit the one-call frame: %s', async (_name, settings, batchable) => {
    const oneCall = recording(new TraceDenoiser(batchable));
    const one = makeStream(oneCall.unet, settings);
    const ref = [(await one.frame()).slice(), (await one.frame()).slice(), (await one.render()).slice()];
    const perFrame = one.lastFrameStats.samples;
    expect(one.lastFrameStats.unetCalls).toBe(batchable ? 1 : 5);
    // a cap of about 7 samples' tensors (sample, ε, conditioning)
    const capped = recording(new TraceDenoiser(batchable));
    const s = makeStream(capped.unet, settings, { unetBatchMiB: (7.5 * (2 * 4 * 8 * 8 + 77 * 4 + 1) * 4) / 2 ** 20 });
    s.prepare();
    const limit = s.samplesPerCall();
    expect(limit).toBe(7);
    const out = [(await s.frame()).slice(), (await s.frame()).slice(), (await s.render()).slice()];
    for (let i = 0; i < ref.length; i++) expect(Buffer.from(out[i].buffer).equals(Buffer.from(ref[i].buffer))).toBe(true);
    const frames = 2 + 5;
    expect(capped.calls.reduce((n, c) => n + c.batch, 0)).toBe(frames * perFrame);
    const copies = 'guidance' in settings ? 2 : 1;
    for (const c of capped.calls) {
      expect(c.batch).toBeLessThanOrEqual(limit);
      // a layer's conditional and unconditional samples share a call
      expect(c.batch % copies).toBe(0);
      if (!batchable) expect(new Set(c.timesteps).size).toBe(1);
    }
    expect(s.lastFrameStats.unetCalls).toBe(capped.calls.length / frames);
    expect(s.lastFrameStats.unetCalls).toBeGreaterThanOrEqual(Math.ceil(perFrame / limit));
    // the plan keeps buffers for one call, not for the batch
    expect(s.bufferBytes().batch).toBeLessThanOrEqual(limit * (4 * 8 * 8 + 77 * 4 + 1) * 4);
    expect(one.bufferBytes().batch).toBeGreaterThanOrEqual((perFrame / (batchable ? 1 : 5)) * (4 * 8 * 8 + 77 * 4) * 4);
  });

  test('the default cap keeps a typical stream batch one call; a bad cap is refused', async () => {
    expect(DEFAULT_UNET_BATCH_MIB).toBeGreaterThan(0);
    const s = makeStream(new TraceDenoiser(), { guidance: 'full' });
    await s.frame();
    expect(s.lastFrameStats).toMatchObject({ samples: 60, unetCalls: 1 });
    for (const bad of [0, -1, NaN]) {
      expect(() => makeStream(new TraceDenoiser(), {}, { unetBatchMiB: bad })).toThrow(/UNet batch memory cap .* must be a positive number/);
    }
  });

  test('full guidance doubles the batch; at scale 1 it equals no guidance', async () => {
    const ref = (await makeStream().render()).slice();
    const unet = new TraceDenoiser();
    const full = makeStream(unet, { guidance: 'full', guidanceScale: 1 });
    const out = await full.render();
    expect(unet.samples).toBe(5 * 60);
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i] - ref[i]));
    expect(err).toBeLessThan(1e-6);
    const strong = await makeStream(new TraceDenoiser(), { guidance: 'full', guidanceScale: 3 }).render();
    err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(strong[i] - ref[i]));
    expect(err).toBeGreaterThan(1e-3);
  });

  test('timestep_cond UNets get the guidance embedding and no CFG doubling', async () => {
    const seen: UNetBatch[] = [];
    const inner = new TraceDenoiser();
    const unet = { streamBatchable: true, timestepCondWidth: 6, predictNoise: (b: UNetBatch) => { seen.push(b); return inner.predictNoise(b); } };
    const s = makeStream(unet as never, { guidance: 'full', guidanceScale: 8 });
    await s.frame();
    expect(seen.length).toBe(1);
    expect(seen[0].batch).toBe(30);
    const cond = seen[0].timestepCond as Float32Array;
    expect(cond.length).toBe(30 * 6);
    expect(Array.from(cond.subarray(6, 12))).toEqual(Array.from(guidanceScaleEmbedding(8, 6)));
  });

  test('fresh noise changes every frame and restarts on reset', async () => {
    const s = makeStream(new TraceDenoiser(), { noise: 'fresh' });
    const a = (await s.render()).slice();
    const b = (await s.frame()).slice();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(s.isConverged).toBe(false);
    const c = await s.render();
    expect(Array.from(c)).toEqual(Array.from(a));
  });

  test('inpainting keeps B where no layer paints', async () => {
    const s = makeStream();
    const B = Float32Array.from({ length: s.latentSize }, (_, i) => Math.sin(i));
    s.setBackground({ embedding: repeatedEmbedding([0.2, -0.1, 0.4, 0], 77), latent: B });
    const out = await s.render();
    const w = s.latentWidth, plane = s.latentHeight * w;
    // latent pixel (0, w − 1) is outside both brushes (and their blur); (2, 2) is inside 'a'
    for (let c = 0; c < 4; c++) expect(out[c * plane + w - 1]).toBeCloseTo(B[c * plane + w - 1], 6);
    expect(Math.abs(out[2 * w + 2] - B[2 * w + 2])).toBeGreaterThan(1e-3);
    expect(s.mode).toBe('inpainting');
  });

  test('hidden layers leave the batch; prompt strength changes the output; equal settings are no change', async () => {
    const unet = new TraceDenoiser();
    const s = makeStream(unet);
    const ref = (await s.render()).slice();
    expect(s.lastFrameStats.samples).toBe(5 * 2 * 3);
    s.setSettings({ coverAlpha: 0.3, maskType: 'continuous' });
    expect(s.isConverged).toBe(true);
    s.updateLayer('b', { visible: false });
    expect(s.isConverged).toBe(false);
    await s.frame();
    expect(s.lastFrameStats.samples).toBe(5 * 2 * 2);
    expect(s.quantizedMasks('b').every((q) => q.every((v) => v === 0))).toBe(true);
    s.updateLayer('b', { visible: true, promptStrength: 0.2 });
    const weaker = await s.render();
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(weaker[i] - ref[i]));
    expect(err).toBeGreaterThan(1e-3);
    s.updateLayer('b', { promptStrength: 0.9 });
    expect(Array.from(await s.render())).toEqual(Array.from(ref));
  });

  test('a panorama 1024×512 on a 64-latent model is 3 native tiles', async () => {
    const unet = new TraceDenoiser();
    const s = new StreamBatch({ unet, height: 512, width: 1024, nativeLatentSize: 64, settings: { tIndexList: [0, 25] } });
    s.setBackground({ embedding: repeatedEmbedding([0.1, 0.2, 0.3, 0.4], 77), latent: null });
    s.setWhiteLatent(new Float32Array(s.latentSize));
    expect(s.tiles.map((t) => [t.y0, t.x0, t.height, t.width])).toEqual([[0, 0, 64, 64], [0, 32, 64, 64], [0, 64, 64, 64]]);
    const out = await s.render();
    expect(out.length).toBe(4 * 64 * 128);
    expect(s.lastFrameStats.samples).toBe(2 * 3);
  });

  test('no layers: inpainting returns B, creation renders the background prompt alone', async () => {
    const s = new StreamBatch({ unet: new TraceDenoiser(), height: 64, width: 64, nativeLatentSize: 8 });
    const B = Float32Array.from({ length: s.latentSize }, (_, i) => Math.cos(i));
    s.setWhiteLatent(new Float32Array(s.latentSize).fill(1));
    s.setBackground({ embedding: repeatedEmbedding([0.5, 0.5, 0.5, 0.5], 77), latent: B });
    expect(Array.from(await s.render())).toEqual(Array.from(B));
    expect(s.lastFrameStats.samples).toBe(0);
    s.setBackground({ embedding: repeatedEmbedding([0.5, 0.5, 0.5, 0.5], 77), latent: null });
    const out = await s.render();
    expect(s.lastFrameStats.samples).toBe(5);
    expect(out.every((v) => Number.isFinite(v))).toBe(true);
  });

  test('bad input gets a one-line error naming the problem', async () => {
    const s = makeStream();
    expect(() => s.updateLayerMask('nope', new Uint8Array(64 * 96))).toThrow('no layer with id nope');
    expect(() => s.setSettings({ coverAlpha: 2 })).toThrow('cover alpha 2 is outside 0..1');
    expect(() => s.setWhiteLatent(new Float32Array(3))).toThrow(/white latent has 3 values/);
    expect(() => s.setCanvas({ height: 60, width: 64, nativeLatentSize: 64 })).toThrow(/multiples of 8/);
    const p = s.frame();
    expect(() => s.setCanvas({ height: 64, width: 64, nativeLatentSize: 64 })).toThrow(/a frame is still running/);
    await p;
    const noNegative = new StreamBatch({ unet: new TraceDenoiser(), height: 64, width: 64, nativeLatentSize: 8, settings: { guidance: 'full', guidanceScale: 2 } });
    noNegative.setBackground({ embedding: repeatedEmbedding([0, 0, 0, 0], 77), latent: null });
    noNegative.setWhiteLatent(new Float32Array(noNegative.latentSize));
    await expect(noNegative.frame()).rejects.toThrow('full guidance needs a negative embedding for the background (setBackground)');
    const empty = new StreamBatch({ unet: new TraceDenoiser(), height: 64, width: 64, nativeLatentSize: 64 });
    await expect(empty.frame()).rejects.toThrow(/no background prompt/);
  });
});

describe('batch chunks', () => {
  test('one call holding the whole batch has the one-call layout ((k·G + g)·tiles + t)·P + i', () => {
    const [steps, tiles, P, G] = [3, 2, 4, 2];
    const [only] = planChunks(steps, tiles * P, G, Infinity, true);
    expect(only.samples).toBe(steps * G * tiles * P);
    for (const seg of only.segments) {
      for (let u = seg.from; u < seg.to; u++) {
        const k = Math.floor(u / (tiles * P)), t = Math.floor((u % (tiles * P)) / P), i = u % P;
        for (let g = 0; g < G; g++) expect(seg.base + g * (seg.to - seg.from) + (u - seg.from)).toBe(((k * G + g) * tiles + t) * P + i);
      }
    }
  });

  test('calls are balanced, cover every unit once, and stay inside a step when asked', () => {
    for (const [steps, units, G, max, across] of [[5, 12, 1, 7, true], [5, 12, 2, 7, true], [5, 12, 2, 7, false], [4, 49, 1, 60, true], [2, 3, 2, 1, false]] as const) {
      const chunks = planChunks(steps, units, G, max, across);
      const seen = new Array<number>(steps * units).fill(0);
      for (const c of chunks) {
        expect(c.samples).toBeLessThanOrEqual(Math.max(max, G) - (Math.max(max, G) % G));
        let base = 0;
        for (const seg of c.segments) {
          expect(seg.base).toBe(base);
          base += G * (seg.to - seg.from);
          for (let u = seg.from; u < seg.to; u++) {
            expect(Math.floor(u / units)).toBe(seg.step);
            seen[u]++;
          }
        }
        expect(c.samples).toBe(base);
        if (!across) expect(c.segments.length).toBe(1);
      }
      expect(seen.every((n) => n === 1)).toBe(true);
      const sizes = chunks.map((c) => c.samples);
      if (across) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(G);
    }
  });
});
