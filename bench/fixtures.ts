/** Scenes the benchmarks share: masks, layers, and where the real-architecture fixtures live. */
import * as path from 'node:path';
import type { EngineLayer } from '../main/engine/pipeline-api';

/** ../shared/real-arch/sd15-lcm (LCM-distilled SD 1.5 architecture, random weights, native 256²) */
export const SD15_FIXTURE = path.resolve(__dirname, '..', '..', 'shared', 'real-arch', 'sd15-lcm');

export function blobMask(w: number, h: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * w + x] = 255;
  }
  return m;
}

const COLOURS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'brown'];

/** n round blobs in a row, alternately above and below the middle, one colour prompt each */
export function layers(n: number, w: number, h: number): EngineLayer[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `l${i}`, prompt: `a ${COLOURS[i % COLOURS.length]} thing`, negativePrompt: '',
    promptStrength: 1, maskStrength: 1, maskBlur: 4,
    visible: true, mask: blobMask(w, h, ((i + 1) * w) / (n + 1), h / 2 + ((i % 2) - 0.5) * h / 4, w / 6),
  }));
}

const REGION_PROMPTS = ['a red fox sitting', 'a tall pine tree', 'a small wooden house', 'a blue lake', 'a snowy mountain'];

/** the paper's kind of scene: a few overlapping regions with object prompts (same in every bench row) */
export function regionLayers(n: number, w: number, h: number): EngineLayer[] {
  return layers(n, w, h).map((l, i) => ({ ...l, prompt: REGION_PROMPTS[i % REGION_PROMPTS.length] }));
}
