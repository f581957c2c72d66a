/**
 * The pipeline: model folder + stream batch + mask compositor → RGBA frames. Reads as the
 * diffusers pipelines do, in numbered steps: check inputs, encode prompts, prepare latents
 * (white W, background B), stream frame, decode.
 */
import type { ModelSettingsDefaults } from '../../shared/document';
import { MAX_CANVAS_SIDE } from '../../shared/document/limits';
import { PaletteError } from '../../shared/errors';
import { loadModelFolder, defaultModelDir, type LoadModelOptions, type PaletteModel } from './models';
import type { EngineBackground, EngineFrame, EngineLayer, EngineSettings, PalettePipelineApi } from './pipeline-api';
import { StreamBatch, type StreamLayer, type StreamSettings } from './stream';
import type { TextEmbedding, VaeRunner } from './types';
import { imageToRgbaCounting, rgbaToImage, whiteImage } from './image';

export interface LoadPipelineOptions extends LoadModelOptions {
  /** canvas in pixels (default 512×512) */
  width?: number;
  height?: number;
  seed?: number;
  settings?: Partial<EngineSettings>;
  /** most samples per UNet call (large canvases); default: the whole batch */
  batchLimit?: number;
  /**
   * memory cap of one UNet call in MiB (default DEFAULT_UNET_BATCH_MIB, stream/batch-chunks.ts):
   * a larger stream batch runs as several calls, with the same result
   */
  unetBatchMiB?: number;
  /** decode live frames with the tiny decoder when the model has one (default true) */
  previewDecoder?: boolean;
}

export async function loadPipeline(modelDir: string = defaultModelDir(), options: LoadPipelineOptions = {}): Promise<PalettePipeline> {
  const model = await loadModelFolder(modelDir, options);
  try {
    const pipeline = new PalettePipeline(model, options);
    await pipeline.setCanvas(options.width ?? 512, options.height ?? 512);
    return pipeline;
  } catch (e) {
    await model.release();
    throw e;
  }
}

interface LayerPrompts {
  prompt: string;
  negativePrompt: string;
}

export class PalettePipeline implements PalettePipelineApi {
  readonly model: PaletteModel;
  readonly stream: StreamBatch;
  private readonly usePreview: boolean;
  private backgroundInput: EngineBackground = { prompt: '', negativePrompt: '', image: null };
  private layerPrompts = new Map<string, LayerPrompts>();
  private frameCount = 0;
  /** setCanvas finished for the stream's current size (white latent and background set) */
  private canvasReady = false;
  private rgba: Uint8ClampedArray = new Uint8ClampedArray(0);
  private unscaled: Float32Array = new Float32Array(0);
  private lastLatent: Float32Array = new Float32Array(0);
  private zeroEmbedding: TextEmbedding | null = null;

  constructor(model: PaletteModel, options: LoadPipelineOptions = {}) {
    this.model = model;
    this.usePreview = options.previewDecoder ?? true;
    // the family's defaults (steps, guidance) unless the caller chose; a null guidance scale means "model default"
    const defaults = model.family.defaults;
    const settings: Partial<StreamSettings> = {
      tIndexList: defaults.tIndexList, guidance: defaults.guidance, guidanceScale: defaults.guidanceScale,
      ...this.toStreamSettings(options.settings ?? {}),
    };
    if (options.batchLimit !== undefined) settings.batchLimit = options.batchLimit;
    this.stream = new StreamBatch({
      height: 8, width: 8, // replaced by setCanvas() before any use
      nativeLatentSize: model.nativeLatentSize,
      unet: model.unet,
      scheduler: model.scheduler,
      settings,
      seed: options.seed ?? 0,
      unetBatchMiB: options.unetBatchMiB,
    });
  }

  get modelId(): string { return this.model.id; }
  get providers(): Record<string, string> { return { ...this.model.providers } as Record<string, string>; }
  get skippedProviders(): Record<string, readonly { provider: string; reason: string }[]> {
    return Object.fromEntries(Object.entries(this.model.sessions).map(([c, s]) => [c, s ? [...s.skippedProviders] : []]));
  }
  get width(): number { return this.stream.geometry.width; }
  get height(): number { return this.stream.geometry.height; }
  get idle(): boolean { return this.stream.isConverged; }
  get settings(): Readonly<StreamSettings> { return this.stream.settings; }
  get modelDefaults(): ModelSettingsDefaults {
    const f = this.model.family;
    return { family: f.id, familyLabel: f.label, ...f.defaults, tIndexList: [...f.defaults.tIndexList] };
  }

  // 1. check inputs ---------------------------------------------------------------------

