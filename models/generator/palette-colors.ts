/**
 * Builds the palette-colors model folder in memory (ORACLE-MODEL.md): path → bytes, in the
 * layout of a diffusers/optimum SD 1.5 ONNX export. The default options give the shipped
 * files; the others give the test variants, one per code path a real export can take.
 */
import { BOS_TOKEN, EOS_TOKEN, buildClipVocabulary } from './clip-vocab';
import { VAE_SCALING_FACTOR } from './colours';
import { EMBEDDING_WIDTH, MAX_TOKENS, textEncoderGraph, unetGraph, vaeDecoderGraph, vaeEncoderGraph } from './palette-colors-graphs';
import { type ElemType, type GraphSpec, encodeModel } from './onnx-builder';

export interface PaletteColorsOptions {
  /** float16 weights and float inputs/outputs (default false) */
  readonly float16?: boolean;
  /** dtype of the UNet's `timestep` input (default 'int64') */
  readonly timestepType?: ElemType;
  /** `timestep` as a scalar instead of `[batch]` (default false) */
  readonly scalarTimestep?: boolean;
  /** scalar timestep broadcast inside the graph the way optimum ≥ 1.24 exports it (implies a scalar) */
  readonly optimumTimestep?: boolean;
  /** declare a `timestep_cond` input of this width, ignored by the math (default 0 = none) */
  readonly timestepCondWidth?: number;
  /** keep weights in an external data file next to each model.onnx that has weights */
  readonly externalData?: 'model.onnx_data' | 'weights.pb';
  /** VAE encoder outputs 8-channel `latent_parameters` (mean, logvar) instead of `latent_sample` */
  readonly latentParameters?: boolean;
  /** add a TAESD-style `vae_decoder_tiny/` (takes scaled latents, scaling factor 1.0) */
  readonly tinyDecoder?: boolean;
  /** tests only: a VAE that scales by this instead of 8 (the engine must refuse it) */
  readonly vaeRatio?: number;
  /** tests only: write diffusers' `block_out_channels` (one entry per level) into the VAE configs */
  readonly vaeBlockOutChannels?: readonly number[];
  /** benchmark only: make the UNet cost real work (3×3 conv stack, see unetGraph) */
  readonly unetWorkload?: { readonly layers: number; readonly channels: number };
}

/** SD 1.5's scheduler numbers (ENGINE-SPEC §1). */
export const SD15_SCHEDULER = { betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000 } as const;

export function sd15AlphasCumprod(): Float64Array {
  const { betaStart, betaEnd, trainSteps } = SD15_SCHEDULER;
  const ac = new Float64Array(trainSteps);
  let product = 1;
  for (let i = 0; i < trainSteps; i++) {
    const beta = (Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * i) / (trainSteps - 1)) ** 2;
    product *= 1 - beta;
    ac[i] = product;
  }
  return ac;
}

const DIFFUSERS_VERSION = '0.30.0';

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

