/**
 * What the rest of the app (engine worker, CLI, tests) sees of the engine: a pipeline that
 * owns the model, the stream and the mask compositor, and turns a palette into frames.
 * Implemented by main/engine/pipeline.ts.
 */

export type MaskType = 'continuous' | 'semi-continuous' | 'discrete';
export type GuidanceMode = 'none' | 'full';
export type NoiseMode = 'fixed' | 'fresh';

export interface EngineSettings {
  tIndexList: number[];
  maskType: MaskType;
  coverAlpha: number;
  bootstrapSteps: number;
  bootstrapMixSteps: number;
  guidance: GuidanceMode;
  guidanceScale: number;
  noise: NoiseMode;
}

/** One semantic brush as the engine needs it (no UI fields such as colour or name). */
export interface EngineLayer {
  id: string;
  prompt: string;
  negativePrompt: string;
  promptStrength: number;
  maskStrength: number;
  maskBlur: number;
  visible: boolean;
  /** alpha mask, canvas-sized (height × width), 0..255 */
  mask: Uint8Array;
}

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
