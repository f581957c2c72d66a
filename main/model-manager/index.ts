/** The model manager: installed models, hub downloads. Plain Node (no Electron). */
export { ModelRegistry, BUILTIN_MODEL_ID } from './registry';
export { quickValidateFolder } from './validate-folder';
export type { InstalledModel, ModelSource, ModelRegistryOptions, FolderValidator } from './registry';
export { ModelDownload, downloadModel, modelFolderName } from './downloader';
export type { DownloadOptions, DownloadProgress, DownloadState } from './downloader';
export { listRepoFiles, DEFAULT_HUB_ENDPOINT } from './hub-client';
export type { HubFile, HubRepoRef } from './hub-client';
export { chooseModelFiles, REQUIRED_FILES } from './layout';
export type { LayoutChoice } from './layout';
export { readManifest, COMPLETE_MARKER } from './manifest';
export type { DownloadManifest } from './manifest';
export { readModelPrecision, readUnetSummary } from './precision';
export type { Precision, UnetSummary } from './precision';
export { readOnnxInputs, readOnnxSignature } from './onnx-header';
export type { OnnxInputInfo, OnnxSignature } from './onnx-header';
export { statfsFreeSpace, folderSize, formatBytes } from './disk';
export type { FreeSpaceCheck } from './disk';
