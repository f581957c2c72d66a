/**
 * Loading a diffusers/optimum ONNX model folder (model_index.json, scheduler/, tokenizer/,
 * text_encoder/, unet/, vae_encoder/, vae_decoder/; SDXL also tokenizer_2/ and text_encoder_2/;
 * optionally vae_decoder_tiny/): sessions are created in parallel, the folder is validated as a
 * whole, and every problem is reported in one E_MODEL_INVALID error. The family (ENGINE-SPEC §9)
 * is described from what the folder declares, never from its name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../../shared/errors';
import { ModelSession, type ProviderName, type RuntimeOptions, batchTimestepRewrite } from '../runtime';
import { OnnxTextEncoder, type TextEncoderPart } from './text-encoder';
import { describeFamily, type ModelFamily } from './family';
import { TEXT_ENCODER_2, TOKENIZER_2, textEncoderMeta } from './text-layout';
import { ClipTokenizer } from './tokenizer';
import { OnnxUNet } from './unet';
import { OnnxVae } from './vae';
import { type FolderMeta, validateFolderMeta } from './validate';
import { measureVaeRatios } from './vae-probe';
import { SD15_SCHEDULER, schedulerConfigFromJson, type SchedulerConfig } from '../schedule';

export const COMPONENTS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'] as const;
export const TINY_DECODER = 'vae_decoder_tiny';
/** SDXL's second text encoder (text_encoder_2) is loaded when the folder has it */
export type ComponentName = (typeof COMPONENTS)[number] | typeof TINY_DECODER | typeof TEXT_ENCODER_2;
export { TEXT_ENCODER_2 };

export const SD15_SCALING_FACTOR = 0.18215;
const DEFAULT_LATENT_SIZE = 64;

export interface LoadModelOptions extends RuntimeOptions {
  /** load vae_decoder_tiny/ when present (default true) */
  readonly tinyDecoder?: boolean;
  /** a TAESD-style export's folder whose vae_decoder/ serves live frames when the model has no vae_decoder_tiny/ */
  readonly previewDecoderDir?: string;
}

export interface PaletteModel {
  /** resolved folder path: the "model" half of the embedding cache key */
  readonly id: string;
  readonly dir: string;
  /** the repo id it was downloaded from, else the folder's name (never `_name_or_path`) */
  readonly name: string;
  /** what family it is and the defaults a document starts from (ENGINE-SPEC §9) */
  readonly family: ModelFamily;
  readonly tokenizer: ClipTokenizer;
  /** SDXL's second tokenizer */
  readonly tokenizer2?: ClipTokenizer;
  readonly textEncoder: OnnxTextEncoder;
  readonly unet: OnnxUNet;
  /** the full VAE, for exports and encoding */
  readonly vae: OnnxVae;
  /** the tiny decoder for live previews (scalingFactor 1.0), when the folder has one */
  readonly previewVae?: OnnxVae;
  readonly scalingFactor: number;
  readonly scheduler: SchedulerConfig;
  /** the UNet's native latent size (SD 1.5: 64, i.e. 512 px) */
  readonly nativeLatentSize: number;
  readonly sessions: Readonly<Partial<Record<ComponentName, ModelSession>>>;
  /** which execution provider runs each component */
  readonly providers: Readonly<Partial<Record<ComponentName, ProviderName>>>;
  release(): Promise<void>;
}

type Json = Record<string, unknown>;

function readJsonIfPresent(file: string, label: string, problems: string[]): Json | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    problems.push(`${label}: not a JSON object`);
  } catch (e) {
    problems.push(`${label}: cannot be read (${(e as Error).message.split('\n')[0]})`);
  }
  return undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The scheduler config as the schedule reads it; a bad value is one more problem of the folder. */
function readSchedulerConfig(raw: Json | undefined, problems: string[]): SchedulerConfig {
  try {
    return schedulerConfigFromJson(raw ?? {});
  } catch (e) {
    problems.push(`scheduler/scheduler_config.json: ${(e as Error).message.replace(/^scheduler config: /, '')}`);
    return SD15_SCHEDULER;
  }
}

