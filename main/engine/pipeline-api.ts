/**
 * What the rest of the app (engine worker, CLI, tests) sees of the engine: a pipeline that
 * owns the model, the stream and the mask compositor, and turns a palette into frames.
 * Implemented by main/engine/pipeline.ts.
 */

import type { GenerationSettings, ModelSettingsDefaults, SemanticBrush } from '../../shared/document';

export type { GuidanceMode, MaskType, NoiseMode } from '../../shared/document';

/** The stream's knobs: exactly what a document stores (ENGINE-SPEC §8 defaults). */
export type EngineSettings = GenerationSettings;

/** The fields of a semantic brush the engine uses (no name or colour); `mask` is canvas-sized alpha 0..255. */
export type EngineLayer = { id: string } & Pick<SemanticBrush, EngineBrushField>;
export type EngineBrushField = 'prompt' | 'negativePrompt' | 'promptStrength' | 'maskStrength' | 'maskBlur' | 'visible' | 'mask';

export interface EngineBackground {
  prompt: string;
  negativePrompt: string;
  /** RGBA8 canvas-sized image → inpainting mode; null → creation mode */
  image: Uint8Array | null;
}

export interface EngineFrame {
  /** RGBA8, height × width × 4 */
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** frames produced since the pipeline was created */
  index: number;
  /** wall time of this frame (inference + compositing + decode) */
  ms: number;
}

export interface PalettePipelineApi {
  readonly modelId: string;
  readonly providers: Record<string, string>;
  /** per component, the providers tried before the one used and why each failed */
  readonly skippedProviders?: Record<string, readonly { provider: string; reason: string }[]>;
  /** the model family's defaults (steps, guidance, native size), for the UI */
  readonly modelDefaults?: ModelSettingsDefaults;
  setCanvas(width: number, height: number): Promise<void>;
  setSettings(settings: Partial<EngineSettings>): void;
  setSeed(seed: number): void;
  setBackground(background: EngineBackground): Promise<void>;
  /** full list bottom → top; unchanged layers (same id and fields, same mask bytes) cost nothing */
  setLayers(layers: EngineLayer[]): Promise<void>;
  /** one layer's mask changed (a stroke) */
  updateLayerMask(id: string, mask: Uint8Array): void;
  /** one stream step; decodes and returns the newest output */
  frame(): Promise<EngineFrame>;
  /** reset + flush + one frame */
  render(): Promise<EngineFrame>;
  /** true when noise is fixed and nothing changed for T frames: the output can't change */
  readonly idle: boolean;
  release(): Promise<void>;
}
