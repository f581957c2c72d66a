/**
 * Checks a model folder's declared inputs/outputs against what the engine feeds, and lists
 * every problem by component and name, e.g. "unet/model.onnx: input encoder_hidden_states has
 * width 1024, text encoder gives 768". Pure: works on metadata, never runs a model.
 */
import { type TensorInfo, describeDims } from '../runtime';
import { checkVaeRatio } from './vae-ratio';

export interface ComponentMeta {
  /** e.g. "unet/model.onnx" */
  readonly label: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

export interface FolderMeta {
  readonly textEncoder?: ComponentMeta;
  /** SDXL's second text encoder (CLIPTextModelWithProjection: `text_embeds` + hidden states) */
  readonly textEncoder2?: ComponentMeta;
  /**
   * the output of each text encoder that makes E: `last_hidden_state` (default; SD 1.5 / 2.x) or
   * `hidden_states.{N-1}` (SDXL's penultimate layer, N from the encoder's config)
   */
  readonly textHiddenOutput?: string;
  readonly text2HiddenOutput?: string;
  readonly text2HiddenSize?: number;
  /** `projection_dim` of text_encoder_2/config.json (the pooled width) */
  readonly text2ProjectionDim?: number;
  readonly unet?: ComponentMeta;
  readonly vaeEncoder?: ComponentMeta;
  readonly vaeDecoder?: ComponentMeta;
  readonly tinyDecoder?: ComponentMeta;
  /** tokens per prompt from the tokenizer (77) */
  readonly maxTokens?: number;
  /** fallbacks from the components' config.json when a width is symbolic */
  readonly textHiddenSize?: number;
  readonly unetCrossAttentionDim?: number;
  readonly unetTimeCondDim?: number;
  /** the VAE components' config.json, for their downscale ratio (vae-ratio.ts) */
  readonly vaeConfigs?: { readonly decoder?: Record<string, unknown>; readonly encoder?: Record<string, unknown>; readonly tiny?: Record<string, unknown> };
}

/** What validation learns along the way, used to build the runners. */
export interface DerivedShapes {
  /** E's width: the sum of the encoders' widths */
  embeddingWidth: number;
  /** each text encoder's share of E's width */
  textWidths: number[];
  /** width of p (text_encoder_2 `text_embeds`) when the UNet takes `text_embeds`, else 0 */
  pooledWidth: number;
  timestepCondWidth: number;
  unetOutput: string;
  encoderOutput: string;
  /** VAE components whose ratio nothing declares: the loader measures it before any use */
  vaeRatioUnchecked: ('vae_decoder' | 'vae_encoder' | 'vae_decoder_tiny')[];
}

const FLOATS = ['float32', 'float16'];
const TIMESTEP_TYPES = ['int64', 'int32', 'float32', 'float16', 'float64'];

export function validateFolderMeta(meta: FolderMeta): { problems: string[]; derived: DerivedShapes } {
  const problems: string[] = [];
  const derived: DerivedShapes = { embeddingWidth: 0, textWidths: [], pooledWidth: 0, timestepCondWidth: 0, unetOutput: 'out_sample', encoderOutput: 'latent_sample', vaeRatioUnchecked: [] };

  const find = (c: ComponentMeta, kind: 'input' | 'output', name: string): TensorInfo | undefined => {
    const found = (kind === 'input' ? c.inputs : c.outputs).find((t) => t.name === name);
    if (!found) {
      const names = (kind === 'input' ? c.inputs : c.outputs).map((t) => t.name).join(', ') || 'none';
      problems.push(`${c.label}: ${kind} ${name} is missing (it has: ${names})`);
    }
    return found;
  };
  const expect = (c: ComponentMeta, kind: string, t: TensorInfo, types: readonly string[], ranks: readonly number[]): boolean => {
    let ok = true;
    if (!types.includes(t.type)) {
      problems.push(`${c.label}: ${kind} ${t.name} is ${t.type}, expected ${types.join(' or ')}`);
      ok = false;
    }
    if (!ranks.includes(t.shape.length)) {
      problems.push(`${c.label}: ${kind} ${t.name} has shape ${describeDims(t.shape)}, expected rank ${ranks.join(' or ')}`);
      ok = false;
    }
    return ok;
  };
  const fixedDim = (t: TensorInfo, i: number): number | undefined => (typeof t.shape[i] === 'number' && (t.shape[i] as number) >= 0 ? (t.shape[i] as number) : undefined);
  const channels = (c: ComponentMeta, kind: string, t: TensorInfo, allowed: readonly number[]): void => {
    const ch = fixedDim(t, 1);
    if (ch !== undefined && !allowed.includes(ch)) problems.push(`${c.label}: ${kind} ${t.name} has ${ch} channels, expected ${allowed.join(' or ')}`);
  };
  const noOthers = (c: ComponentMeta, known: readonly string[]): void => {
    for (const t of c.inputs) {
      if (!known.includes(t.name)) problems.push(`${c.label}: input ${t.name} is not one the engine can feed (it feeds ${known.join(', ')})`);
    }
  };

  const checkTextEncoder = (te: ComponentMeta, hiddenOutput: string, hiddenSize: number | undefined): void => {
    const ids = find(te, 'input', 'input_ids');
    if (ids && expect(te, 'input', ids, ['int32', 'int64'], [2])) {
      const n = fixedDim(ids, 1);
      if (n !== undefined && meta.maxTokens !== undefined && n !== meta.maxTokens) {
        problems.push(`${te.label}: input input_ids takes ${n} tokens, the tokenizer gives ${meta.maxTokens}`);
      }
    }
    noOthers(te, ['input_ids']);
    const hidden = find(te, 'output', hiddenOutput);
    if (hidden && expect(te, 'output', hidden, FLOATS, [3])) {
      const width = fixedDim(hidden, 2) ?? hiddenSize;
      if (width === undefined) problems.push(`${te.label}: output ${hiddenOutput} has no fixed width and its config.json gives no hidden_size`);
      else derived.textWidths.push(width);
    }
  };
  const te = meta.textEncoder;
  if (te) checkTextEncoder(te, meta.textHiddenOutput ?? 'last_hidden_state', meta.textHiddenSize);
  const te2 = meta.textEncoder2;
  let pooledFromText = 0;
  if (te2) {
    checkTextEncoder(te2, meta.text2HiddenOutput ?? 'last_hidden_state', meta.text2HiddenSize);
    const pooled = find(te2, 'output', 'text_embeds');
    if (pooled && expect(te2, 'output', pooled, FLOATS, [2])) {
      const width = fixedDim(pooled, 1) ?? meta.text2ProjectionDim;
      if (width === undefined) problems.push(`${te2.label}: output text_embeds has no fixed width and text_encoder_2/config.json gives no projection_dim`);
      else pooledFromText = width;
    }
  }
  derived.embeddingWidth = derived.textWidths.reduce((a, b) => a + b, 0);

  const unet = meta.unet;
  if (unet) {
    const sample = find(unet, 'input', 'sample');
    if (sample && expect(unet, 'input', sample, FLOATS, [4])) channels(unet, 'input', sample, [4]);
    const t = find(unet, 'input', 'timestep');
    if (t) expect(unet, 'input', t, TIMESTEP_TYPES, [0, 1]);
    const ehs = find(unet, 'input', 'encoder_hidden_states');
    if (ehs && expect(unet, 'input', ehs, FLOATS, [3])) {
      const width = fixedDim(ehs, 2) ?? meta.unetCrossAttentionDim;
      if (width !== undefined && te && derived.embeddingWidth > 0 && width !== derived.embeddingWidth) {
        const given = derived.textWidths.length > 1 ? `text encoders give ${derived.textWidths.join(' + ')} = ${derived.embeddingWidth}` : `text encoder gives ${derived.embeddingWidth}`;
        problems.push(`${unet.label}: input encoder_hidden_states has width ${width}, ${given}`);
      }
      if (width !== undefined && !te) derived.embeddingWidth = width;
    }
    const tcond = unet.inputs.find((i) => i.name === 'timestep_cond');
    if (tcond && expect(unet, 'input', tcond, FLOATS, [2])) {
      const width = fixedDim(tcond, 1) ?? meta.unetTimeCondDim;
      if (width === undefined || width <= 0) problems.push(`${unet.label}: input timestep_cond has no fixed width and unet/config.json gives no time_cond_proj_dim`);
      else derived.timestepCondWidth = width;
    }
    const textEmbeds = unet.inputs.find((i) => i.name === 'text_embeds');
    const timeIds = unet.inputs.find((i) => i.name === 'time_ids');
    if (textEmbeds || timeIds) {
      if (!textEmbeds) problems.push(`${unet.label}: input time_ids is declared without text_embeds`);
      if (!timeIds) problems.push(`${unet.label}: input text_embeds is declared without time_ids`);
      if (timeIds && expect(unet, 'input', timeIds, FLOATS, [2])) {
        const n = fixedDim(timeIds, 1);
        if (n !== undefined && n !== 6) problems.push(`${unet.label}: input time_ids has ${n} values per sample, expected 6`);
      }
      if (textEmbeds && expect(unet, 'input', textEmbeds, FLOATS, [2])) {
        const width = fixedDim(textEmbeds, 1) ?? pooledFromText;
        if (!te2) problems.push(`${unet.label}: input text_embeds needs text_encoder_2/model.onnx (SDXL layout), which the folder lacks`);
        else if (width !== pooledFromText && pooledFromText > 0) problems.push(`${unet.label}: input text_embeds has width ${width}, text_encoder_2 gives ${pooledFromText}`);
        else derived.pooledWidth = width;
      }
    } else if (te2) {
      problems.push(`${unet.label}: the folder has text_encoder_2 but the UNet declares no text_embeds / time_ids inputs`);
    }
    noOthers(unet, ['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond', 'text_embeds', 'time_ids']);
    const out = unet.outputs.find((o) => o.name === 'out_sample') ?? (unet.outputs.length === 1 ? unet.outputs[0] : undefined);
    if (!out) problems.push(`${unet.label}: output out_sample is missing (it has: ${unet.outputs.map((o) => o.name).join(', ') || 'none'})`);
    else if (expect(unet, 'output', out, FLOATS, [4])) derived.unetOutput = out.name;
  }

  const ratio = (component: DerivedShapes['vaeRatioUnchecked'][number], c: ComponentMeta, role: 'decoder' | 'encoder', latent?: TensorInfo, picture?: TensorInfo, config?: Record<string, unknown>): void => {
    const r = checkVaeRatio(c.label, role, latent, picture, config, `${component}/config.json`);
    problems.push(...r.problems);
    if (r.unchecked) derived.vaeRatioUnchecked.push(component);
  };
  const checkDecoder = (d: ComponentMeta | undefined, component: 'vae_decoder' | 'vae_decoder_tiny', config?: Record<string, unknown>): void => {
    if (!d) return;
    const input = find(d, 'input', 'latent_sample');
    if (input && expect(d, 'input', input, FLOATS, [4])) channels(d, 'input', input, [4]);
    noOthers(d, ['latent_sample']);
    const out = find(d, 'output', 'sample');
    if (out && expect(d, 'output', out, FLOATS, [4])) channels(d, 'output', out, [3]);
    if (input && out) ratio(component, d, 'decoder', input, out, config);
  };
  checkDecoder(meta.vaeDecoder, 'vae_decoder', meta.vaeConfigs?.decoder);
  checkDecoder(meta.tinyDecoder, 'vae_decoder_tiny', meta.vaeConfigs?.tiny);

  const enc = meta.vaeEncoder;
  if (enc) {
    const input = find(enc, 'input', 'sample');
    if (input && expect(enc, 'input', input, FLOATS, [4])) channels(enc, 'input', input, [3]);
    noOthers(enc, ['sample']);
    const out = enc.outputs.find((o) => o.name === 'latent_sample' || o.name === 'latent_parameters');
    if (!out) problems.push(`${enc.label}: output latent_sample (or latent_parameters) is missing (it has: ${enc.outputs.map((o) => o.name).join(', ') || 'none'})`);
    else if (expect(enc, 'output', out, FLOATS, [4])) {
      channels(enc, 'output', out, out.name === 'latent_sample' ? [4] : [8]);
      derived.encoderOutput = out.name;
      if (input) ratio('vae_encoder', enc, 'encoder', out, input, meta.vaeConfigs?.encoder);
    }
  }
  return { problems, derived };
}