/** The repo id of a folder the model manager downloaded (its `.complete` manifest), else the folder name. */
export function modelName(root: string): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, '.complete'), 'utf8')) as { repo?: unknown; revision?: unknown };
    if (typeof manifest.repo === 'string' && manifest.repo) {
      return typeof manifest.revision === 'string' && manifest.revision && manifest.revision !== 'main' ? `${manifest.repo}@${manifest.revision}` : manifest.repo;
    }
  } catch {
    // not a download: the folder's own name
  }
  return path.basename(root);
}

/** Loads and validates a model folder. E_MODEL_NOT_FOUND / E_MODEL_INVALID (all problems). */
export async function loadModelFolder(dir: string, options: LoadModelOptions = {}): Promise<PaletteModel> {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new PaletteError('E_MODEL_NOT_FOUND', `model folder not found: ${dir}`);
  }
  const has = (rel: string): boolean => fs.existsSync(path.join(root, rel));
  if (!has('model_index.json') && !has('unet/model.onnx')) {
    throw new PaletteError('E_MODEL_NOT_FOUND', `${dir} is not a model folder (no model_index.json, no unet/model.onnx)`);
  }
  const problems: string[] = [];
  const modelIndex = readJsonIfPresent(path.join(root, 'model_index.json'), 'model_index.json', problems) ?? {};
  const config = (c: string): Json => readJsonIfPresent(path.join(root, c, 'config.json'), `${c}/config.json`, problems) ?? {};
  const dual = has(`${TEXT_ENCODER_2}/model.onnx`) || has(TOKENIZER_2);
  const configs = {
    text_encoder: config('text_encoder'), text_encoder_2: dual ? config(TEXT_ENCODER_2) : {}, unet: config('unet'),
    vae_decoder: config('vae_decoder'), vae_encoder: config('vae_encoder'),
  };
  const scheduler = readSchedulerConfig(readJsonIfPresent(path.join(root, 'scheduler/scheduler_config.json'), 'scheduler/scheduler_config.json', problems), problems);

  const loadTokenizer = (folder: string): ClipTokenizer | undefined => {
    if (!has(folder)) {
      problems.push(`${folder}/: folder is missing`);
      return undefined;
    }
    try {
      return ClipTokenizer.load(path.join(root, folder));
    } catch (e) {
      problems.push(`${folder}/: ${(e as Error).message.replace(`${path.join(root, folder)}${path.sep}`, '')}`);
      return undefined;
    }
  };
  const tokenizer = loadTokenizer('tokenizer');
  const tokenizer2 = dual ? loadTokenizer(TOKENIZER_2) : undefined;

  const wanted: ComponentName[] = [...COMPONENTS, ...(dual ? [TEXT_ENCODER_2 as ComponentName] : [])];
  // the tiny decoder: the folder's own, else a separate preview decoder (catalogue: TAESD / TAESDXL)
  const tinyDir = has(`${TINY_DECODER}/model.onnx`) ? path.join(root, TINY_DECODER) : options.previewDecoderDir ? path.join(path.resolve(options.previewDecoderDir), 'vae_decoder') : undefined;
  if ((options.tinyDecoder ?? true) && tinyDir) wanted.push(TINY_DECODER);
  const sessions: Partial<Record<ComponentName, ModelSession>> = {};
  const created = await Promise.allSettled(
    wanted.map(async (c) => {
      const label = `${c}/model.onnx`;
      const file = c === TINY_DECODER && tinyDir ? path.join(tinyDir, 'model.onnx') : path.join(root, label);
      if (!fs.existsSync(file)) throw new Error(`${label}: file is missing`);
      // a scalar-timestep UNet is rewritten to take the stream batch in one call (runtime/batch-timestep.ts)
      sessions[c] = await ModelSession.create(file, options, { label, rewrite: c === 'unet' ? batchTimestepRewrite : undefined });
    }),
  );
  created.forEach((r) => {
    if (r.status === 'rejected') problems.push(String((r.reason as Error).message ?? r.reason).split('\n')[0]);
  });

  const textMeta = textEncoderMeta(dual, configs, { text_encoder: sessions.text_encoder?.outputs, text_encoder_2: sessions.text_encoder_2?.outputs }, problems);
  const { textHiddenOutput, text2HiddenOutput } = textMeta;
  const meta: FolderMeta = {
    textEncoder: sessions.text_encoder,
    textEncoder2: sessions.text_encoder_2,
    ...textMeta,
    unet: sessions.unet,
    vaeEncoder: sessions.vae_encoder,
    vaeDecoder: sessions.vae_decoder,
    tinyDecoder: sessions[TINY_DECODER],
    maxTokens: tokenizer?.maxTokens,
    unetCrossAttentionDim: num(configs.unet.cross_attention_dim),
    unetTimeCondDim: num(configs.unet.time_cond_proj_dim),
    vaeConfigs: { decoder: configs.vae_decoder, encoder: configs.vae_encoder, tiny: sessions[TINY_DECODER] && tinyDir ? (readJsonIfPresent(path.join(tinyDir, 'config.json'), `${TINY_DECODER}/config.json`, problems) ?? {}) : undefined },
  };
  const { problems: metaProblems, derived } = validateFolderMeta(meta);
  problems.push(...metaProblems);
  // a VAE ratio nothing declares is measured now, before any encode or decode can ask for the wrong size
  if (problems.length === 0) problems.push(...(await measureVaeRatios(sessions, derived.vaeRatioUnchecked)));

  const releaseAll = async (): Promise<void> => {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
  };
  if (problems.length > 0 || !tokenizer || !sessions.text_encoder || !sessions.unet || !sessions.vae_decoder ||
    (dual && (!tokenizer2 || !sessions.text_encoder_2 || !textHiddenOutput || !text2HiddenOutput))) {
    await releaseAll();
    const n = problems.length;
    throw new PaletteError('E_MODEL_INVALID', `model ${dir} cannot be used (${n} problem${n === 1 ? '' : 's'}): ${problems.join('; ')}`);
  }

  const scalingFactor =
    num(configs.vae_decoder.scaling_factor) ?? num(configs.vae_encoder.scaling_factor) ?? num(modelIndex.scaling_factor) ?? num(modelIndex.vae_scaling_factor) ?? SD15_SCALING_FACTOR;
  const sampleHeight = sessions.unet.input('sample')?.shape[2];
  const nativeLatentSize = num(configs.unet.sample_size) ?? (typeof sampleHeight === 'number' && sampleHeight > 0 ? sampleHeight : DEFAULT_LATENT_SIZE);
  const family = describeFamily({
    dualTextEncoders: dual,
    scheduler,
    timestepCond: derived.timestepCondWidth > 0,
    nativeLatentSize,
    padIsNotEos: tokenizer.padId !== tokenizer.eosId,
    forceZerosForEmptyPrompt: typeof modelIndex.force_zeros_for_empty_prompt === 'boolean' ? modelIndex.force_zeros_for_empty_prompt : undefined,
  });
  const parts: TextEncoderPart[] = [
    { tokenizer, session: sessions.text_encoder, hiddenOutput: textHiddenOutput ?? 'last_hidden_state', width: derived.textWidths[0] },
  ];
  if (dual && tokenizer2 && sessions.text_encoder_2 && text2HiddenOutput) {
    parts.push({
      tokenizer: tokenizer2, session: sessions.text_encoder_2, hiddenOutput: text2HiddenOutput, width: derived.textWidths[1],
      pooledOutput: 'text_embeds', pooledWidth: derived.pooledWidth,
    });
  }

  const tiny = sessions[TINY_DECODER];
  const tinyScale = num(meta.vaeConfigs?.tiny?.scaling_factor) ?? 1;
  return {
    id: root,
    dir: root,
    name: modelName(root),
    family,
    tokenizer,
    tokenizer2,
    textEncoder: new OnnxTextEncoder(root, parts),
    unet: new OnnxUNet(sessions.unet, {
      embeddingWidth: derived.embeddingWidth, timestepCondWidth: derived.timestepCondWidth, outputName: derived.unetOutput, pooledWidth: derived.pooledWidth,
    }),
    vae: new OnnxVae(scalingFactor, sessions.vae_decoder, sessions.vae_encoder, 1, derived.encoderOutput),
    previewVae: tiny ? new OnnxVae(tinyScale, tiny, sessions.vae_encoder, scalingFactor / tinyScale, derived.encoderOutput) : undefined,
    scalingFactor,
    scheduler,
    nativeLatentSize,
    sessions,
    providers: Object.fromEntries(Object.entries(sessions).map(([c, s]) => [c, s.provider])),
    release: releaseAll,
  };
}
