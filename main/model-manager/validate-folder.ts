/**
 * Checking a model folder for the model list without loading it: the engine's own rules
 * (validateFolderMeta, the same ones loadModelFolder applies) run on the inputs and outputs
 * read from the ONNX headers, so a 4 GB folder is judged in milliseconds and a folder that
 * passes here fails at load only for reasons the files' contents hide (corrupt weights).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type ComponentMeta, type FolderMeta, validateFolderMeta } from '../engine/models/validate';
import { TEXT_ENCODER_2, TOKENIZER_2, textEncoderMeta } from '../engine/models/text-layout';
import { fileSize } from './disk';
import { REQUIRED_FILES } from './layout';
import { readOnnxSignature } from './onnx-header';

const DEFAULT_MAX_TOKENS = 77;
/** "vae_decoder_tiny" in the engine's model-folder.ts */
const TINY_DECODER = 'vae_decoder_tiny';

type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json> {
  try {
    const v: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Every problem of the folder, by component and name; empty when it can run. */
export async function quickValidateFolder(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const rel of REQUIRED_FILES) {
    if (!(await fileSize(path.join(dir, rel)))) problems.push(`${rel}: missing or empty`);
  }
  const component = async (name: string): Promise<ComponentMeta | undefined> => {
    const label = `${name}/model.onnx`;
    const file = path.join(dir, label);
    if (!(await fileSize(file))) return undefined;
    try {
      return { label, ...(await readOnnxSignature(file)) };
    } catch (e) {
      problems.push(`${label}: not a readable ONNX file (${(e as Error).message})`);
      return undefined;
    }
  };
  // SDXL: a second tokenizer and text encoder (ENGINE-SPEC §9)
  const dual = (await fileSize(path.join(dir, TEXT_ENCODER_2, 'model.onnx'))) > 0 || (await fileSize(path.join(dir, TOKENIZER_2, 'vocab.json'))) > 0;
  if (dual) {
    for (const rel of [`${TOKENIZER_2}/vocab.json`, `${TOKENIZER_2}/merges.txt`, `${TEXT_ENCODER_2}/model.onnx`]) {
      if (!(await fileSize(path.join(dir, rel)))) problems.push(`${rel}: missing or empty`);
    }
  }
  const tokenizerConfig = await readJson(path.join(dir, 'tokenizer', 'tokenizer_config.json'));
  const textConfig = await readJson(path.join(dir, 'text_encoder', 'config.json'));
  const text2Config = dual ? await readJson(path.join(dir, TEXT_ENCODER_2, 'config.json')) : {};
  const textEncoder = await component('text_encoder');
  const textEncoder2 = dual ? await component(TEXT_ENCODER_2) : undefined;
  const unetConfig = await readJson(path.join(dir, 'unet', 'config.json'));
  const maxLength = num(tokenizerConfig.model_max_length);
  const meta: FolderMeta = {
    textEncoder,
    textEncoder2,
    ...textEncoderMeta(dual, { text_encoder: textConfig, text_encoder_2: text2Config }, { text_encoder: textEncoder?.outputs, text_encoder_2: textEncoder2?.outputs }, problems),
    unet: await component('unet'),
    vaeEncoder: await component('vae_encoder'),
    vaeDecoder: await component('vae_decoder'),
    tinyDecoder: await component(TINY_DECODER),
    // transformers writes a huge sentinel when the length is unset
    maxTokens: maxLength !== undefined && maxLength < 100_000 ? maxLength : DEFAULT_MAX_TOKENS,
    unetCrossAttentionDim: num(unetConfig.cross_attention_dim),
    unetTimeCondDim: num(unetConfig.time_cond_proj_dim),
    // a VAE ratio nothing declares is measured when the engine loads the folder
    vaeConfigs: {
      decoder: await readJson(path.join(dir, 'vae_decoder', 'config.json')),
      encoder: await readJson(path.join(dir, 'vae_encoder', 'config.json')),
      tiny: await readJson(path.join(dir, TINY_DECODER, 'config.json')),
    },
  };
  problems.push(...validateFolderMeta(meta).problems);
  return problems;
}

/** Every problem of a preview-decoder folder (vae_decoder/ of a TAESD-style export). */
export async function quickValidatePreviewDecoder(dir: string): Promise<string[]> {
  const label = 'vae_decoder/model.onnx';
  const file = path.join(dir, label);
  if (!(await fileSize(file))) return [`${label}: missing or empty`];
  try {
    const decoder = { label, ...(await readOnnxSignature(file)) };
    return validateFolderMeta({ tinyDecoder: decoder, vaeConfigs: { tiny: await readJson(path.join(dir, 'vae_decoder', 'config.json')) } }).problems;
  } catch (e) {
    return [`${label}: not a readable ONNX file (${(e as Error).message})`];
  }
}

/** A folder holding only a preview decoder (catalogue kind 'preview-decoder'), not a pipeline. */
export async function isPreviewDecoderFolder(dir: string): Promise<boolean> {
  return (await fileSize(path.join(dir, 'vae_decoder', 'model.onnx'))) > 0 && !(await fileSize(path.join(dir, 'unet', 'model.onnx'))) && !(await fileSize(path.join(dir, 'model_index.json')));
}
