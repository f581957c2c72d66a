/** Model folders and the ONNX runners behind the engine's TextEncoder/UNet/VAE interfaces. */
export { ClipTokenizer } from './tokenizer';
export { OnnxTextEncoder } from './text-encoder';
export { OnnxUNet } from './unet';
export { OnnxVae, LATENT_CHANNELS } from './vae';
export {
  COMPONENTS,
  TINY_DECODER,
  TEXT_ENCODER_2,
  SD15_SCALING_FACTOR,
  type ComponentName,
  type LoadModelOptions,
  type PaletteModel,
  loadModelFolder,
  modelName,
} from './model-folder';
export { type ComponentMeta, type FolderMeta, type DerivedShapes, validateFolderMeta } from './validate';
export { type ComponentInspection, type ModelInspection, describeModel, inspectModel } from './inspect';
export { FAMILY_IDS, FAMILY_T_INDEX_LISTS, TIMESTEP_COND_GUIDANCE, type FamilyFacts, type FamilyId, type ModelDefaults, type ModelFamily, describeFamily } from './family';
export { defaultModelDir } from './default-model';
