/**
 * Which text-encoder outputs make the conditioning, decided once for the loader and the quick
 * folder check (ENGINE-SPEC §9): SD 1.5 / 2.x use `last_hidden_state`; SDXL (a folder with
 * text_encoder_2 / tokenizer_2) uses each encoder's penultimate hidden state,
 * `hidden_states.{N-1}` with N its own num_hidden_layers, and text_encoder_2's `text_embeds`.
 */
import type { TensorInfo } from '../runtime';
import type { FolderMeta } from './validate';

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const TEXT_ENCODER_2 = 'text_encoder_2';
export const TOKENIZER_2 = 'tokenizer_2';

/**
 * diffusers' `hidden_states[-2]`: `hidden_states.{N-1}` with N = num_hidden_layers from the
 * encoder's config.json, else the highest `hidden_states.*` output the export declares (those run
 * 0..N). A disagreement between the two, or neither, is a problem of the folder.
 */
export function penultimateOutput(label: string, config: Json, outputs: readonly TensorInfo[] | undefined, problems: string[]): string | undefined {
  const declared = (outputs ?? []).map((o) => /^hidden_states\.(\d+)$/.exec(o.name)).filter((m) => m !== null).map((m) => Number(m[1]));
  const fromOutputs = declared.length > 0 ? Math.max(...declared) : undefined;
  const layers = num(config.num_hidden_layers) ?? fromOutputs;
  if (layers === undefined || layers < 1) {
    if (outputs) problems.push(`${label}: no hidden_states.* outputs and no num_hidden_layers in its config.json (SDXL needs the penultimate hidden state)`);
    return undefined;
  }
  if (fromOutputs !== undefined && fromOutputs !== layers) {
    problems.push(`${label}: config.json says ${layers} layers, the export declares hidden_states.0..${fromOutputs}`);
  }
  return `hidden_states.${layers - 1}`;
}

/** The text-encoder fields of FolderMeta for a one- or two-encoder folder. */
export function textEncoderMeta(
  dual: boolean,
  configs: { text_encoder: Json; text_encoder_2: Json },
  outputs: { text_encoder?: readonly TensorInfo[]; text_encoder_2?: readonly TensorInfo[] },
  problems: string[],
): Pick<FolderMeta, 'textHiddenOutput' | 'text2HiddenOutput' | 'textHiddenSize' | 'text2HiddenSize' | 'text2ProjectionDim'> {
  return {
    textHiddenOutput: dual ? penultimateOutput('text_encoder/model.onnx', configs.text_encoder, outputs.text_encoder, problems) : 'last_hidden_state',
    text2HiddenOutput: dual ? penultimateOutput(`${TEXT_ENCODER_2}/model.onnx`, configs.text_encoder_2, outputs.text_encoder_2, problems) : undefined,
    textHiddenSize: num(configs.text_encoder.hidden_size),
    text2HiddenSize: num(configs.text_encoder_2.hidden_size),
    text2ProjectionDim: num(configs.text_encoder_2.projection_dim),
  };
}
