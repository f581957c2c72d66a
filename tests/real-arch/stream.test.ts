/**
 * The rest of the stream on every real-architecture export: several layers, a panorama wider
 * than the native size (MultiDiffusion tiles), inpainting over a background picture — each the
 * right size, finite and deterministic — and `palette inspect` reporting the family.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../main/cli';
import { loadPipeline, type PalettePipeline } from '../../main/engine/pipeline';
import type { EngineLayer } from '../../main/engine/pipeline-api';
import { allFinite, describeFixtures, maxAbsDiff, relativeError, type Fixture } from './support';

function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * width + x] = 255;
  return m;
}

function layer(id: string, prompt: string, mask: Uint8Array, extra: Partial<EngineLayer> = {}): EngineLayer {
  return { id, prompt, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask, ...extra };
}

/** a left-to-right colour ramp, RGBA */
function gradient(width: number, height: number): Uint8Array {
  const img = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      img.set([Math.round((255 * x) / (width - 1)), Math.round((255 * y) / (height - 1)), 128, 255], i);
    }
  }
  return img;
}

/** two steps (999, 499) keep these scene checks quick on a shared machine; the runs suite covers four */
async function withPipeline<T>(fx: Fixture, width: number, height: number, use: (p: PalettePipeline) => Promise<T>): Promise<T> {
  const p = await loadPipeline(fx.dir, { width, height, seed: 7, settings: { tIndexList: [0, 25] } });
  try {
    return await use(p);
  } finally {
    await p.release();
  }
}

/** two renders of the same palette, and the frame's checks every scene shares */
async function renderTwice(p: PalettePipeline): Promise<{ rgba: Uint8ClampedArray; latent: Float32Array }> {
  const a = await p.render();
  const first = { rgba: a.rgba.slice(), latent: p.outputLatent };
  const b = await p.render();
  expect([a.width, a.height]).toEqual([p.width, p.height]);
  expect(first.rgba.length).toBe(p.width * p.height * 4);
  expect(first.latent.length).toBe(4 * (p.width / 8) * (p.height / 8));
  expect(allFinite(first.latent)).toBe(true);
  expect(Buffer.from(b.rgba).equals(Buffer.from(first.rgba))).toBe(true);
  return first;
}

