/**
 * The palette-colors oracle through the real runners, for every variant: text encoder + UNet
 * give the exact ε of the prompt colour, the VAE is exact on uniform 8×8 blocks.
 */
import { type PaletteModel, loadModelFolder } from '../../../main/engine/models';
import type { UNetBatch } from '../../../main/engine/types';
import type { PaletteColorsOptions } from '../../../models/generator/palette-colors';
import { MODEL_VARIANTS, VARIANT_NAMES, colourLatent, exactEpsilon, promptColour, removeModelVariants, writeModelVariant } from '../../support/model-variants';

afterAll(() => removeModelVariants());

const PROMPTS = ['red', 'blue sky', 'a quiet house at dawn', 'RED, and Blue!', 'bored reds'];

/** A small deterministic generator so the latents are "any x", not a constant. */
function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

describe.each(VARIANT_NAMES)('palette-colors variant %s', (variant) => {
  let model: PaletteModel;
  const options: PaletteColorsOptions = MODEL_VARIANTS[variant];
  const fp16 = options.float16 === true;
  const tol = (expected: number): number => (fp16 ? 4e-3 : 2e-5) * (1 + Math.abs(expected));

  beforeAll(async () => {
    model = await loadModelFolder(writeModelVariant(variant), { providers: ['cpu'] });
  });
  afterAll(async () => model?.release());

  test('reads its shapes from the model', () => {
    expect(model.textEncoder.embeddingWidth).toBe(8);
    expect(model.textEncoder.maxTokens).toBe(77);
    expect(model.unet.streamBatchable).toBe(!options.scalarTimestep);
    expect(model.unet.timestepCondWidth).toBe(variant === 'timestepCond' ? 256 : 0);
    expect(model.scalingFactor).toBe(0.18215);
    expect(model.nativeLatentSize).toBe(64);
    expect(model.providers).toMatchObject({ text_encoder: 'cpu', unet: 'cpu', vae_encoder: 'cpu', vae_decoder: 'cpu' });
  });

  test('text encoder + UNet give the exact ε of the prompt colour', async () => {
    expect(promptColour('blue sky')).toEqual([60, 125, 255]);
    expect(promptColour('a quiet house at dawn')).toEqual([128, 128, 128]);
    const embeddings = await model.textEncoder.encode(PROMPTS);
    const [h, w, c] = [3, 5, 4];
    const timesteps = Int32Array.from([999, 259, 999, 499, 259]); // repeats: scalar-timestep UNets run per group
    const batch = PROMPTS.length;
    const sample = pseudoRandom(batch * c * h * w, 7);
    const cond = new Float32Array(batch * 77 * 8);
    embeddings.forEach((e, i) => cond.set(e.data, i * 77 * 8));
    const request: UNetBatch = {
      batch, channels: c, height: h, width: w, sample, timesteps, encoderHiddenStates: cond, tokens: 77, embeddingWidth: 8,
      ...(model.unet.timestepCondWidth ? { timestepCond: pseudoRandom(batch * model.unet.timestepCondWidth, 3) } : {}),
    };
    const eps = await model.unet.predictNoise(request);
    let worst = 0;
    PROMPTS.forEach((prompt, i) => {
      const z = colourLatent(promptColour(prompt));
      for (let k = 0; k < c * h * w; k++) {
        const x = sample[i * c * h * w + k];
        const expected = exactEpsilon(x, z[Math.floor(k / (h * w))], timesteps[i]);
        const err = Math.abs(eps[i * c * h * w + k] - expected);
        worst = Math.max(worst, err / tol(expected));
      }
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  test('VAE encode → decode of uniform 8×8 blocks is exact', async () => {
    const [H, W] = [16, 24];
    const blocks = pseudoRandom(3 * 2 * 3, 11).map((v) => v / 2);
    const image = new Float32Array(3 * H * W);
    for (let ch = 0; ch < 3; ch++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      image[ch * H * W + y * W + x] = blocks[ch * 6 + Math.floor(y / 8) * 3 + Math.floor(x / 8)];
    }
    const latent = await model.vae.encode(image, H, W);
    expect(latent).toHaveLength(4 * 2 * 3);
    const eps = fp16 ? 1e-3 : 1e-6;
    for (let i = 0; i < 18; i++) expect(Math.abs(latent[i] - blocks[i])).toBeLessThan(eps);
    expect(Array.from(latent.subarray(18))).toEqual([0, 0, 0, 0, 0, 0]);
    const decoded = await model.vae.decode(latent, 2, 3);
    expect(decoded).toHaveLength(image.length);
    let worst = 0;
    for (let i = 0; i < image.length; i++) worst = Math.max(worst, Math.abs(decoded[i] - image[i]));
    expect(worst).toBeLessThan(eps);
    if (model.previewVae) {
      expect(model.previewVae.scalingFactor).toBe(1);
      const scaled = await model.previewVae.encode(image, H, W);
      for (let i = 0; i < 18; i++) expect(Math.abs(scaled[i] - 0.18215 * blocks[i])).toBeLessThan(1e-6);
      const preview = await model.previewVae.decode(scaled, 2, 3);
      for (let i = 0; i < image.length; i++) expect(Math.abs(preview[i] - image[i])).toBeLessThan(1e-5);
    }
  });
});

describe('palette-colors behaviour the engine relies on', () => {
  let model: PaletteModel;
  beforeAll(async () => {
    model = await loadModelFolder(writeModelVariant('default'), { providers: ['cpu'] });
  });
  afterAll(async () => model?.release());

  async function cleanColour(embedding: Float32Array, t = 259): Promise<number[]> {
    const x = Float32Array.from({ length: 4 }, (_, i) => 0.3 * i - 0.5);
    const eps = await model.unet.predictNoise({
      batch: 1, channels: 4, height: 1, width: 1, sample: x, timesteps: Int32Array.of(t), encoderHiddenStates: embedding, tokens: 77, embeddingWidth: 8,
    });
    const ac = 0.6589755269; // ENGINE-SPEC §1 golden ac[259]
    return Array.from(x, (xi, i) => (xi - Math.sqrt(1 - ac) * eps[i]) / Math.sqrt(ac)).map((z, i) => (i < 3 ? ((z / 0.18215 + 1) / 2) * 255 : z));
  }

  test('a prompt-strength lerp of two embeddings blends their colours', async () => {
    const [white, red] = await model.textEncoder.encode(['white', 'red']);
    const half = white.data.map((v, i) => 0.5 * v + 0.5 * red.data[i]);
    const colour = await cleanColour(half);
    [255, 127.5, 127.5, 0].forEach((v, i) => expect(colour[i]).toBeCloseTo(v, 2));
  });

  test('the clean estimate is the prompt colour whatever the noise', async () => {
    const [grass] = await model.textEncoder.encode(['green grass']);
    const colour = await cleanColour(grass.data);
    [30, 165, 20, 0].forEach((v, i) => expect(colour[i]).toBeCloseTo(v, 2));
  });

  test('embeddings are cached per text', async () => {
    const [a] = await model.textEncoder.encode(['sea']);
    const [b, c] = await model.textEncoder.encode(['sea', 'sea']);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  test('a wrong embedding width is refused with the numbers', async () => {
    await expect(
      model.unet.predictNoise({ batch: 1, channels: 4, height: 1, width: 1, sample: new Float32Array(4), timesteps: Int32Array.of(1), encoderHiddenStates: new Float32Array(77 * 16), tokens: 77, embeddingWidth: 16 }),
    ).rejects.toThrow('unet/model.onnx: embedding width 16 given, UNet takes 8');
  });
});
