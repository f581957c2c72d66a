/** Model folders and the ONNX runners behind the engine's TextEncoder/UNet/VAE interfaces. */
export { ClipTokenizer } from './tokenizer';
export { OnnxTextEncoder } from './text-encoder';
export { OnnxUNet } from './unet';
export { OnnxVae, LATENT_CHANNELS } from './vae';
export {
  COMPONENTS,
  TINY_DECODER,
  SD15_SCALING_FACTOR,
  type ComponentName,
  type LoadModelOptions,
  type PaletteModel,
  loadModelFolder,
} from './model-folder';
export { type ComponentMeta, type FolderMeta, type DerivedShapes, validateFolderMeta } from './validate';
export { type ComponentInspection, type ModelInspection, describeModel, inspectModel } from './inspect';
export { defaultModelDir } from './default-model';
