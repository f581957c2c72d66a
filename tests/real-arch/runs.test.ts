/**
 * ENGINE-SPEC §9: a one-shot render of one layer covering the whole canvas, with every noise
 * injected, is diffusers' pipeline with an LCMScheduler at the same timesteps — so the
 * engine's final latent and picture must equal every `runs` golden of every model folder.
 */
import { loadModelFolder } from '../../main/engine/models';
import { PalettePipeline } from '../../main/engine/pipeline';
import type { UNetBatch, UNetRunner } from '../../main/engine/types';
import { lcmTimesteps } from '../../main/engine/schedule';
import { describeFixtures, decodePng, f32, fullMask, imageDiff, relativeError, tolerances, type Fixture, type GoldenRun } from './support';

/** The stream's step indices whose grid timesteps are the run's. */
function tIndexListOf(p: PalettePipeline, timesteps: number[]): number[] {
  const grid = lcmTimesteps(p.model.scheduler);
  return timesteps.map((t) => {
    const i = grid.indexOf(t);
    if (i < 0) throw new Error(`timestep ${t} is not on the 50-step grid`);
    return i;
  });
}

/**
 * The negative prompt field that means the run's `negative_prompt`: an empty field is diffusers'
 * None; an explicit "" (which SDXL encodes instead of zeroing) is a field holding a space, which
 * tokenizes exactly like "".
 */
function negativeField(run: GoldenRun): string {
  return run.negative_prompt === null ? '' : run.negative_prompt === '' ? ' ' : run.negative_prompt;
}

/** every UNet call of a render: its timesteps and what the model's own runner returned */
interface UNetCall {
  timesteps: number[];
  output: Float32Array;
}

/** the model's UNet runner, unchanged, with its calls recorded */
function recording(unet: UNetRunner, calls: UNetCall[]): UNetRunner {
  return {
    streamBatchable: unet.streamBatchable,
    timestepCondWidth: unet.timestepCondWidth,
    pooledWidth: unet.pooledWidth,
    async predictNoise(b: UNetBatch) {
      const out = await unet.predictNoise(b);
      calls.push({ timesteps: Array.from(b.timesteps), output: out.slice() });
      return out;
    },
  };
}

async function renderRun(fx: Fixture, run: GoldenRun): Promise<{ latent: Float32Array; rgba: Uint8ClampedArray; pipeline: PalettePipeline; calls: UNetCall[] }> {
  const noise = fx.goldens.noises[run.noise];
  const model = await loadModelFolder(fx.dir);
  const calls: UNetCall[] = [];
  const pipeline = new PalettePipeline({ ...model, unet: recording(model.unet, calls) as typeof model.unet }, { seed: 0 });
  try {
    await pipeline.setCanvas(run.width, run.height);
    pipeline.setSettings({
      tIndexList: tIndexListOf(pipeline, run.timesteps),
      guidance: run.cfg ? 'full' : 'none',
      guidanceScale: run.guidance_scale,
    });
    expect(pipeline.stream.schedule.timesteps).toEqual(run.timesteps);
    const negativePrompt = negativeField(run);
    await pipeline.setBackground({ prompt: run.prompt, negativePrompt, image: null });
    await pipeline.setLayers([{
      id: 'whole', prompt: run.prompt, negativePrompt, promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true,
      mask: fullMask(run.width, run.height),
    }]);
    pipeline.setInjectedNoise([f32(noise.initial_latent), ...noise.step_noises.map(f32)]);
    calls.length = 0;
    const frame = await pipeline.render();
    return { latent: pipeline.outputLatent, rgba: frame.rgba.slice(), pipeline, calls };
  } catch (e) {
    await pipeline.release();
    throw e;
  }
}

describeFixtures('real-arch runs', (fixtures) => {
  for (const fx of fixtures) {
    describe(fx.name, () => {
      const tol = tolerances(fx);
      for (const run of fx.goldens.runs) {
        test(`${run.id}: final latent and image equal diffusers' (${run.width}×${run.height}, guidance ${run.guidance_scale}${run.cfg ? ' CFG' : ''}, negative ${JSON.stringify(run.negative_prompt)})`, async () => {
          const { latent, rgba, pipeline, calls } = await renderRun(fx, run);
          try {
            // the UNet prediction each step fed the scheduler (per_step): the chain that ends in this
            // frame's output ran step k in frame k at slot k; the whole-canvas layer is the batch's
            // last sample (after the creation background layer), its CFG twin follows when guided
            let stepError = -1;
            const perStep = (run as GoldenRun & { per_step?: { t: number; model_output: { shape: number[]; f32: string } }[] }).per_step;
            if (perStep && !run.cfg) {
              const T = run.timesteps.length;
              expect(calls.length).toBe(pipeline.model.unet.streamBatchable ? T : T * T);
              perStep.forEach((step, k) => {
                const expected = f32(step.model_output);
                const call = pipeline.model.unet.streamBatchable ? calls[k] : calls[k * T + k];
                const size = expected.length;
                const first = call.timesteps.indexOf(step.t);
                expect(first).toBeGreaterThanOrEqual(0);
                const ours = call.output.subarray((first + 1) * size, (first + 2) * size);
                stepError = Math.max(stepError, relativeError(ours, expected));
                expect(relativeError(ours, expected)).toBeLessThan(tol.latentRelative);
              });
            }
            const expected = f32(run.final_latent);
            const rel = relativeError(latent, expected);
            const png = decodePng(run.image_png);
            expect([png.width, png.height]).toEqual([run.width, run.height]);
            const px = imageDiff(rgba, png.rgb);
            const steps = stepError >= 0 ? `, per-step UNet output max error ${stepError.toExponential(2)}` : '';
            console.log(`${fx.name} ${run.id}: final latent max error ${rel.toExponential(2)} of max |value|, image max diff ${px}${steps}`);
            expect(rel).toBeLessThan(tol.latentRelative);
            expect(px).toBeLessThanOrEqual(tol.image);
          } finally {
            await pipeline.release();
          }
        });
      }
    });
  }
});
