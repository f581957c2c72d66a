/**
 * A pipeline for the frame delivery tests: never idle while live, as fast as it can, and every
 * frame says in every pixel which frame it is and how wide it is, so a torn frame (two frame
 * numbers in one picture), a frame overwritten under its reader, or a frame shown at a stale
 * size is caught pixel for pixel. Pixel (x, y) of frame n: R, G = n's low and high bytes,
 * B = (3x + 5y) mod 256, A = 255.
 */
import type { EngineFrame, PalettePipelineApi } from '../../../main/engine/pipeline-api';

export function patternPixel(n: number, x: number, y: number): [number, number, number, number] {
  return [n & 255, (n >> 8) & 255, (3 * x + 5 * y) & 255, 255];
}

/** the pixels that are not frame `n`'s pattern at this size (0: the frame is whole) */
export function patternErrors(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, n: number): number {
  if (rgba.length !== width * height * 4) return width * height;
  let bad = 0;
  const r = n & 255;
  const g = (n >> 8) & 255;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      if (rgba[i] !== r || rgba[i + 1] !== g || rgba[i + 2] !== ((3 * x + 5 * y) & 255) || rgba[i + 3] !== 255) bad++;
    }
  }
  return bad;
}

export async function loadPipeline(): Promise<PalettePipelineApi> {
  let width = 64;
  let height = 64;
  let index = 0;
  let rgba = new Uint8ClampedArray(0);
  const draw = async (): Promise<EngineFrame> => {
    if (rgba.length !== width * height * 4) rgba = new Uint8ClampedArray(width * height * 4);
    index += 1;
    const r = index & 255;
    const g = (index >> 8) & 255;
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i += 4) {
        rgba[i] = r;
        rgba[i + 1] = g;
        rgba[i + 2] = (3 * x + 5 * y) & 255;
        rgba[i + 3] = 255;
      }
    }
    return { rgba, width, height, index, ms: 0 };
  };
  return {
    modelId: 'pattern',
    providers: { text_encoder: 'cpu', unet: 'cpu', vae_decoder: 'cpu' },
    async setCanvas(w, h) {
      width = w;
      height = h;
    },
    setSettings() {},
    setSeed() {},
    async setBackground() {},
    async setLayers() {},
    updateLayerMask() {},
    frame: draw,
    render: draw,
    get idle() {
      return false;
    },
    async release() {},
  };
}
