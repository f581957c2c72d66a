/**
 * Issue 9, defect 2: a VAE that does not scale 8× is refused at load, before any encode or
 * decode, with a message naming the component and the ratio; the model list refuses it too;
 * and no encode or decode starts with a size that was not checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadModelFolder } from '../../../main/engine/models';
import { checkVaeRatio, ratioFromConfig } from '../../../main/engine/models/vae-ratio';
import { quickValidateFolder } from '../../../main/model-manager';
import { PaletteError } from '../../../shared/errors';
import { removeModelVariants, writeModelVariant } from '../../support/model-variants';
import { loadFolderError } from '../../support/model-errors';

afterAll(() => removeModelVariants());

const loadError = (dir: string): Promise<PaletteError> => loadFolderError(dir, 'the folder with a 4× VAE');

describe('VAE downscale ratio', () => {
  test('a 4× VAE whose config.json says so is refused at load and in the model list', async () => {
    const dir = writeModelVariant({ vaeRatio: 4, vaeBlockOutChannels: [128, 256, 512] });
    const error = await loadError(dir);
    expect(error.code).toBe('E_MODEL_INVALID');
    expect(error.message).toContain('vae_decoder/model.onnx: upscales 4× (vae_decoder/config.json block_out_channels has 3 levels)');
    expect(error.message).toContain('vae_encoder/model.onnx: downscales 4×');
    expect(error.message).toContain('latents 1/8 of the picture');
    const listed = await quickValidateFolder(dir);
    expect(listed.join('; ')).toContain('vae_decoder/model.onnx: upscales 4×');
  });

  test('a 4× VAE that declares nothing is measured at load and refused', async () => {
    const dir = writeModelVariant({ vaeRatio: 4 });
    const error = await loadError(dir);
    expect(error.message).toContain('vae_decoder/model.onnx: upscales 4× (measured: a 2×2 latent decodes to 8×8)');
    expect(error.message).toContain('vae_encoder/model.onnx: downscales 4× (measured: a 16×16 picture encodes to 4×4)');
  });

  test('an 8× VAE loads, measured or declared, and SD-shaped configs are read right', async () => {
    for (const options of [{}, { vaeBlockOutChannels: [128, 256, 512, 512] }]) {
      const model = await loadModelFolder(writeModelVariant(options), { providers: ['cpu'] });
      await model.release();
    }
    expect(ratioFromConfig({ block_out_channels: [128, 256, 512, 512] }, 'c')?.ratio).toBe(8);
    // the real-architecture exports' VAE configs (when the fixtures are there)
    const realArch = path.resolve(process.env.PALETTE_REAL_ARCH_DIR ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'real-arch'));
    const configs = fs.existsSync(realArch) ? fs.readdirSync(realArch).flatMap((d) => ['vae_decoder', 'vae_encoder'].map((c) => path.join(realArch, d, c, 'config.json'))).filter((f) => fs.existsSync(f)) : [];
    for (const f of configs) expect(ratioFromConfig(JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown>, f)?.ratio).toBe(8);
    // AutoencoderTiny (TAESD / TAESDXL), as diffusers writes it
    expect(ratioFromConfig({ _class_name: 'AutoencoderTiny', decoder_block_out_channels: [64, 64, 64, 64], upsampling_scaling_factor: 2 }, 'c')?.ratio).toBe(8);
  });

  test('declared shapes count, and shapes that contradict the config are reported', () => {
    const latent = { name: 'latent_sample', type: 'float32', shape: [1, 4, 64, 64] };
    const picture = { name: 'sample', type: 'float32', shape: [1, 3, 256, 256] };
    expect(checkVaeRatio('vae_decoder/model.onnx', 'decoder', latent, picture, undefined, 'c').problems[0]).toMatch(/upscales 4× \(vae_decoder\/model.onnx declares latent 64 → picture 256/);
    const eight = { ...picture, shape: [1, 3, 512, 512] };
    expect(checkVaeRatio('d', 'decoder', latent, eight, { block_out_channels: [1, 2, 3, 4] }, 'c')).toEqual({ problems: [], unchecked: false });
    expect(checkVaeRatio('d', 'decoder', { ...latent, shape: ['b', 4, 'h', 'w'] }, { ...picture, shape: ['b', 3, 'H', 'W'] }, {}, 'c')).toEqual({ problems: [], unchecked: true });
  });

  test('no encode or decode starts with a size that was not checked', async () => {
    const model = await loadModelFolder(writeModelVariant('default'), { providers: ['cpu'] });
    try {
      const decoder = model.sessions.vae_decoder!;
      const runs = decoder.runs;
      await expect(model.vae.decode(new Float32Array(0), 0, 0)).rejects.toThrow(/vae_decoder\/model.onnx: decoding 0×0 px \(latent 0×0\) is not a multiple of 8/);
      await expect(model.vae.decode(new Float32Array(4 * 2000 * 2), 2000, 2)).rejects.toThrow(/between 8 and 8192 px/);
      await expect(model.vae.encode(new Float32Array(3 * 12 * 16), 12, 16)).rejects.toThrow(/vae_encoder\/model.onnx: picture 12×16 px/);
      expect(decoder.runs).toBe(runs);
      expect((await model.vae.decode(new Float32Array(4 * 2 * 3), 2, 3)).length).toBe(3 * 16 * 24);
    } finally {
      await model.release();
    }
  });
});
