/**
 * Each real-architecture export's parts, run by the engine's own runners, against diffusers'
 * numbers (goldens.json): tokenizer ids, encode_prompt conditioning, one UNet call, VAE decode
 * and encode. One describe per model folder, one test per golden.
 */
import { loadModelFolder, type PaletteModel } from '../../main/engine/models';
import { guidanceScaleEmbedding } from '../../main/engine/stream';
import { sdxlTimeIds } from '../../main/engine/stream/batch-plan';
import { describeFixtures, f32, maxAbsDiff, tolerances, type GoldenArray } from './support';

describeFixtures('real-arch components', (fixtures) => {
  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = fx.goldens;
      const tol = tolerances(fx);
      let model: PaletteModel;
      beforeAll(async () => {
        model = await loadModelFolder(fx.dir);
      });
      afterAll(async () => {
        await model?.release();
      });

      test('tokens: the ids diffusers feeds each tokenizer (ftfy path for the non-ASCII prompt)', () => {
        const toks = g.tokens;
        const check = (tokenizer: NonNullable<PaletteModel['tokenizer2']>, ids: number[][], ftfy: number[][], padId: number) => {
          expect(tokenizer.padId).toBe(padId);
          toks.prompts.forEach((p, i) => {
            // ftfy_path = OpenAI CLIP / CLIPTokenizerFast; equal to diffusers' slow path except for CJK (README)
            expect(Array.from(tokenizer.encode(p))).toEqual(ftfy[i]);
            if (i < 3) expect(Array.from(tokenizer.encode(p))).toEqual(ids[i]);
          });
        };
        check(model.tokenizer, toks.tokenizer, toks.tokenizer_ftfy_path, toks.pad_token_id);
        if (toks.tokenizer_2) {
          expect(model.tokenizer2).toBeDefined();
          check(model.tokenizer2!, toks.tokenizer_2 as number[][], toks.tokenizer_2_ftfy_path as number[][], toks.pad_token_id_2 as number);
        } else {
          expect(model.tokenizer2).toBeUndefined();
        }
      });

      test('conditioning: encode_prompt embeddings (and pooled text_embeds) of the prompts and of ""', async () => {
        const c = g.conditioning;
        const [a, b, empty] = await model.textEncoder.encode([c.prompts[0], c.prompts[1], '']);
        const expected = f32(c.prompt_embeds as GoldenArray);
        const size = expected.length / 2;
        expect(a.width * a.tokens).toBe(size);
        expect(maxAbsDiff(a.data, expected.subarray(0, size))).toBeLessThan(tol.component);
        expect(maxAbsDiff(b.data, expected.subarray(size))).toBeLessThan(tol.component);
        if (c.pooled_prompt_embeds) {
          const pooled = f32(c.pooled_prompt_embeds as GoldenArray);
          const pw = pooled.length / 2;
          expect(maxAbsDiff(a.pooled!, pooled.subarray(0, pw))).toBeLessThan(tol.component);
          expect(maxAbsDiff(b.pooled!, pooled.subarray(pw))).toBeLessThan(tol.component);
          const explicit = c.negative_prompt_empty_string as Record<string, GoldenArray>;
          expect(maxAbsDiff(empty.data, f32(explicit.negative_prompt_embeds))).toBeLessThan(tol.component);
          expect(maxAbsDiff(empty.pooled!, f32(explicit.negative_pooled_prompt_embeds))).toBeLessThan(tol.component);
          // negative_prompt=None with force_zeros_for_empty_prompt: all zeros, E and p
          const none = c.negative_prompt_None as Record<string, GoldenArray>;
          const zeros = model.textEncoder.zeros();
          expect(model.family.forceZerosForEmptyPrompt).toBe(true);
          expect(Array.from(zeros.data)).toEqual(Array.from(f32(none.negative_prompt_embeds)));
          expect(Array.from(zeros.pooled!)).toEqual(Array.from(f32(none.negative_pooled_prompt_embeds)));
          // the time ids diffusers builds for each size: [H, W, 0, 0, H, W]
          for (const t of c.add_time_ids as { height: number; width: number; time_ids: number[] }[]) {
            expect(Array.from(sdxlTimeIds(t.height / 8, t.width / 8))).toEqual(t.time_ids);
          }
        } else {
          expect(a.pooled).toBeUndefined();
          expect(maxAbsDiff(empty.data, f32(c.negative_prompt_embeds as GoldenArray))).toBeLessThan(tol.component);
          expect(model.family.forceZerosForEmptyPrompt).toBe(false);
        }
      });

      test('unet: the runner\'s output for a two-row batch at timesteps 999 and 259', async () => {
        const inputs = g.unet.inputs;
        const sample = inputs.sample as GoldenArray;
        const [batch, channels, height, width] = sample.shape;
        const hidden = inputs.encoder_hidden_states as GoldenArray;
        const timestepCond = inputs.timestep_cond ? f32(inputs.timestep_cond as GoldenArray) : undefined;
        if (timestepCond) {
          // the engine's own guidance embedding for g = 8 (w = 7) is what diffusers fed, to float32 rounding
          const w = model.unet.timestepCondWidth;
          const ours = guidanceScaleEmbedding(8, w);
          expect(maxAbsDiff(ours, timestepCond.subarray(0, w))).toBeLessThan(1e-4);
        }
        const timeIds = inputs.time_ids ? f32(inputs.time_ids as GoldenArray) : undefined;
        if (timeIds) expect(Array.from(timeIds.subarray(0, 6))).toEqual(Array.from(sdxlTimeIds(height, width)));
        const out = await model.unet.predictNoise({
          batch, channels, height, width,
          sample: f32(sample),
          timesteps: Int32Array.from(inputs.timestep as number[]),
          encoderHiddenStates: f32(hidden),
          tokens: hidden.shape[1],
          embeddingWidth: hidden.shape[2],
          timestepCond,
          textEmbeds: inputs.text_embeds ? f32(inputs.text_embeds as GoldenArray) : undefined,
          timeIds,
        });
        expect(maxAbsDiff(out, f32(g.unet.output))).toBeLessThan(tol.component);
      });

      test('vae: decode(latent / scaling_factor) and encode(image) mean × scaling_factor', async () => {
        expect(model.scalingFactor).toBe(g.vae.scaling_factor);
        const d = g.vae.decode;
        const [, , h, w] = d.latent.shape;
        const latent = f32(d.latent).map((v) => v / model.scalingFactor);
        expect(maxAbsDiff(await model.vae.decode(latent, h, w), f32(d.image))).toBeLessThan(tol.component);
        const e = g.vae.encode;
        const [, , H, W] = e.image.shape;
        const encoded = (await model.vae.encode(f32(e.image), H, W)).map((v) => v * model.scalingFactor);
        expect(maxAbsDiff(encoded, f32(e.latent))).toBeLessThan(tol.component);
      });
    });
  }
});
