/**
 * ENGINE-SPEC §9: a one-shot render of one layer covering the whole canvas, with every noise
 * injected, is diffusers' pipeline with an LCMScheduler at the same timesteps — so the
 * engine's final latent and picture must equal every `runs` golden of every model folder.
 */
import { loadPipeline, type PalettePipeline } from '../../main/engine/pipeline';
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

export async function renderRun(fx: Fixture, run: GoldenRun): Promise<{ latent: Float32Array; rgba: Uint8ClampedArray; pipeline: PalettePipeline }> {
  const noise = fx.goldens.noises[run.noise];
  const pipeline = await loadPipeline(fx.dir, { width: run.width, height: run.height, seed: 0 });
  try {
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
    const frame = await pipeline.render();
    return { latent: pipeline.outputLatent, rgba: frame.rgba.slice(), pipeline };
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
          const { latent, rgba, pipeline } = await renderRun(fx, run);
          try {
            const expected = f32(run.final_latent);
            const rel = relativeError(latent, expected);
            const png = decodePng(run.image_png);
            expect([png.width, png.height]).toEqual([run.width, run.height]);
            const px = imageDiff(rgba, png.rgb);
            console.log(`${fx.name} ${run.id}: final latent max error ${rel.toExponential(2)} of max |value|, image max diff ${px}`);
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
