/**
 * ENGINE-SPEC §9 as pure math and plain data: scheduler facts from the config, the x0 estimate
 * per prediction type, the family description and its defaults, and SDXL's per-sample pooled
 * vector and time ids in the stream batch.
 */
import { describeFamily, type FamilyFacts } from '../../../main/engine/models/family';
import { addNoise, createStreamSchedule, lcmDenoise, lcmTimesteps, schedulerConfigFromJson, SD15_SCHEDULER } from '../../../main/engine/schedule';
import { StreamBatch } from '../../../main/engine/stream';
import type { TextEmbedding, UNetBatch, UNetRunner } from '../../../main/engine/types';
import { repeatedEmbedding, TraceDenoiser } from './support/trace';

describe('scheduler facts from scheduler_config.json', () => {
  test('prediction_type, timestep_spacing and the class are read; bad values are named', () => {
    const v = schedulerConfigFromJson({ _class_name: 'LCMScheduler', prediction_type: 'v_prediction', timestep_spacing: 'trailing' });
    expect([v.predictionType, v.timestepSpacing, v.className, v.lcmBoundary]).toEqual(['v_prediction', 'trailing', 'LCMScheduler', true]);
    expect(schedulerConfigFromJson({}).predictionType).toBe('epsilon');
    expect(schedulerConfigFromJson({ prediction_type: 'sample' }).predictionType).toBe('sample');
    expect(() => schedulerConfigFromJson({ prediction_type: 'flow' })).toThrow(/prediction_type "flow" is not supported/);
    expect(() => schedulerConfigFromJson({ timestep_spacing: 'karras' })).toThrow(/timestep_spacing/);
    expect(() => schedulerConfigFromJson({ _class_name: 3 })).toThrow(/_class_name/);
  });

  test('the LCM boundary condition only for LCMScheduler: any other class samples plain x0 (c_skip 0, c_out 1)', () => {
    const lcm = createStreamSchedule([0, 12, 25, 37], schedulerConfigFromJson({ _class_name: 'LCMScheduler' }));
    expect(lcm.cSkip[0]).toBeCloseTo(2.505008e-9, 14);
    expect(lcm.cOut[3]).toBeLessThan(1);
    const euler = createStreamSchedule([0, 12, 25, 37], schedulerConfigFromJson({ _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' }));
    expect(Array.from(euler.cSkip)).toEqual([0, 0, 0, 0]);
    expect(Array.from(euler.cOut)).toEqual([1, 1, 1, 1]);
    // the 50-step grid is the same for every family (LCM's grid = trailing spacing at 50 steps)
    expect(euler.timesteps).toEqual([999, 759, 499, 259]);
    expect(lcmTimesteps(schedulerConfigFromJson({ _class_name: 'EulerDiscreteScheduler' }))).toEqual(lcmTimesteps(SD15_SCHEDULER));
  });

  test('the x0 estimate recovers x0 for ε, v and sample prediction', () => {
    const x0 = Float32Array.of(0.5, -1, 2);
    const eps = Float32Array.of(0.3, 1.1, -0.7);
    for (const type of ['epsilon', 'v_prediction', 'sample'] as const) {
      const s = createStreamSchedule([0, 12, 37], schedulerConfigFromJson({ _class_name: 'EulerDiscreteScheduler', prediction_type: type }));
      for (let k = 0; k < 3; k++) {
        const x = addNoise(s, k, x0, eps, new Float32Array(3));
        const sa = s.sqrtAlphaCumprod[k];
        const sb = s.sqrtOneMinusAlphaCumprod[k];
        // what a perfect UNet of each kind outputs: ε, v = sqrt(ac)·ε − sqrt(1−ac)·x0, or x0
        const out = type === 'epsilon' ? eps : type === 'sample' ? x0 : eps.map((e, i) => sa * e - sb * x0[i]);
        const d = lcmDenoise(s, k, x, out, new Float32Array(3));
        for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - x0[i])).toBeLessThan(1e-4);
      }
    }
  });
});

describe('family description', () => {
  const base: FamilyFacts = {
    dualTextEncoders: false, scheduler: SD15_SCHEDULER, timestepCond: false, nativeLatentSize: 64, padIsNotEos: false,
  };

  test('SD 1.5, SD 2.x and SDXL from what the folder declares, with their defaults', () => {
    const sd15 = describeFamily(base);
    expect([sd15.id, sd15.label, sd15.textEncoders, sd15.forceZerosForEmptyPrompt]).toEqual(['sd15', 'SD 1.5', 1, false]);
    expect(sd15.defaults).toEqual({ tIndexList: [0, 4, 12, 25, 37], guidance: 'none', guidanceScale: 1, nativeSize: 512 });
    const sd2 = describeFamily({ ...base, padIsNotEos: true, nativeLatentSize: 96, scheduler: schedulerConfigFromJson({ prediction_type: 'v_prediction' }) });
    expect([sd2.id, sd2.defaults.nativeSize, sd2.defaults.tIndexList]).toEqual(['sd2', 768, [0, 4, 12, 25, 37]]);
    const sdxl = describeFamily({ ...base, dualTextEncoders: true, nativeLatentSize: 128 });
    expect([sdxl.id, sdxl.textEncoders, sdxl.forceZerosForEmptyPrompt, sdxl.defaults.nativeSize, sdxl.defaults.tIndexList])
      .toEqual(['sdxl', 2, true, 1024, [0, 12, 25, 37]]);
    // model_index.json's own force_zeros_for_empty_prompt wins
    expect(describeFamily({ ...base, dualTextEncoders: true, forceZerosForEmptyPrompt: false }).forceZerosForEmptyPrompt).toBe(false);
  });

  test('LCM-distilled (timestep_cond) UNets default to guidance 8; one-step models to [0]', () => {
    expect(describeFamily({ ...base, timestepCond: true }).defaults.guidanceScale).toBe(8);
    const x0 = describeFamily({ ...base, dualTextEncoders: true, scheduler: schedulerConfigFromJson({ _class_name: 'EulerDiscreteScheduler', prediction_type: 'sample' }) });
    expect([x0.oneStep, x0.defaults.tIndexList]).toEqual([true, [0]]);
    const turbo = describeFamily({ ...base, scheduler: schedulerConfigFromJson({ _class_name: 'EulerAncestralDiscreteScheduler', timestep_spacing: 'trailing' }) });
    expect([turbo.oneStep, turbo.defaults.tIndexList]).toEqual([true, [0]]);
    expect(describeFamily({ ...base, scheduler: schedulerConfigFromJson({ _class_name: 'EulerAncestralDiscreteScheduler' }) }).oneStep).toBe(false);
  });
});

describe('SDXL conditioning in the stream batch', () => {
  /** the trace denoiser plus what it was fed, as an SDXL-style UNet with a pooled width */
  class PooledUNet implements UNetRunner {
    readonly streamBatchable = true;
    readonly timestepCondWidth = 0;
    readonly pooledWidth = 3;
    readonly seen: UNetBatch[] = [];
    private readonly inner = new TraceDenoiser();
    predictNoise(b: UNetBatch): Promise<Float32Array> {
      this.seen.push(b);
      return this.inner.predictNoise(b);
    }
  }
  const withPooled = (row: number[], pooled: number[]): TextEmbedding => ({ ...repeatedEmbedding(row, 77), pooled: Float32Array.from(pooled) });

  test('every sample carries its own p (lerped by prompt strength, negatives with CFG) and the time ids of its tile', async () => {
    const unet = new PooledUNet();
    // 64×96 canvas, native tile 8 latent pixels = 64 px: two tiles wide
    const stream = new StreamBatch({ unet, height: 64, width: 96, nativeLatentSize: 8, settings: { tIndexList: [0, 25], guidance: 'full', guidanceScale: 5 }, seed: 3 });
    stream.setBackground({ embedding: withPooled([0.1, 0.2, 0.3, 0.4], [1, 2, 3]), negativeEmbedding: withPooled([0, 0, 0, 0], [0, 0, 0]), latent: null });
    stream.setWhiteLatent(new Float32Array(stream.latentSize).fill(0.8));
    const mask = new Uint8Array(64 * 96).fill(255);
    stream.setLayers([{
      id: 'a', embedding: withPooled([1, 1, 1, 1], [5, 6, 7]), negativeEmbedding: withPooled([0, 0, 0, 0], [-1, -1, -1]),
      promptStrength: 0.5, maskStrength: 1, maskBlur: 0, visible: true, mask,
    }]);
    await stream.frame();
    const b = unet.seen[0];
    // steps 2 × CFG 2 × tiles 2 × (background layer + layer a)
    expect(b.batch).toBe(16);
    const p = (i: number) => Array.from(b.textEmbeds!.subarray(3 * i, 3 * i + 3));
    const P = 2, tiles = 2;
    for (let k = 0; k < 2; k++) {
      for (let t = 0; t < tiles; t++) {
        const cond = (k * 2 * tiles + t) * P;
        const uncond = (k * 2 * tiles + tiles + t) * P;
        expect(p(cond)).toEqual([1, 2, 3]); // background
        expect(p(cond + 1)).toEqual([3, 4, 5]); // lerp([1,2,3], [5,6,7], 0.5)
        expect(p(uncond)).toEqual([0, 0, 0]);
        expect(p(uncond + 1)).toEqual([-0.5, -0.5, -0.5]);
      }
    }
    for (let i = 0; i < b.batch; i++) expect(Array.from(b.timeIds!.subarray(6 * i, 6 * i + 6))).toEqual([64, 64, 0, 0, 64, 64]);
  });

  test('an embedding without the pooled vector the UNet needs is refused, naming the layer', async () => {
    const unet = new PooledUNet();
    const stream = new StreamBatch({ unet, height: 64, width: 64, nativeLatentSize: 8, seed: 3 });
    stream.setBackground({ embedding: repeatedEmbedding([0.1, 0.2, 0.3, 0.4], 77), latent: null });
    stream.setWhiteLatent(new Float32Array(stream.latentSize).fill(0.8));
    await expect(stream.frame()).rejects.toThrow(/<background>: the UNet takes a pooled text vector of 3 values/);
  });
});