  async setCanvas(width: number, height: number): Promise<void> {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8 ||
      width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE || width % 8 !== 0 || height % 8 !== 0) {
      throw new PaletteError('E_BAD_CANVAS_SIZE',
        `canvas ${width}×${height}: width and height must be multiples of 8 from 8 to ${MAX_CANVAS_SIDE}`);
    }
    // the same size again is no change (ENGINE-SPEC §10): layers, background and image stay
    if (this.canvasReady && width === this.width && height === this.height) return;
    this.canvasReady = false;
    this.stream.setCanvas({ width, height, nativeLatentSize: this.model.nativeLatentSize });
    this.layerPrompts.clear();
    // 3. prepare latents: W once per model and canvas size
    // the whole canvas in one encode: an SD VAE's W is not the same per tile (GroupNorm and the
    // mid-block attention see the borders; BENCHMARKS.md, "memory"), so it is never tiled
    this.stream.setWhiteLatent(await this.encodeImage(whiteImage(width, height), width, height));
    this.backgroundInput = { ...this.backgroundInput, image: null };
    await this.applyBackground();
    this.canvasReady = true;
  }

  setSettings(settings: Partial<EngineSettings>): void {
    this.stream.setSettings(this.toStreamSettings(settings));
  }

  /**
   * Injects every noise a one-shot render draws (tests against diffusers, reproducible exports):
   * `noises[0]` is the initial latent (diffusers' `latents=`), `noises[k]` the noise the scheduler
   * adds after step k (k = 1..T-1); each canvas-latent sized. null goes back to the seed's noise.
   */
  setInjectedNoise(noises: readonly Float32Array[] | null): void {
    this.stream.setSlotNoise(noises);
  }

  /** the scaled latent of the last frame or render (a copy), before decoding */
  get outputLatent(): Float32Array {
    return this.lastLatent.slice();
  }

  setSeed(seed: number): void {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new PaletteError('E_BAD_SEED', `seed ${seed} must be a whole number ≥ 0`);
    }
    this.stream.setSeed(seed);
  }

  async setBackground(background: EngineBackground): Promise<void> {
    if (background.image && background.image.length !== this.width * this.height * 4) {
      throw new PaletteError('E_BAD_IMAGE_SIZE',
        `background image has ${background.image.length} bytes, the ${this.width}×${this.height} canvas needs ${this.width * this.height * 4} (RGBA)`);
    }
    this.backgroundInput = { ...background, image: background.image ? background.image.slice() : null };
    await this.applyBackground();
  }

  async setLayers(layers: EngineLayer[]): Promise<void> {
    const ids = new Set<string>();
    for (const l of layers) {
      if (ids.has(l.id)) throw new PaletteError('E_BAD_LAYER', `layer id ${l.id} appears twice`);
      ids.add(l.id);
      this.checkMaskSize(l.id, l.mask);
    }
    // 2. encode prompts (cached by model and text inside the encoder)
    const embeddings = await this.encodeTexts(layers.flatMap((l) => [l.prompt, l.negativePrompt]));
    const streamLayers: StreamLayer[] = layers.map((l) => ({
      id: l.id,
      embedding: embeddings.get(l.prompt)!,
      negativeEmbedding: this.negativeEmbedding(l.negativePrompt, embeddings),
      promptStrength: l.promptStrength,
      maskStrength: l.maskStrength,
      maskBlur: l.maskBlur,
      visible: l.visible,
      mask: l.mask,
    }));
    this.stream.setLayers(streamLayers);
    this.layerPrompts = new Map(layers.map((l) => [l.id, { prompt: l.prompt, negativePrompt: l.negativePrompt }]));
  }

  updateLayerMask(id: string, mask: Uint8Array): void {
    if (!this.layerPrompts.has(id)) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    this.checkMaskSize(id, mask);
    this.stream.updateLayerMask(id, mask);
  }

  // 4–5. stream frame and decode ----------------------------------------------------------

  /** One live frame; uses the tiny preview decoder when the model has one. */
  async frame(): Promise<EngineFrame> {
    const started = performance.now();
    const latent = await this.stream.frame();
    const vae = this.usePreview && this.model.previewVae ? this.model.previewVae : this.model.vae;
    return this.decode(latent, vae, started);
  }

  /** One-shot render (reset, flush, one frame), always with the full VAE. */
  async render(): Promise<EngineFrame> {
    const started = performance.now();
    const latent = await this.stream.render();
    return this.decode(latent, this.model.vae, started);
  }

  async release(): Promise<void> {
    await this.model.release();
  }

  // internals -----------------------------------------------------------------------------

  private checkMaskSize(id: string, mask: Uint8Array): void {
    const expected = this.width * this.height;
    if (mask.length !== expected) {
      throw new PaletteError('E_BAD_MASK_SIZE',
        `layer ${id}: mask has ${mask.length} values, the ${this.width}×${this.height} canvas needs ${expected}`);
    }
  }

  private async decode(latent: Float32Array, vae: VaeRunner, started: number): Promise<EngineFrame> {
    const h = this.height / 8;
    const w = this.width / 8;
    if (this.lastLatent.length !== latent.length) this.lastLatent = new Float32Array(latent.length);
    this.lastLatent.set(latent);
    if (this.unscaled.length !== latent.length) this.unscaled = new Float32Array(latent.length);
    const scaled = this.unscaled;
    const inv = 1 / vae.scalingFactor;
    for (let j = 0; j < latent.length; j++) scaled[j] = latent[j] * inv;
    const image = await vae.decode(scaled, h, w);
    if (this.rgba.length !== this.width * this.height * 4) this.rgba = new Uint8ClampedArray(this.width * this.height * 4);
    const bad = imageToRgbaCounting(image, this.width, this.height, this.rgba);
    if (bad > 0) nonFinite(bad, image.length, vae === this.model.vae ? 'vae_decoder/model.onnx' : 'vae_decoder_tiny/model.onnx');
    this.frameCount += 1;
    return { rgba: this.rgba, width: this.width, height: this.height, index: this.frameCount, ms: performance.now() - started };
  }

  /** scale · VAE_encode(image), the image NCHW in [-1, 1] */
  private async encodeImage(image: Float32Array, width: number, height: number): Promise<Float32Array> {
    const latent = await this.model.vae.encode(image, height, width);
    const scale = this.model.vae.scalingFactor;
    for (let j = 0; j < latent.length; j++) latent[j] *= scale;
    return latent;
  }

  private async encodeTexts(texts: string[]): Promise<Map<string, TextEmbedding>> {
    const distinct = [...new Set(texts)];
    const embeddings = await this.model.textEncoder.encode(distinct);
    return new Map(distinct.map((t, i) => [t, embeddings[i]]));
  }

  /**
   * A negative prompt's conditioning. An empty field is diffusers' negative_prompt=None: for a
   * model with `force_zeros_for_empty_prompt` (SDXL) all-zero E and p, else the encoded "". Any
   * text, even a single space (which tokenizes like ""), is encoded: diffusers' explicit "".
   */
  private negativeEmbedding(text: string, embeddings: Map<string, TextEmbedding>): TextEmbedding {
    if (this.model.family.forceZerosForEmptyPrompt && text === '') {
      this.zeroEmbedding ??= this.model.textEncoder.zeros();
      return this.zeroEmbedding;
    }
    return embeddings.get(text)!;
  }

  private async applyBackground(): Promise<void> {
    const bg = this.backgroundInput;
    const embeddings = await this.encodeTexts([bg.prompt, bg.negativePrompt]);
    const latent = bg.image ? await this.encodeImage(rgbaToImage(bg.image, this.width, this.height), this.width, this.height) : null;
    this.stream.setBackground({
      embedding: embeddings.get(bg.prompt)!,
      negativeEmbedding: this.negativeEmbedding(bg.negativePrompt, embeddings),
      latent,
    });
  }

  /** a null guidance scale is the model's default (ENGINE-SPEC §9, a document's "model default") */
  private toStreamSettings(s: Partial<EngineSettings>): Partial<StreamSettings> {
    const out = toStreamSettings(s);
    if (s.guidanceScale === null) out.guidanceScale = this.model.family.defaults.guidanceScale;
    return out;
  }
}

/** A decoded frame with NaN or Inf (fp16 VAEs overflow) is an error naming the VAE, never a black frame. */
function nonFinite(bad: number, values: number, component: string): never {
  throw new PaletteError('E_MODEL_RUN',
    `${component}: the decoded image has ${bad} of ${values} values that are NaN or infinite (an fp16 VAE overflowing?); use a float32 or fp16-fixed VAE`);
}

function toStreamSettings(s: Partial<EngineSettings>): Partial<StreamSettings> {
  const out: Partial<StreamSettings> = {};
  if (s.tIndexList !== undefined) out.tIndexList = s.tIndexList;
  if (s.maskType !== undefined) out.maskType = s.maskType;
  if (s.coverAlpha !== undefined) out.coverAlpha = s.coverAlpha;
  if (s.bootstrapSteps !== undefined) out.bootstrapSteps = s.bootstrapSteps;
  if (s.bootstrapMixSteps !== undefined) out.bootstrapMixSteps = s.bootstrapMixSteps;
  if (s.guidance !== undefined) out.guidance = s.guidance;
  if (s.guidanceScale !== undefined && s.guidanceScale !== null) out.guidanceScale = s.guidanceScale;
  if (s.noise !== undefined) out.noise = s.noise;
  return out;
}
