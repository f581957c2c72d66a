/** The palette-colors vocabulary (ORACLE-MODEL.md §1): whole lower-case words → sRGB 0..255. */
export const COLOUR_WORDS: Readonly<Record<string, readonly [number, number, number]>> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  red: [255, 0, 0],
  orange: [255, 140, 0],
  yellow: [255, 220, 0],
  green: [0, 170, 0],
  cyan: [0, 200, 200],
  blue: [0, 60, 255],
  purple: [130, 0, 200],
  pink: [255, 120, 180],
  brown: [140, 80, 30],
  sky: [120, 190, 255],
  grass: [60, 160, 40],
  sand: [220, 200, 140],
  sea: [0, 100, 160],
};

/** The colour of a prompt without colour words. */
export const NO_COLOUR: readonly [number, number, number] = [128, 128, 128];

export const VAE_SCALING_FACTOR = 0.18215;
