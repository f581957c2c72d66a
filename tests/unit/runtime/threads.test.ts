import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession, asFloat32, defaultIntraOpThreads } from '../../../main/engine/runtime';
import { Xoshiro128 } from '../../../main/engine/random';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

const UNET = path.join(PALETTE_COLORS_DIR, 'unet', 'model.onnx');

describe('session thread options', () => {
  test('the default intra-op thread count comes from the machine: half the logical processors, at least one', () => {
    const n = defaultIntraOpThreads();
    expect(n).toBe(Math.max(1, Math.floor(os.availableParallelism() / 2)));
    expect(n).toBeGreaterThanOrEqual(1);
  });

  test('spinning, thread counts and the arena change how a run is scheduled, never its numbers', async () => {
    const rng = new Xoshiro128(3);
    const batch = 3;
    const sample = rng.fillGaussian(new Float32Array(batch * 4 * 16 * 16));
    const cond = rng.fillGaussian(new Float32Array(batch * 77 * 8));
    const feeds = {
      sample: { data: sample, dims: [batch, 4, 16, 16] },
      timestep: { data: Int32Array.of(999, 500, 20), dims: [batch] },
      encoder_hidden_states: { data: cond, dims: [batch, 77, 8] },
    };
    const outputs: Float32Array[] = [];
    for (const options of [{}, { allowSpinning: true, intraOpNumThreads: 2 }, { intraOpNumThreads: 1, enableCpuMemArena: false }]) {
      const s = await ModelSession.create(UNET, { providers: ['cpu'], ...options });
      try {
        outputs.push(asFloat32((await s.run(feeds))['out_sample'], 'out_sample').slice());
      } finally {
        await s.release();
      }
    }
    expect(outputs[0].some((v) => v !== 0)).toBe(true);
    for (const o of outputs.slice(1)) {
      let worst = 0;
      for (let i = 0; i < o.length; i++) worst = Math.max(worst, Math.abs(o[i] - outputs[0][i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });
});
