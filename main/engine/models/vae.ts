/**
 * VaeRunner on ONNX VAE encoder/decoder sessions. The encoder may output `latent_sample`
 * (4 channels) or `latent_parameters` (mean and log-variance, 8 channels): the mean is used.
 */
import { PaletteError } from '../../../shared/errors';
import { type ModelSession, asFloat32 } from '../runtime';
import type { VaeRunner } from '../types';
import { VAE_DOWNSCALE } from './vae-ratio';

export const LATENT_CHANNELS = 4;
/** the stream's own limit (8192 px a side): nothing larger is ever asked of a VAE */
const MAX_LATENT_SIDE = 8192 / VAE_DOWNSCALE;

/** Refuses, before any run, a size the loader's ratio check does not cover. */
function checkLatentSize(label: string, what: string, h: number, w: number): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_LATENT_SIDE;
  if (!ok(h) || !ok(w)) {
    throw new PaletteError('E_MODEL_RUN', `${label}: ${what} ${h * VAE_DOWNSCALE}×${w * VAE_DOWNSCALE} px (latent ${h}×${w}) is not a multiple of ${VAE_DOWNSCALE} between ${VAE_DOWNSCALE} and ${MAX_LATENT_SIDE * VAE_DOWNSCALE} px`);
  }
}

export class OnnxVae implements VaeRunner {
  /**
   * @param encoderScale multiplies what `encode` returns. A tiny (TAESD-style) decoder works on
   * scaled latents (scalingFactor 1.0) but shares the full VAE's encoder, whose output must then
   * carry the full VAE's scale.
   */
  constructor(
    readonly scalingFactor: number,
    private readonly decoder: ModelSession,
    private readonly encoder: ModelSession | undefined,
    private readonly encoderScale = 1,
    private readonly encoderOutput = 'latent_sample',
  ) {}

  async encode(image: Float32Array, height: number, width: number): Promise<Float32Array> {
    const encoder = this.encoder;
    if (!encoder) throw new PaletteError('E_MODEL_INVALID', 'this model has no VAE encoder (vae_encoder/model.onnx)');
    checkLatentSize(encoder.label, 'picture', height / VAE_DOWNSCALE, width / VAE_DOWNSCALE);
    if (image.length !== 3 * height * width) throw new PaletteError('E_MODEL_RUN', `${encoder.label}: image has ${image.length} values, not 3×${height}×${width}`);
    const name = this.encoderOutput;
    const out = await encoder.run({ sample: { data: image, dims: [1, 3, height, width] } }, [name]);
    const data = asFloat32(out[name], `${encoder.label} ${name}`);
    const plane = (height / VAE_DOWNSCALE) * (width / VAE_DOWNSCALE);
    const [, channels] = out[name].dims;
    if (channels < LATENT_CHANNELS || data.length !== channels * plane) {
      throw new PaletteError('E_MODEL_RUN', `${encoder.label}: ${name} has dims [${out[name].dims.join(',')}], expected [1,4 or 8,${height / VAE_DOWNSCALE},${width / VAE_DOWNSCALE}]`);
    }
    const latent = data.slice(0, LATENT_CHANNELS * plane);
    if (this.encoderScale !== 1) for (let i = 0; i < latent.length; i++) latent[i] *= this.encoderScale;
    return latent;
  }

  async decode(latent: Float32Array, height: number, width: number): Promise<Float32Array> {
    const d = this.decoder;
    checkLatentSize(d.label, 'decoding', height, width);
    if (latent.length !== LATENT_CHANNELS * height * width) throw new PaletteError('E_MODEL_RUN', `${d.label}: latent has ${latent.length} values, not 4×${height}×${width}`);
    const name = d.outputs[0].name;
    const out = await d.run({ [d.inputs[0].name]: { data: latent, dims: [1, LATENT_CHANNELS, height, width] } }, [name]);
    const image = asFloat32(out[name], `${d.label} ${name}`);
    if (image.length !== 3 * VAE_DOWNSCALE ** 2 * height * width) {
      throw new PaletteError('E_MODEL_RUN', `${d.label}: ${name} has dims [${out[name].dims.join(',')}], expected [1,3,${VAE_DOWNSCALE * height},${VAE_DOWNSCALE * width}]`);
    }
    return image;
  }
}