export function buildPaletteColors(options: PaletteColorsOptions = {}): Map<string, Uint8Array> {
  const floatType: ElemType = options.float16 ? 'float16' : 'float32';
  const files = new Map<string, Uint8Array>();
  const addModel = (folder: string, graph: GraphSpec): void => {
    const external = graph.initializers.some((i) => i.isWeight) ? options.externalData : undefined;
    const encoded = encodeModel(graph, external);
    files.set(`${folder}/model.onnx`, encoded.model);
    if (external && encoded.externalData) files.set(`${folder}/${external}`, encoded.externalData);
  };

  const { vocab, merges } = buildClipVocabulary();
  const vocabJson = `{${[...vocab].map(([t, id]) => `${JSON.stringify(t)}: ${id}`).join(', ')}}\n`;
  files.set('tokenizer/vocab.json', new TextEncoder().encode(vocabJson));
  files.set('tokenizer/merges.txt', new TextEncoder().encode(`#version: 0.2\n${merges.map((m) => m.join(' ')).join('\n')}\n`));
  const specials = { bos_token: BOS_TOKEN, eos_token: EOS_TOKEN, unk_token: EOS_TOKEN, pad_token: EOS_TOKEN };
  files.set('tokenizer/special_tokens_map.json', json(specials));
  files.set(
    'tokenizer/tokenizer_config.json',
    json({ model_max_length: MAX_TOKENS, do_lower_case: true, ...specials, tokenizer_class: 'CLIPTokenizer', add_prefix_space: false, clean_up_tokenization_spaces: true }),
  );

  files.set(
    'model_index.json',
    json({
      _class_name: 'OnnxStableDiffusionPipeline',
      _diffusers_version: DIFFUSERS_VERSION,
      _name_or_path: 'semantic-palette/palette-colors',
      feature_extractor: [null, null],
      requires_safety_checker: false,
      safety_checker: [null, null],
      scheduler: ['diffusers', 'LCMScheduler'],
      text_encoder: ['diffusers', 'OnnxRuntimeModel'],
      tokenizer: ['transformers', 'CLIPTokenizer'],
      unet: ['diffusers', 'OnnxRuntimeModel'],
      vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
      vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
    }),
  );
  files.set(
    'scheduler/scheduler_config.json',
    json({
      _class_name: 'LCMScheduler',
      _diffusers_version: DIFFUSERS_VERSION,
      beta_end: SD15_SCHEDULER.betaEnd,
      beta_schedule: 'scaled_linear',
      beta_start: SD15_SCHEDULER.betaStart,
      clip_sample: false,
      clip_sample_range: 1.0,
      dynamic_thresholding_ratio: 0.995,
      num_train_timesteps: SD15_SCHEDULER.trainSteps,
      original_inference_steps: 50,
      prediction_type: 'epsilon',
      rescale_betas_zero_snr: false,
      sample_max_value: 1.0,
      set_alpha_to_one: true,
      steps_offset: 1,
      thresholding: false,
      timestep_scaling: 10.0,
      timestep_spacing: 'leading',
      trained_betas: null,
    }),
  );

  files.set(
    'text_encoder/config.json',
    json({ architectures: ['CLIPTextModel'], hidden_size: EMBEDDING_WIDTH, max_position_embeddings: MAX_TOKENS, model_type: 'clip_text_model', vocab_size: vocab.size, bos_token_id: vocab.get(BOS_TOKEN), eos_token_id: vocab.get(EOS_TOKEN), pad_token_id: vocab.get(EOS_TOKEN), torch_dtype: floatType }),
  );
  addModel('text_encoder', textEncoderGraph(vocab, floatType));

  const timestepCondWidth = options.timestepCondWidth ?? 0;
  files.set(
    'unet/config.json',
    json({ _class_name: 'UNet2DConditionModel', _diffusers_version: DIFFUSERS_VERSION, sample_size: 64, in_channels: 4, out_channels: 4, cross_attention_dim: EMBEDDING_WIDTH, time_cond_proj_dim: timestepCondWidth || null }),
  );
  addModel(
    'unet',
    unetGraph(sd15AlphasCumprod(), {
      floatType,
      timestepType: options.timestepType ?? (options.scalarTimestep ? 'float32' : 'int64'),
      scalarTimestep: options.scalarTimestep ?? false,
      optimumTimestep: options.optimumTimestep ?? false,
      timestepCondWidth,
      workload: options.unetWorkload,
    }),
  );

  const vaeConfig = {
    _class_name: 'AutoencoderKL',
    _diffusers_version: DIFFUSERS_VERSION,
    in_channels: 3,
    out_channels: 3,
    latent_channels: 4,
    sample_size: 512,
    scaling_factor: VAE_SCALING_FACTOR,
    ...(options.vaeBlockOutChannels ? { block_out_channels: options.vaeBlockOutChannels } : {}),
  };
  const ratio = options.vaeRatio ?? 8;
  files.set('vae_encoder/config.json', json(vaeConfig));
  addModel('vae_encoder', vaeEncoderGraph(floatType, options.latentParameters ?? false, ratio));
  files.set('vae_decoder/config.json', json(vaeConfig));
  addModel('vae_decoder', vaeDecoderGraph(floatType, 1, ratio));
  if (options.tinyDecoder) {
    files.set('vae_decoder_tiny/config.json', json({ _class_name: 'AutoencoderTiny', latent_channels: 4, scaling_factor: 1.0 }));
    addModel('vae_decoder_tiny', vaeDecoderGraph(floatType, 1 / VAE_SCALING_FACTOR));
  }
  return files;
}
