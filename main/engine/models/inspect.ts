/** `palette inspect`: what a model folder declares and how the engine will run it, as JSON. */
import type { GraphRewriteRecord, SkippedProvider, TensorInfo } from '../runtime';
import type { FamilyId, ModelDefaults } from './family';
import { type ComponentName, type LoadModelOptions, type PaletteModel, loadModelFolder } from './model-folder';

export interface ComponentInspection {
  readonly file: string;
  readonly provider: string;
  readonly skippedProviders: readonly SkippedProvider[];
  readonly fromCache: boolean;
  readonly uncachedReason?: string;
  readonly rewrite?: GraphRewriteRecord;
  readonly loadMs: number;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

export interface ModelInspection {
  readonly dir: string;
  readonly name: string;
  /** what the folder declares it is (ENGINE-SPEC §9) */
  readonly family: {
    readonly id: FamilyId;
    readonly label: string;
    readonly textEncoders: number;
    readonly pooledWidth: number;
    /** which output of which encoder makes E (and p), e.g. "text_encoder_2/model.onnx hidden_states.31" */
    readonly conditioningOutputs: readonly string[];
    readonly forceZerosForEmptyPrompt: boolean;
    readonly oneStep: boolean;
  };
  /** the steps, guidance and native size a document starts from with this model */
  readonly defaults: ModelDefaults;
  readonly streamBatchable: boolean;
  /** why the UNet takes (or does not take) the whole stream batch in one call */
  readonly streamBatchNote: string;
  readonly timestepType: string;
  readonly timestepCondWidth: number;
  readonly embeddingWidth: number;
  readonly maxTokens: number;
  readonly scalingFactor: number;
  readonly nativeSize: { readonly latent: number; readonly pixels: number };
  readonly precision: 'float16' | 'float32' | 'mixed';
  readonly previewDecoder: boolean;
  readonly scheduler: {
    readonly className: string | null;
    readonly predictionType: string;
    readonly lcmBoundary: boolean;
    readonly timestepSpacing: string;
    readonly betaStart: number;
    readonly betaEnd: number;
    readonly betaSchedule: string;
    readonly numTrainTimesteps: number;
  };
  readonly components: Readonly<Partial<Record<ComponentName, ComponentInspection>>>;
}

/** Describes an already loaded model. */
export function describeModel(model: PaletteModel): ModelInspection {
  const components: Partial<Record<ComponentName, ComponentInspection>> = {};
  for (const [name, s] of Object.entries(model.sessions) as [ComponentName, NonNullable<PaletteModel['sessions'][ComponentName]>][]) {
    components[name] = {
      file: s.label,
      provider: s.provider,
      skippedProviders: s.skippedProviders,
      fromCache: s.fromCache,
      ...(s.uncachedReason ? { uncachedReason: s.uncachedReason } : {}),
      ...(s.rewrite ? { rewrite: s.rewrite } : {}),
      loadMs: Math.round(s.loadMs * 10) / 10,
      inputs: s.inputs,
      outputs: s.outputs,
    };
  }
  const floatTypes = new Set(
    Object.values(components).flatMap((c) => [...c.inputs, ...c.outputs].map((t) => t.type).filter((t) => t.startsWith('float'))),
  );
  return {
    dir: model.dir,
    name: model.name,
    family: {
      id: model.family.id,
      label: model.family.label,
      textEncoders: model.family.textEncoders,
      pooledWidth: model.textEncoder.pooledWidth,
      conditioningOutputs: model.textEncoder.parts.flatMap((p) => [
        `${p.session.label} ${p.hiddenOutput}`, ...(p.pooledOutput ? [`${p.session.label} ${p.pooledOutput} (pooled)`] : []),
      ]),
      forceZerosForEmptyPrompt: model.family.forceZerosForEmptyPrompt,
      oneStep: model.family.oneStep,
    },
    defaults: { ...model.family.defaults, tIndexList: [...model.family.defaults.tIndexList] },
    streamBatchable: model.unet.streamBatchable,
    streamBatchNote: model.unet.streamBatchNote,
    timestepType: model.sessions.unet?.input('timestep')?.type ?? 'unknown',
    timestepCondWidth: model.unet.timestepCondWidth,
    embeddingWidth: model.textEncoder.embeddingWidth,
    maxTokens: model.textEncoder.maxTokens,
    scalingFactor: model.scalingFactor,
    nativeSize: { latent: model.nativeLatentSize, pixels: model.nativeLatentSize * 8 },
    precision: floatTypes.size === 1 && floatTypes.has('float16') ? 'float16' : floatTypes.has('float16') ? 'mixed' : 'float32',
    previewDecoder: model.previewVae !== undefined,
    scheduler: {
      className: model.scheduler.className,
      predictionType: model.scheduler.predictionType,
      lcmBoundary: model.scheduler.lcmBoundary,
      timestepSpacing: model.scheduler.timestepSpacing,
      betaStart: model.scheduler.betaStart,
      betaEnd: model.scheduler.betaEnd,
      betaSchedule: model.scheduler.betaSchedule,
      numTrainTimesteps: model.scheduler.numTrainTimesteps,
    },
    components,
  };
}

/** Loads (and validates) the folder, describes it, releases it. */
export async function inspectModel(dir: string, options: LoadModelOptions = {}): Promise<ModelInspection> {
  const model = await loadModelFolder(dir, options);
  try {
    return describeModel(model);
  } finally {
    await model.release();
  }
}
