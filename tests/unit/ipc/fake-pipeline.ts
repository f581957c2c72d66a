/**
 * STAND-IN PIPELINE — used only until main/engine/pipeline.ts (the real palette-colors
 * pipeline) exists; the lead switches these tests to it. It follows the palette-colors
 * contract in a few lines (a prompt paints its colour word; layers mix by mask alpha ×
 * mask strength over the background; fixed noise goes idle after T unchanged frames), so the
 * host/worker plumbing can be tested for what the picture shows.
 */
import * as path from 'node:path';
import { PaletteError } from '../../../shared/errors';
import type {
  EngineBackground,
  EngineFrame,
  EngineLayer,
  EngineSettings,
  PalettePipelineApi,
} from '../../../main/engine/pipeline-api';

const COLOURS: Record<string, [number, number, number]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  red: [255, 0, 0],
  green: [0, 170, 0],
  blue: [0, 60, 255],
};

function promptColour(prompt: string): [number, number, number] {
  const hits = prompt.toLowerCase().split(/\W+/).filter((w) => w in COLOURS).map((w) => COLOURS[w]);
  if (hits.length === 0) return [128, 128, 128];
  return [0, 1, 2].map((c) => hits.reduce((s, h) => s + h[c], 0) / hits.length) as [number, number, number];
}

export async function loadPipeline(
  modelDir: string,
  options: { providers?: string[]; threads?: number } = {},
): Promise<PalettePipelineApi> {
  if (path.basename(modelDir) === 'broken') {
    throw new PaletteError('E_MODEL_FILES', `model folder ${modelDir} has no unet/model.onnx`);
  }
  await new Promise((r) => setTimeout(r, 5));
  let width = 64;
  let height = 64;
  let settings: EngineSettings = {
    tIndexList: [0, 4, 12, 25, 37],
    maskType: 'continuous',
    coverAlpha: 0.3,
    bootstrapSteps: 1,
    bootstrapMixSteps: 1,
    guidance: 'none',
    guidanceScale: 1,
    noise: 'fixed',
  };
  let background: EngineBackground = { prompt: 'white', negativePrompt: '', image: null };
  let layers: EngineLayer[] = [];
  let index = 0;
  let unchanged = 0;
  let frameDelayMs = 2;
  const changed = () => {
    unchanged = 0;
  };
  const provider = options.providers?.[0] === 'webgpu' ? 'cpu' : (options.providers?.[0] ?? 'cpu');

  const draw = async (): Promise<EngineFrame> => {
    const started = Date.now();
    await new Promise((r) => setTimeout(r, frameDelayMs));
    const rgba = new Uint8ClampedArray(width * height * 4);
    const bg = promptColour(background.prompt);
    const mixes = layers.filter((l) => l.visible).map((l) => ({ l, c: promptColour(l.prompt) }));
    for (let i = 0; i < width * height; i++) {
      let px = [...bg];
      for (const { l, c } of mixes) {
        const a = (l.mask[i] / 255) * l.maskStrength;
        px = px.map((v, k) => v * (1 - a) + c[k] * a);
      }
      rgba.set([px[0], px[1], px[2], 255], i * 4);
    }
    index += 1;
    unchanged += 1;
    return { rgba, width, height, index, ms: Date.now() - started };
  };

  return {
    modelId: path.basename(modelDir),
    providers: { text_encoder: provider, unet: provider, vae_decoder: provider },
    async setCanvas(w, h) {
      if (w % 8 || h % 8) throw new PaletteError('E_BAD_CANVAS', `canvas ${w}×${h} must be a multiple of 8`);
      width = w;
      height = h;
      layers = [];
      changed();
    },
    setSettings(patch) {
      settings = { ...settings, ...patch };
      if (typeof (patch as { frameDelayMs?: number }).frameDelayMs === 'number') frameDelayMs = (patch as { frameDelayMs: number }).frameDelayMs;
      changed();
    },
    setSeed() {
      changed();
    },
    async setBackground(b) {
      background = b;
      changed();
    },
    async setLayers(next) {
      for (const l of next) {
        if (l.mask.length !== width * height) throw new PaletteError('E_BAD_MASK_SIZE', `mask of ${l.id} has the wrong size`);
      }
      layers = next.map((l) => ({ ...l }));
      changed();
    },
    updateLayerMask(id, mask) {
      const layer = layers.find((l) => l.id === id);
      if (!layer) throw new PaletteError('E_UNKNOWN_LAYER', `no layer "${id}"`);
      layer.mask = mask;
      changed();
    },
    frame: draw,
    async render() {
      changed();
      return draw();
    },
    get idle() {
      return settings.noise === 'fixed' && unchanged >= settings.tIndexList.length;
    },
    async release() {
      layers = [];
    },
  };
}