describeFixtures('real-arch stream', (fixtures) => {
  for (const fx of fixtures) {
    const n = fx.goldens.native_size;
    describe(fx.name, () => {
      test(`multi-layer creation at the native ${n}×${n}: deterministic, and each layer changes the picture`, async () => {
        await withPipeline(fx, n, n, async (p) => {
          await p.setBackground({ prompt: 'a snowy field', negativePrompt: '', image: null });
          const fox = layer('fox', 'a red fox', rect(n, n, 0, n / 4, n / 2, n));
          const tree = layer('tree', 'a pine tree', rect(n, n, n / 2, 0, n, (3 * n) / 4), { maskBlur: 8, promptStrength: 0.7 });
          await p.setLayers([fox, tree]);
          const both = await renderTwice(p);
          await p.setLayers([fox]);
          const one = await renderTwice(p);
          expect(maxAbsDiff(both.latent, one.latent)).toBeGreaterThan(1e-3);
        });
      });

      test(`panorama ${2 * n}×${n}: tiles of the native size, deterministic`, async () => {
        await withPipeline(fx, 2 * n, n, async (p) => {
          expect(p.stream.tiles.length).toBeGreaterThan(1);
          for (const t of p.stream.tiles) expect([t.height * 8, t.width * 8]).toEqual([n, n]);
          await p.setBackground({ prompt: 'a mountain range at dawn', negativePrompt: '', image: null });
          await p.setLayers([layer('sun', 'the sun', rect(2 * n, n, (3 * n) / 4, 0, (5 * n) / 4, n / 2))]);
          await renderTwice(p);
        });
      });

      test(`a tiled ${2 * n}×${n} batch over the UNet memory cap: several calls, the one-call frames`, async () => {
        const run = async (unetBatchMiB: number) => {
          const p = await loadPipeline(fx.dir, { width: 2 * n, height: n, seed: 7, settings: { tIndexList: [0, 25] }, unetBatchMiB });
          try {
            await p.setBackground({ prompt: 'a mountain range at dawn', negativePrompt: '', image: null });
            await p.setLayers([
              layer('sun', 'the sun', rect(2 * n, n, (3 * n) / 4, 0, (5 * n) / 4, n / 2), { maskBlur: 8 }),
              layer('lake', 'a blue lake', rect(2 * n, n, 0, n / 2, 2 * n, n)),
            ]);
            const latents: Float32Array[] = [];
            for (let i = 0; i < 3; i++) {
              await p.frame();
              latents.push(p.outputLatent);
            }
            return { latents, stats: { ...p.stream.lastFrameStats }, perCall: p.stream.samplesPerCall(), batchBytes: p.stream.bufferBytes().batch };
          } finally {
            await p.release();
          }
        };
        const one = await run(1024);
        const samples = one.stats.samples;
        // 2 steps × 3 native tiles × (background + 2 layers), doubled with classifier-free guidance
        expect([18, 36]).toContain(samples);
        expect(one.stats.unetCalls).toBe(1);
        // a cap of 4 samples' inputs: 2 to 4 samples with their ε
        const capped = await run((4 * one.batchBytes) / samples / 2 ** 20);
        expect(capped.perCall).toBeGreaterThanOrEqual(2);
        expect(capped.perCall).toBeLessThanOrEqual(4);
        expect(capped.stats.unetCalls).toBeGreaterThanOrEqual(Math.ceil(samples / capped.perCall));
        expect(capped.batchBytes).toBeLessThan(one.batchBytes / 3);
        let worst = 0;
        for (let i = 0; i < 3; i++) {
          expect(allFinite(capped.latents[i])).toBe(true);
          worst = Math.max(worst, relativeError(capped.latents[i], one.latents[i]));
        }
        console.log(`${fx.name}: ${capped.stats.unetCalls} calls of ≤ ${capped.perCall} vs one call of ${samples}: largest relative latent difference ${worst.toExponential(2)}`);
        // onnxruntime's rounding only (an fp16 export rounds each sample to fp16 on the way in and out)
        expect(worst).toBeLessThan(fx.fp16 ? 1e-3 : 1e-5);
      });

      test('inpainting: away from the layer the final latent is the background picture\'s latent', async () => {
        const W = n, H = (3 * n) / 4;
        await withPipeline(fx, W, H, async (p) => {
          const picture = gradient(W, H);
          await p.setBackground({ prompt: 'a painting', negativePrompt: '', image: picture });
          expect(p.stream.mode).toBe('inpainting');
          await p.setLayers([layer('cat', 'a cat', rect(W, H, W / 4, H / 4, W / 2, H / 2), { maskBlur: 8 })]);
          const { latent } = await renderTwice(p);
          // B = scale · VAE_encode(picture), computed here with the model's own VAE
          const image = new Float32Array(3 * W * H);
          for (let i = 0; i < W * H; i++) for (let c = 0; c < 3; c++) image[c * W * H + i] = picture[4 * i + c] / 127.5 - 1;
          const b = (await p.model.vae.encode(image, H, W)).map((v) => v * p.model.scalingFactor);
          const h = H / 8, w = W / 8;
          let far = 0, inside = 0;
          for (let c = 0; c < 4; c++) {
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++) {
                const j = c * h * w + y * w + x;
                // the layer covers latent rows h/4..h/2, columns w/4..w/2; blur σ 8 px reaches ~3 latent pixels
                if (x >= (3 * w) / 4 || y >= (3 * h) / 4) far = Math.max(far, Math.abs(latent[j] - b[j]));
                if (x > w / 4 + 1 && x < w / 2 - 2 && y > h / 4 + 1 && y < h / 2 - 2) inside = Math.max(inside, Math.abs(latent[j] - b[j]));
              }
            }
          }
          expect(far).toBeLessThan(1e-5);
          expect(inside).toBeGreaterThan(1e-2);
        });
      });

      test('palette inspect reports the family, its defaults and scheduler facts', async () => {
        let out = '';
        const code = await main(['inspect', '--model', fx.dir], { out: (s) => { out += s; }, err: (s) => { out += s; } });
        expect(code).toBe(0);
        const info = JSON.parse(out);
        const g = fx.goldens;
        const sdxl = g.conditioning.pooled_prompt_embeds !== undefined;
        const eos = 49407;
        const expectedFamily = sdxl ? 'sdxl' : g.tokens.pad_token_id !== eos ? 'sd2' : 'sd15';
        expect(info.family.id).toBe(expectedFamily);
        expect(info.family.textEncoders).toBe(sdxl ? 2 : 1);
        expect(info.family.forceZerosForEmptyPrompt).toBe(sdxl);
        // SDXL: each encoder's penultimate hidden state by its own layer count (README: hidden_states.{N-1})
        const layers = (c: string) => (JSON.parse(fs.readFileSync(path.join(fx.dir, c, 'config.json'), 'utf8')) as { num_hidden_layers: number }).num_hidden_layers;
        expect(info.family.conditioningOutputs).toEqual(sdxl
          ? [`text_encoder/model.onnx hidden_states.${layers('text_encoder') - 1}`, `text_encoder_2/model.onnx hidden_states.${layers('text_encoder_2') - 1}`, 'text_encoder_2/model.onnx text_embeds (pooled)']
          : ['text_encoder/model.onnx last_hidden_state']);
        expect(info.name).toBe(fx.name); // the folder's name, not model_index.json's _name_or_path
        expect(info.nativeSize.pixels).toBe(g.native_size);
        expect(info.defaults.nativeSize).toBe(g.native_size);
        expect(info.scalingFactor).toBe(g.vae.scaling_factor);
        expect(info.scheduler.predictionType).toBe(g.scheduler.prediction_type);
        expect(info.scheduler.className).toBe('LCMScheduler');
        expect(info.scheduler.lcmBoundary).toBe(true);
        expect(info.defaults.tIndexList).toEqual(sdxl ? [0, 12, 25, 37] : [0, 4, 12, 25, 37]);
        expect(info.defaults.guidanceScale).toBe(g.unet.inputs.timestep_cond ? 8 : 1);
        // a rank-0 timestep (README) in optimum's broadcast pattern: rewritten at load to take the stream batch
        expect(info.streamBatchable).toBe(true);
        expect(info.streamBatchNote).toMatch(/rewritten at load/);
        expect(info.precision).toBe(fx.fp16 ? 'float16' : 'float32');
      });
    });
  }
});
