/** The engine's only door to onnxruntime (STYLE.md): sessions, providers, tensors, fp16. */
export { interactiveThreads, physicalCores } from './cpu-cores';
export { ModelSession, defaultIntraOpThreads, type CreateOptions, type GraphRewrite, type RuntimeOptions, type SkippedProvider } from './session';
export { type GraphRewriteRecord, EXTERNAL_MIN_BYTES } from './optimized-cache';
export { BATCH_TIMESTEP_REWRITE, type BatchTimestepOutcome, batchTimestep, batchTimestepRewrite } from './batch-timestep';
export { PROVIDERS, type ProviderName, availableProviders, defaultProviderOrder, isProviderName, providerUnavailableReason } from './providers';
export { type Feed, type Output, type TensorInfo, asFloat32, describeDims } from './tensors';
export { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16, toFloat16 } from './fp16';
