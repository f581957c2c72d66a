import {
  addNoise, computeAlphasCumprod, computeBetas, createStreamSchedule, lcmDenoise, lcmTimesteps,
  schedulerConfigFromJson, SD15_SCHEDULER,
} from '../../../main/engine/schedule';

// ENGINE-SPEC §1 golden table (float64, computed independently)
const GOLDEN = [
  { t: 999, ac: 0.0046600985, sa: 0.068265, sb: 0.997667, cSkip: 2.505008e-9, cOut: 0.9999999987 },
  { t: 919, ac: 0.0115834616, sa: 0.107626, sb: 0.994191, cSkip: 2.960118e-9, cOut: 0.9999999985 },
  { t: 759, ac: 0.0522129283, sa: 0.228501, sb: 0.973544, cSkip: 4.339667e-9, cOut: 0.9999999978 },
  { t: 499, ac: 0.2776696505, sa: 0.526944, sb: 0.849900, cSkip: 1.004012e-8, cOut: 0.9999999950 },
  { t: 259, ac: 0.6589755269, sa: 0.811773, sb: 0.583973, cSkip: 3.726838e-8, cOut: 0.9999999814 },
];

describe('LCM schedule (SD 1.5)', () => {
  test('LCM timesteps for 50/50 are 999, 979, …, 19', () => {
    const ts = lcmTimesteps(SD15_SCHEDULER);
    expect(ts.length).toBe(50);
    expect(ts[0]).toBe(999);
    expect(ts[1]).toBe(979);
    expect(ts[49]).toBe(19);
  });

  test('betas follow scaled_linear', () => {
    const betas = computeBetas(SD15_SCHEDULER);
    expect(betas[0]).toBeCloseTo(0.00085, 12);
    expect(betas[999]).toBeCloseTo(0.012, 12);
    expect(betas[500]).toBeCloseTo((Math.sqrt(0.00085) + (Math.sqrt(0.012) - Math.sqrt(0.00085)) * 500 / 999) ** 2, 15);
  });

  test('default t_index_list gives the golden table', () => {
    const s = createStreamSchedule();
    expect(s.timesteps).toEqual([999, 919, 759, 499, 259]);
    GOLDEN.forEach((g, k) => {
      expect(Math.abs(s.alphaCumprod[k] - g.ac)).toBeLessThan(1e-10);
      expect(Math.abs(s.sqrtAlphaCumprod[k] - g.sa)).toBeLessThan(1e-6);
      expect(Math.abs(s.sqrtOneMinusAlphaCumprod[k] - g.sb)).toBeLessThan(1e-6);
      expect(Math.abs(s.cSkip[k] - g.cSkip) / g.cSkip).toBeLessThan(1e-6);
      expect(Math.abs(s.cOut[k] - g.cOut)).toBeLessThan(1e-10);
    });
  });

  test('noise levels: n_k = sqrt(1 − ac[t_k]) and n_T = 0', () => {
    const s = createStreamSchedule();
    expect(Array.from(s.noiseLevels).map((v) => Number(v.toFixed(4)))).toEqual([0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0]);
  });

  test('linear beta schedule and config JSON', () => {
    const cfg = schedulerConfigFromJson({ beta_start: 0.001, beta_end: 0.02, beta_schedule: 'linear', num_train_timesteps: 1000 });
    const betas = computeBetas(cfg);
    expect(betas[0]).toBeCloseTo(0.001, 15);
    expect(betas[999]).toBeCloseTo(0.02, 15);
    expect(computeAlphasCumprod(Float64Array.of(0.5, 0.5))).toEqual(Float64Array.of(0.5, 0.25));
    expect(() => schedulerConfigFromJson({ beta_schedule: 'squaredcos_cap_v2' })).toThrow(/beta_schedule/);
  });

  test('trained_betas replace the schedule; timestep_scaling sets the LCM boundary scalings', () => {
    const betas = Array.from({ length: 1000 }, (_, i) => 0.0001 + i * 0.00002);
    const cfg = schedulerConfigFromJson({ trained_betas: betas, timestep_scaling: 5 });
    expect(Array.from(computeBetas(cfg))).toEqual(betas);
    const s = createStreamSchedule([0], cfg);
    const ac = betas.reduce((p, b) => p * (1 - b), 1);
    expect(s.alphaCumprod[0]).toBeCloseTo(ac, 12);
    // c_skip = σ²/((t·scaling)² + σ²) with σ = 0.5 at t = 999, scaling 5
    expect(s.cSkip[0]).toBeCloseTo(0.25 / ((999 * 5) ** 2 + 0.25), 18);
    expect(() => schedulerConfigFromJson({ trained_betas: [0.1, 'x'] })).toThrow(/trained_betas/);
  });

  test('bad step indices are rejected with the index named', () => {
    expect(() => createStreamSchedule([0, 50])).toThrow(/index 50 is outside 0..49/);
    expect(() => createStreamSchedule([])).toThrow(/empty/);
  });

  test('addNoise then lcmDenoise with the true noise recovers x0 (c_skip ≈ 0)', () => {
    const s = createStreamSchedule();
    const x0 = Float32Array.of(0.5, -1, 2);
    const eps = Float32Array.of(0.3, 1.1, -0.7);
    for (let k = 0; k < 5; k++) {
      const x = addNoise(s, k, x0, eps, new Float32Array(3));
      const d = lcmDenoise(s, k, x, eps, new Float32Array(3));
      for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - x0[i])).toBeLessThan(1e-4);
    }
  });
});
