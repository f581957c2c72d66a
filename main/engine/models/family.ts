/**
 * A model family, described from what the model folder declares — never from its name
 * (ENGINE-SPEC §9). The stream is the same for every family; what differs is the text
 * conditioning (one CLIP encoder, or SDXL's two with a pooled vector and time ids), the
 * scheduler facts (in SchedulerConfig) and the defaults a document starts from. Pure: works on
 * facts already read from the folder.
 */
import type { GuidanceMode } from '../../../shared/document';
import type { SchedulerConfig } from '../schedule';

export const FAMILY_IDS = ['sd15', 'sd2', 'sdxl'] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

const LABELS: Readonly<Record<FamilyId, string>> = { sd15: 'SD 1.5', sd2: 'SD 2.x', sdxl: 'SDXL' };

/** Per-family default step lists (indices into the 50-step grid 999, 979, …, 19). */
export const FAMILY_T_INDEX_LISTS = Object.freeze({
  sd15: Object.freeze([0, 4, 12, 25, 37]),
  sd2: Object.freeze([0, 4, 12, 25, 37]),
  /** 999, 759, 499, 259: close to SDXL-Lightning's 4 steps */
  sdxl: Object.freeze([0, 12, 25, 37]),
  oneStep: Object.freeze([0]),
}) satisfies Record<FamilyId | 'oneStep', readonly number[]>;

/** The guidance-scale embedding's usual scale for LCM-distilled (`timestep_cond`) UNets (ENGINE-SPEC §2). */
export const TIMESTEP_COND_GUIDANCE = 8;

/** What a document starts from with this model, unless the user chose otherwise. */
export interface ModelDefaults {
  readonly tIndexList: readonly number[];
  readonly guidance: GuidanceMode;
  readonly guidanceScale: number;
  /** pixels: the UNet's sample_size × 8 */
  readonly nativeSize: number;
}

export interface ModelFamily {
  readonly id: FamilyId;
  /** "SD 1.5", "SD 2.x", "SDXL" */
  readonly label: string;
  /** 1 (SD 1.5 / 2.x) or 2 (SDXL: concatenated penultimate hidden states + pooled text_embeds) */
  readonly textEncoders: 1 | 2;
  /** an empty negative prompt means all-zero negative E and p (diffusers' negative_prompt=None) */
  readonly forceZerosForEmptyPrompt: boolean;
  /** distilled to sample in one step (x0-predicting UNet, or an ADD "Turbo" scheduler config) */
  readonly oneStep: boolean;
  readonly defaults: ModelDefaults;
}

/** The facts of a folder a family is decided from. */
export interface FamilyFacts {
  /** the folder has text_encoder_2 and the UNet declares text_embeds and time_ids */
  readonly dualTextEncoders: boolean;
  readonly scheduler: SchedulerConfig;
  /** the UNet declares `timestep_cond` (LCM-distilled: guidance distilled in) */
  readonly timestepCond: boolean;
  readonly nativeLatentSize: number;
  /**
   * the (first) tokenizer pads with a token other than its EOS: OpenCLIP's `!` (SD 2.x's text
   * encoder); CLIP ViT-L (SD 1.5) pads with EOS
   */
  readonly padIsNotEos: boolean;
  /** `force_zeros_for_empty_prompt` from model_index.json, undefined when it is not there */
  readonly forceZerosForEmptyPrompt?: boolean;
}

/**
 * One-step models: a UNet that predicts the clean sample itself (`prediction_type: sample`,
 * e.g. SDXL-Lightning's 1-step x0 UNet), or the ADD distillations ("Turbo") whose exports ship
 * an EulerAncestralDiscreteScheduler with trailing spacing.
 */
function isOneStep(s: SchedulerConfig): boolean {
  return s.predictionType === 'sample' || (s.className === 'EulerAncestralDiscreteScheduler' && s.timestepSpacing === 'trailing');
}

export function describeFamily(facts: FamilyFacts): ModelFamily {
  const id: FamilyId = facts.dualTextEncoders ? 'sdxl' : facts.padIsNotEos ? 'sd2' : 'sd15';
  const oneStep = isOneStep(facts.scheduler);
  return {
    id,
    label: LABELS[id],
    textEncoders: facts.dualTextEncoders ? 2 : 1,
    // diffusers' SDXL pipelines default it to true; the SD 1.5 / 2.x pipelines have no such option
    forceZerosForEmptyPrompt: facts.forceZerosForEmptyPrompt ?? facts.dualTextEncoders,
    oneStep,
    defaults: {
      tIndexList: oneStep ? FAMILY_T_INDEX_LISTS.oneStep : FAMILY_T_INDEX_LISTS[id],
      guidance: 'none',
      guidanceScale: facts.timestepCond ? TIMESTEP_COND_GUIDANCE : 1,
      nativeSize: facts.nativeLatentSize * 8,
    },
  };
}
