/**
 * Contracts between the engine's parts. The stream math (schedule, masks, stream) never sees
 * onnxruntime: it talks to the model through these runner interfaces, so the golden traces can
 * plug in their UNet stand-in and the pipeline can plug in the real ONNX sessions.
 *
 * Layout conventions (same as ../shared/traces): latents are NCHW flattened
 * (`c*h*w + y*w + x`), canvas masks are row-major `y*W + x` with values 0..1.
 */

/** Text embedding of one prompt: `tokens × width` row-major (77 × D). */
export interface TextEmbedding {
  readonly data: Float32Array;
  readonly tokens: number;
  readonly width: number;
  /** the pooled vector p (SDXL's `text_embeds` of text_encoder_2), for UNets that take one */
  readonly pooled?: Float32Array;
}

/** One batched noise prediction request. */
export interface UNetBatch {
  /** number of samples */
  readonly batch: number;
  /** latent channels (4) */
  readonly channels: number;
  /** latent height and width of every sample (tile or whole canvas) */
  readonly height: number;
  readonly width: number;
  /** batch × channels × height × width */
  readonly sample: Float32Array;
  /** one integer timestep (0..999) per sample */
  readonly timesteps: Int32Array;
  /** batch × tokens × embeddingWidth */
  readonly encoderHiddenStates: Float32Array;
  readonly tokens: number;
  readonly embeddingWidth: number;
  /** batch × timestepCondWidth, only for UNets that declare `timestep_cond` */
  readonly timestepCond?: Float32Array;
  /** batch × pooledWidth: each sample's pooled text vector p (SDXL `text_embeds`) */
  readonly textEmbeds?: Float32Array;
  /** batch × 6: each sample's SDXL `time_ids` [H, W, 0, 0, H, W] in pixels of the sample */
  readonly timeIds?: Float32Array;
}

/** The UNet as the stream sees it: ε-prediction for a batch. */
export interface UNetRunner {
  /** true when the model takes a `[batch]` timestep, so a whole stream batch is one call */
  readonly streamBatchable: boolean;
  /** width of the `timestep_cond` input, or 0 when the UNet has none */
  readonly timestepCondWidth: number;
  /** width of the `text_embeds` input (SDXL's pooled p), 0 or absent when the UNet has none; such UNets also take `time_ids` */
  readonly pooledWidth?: number;
  /** returns the prediction (ε, v or x0, by the scheduler config's prediction type) with the same layout as `sample` */
  predictNoise(batch: UNetBatch): Promise<Float32Array>;
}

/** Tokenize + encode; returns one embedding per text (77 × D each). */
export interface TextEncoderRunner {
  readonly embeddingWidth: number;
  readonly maxTokens: number;
  encode(texts: readonly string[]): Promise<TextEmbedding[]>;
}

/**
 * The VAE without its scaling factor: callers multiply latents by `scalingFactor` after
 * `encode` and divide before `decode` (ENGINE-SPEC §4, §7).
 */
export interface VaeRunner {
  readonly scalingFactor: number;
  /** image NCHW (1 × 3 × H × W) in [-1, 1] → latent (1 × 4 × H/8 × W/8), unscaled */
  encode(image: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** latent (1 × 4 × h × w), unscaled → image NCHW (1 × 3 × 8h × 8w) in about [-1, 1] */
  decode(latent: Float32Array, height: number, width: number): Promise<Float32Array>;
}
