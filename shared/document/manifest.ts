import type { CanvasSize } from './palette-document';
import type { GenerationSettings } from './settings';
import type { SemanticBrush } from './semantic-brush';

/** `palette.json` inside a .palette file, version 2 (docs/palette-format.md). */
export interface PaletteManifest {
  format: typeof PALETTE_FORMAT;
  version: typeof PALETTE_FORMAT_VERSION;
  canvas: CanvasSize;
  modelId: string;
  seed: number;
  settings: GenerationSettings;
  background: { prompt: string; negativePrompt: string; image: string | null };
  /** bottom → top */
  layers: ManifestLayer[];
}

/** A brush as palette.json records it: its properties, with the mask as a file in the archive. */
export type ManifestLayer = Omit<SemanticBrush, 'id' | 'mask'> & {
  id: string;
  /** archive entry of the layer's PNG (brush colour, mask as alpha) */
  mask: string;
};

export const PALETTE_FORMAT = 'semantic-palette';
export const PALETTE_FORMAT_VERSION = 2;
