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
  embeddingWidth: number;
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
  const derived: DerivedShapes = { embeddingWidth: 0, timestepCondWidth: 0, unetOutput: 'out_sample', encoderOutput: 'latent_sample', vaeRatioUnchecked: [] };

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

  const te = meta.textEncoder;
  if (te) {
    const ids = find(te, 'input', 'input_ids');
    if (ids && expect(te, 'input', ids, ['int32', 'int64'], [2])) {
      const n = fixedDim(ids, 1);
      if (n !== undefined && meta.maxTokens !== undefined && n !== meta.maxTokens) {
        problems.push(`${te.label}: input input_ids takes ${n} tokens, the tokenizer gives ${meta.maxTokens}`);
      }
    }
    noOthers(te, ['input_ids']);
    const hidden = find(te, 'output', 'last_hidden_state');
    if (hidden && expect(te, 'output', hidden, FLOATS, [3])) {
      const width = fixedDim(hidden, 2) ?? meta.textHiddenSize;
      if (width === undefined) problems.push(`${te.label}: output last_hidden_state has no fixed width and text_encoder/config.json gives no hidden_size`);
      else derived.embeddingWidth = width;
    }
  }

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
        problems.push(`${unet.label}: input encoder_hidden_states has width ${width}, text encoder gives ${derived.embeddingWidth}`);
      }
      if (width !== undefined && !te) derived.embeddingWidth = width;
    }
    const tcond = unet.inputs.find((i) => i.name === 'timestep_cond');
    if (tcond && expect(unet, 'input', tcond, FLOATS, [2])) {
      const width = fixedDim(tcond, 1) ?? meta.unetTimeCondDim;
      if (width === undefined || width <= 0) problems.push(`${unet.label}: input timestep_cond has no fixed width and unet/config.json gives no time_cond_proj_dim`);
      else derived.timestepCondWidth = width;
    }
    noOthers(unet, ['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond']);
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
