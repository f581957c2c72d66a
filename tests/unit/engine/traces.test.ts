/**
 * Golden stream traces: the engine's real StreamBatch, driven through the UNetRunner
 * interface by each trace's trace-v2 stand-in, must reproduce the quantized masks, outputs
 * and slot buffers of every frame within the trace's tolerance.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StreamBatch } from '../../../main/engine/stream';
import { loadTrace, maxAbsDiff, repeatedEmbedding, TraceDenoiser, traceDir, traceMask, type TraceFile } from './support/trace';

const dir = traceDir();
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

interface TraceErrors {
  masks: number;
  outputs: number;
  buffers: number;
}

async function runTrace(trace: TraceFile): Promise<TraceErrors> {
  const unet = new TraceDenoiser();
  const stream = new StreamBatch({
    unet,
    height: trace.canvas.height,
    width: trace.canvas.width,
    nativeLatentSize: trace.nativeLatentSize,
    latentChannels: trace.latentChannels,
    settings: { ...trace.settings },
  });
  const rows = trace.embeddingRows;
  stream.setSlotNoise(trace.noise.slots.map((n) => Float32Array.from(n)));
  stream.setBackground({
    embedding: repeatedEmbedding(trace.background.embedding, rows),
    latent: trace.mode === 'inpainting' && trace.background.latent ? Float32Array.from(trace.background.latent) : null,
  });
  stream.setWhiteLatent(Float32Array.from(trace.whiteLatent));
  const ids = trace.layers.map((_, i) => `layer-${i}`);
  stream.setLayers(trace.layers.map((l, i) => ({
    id: ids[i],
    embedding: repeatedEmbedding(l.embedding, rows),
    promptStrength: l.promptStrength,
    maskStrength: l.maskStrength,
    maskBlur: l.maskBlur,
    visible: true,
    mask: traceMask(l.mask),
  })));
  stream.prepare();
  const errors: TraceErrors = { masks: 0, outputs: 0, buffers: 0 };
  trace.expected.quantizedMasks.forEach((perStep, i) => {
    const got = stream.quantizedMasks(ids[i]);
    expect(got.length).toBe(perStep.length);
    perStep.forEach((q, k) => { errors.masks = Math.max(errors.masks, maxAbsDiff(got[k], q)); });
  });
  for (let f = 0; f < trace.frames; f++) {
    const fresh = trace.noise.fresh?.[f];
    const out = await stream.frame(fresh ? { slot0Noise: Float32Array.from(fresh) } : {});
    errors.outputs = Math.max(errors.outputs, maxAbsDiff(out, trace.expected.outputs[f]));
    const buffers = stream.slotLatents();
    const expected = trace.expected.buffersAfterFrame[f];
    expect(buffers.length).toBe(expected.length);
    expected.forEach((x, k) => { errors.buffers = Math.max(errors.buffers, maxAbsDiff(buffers[k], x)); });
  }
  // one UNet call per frame: the whole T × layers × tiles batch goes through at once
  expect(unet.calls).toBe(trace.frames);
  return errors;
}

if (files.length === 0) {
  console.warn(`golden traces skipped: no *.json in ${dir} (set PALETTE_TRACE_DIR or provide ../shared/traces)`);
  test.skip('golden stream traces (folder absent)', () => undefined);
} else {
  describe('golden stream traces', () => {
    for (const file of files) {
      test(file, async () => {
        const trace = loadTrace(path.join(dir, file));
        const e = await runTrace(trace);
        const worst = Math.max(e.masks, e.outputs, e.buffers);
        console.log(`${file}: largest error ${worst.toExponential(3)} (masks ${e.masks.toExponential(3)}, outputs ${e.outputs.toExponential(3)}, buffers ${e.buffers.toExponential(3)}; tolerance ${trace.expected.tolerance})`);
        expect(e.masks).toBeLessThanOrEqual(trace.expected.tolerance);
        expect(e.outputs).toBeLessThanOrEqual(trace.expected.tolerance);
        expect(e.buffers).toBeLessThanOrEqual(trace.expected.tolerance);
      });
    }
  });
}
