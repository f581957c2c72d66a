import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession, asFloat32, defaultIntraOpThreads } from '../../../main/engine/runtime';
import { linuxPhysicalCores, parseCpuList, physicalCores } from '../../../main/engine/runtime/cpu-cores';
import { Xoshiro128 } from '../../../main/engine/random';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

const UNET = path.join(PALETTE_COLORS_DIR, 'unet', 'model.onnx');

describe('session thread options', () => {
  test('the default intra-op thread count comes from the machine: its physical cores, at least one', () => {
    const n = defaultIntraOpThreads();
    expect(n).toBe(physicalCores());
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(os.availableParallelism());
    const sysfs = linuxPhysicalCores();
    if (process.platform === 'linux' && sysfs !== null) expect(n).toBe(Math.min(sysfs, os.availableParallelism()));
  });

  test('physical cores are counted from sysfs topology: SMT siblings are one core, offline CPUs are not counted', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-cpus-'));
    try {
      // 8 logical CPUs = 4 cores × 2 threads (siblings n and n + 4), CPU 7 offline
      fs.writeFileSync(path.join(root, 'online'), '0-6\n');
      for (let c = 0; c < 8; c++) {
        fs.mkdirSync(path.join(root, `cpu${c}`, 'topology'), { recursive: true });
        fs.writeFileSync(path.join(root, `cpu${c}`, 'topology', 'thread_siblings_list'), `${c % 4},${(c % 4) + 4}\n`);
      }
      expect(linuxPhysicalCores(root)).toBe(4);
      // no SMT: each CPU its own core
      for (let c = 0; c < 8; c++) fs.writeFileSync(path.join(root, `cpu${c}`, 'topology', 'thread_siblings_list'), `${c}\n`);
      expect(linuxPhysicalCores(root)).toBe(7);
      // unreadable topology → null, so the caller falls back to the logical count
      fs.rmSync(path.join(root, 'cpu3'), { recursive: true });
      expect(linuxPhysicalCores(root)).toBeNull();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('3-1')).toEqual([]);
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
