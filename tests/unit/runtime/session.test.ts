import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession, availableProviders, defaultProviderOrder } from '../../../main/engine/runtime';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

const UNET = path.join(PALETTE_COLORS_DIR, 'unet', 'model.onnx');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('ModelSession', () => {
  test('skips providers that cannot run here, records why, and uses CPU', async () => {
    const missing = ['dml', 'coreml'].filter((p) => !availableProviders().includes(p)) as ('dml' | 'coreml')[];
    if (missing.length === 0) return console.warn('no absent provider to test fallback with on this platform');
    const session = await ModelSession.create(UNET, { providers: [...missing, 'cpu'] });
    try {
      expect(session.provider).toBe('cpu');
      expect(session.skippedProviders.map((s) => s.provider)).toEqual(missing);
      for (const s of session.skippedProviders) expect(s.reason).toMatch(/not available in this onnxruntime-node build/);
    } finally {
      await session.release();
    }
  });

  test('when no provider can load the model, every reason is in one error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-session-'));
    temps.push(dir);
    fs.writeFileSync(path.join(dir, 'model.onnx'), 'garbage');
    await expect(ModelSession.create(path.join(dir, 'model.onnx'), { providers: ['dml', 'cpu'] }, 'unet/model.onnx')).rejects.toMatchObject({
      code: 'E_MODEL_INVALID',
      message: expect.stringMatching(/^unet\/model\.onnx: cannot be loaded by any execution provider \((dml: .+; )?cpu: .+\)$/),
    });
    await expect(ModelSession.create(path.join(dir, 'absent.onnx'))).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });

  test('per-platform default order ends with CPU', () => {
    expect(defaultProviderOrder('linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(defaultProviderOrder('win32')).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(defaultProviderOrder('darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
  });

  test('adapts feeds to the declared dtypes and reports a failed run with every input', async () => {
    const session = await ModelSession.create(UNET, { providers: ['cpu'] });
    try {
      expect(session.input('timestep')).toEqual({ name: 'timestep', type: 'int64', shape: ['batch'] });
      const cond = new Float32Array(2 * 77 * 8).fill(0.5);
      const out = await session.run({
        sample: { data: new Float32Array(2 * 4 * 2 * 2), dims: [2, 4, 2, 2] },
        timestep: { data: Int32Array.of(999, 259), dims: [2] }, // int32 on the host, int64 in the model
        encoder_hidden_states: { data: cond, dims: [2, 77, 8] },
      });
      expect(out.out_sample.dims).toEqual([2, 4, 2, 2]);
      expect(out.out_sample.data).toBeInstanceOf(Float32Array);
      const run = session.run({
        sample: { data: new Float32Array(2 * 4 * 2 * 2), dims: [2, 4, 2, 2] },
        timestep: { data: Int32Array.of(999, 259, 1), dims: [3] },
        encoder_hidden_states: { data: new Float32Array(77 * 8), dims: [1, 77, 8] },
      });
      await expect(run).rejects.toMatchObject({
        code: 'E_MODEL_RUN',
        message: expect.stringContaining('(inputs: sample float32 [2,4,2,2], timestep int64 [3], encoder_hidden_states float32 [1,77,8])'),
      });
      await expect(session.run({ sample: { data: new Float32Array(4), dims: [1, 4, 1, 1] } })).rejects.toThrow(
        'unet/model.onnx: input timestep int64 [batch] was not given',
      );
    } finally {
      await session.release();
    }
    await expect(session.run({})).rejects.toThrow('session was released');
  });

  test('runs are serialized and each gets its own result', async () => {
    const session = await ModelSession.create(UNET, { providers: ['cpu'], intraOpNumThreads: 1 });
    try {
      const cond = new Float32Array(77 * 8).fill(0.5);
      const results = await Promise.all(
        [999, 759, 499, 259, 0].map((t) =>
          session.run({
            sample: { data: Float32Array.of(1, 1, 1, 1), dims: [1, 4, 1, 1] },
            timestep: { data: Int32Array.of(t), dims: [1] },
            encoder_hidden_states: { data: cond, dims: [1, 77, 8] },
          }),
        ),
      );
      const lastChannel = results.map((r) => (r.out_sample.data as Float32Array)[3]);
      // channel 3 of z* is 0, so ε = x / sqrt(1 - ac[t]) grows as t falls
      for (let i = 1; i < lastChannel.length; i++) expect(lastChannel[i]).toBeGreaterThan(lastChannel[i - 1]);
    } finally {
      await session.release();
    }
  });

  test('the optimized model is cached on disk and reused on the next load', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-ort-cache-'));
    temps.push(cache);
    const first = await ModelSession.create(UNET, { providers: ['cpu'], optimizedModelCacheDir: cache });
    await first.release();
    expect(first.fromCache).toBe(false);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.onnx'))).toHaveLength(1);
    const second = await ModelSession.create(UNET, { providers: ['cpu'], optimizedModelCacheDir: cache });
    try {
      expect(second.fromCache).toBe(true);
      expect(second.inputs).toEqual(first.inputs);
    } finally {
      await second.release();
    }
  });
});
