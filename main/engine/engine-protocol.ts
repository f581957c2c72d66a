/**
 * Messages between EngineHost (main thread) and the engine worker (worker.ts). Requests
 * carry an `id` and get exactly one reply; the worker also pushes events (frames published
 * into the ring, status, notices, model load progress).
 */
import type { ModelSettingsDefaults } from '../../shared/document';
import type { EngineBackground, EngineLayer, EngineSettings } from './pipeline-api';

/** onnxruntime session options for loading a model (RuntimeOptions of main/engine/runtime). */
export interface EngineRuntime {
  /** providers to try in order; undefined = the platform's order (GPU first, CPU last) */
  providers?: string[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  enableMemPattern?: boolean;
  /** memory cap of one UNet call, MiB (a larger stream batch runs as several calls; default in stream/batch-chunks.ts) */
  unetBatchMiB?: number;
  /** optimized models are kept here, so the next load of the same model skips graph optimization */
  optimizedModelCacheDir?: string;
  /** a preview decoder folder (vae_decoder/ of a TAESD-style export) for live frames */
  previewDecoderDir?: string;
}

export interface WorkerInit {
  /** the frame ring the worker writes into */
  ring: SharedArrayBuffer;
  /** module exporting `loadPipeline(modelDir, options)`; absolute path without extension */
  pipelineModule: string;
  providers?: string[];
  threads?: number;
  /** when set, used instead of providers/threads */
  runtime?: EngineRuntime;
  canvas: { width: number; height: number };
}

export type ToWorker =
  /** `runtime` replaces the init's session options for this and later loads */
  | { id: number; type: 'loadModel'; modelId: string; modelDir: string; runtime?: EngineRuntime }
  | { id: number; type: 'setSettings'; settings: Partial<EngineSettings> }
  | { id: number; type: 'setSeed'; seed: number }
  /** `ring` is set when the new canvas needs a bigger ring; frames after the reply go there */
  | { id: number; type: 'setCanvas'; width: number; height: number; ring?: SharedArrayBuffer }
  | { id: number; type: 'setBackground'; background: EngineBackground }
  | { id: number; type: 'setLayers'; layers: EngineLayer[] }
  | { id: number; type: 'updateLayerMask'; layerId: string; mask: Uint8Array }
  | { id: number; type: 'start' }
  | { id: number; type: 'pause' }
  | { id: number; type: 'renderOnce' }
  | { id: number; type: 'release' };

export type ToWorkerType = ToWorker['type'];

export interface WorkerError {
  code: string;
  message: string;
}

/** What the worker reports about itself (EngineHost adds fps bookkeeping-free fields as is). */
export interface WorkerStatus {
  live: boolean;
  idle: boolean;
  loading: boolean;
  modelId: string | null;
  providers: Record<string, string>;
  /** per component, providers tried before the one used, with why they failed */
  skippedProviders?: Record<string, { provider: string; reason: string }[]>;
  canvas: { width: number; height: number };
  /** the loaded model's family defaults; null without a model */
  modelDefaults?: ModelSettingsDefaults | null;
  fps: number;
  latencyMs: number;
  frameIndex: number;
  error: WorkerError | null;
}

export interface PublishedFrame {
  seq: number;
  index: number;
  width: number;
  height: number;
  ms: number;
}

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value?: unknown }
  | { type: 'reply'; id: number; ok: false; error: WorkerError }
  /** the live loop failed; the worker stays up, the host restarts it (EngineHost.onFault) */
  | { type: 'fault'; error: WorkerError }
  | { type: 'frame'; frame: PublishedFrame }
  | { type: 'status'; status: WorkerStatus }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; code: string; message: string }
  | { type: 'progress'; modelId: string; fraction: number; phase: string };
