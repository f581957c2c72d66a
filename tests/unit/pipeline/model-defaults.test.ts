/**
 * The model's defaults reach the engine (defect 4 of issue 9): a document's guidance scale is
 * the model's default unless the user chose one — 8 for a `timestep_cond` (LCM-distilled) UNet —
 * and a decoded frame with NaN or Inf is an error naming the VAE, not a black picture.
 */
import { loadModelFolder } from '../../../main/engine/models';
import { loadPipeline, PalettePipeline } from '../../../main/engine/pipeline';
import { createSettings } from '../../../shared/document';
import { PALETTE_COLORS_DIR, removeModelVariants, writeModelVariant } from '../../support/model-variants';

afterAll(() => removeModelVariants());

describe('guidance scale: model default unless chosen', () => {
  test('a timestep_cond UNet gets 8 from a document that never chose, and what the user chose otherwise', async () => {
    const p = await loadPipeline(writeModelVariant('timestepCond'), { width: 64, height: 64, settings: createSettings() });
    try {
      expect(createSettings().guidanceScale).toBeNull();
      expect(p.modelDefaults).toMatchObject({ guidanceScale: 8, guidance: 'none' });
      expect(p.settings.guidanceScale).toBe(8);
      p.setSettings({ guidanceScale: 1.5 });
      expect(p.settings.guidanceScale).toBe(1.5);
      p.setSettings({ guidanceScale: null });
      expect(p.settings.guidanceScale).toBe(8);
    } finally {
      await p.release();
    }
  });

  test('a UNet without timestep_cond defaults to 1, with its family, steps and native size reported', async () => {
    const p = await loadPipeline(PALETTE_COLORS_DIR, { width: 64, height: 64, settings: createSettings() });
    try {
      expect(p.settings.guidanceScale).toBe(1);
      const d = p.modelDefaults;
      expect(d.family).toBe('sd15');
      expect(d.tIndexList).toEqual([0, 4, 12, 25, 37]);
      expect(d.nativeSize).toBe(p.model.nativeLatentSize * 8);
    } finally {
      await p.release();
    }
  });
});

test('a decoded frame with NaN is an error naming the VAE', async () => {
  const model = await loadModelFolder(PALETTE_COLORS_DIR);
  // the real model with a decoder that overflows, as fp16 SDXL VAEs do
  const vae = model.vae;
  const overflowing = Object.assign(Object.create(Object.getPrototypeOf(vae)) as typeof vae, vae, {
    decode: async (latent: Float32Array, h: number, w: number) => {
      const image = await vae.decode(latent, h, w);
      image[7] = Number.NaN;
      image[9] = Number.POSITIVE_INFINITY;
      return image;
    },
  });
  const p = new PalettePipeline({ ...model, vae: overflowing }, { previewDecoder: false });
  try {
    await p.setCanvas(64, 64);
    await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await expect(p.render()).rejects.toThrow(/vae_decoder\/model\.onnx: the decoded image has 2 of \d+ values that are NaN or infinite/);
  } finally {
    await p.release();
  }
});
