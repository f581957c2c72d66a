/**
 * The whole engine on every code path a real export can take (float16, scalar timestep →
 * per-step UNet calls, timestep_cond, external data, latent_parameters + tiny decoder): the
 * same palette must render the same picture.
 */
import { loadPipeline } from '../../../main/engine/pipeline';
import type { EngineLayer } from '../../../main/engine/pipeline-api';
import { VARIANT_NAMES, writeModelVariant, removeModelVariants } from '../../support/model-variants';

const W = 64;
const H = 64;

afterAll(() => removeModelVariants());

function square(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 16; y < 48; y++) for (let x = 16; x < 48; x++) m[y * W + x] = 255;
  return m;
}

const layers = (): EngineLayer[] => [{
  id: 'a', prompt: 'purple', negativePrompt: 'green', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: square(),
}];

describe.each(VARIANT_NAMES)('palette-colors variant %s', (variant) => {
  test('renders purple inside the square and yellow outside, live frames included', async () => {
    const p = await loadPipeline(writeModelVariant(variant), { width: W, height: H, providers: ['cpu'], seed: 1 });
    try {
      await p.setBackground({ prompt: 'yellow', negativePrompt: '', image: null });
      await p.setLayers(layers());
      const tol = variant.toLowerCase().includes('float16') ? 3 : 1;
      const check = (rgba: Uint8ClampedArray) => {
        const at = (x: number, y: number) => Array.from(rgba.subarray(4 * (y * W + x), 4 * (y * W + x) + 3));
        at(32, 32).forEach((v, c) => expect(Math.abs(v - [130, 0, 200][c])).toBeLessThanOrEqual(tol));
        at(2, 60).forEach((v, c) => expect(Math.abs(v - [255, 220, 0][c])).toBeLessThanOrEqual(tol));
      };
      check((await p.render()).rgba);
      // live frames use the tiny decoder when the model has one
      for (let i = 0; i < 5; i++) await p.frame();
      check((await p.frame()).rgba);
      // guidance `full` doubles the batch with the negatives; with scale 1 the picture is the same
      p.setSettings({ guidance: 'full', guidanceScale: 1 });
      check((await p.render()).rgba);
      if (p.model.unet.timestepCondWidth > 0) expect(p.stream.settings.guidanceScale).toBe(1);
      expect(p.stream.lastFrameStats.unetCalls).toBe(p.model.unet.streamBatchable ? 1 : p.stream.steps);
    } finally {
      await p.release();
    }
  });
});
