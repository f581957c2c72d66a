/**
 * Issue 9, defect 1: scalar-timestep UNets (optimum ≥ 1.24) are rewritten at load to take one
 * timestep per sample. On every real-architecture export, the rewritten model's batched output
 * equals the original model's per-sample calls bit for bit; the rewrite is cached with the
 * optimized model; a graph whose pattern is not recognised keeps per-step calls and says why.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { main as cli } from '../../../main/cli';
import { loadModelFolder } from '../../../main/engine/models';
import { describeModel } from '../../../main/engine/models/inspect';
import { ModelSession, batchTimestep, batchTimestepRewrite, type Feed } from '../../../main/engine/runtime';
import { removeModelVariants, writeModelVariant } from '../../support/model-variants';
import { encodeModel, initializer, node, valueInfo } from '../../../models/generator/onnx-builder';

const REAL_ARCH = path.resolve(process.env.PALETTE_REAL_ARCH_DIR ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'real-arch'));
const FOLDERS = fs.existsSync(REAL_ARCH) ? fs.readdirSync(REAL_ARCH).filter((d) => fs.existsSync(path.join(REAL_ARCH, d, 'unet', 'model.onnx'))).sort() : [];
if (FOLDERS.length === 0) console.log(`real-arch UNet checks skipped: no fixtures in ${REAL_ARCH} (set PALETTE_REAL_ARCH_DIR)`);

interface GoldenArray {
  shape: number[];
  f32: string;
}
function floats(a: GoldenArray): Float32Array {
  return new Float32Array(new Uint8Array(Buffer.from(a.f32, 'base64')).buffer);
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  removeModelVariants();
});

/** rows [from, from+n) of every batched input */
function rows(inputs: Record<string, Feed>, from: number, n: number): Record<string, Feed> {
  const out: Record<string, Feed> = {};
  for (const [name, f] of Object.entries(inputs)) {
    const per = f.data.length / f.dims[0];
    out[name] = { data: (f.data as Float32Array).slice(from * per, (from + n) * per), dims: [n, ...f.dims.slice(1)] };
  }
  return out;
}

(FOLDERS.length ? describe.each(FOLDERS) : describe.skip.each(['none']))('real-arch %s UNet', (folder) => {
  const model = path.join(REAL_ARCH, folder, 'unet', 'model.onnx');
  const goldens = () => JSON.parse(fs.readFileSync(path.join(REAL_ARCH, folder, 'goldens.json'), 'utf8')) as { unet: { inputs: Record<string, GoldenArray | number[]>; output: GoldenArray } };

  test('the scalar timestep is recognised and rewritten, weights and other inputs untouched', () => {
    const bytes = fs.readFileSync(model);
    const result = batchTimestep(bytes);
    expect(result.status).toBe('rewritten');
    if (result.status !== 'rewritten') return;
    const before = onnx.ModelProto.decode(bytes).graph!;
    const after = onnx.ModelProto.decode(result.bytes).graph!;
    const shape = (g: onnx.IGraphProto, name: string) => g.input!.find((i) => i.name === name)!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(shape(before, 'timestep')).toEqual([]);
    expect(shape(after, 'timestep')).toEqual([shape(before, 'sample')[0]]);
    expect(after.input!.map((i) => i.name)).toEqual(before.input!.map((i) => i.name));
    expect(after.initializer!.length).toBe(before.initializer!.length);
    // the Unsqueeze (and its axes constant) are gone, its reader now reads timestep
    expect(after.node!.length).toBeLessThan(before.node!.length);
    expect(after.node!.filter((n) => n.input!.includes('timestep')).map((n) => n.opType)).toEqual(['Cast']);
  });

  test('one batched call at different timesteps equals the per-sample calls bit for bit', async () => {
    const g = goldens().unet;
    const batch = (g.inputs.sample as GoldenArray).shape[0];
    const inputs: Record<string, Feed> = {};
    for (const [name, v] of Object.entries(g.inputs)) {
      if (name === 'timestep') continue;
      inputs[name] = { data: floats(v as GoldenArray), dims: (v as GoldenArray).shape };
    }
    const timesteps = g.inputs.timestep as number[];
    expect(new Set(timesteps).size).toBe(batch); // every row at its own timestep

    const original = await ModelSession.create(model, { providers: ['cpu'] });
    const rewritten = await ModelSession.create(model, { providers: ['cpu'] }, { rewrite: batchTimestepRewrite });
    try {
      expect(original.input('timestep')!.shape).toEqual([]);
      expect(rewritten.input('timestep')!.shape).toEqual([original.input('sample')!.shape[0]]);
      expect(rewritten.rewrite).toMatchObject({ id: batchTimestepRewrite.id, status: 'rewritten' });
      const out = rewritten.outputs[0].name;
      const batched = (await rewritten.run({ ...inputs, timestep: { data: Float32Array.from(timesteps), dims: [batch] } }))[out].data as Float32Array;
      const perRow = new Float32Array(batched.length);
      const rowSize = batched.length / batch;
      for (let i = 0; i < batch; i++) {
        const r = (await original.run({ ...rows(inputs, i, 1), timestep: { data: Float32Array.of(timesteps[i]), dims: [1] } }))[out].data as Float32Array;
        perRow.set(r, i * rowSize);
      }
      expect(Buffer.from(batched.buffer, batched.byteOffset, batched.byteLength).equals(Buffer.from(perRow.buffer))).toBe(true);
      // and it is diffusers' UNet output (fp16 exports within their rounding)
      const golden = floats(g.output);
      const scale = golden.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = golden.reduce((m, v, i) => Math.max(m, Math.abs(v - batched[i])), 0);
      expect(worst / scale).toBeLessThan(folder.includes('fp16') ? 2e-2 : 1e-3);
    } finally {
      await original.release();
      await rewritten.release();
    }
  });

  test('the rewritten model is cached with the optimized model and reloaded with its rewrite record', async () => {
    const cache = tempDir('palette-rewrite-cache-');
    const first = await ModelSession.create(model, { providers: ['cpu'], optimizedModelCacheDir: cache }, { rewrite: batchTimestepRewrite });
    await first.release();
    expect(first.fromCache).toBe(false);
    const files = fs.readdirSync(cache);
    expect(files.filter((f) => f.endsWith('.onnx'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const second = await ModelSession.create(model, { providers: ['cpu'], optimizedModelCacheDir: cache }, { rewrite: batchTimestepRewrite });
    try {
      expect(second.fromCache).toBe(true);
      expect(second.rewrite).toEqual(first.rewrite);
      expect(second.input('timestep')!.shape).toEqual(first.input('timestep')!.shape);
    } finally {
      await second.release();
    }
  });
});

describe('palette-colors exports', () => {
  test('an optimum-style scalar timestep with external weights is rewritten, renders in one UNet call, and matches the per-step model', async () => {
    const dir = writeModelVariant('optimumTimestepExternal');
    expect(fs.existsSync(path.join(dir, 'unet', 'model.onnx_data'))).toBe(true);
    const batched = await loadModelFolder(dir, { providers: ['cpu'] });
    const perStep = await ModelSession.create(path.join(dir, 'unet', 'model.onnx'), { providers: ['cpu'] });
    try {
      expect(batched.unet.streamBatchable).toBe(true);
      expect(batched.unet.streamBatchNote).toMatch(/rewritten at load/);
      expect(describeModel(batched).components.unet?.rewrite?.status).toBe('rewritten');
      const sample = Float32Array.from({ length: 3 * 4 * 2 * 2 }, (_, i) => Math.sin(i));
      const cond = new Float32Array(3 * 77 * 8).map((_, i) => (i % 8 < 3 ? ((i * 7) % 10) / 10 : 0));
      const eps = await batched.unet.predictNoise({ sample, timesteps: Int32Array.of(999, 500, 1), encoderHiddenStates: cond, batch: 3, channels: 4, height: 2, width: 2, tokens: 77, embeddingWidth: 8 });
      for (let i = 0; i < 3; i++) {
        const t = [999, 500, 1][i];
        const one = await perStep.run({
          sample: { data: sample.slice(i * 16, (i + 1) * 16), dims: [1, 4, 2, 2] },
          timestep: { data: Float32Array.of(t), dims: [1] },
          encoder_hidden_states: { data: cond.slice(i * 616, (i + 1) * 616), dims: [1, 77, 8] },
        });
        expect(Array.from(eps.subarray(i * 16, (i + 1) * 16))).toEqual(Array.from(one.out_sample.data as Float32Array));
      }
    } finally {
      await batched.release();
      await perStep.release();
    }
  });

  test('a scalar timestep the rewrite does not recognise keeps per-step calls, and inspect says why', async () => {
    const dir = writeModelVariant('scalarTimestep');
    const model = await loadModelFolder(dir, { providers: ['cpu'] });
    try {
      expect(model.unet.streamBatchable).toBe(false);
      const report = describeModel(model);
      expect(report.streamBatchable).toBe(false);
      expect(report.streamBatchNote).toMatch(/one UNet call per timestep: timestep is declared a scalar and the graph was not rewritten \(timestep feeds Cast node .+, not an Unsqueeze/);
      expect(report.components.unet?.rewrite?.status).toBe('unrecognised');
    } finally {
      await model.release();
    }
  });

  test('palette inspect reports both: the rewritten model batchable, the unrecognised one with its reason', async () => {
    const inspect = async (dir: string) => {
      let out = '';
      const code = await cli(['inspect', '--model', dir, '--provider', 'cpu'], { out: (t) => { out += t; }, err: () => undefined });
      expect(code).toBe(0);
      return JSON.parse(out) as { streamBatchable: boolean; streamBatchNote: string; components: { unet: { rewrite?: { status: string; note: string } } } };
    };
    const fast = await inspect(writeModelVariant('optimumTimestepFloat16'));
    expect(fast).toMatchObject({ streamBatchable: true, components: { unet: { rewrite: { status: 'rewritten' } } } });
    const slow = await inspect(writeModelVariant('scalarTimestep'));
    expect(slow.streamBatchable).toBe(false);
    expect(slow.streamBatchNote).toContain('the graph was not rewritten (timestep feeds Cast node');
  });

  test('a [batch] timestep is left as it is', async () => {
    const model = await loadModelFolder(writeModelVariant('default'), { providers: ['cpu'] });
    try {
      expect(model.unet.streamBatchable).toBe(true);
      expect(describeModel(model).components.unet?.rewrite).toMatchObject({ status: 'unchanged' });
      expect(model.unet.streamBatchNote).toBe('timestep is declared [batch]');
    } finally {
      await model.release();
    }
  });

  test('a graph the rewrite cannot read loads unchanged, with the reason recorded', async () => {
    expect(() => batchTimestep(Uint8Array.of(0x0a, 0xff, 0xff))).toThrow(/truncated|malformed/);
    const failing = { id: 'test-rewrite', apply: (): never => { throw new Error('truncated protobuf'); } };
    const session = await ModelSession.create(path.join(writeModelVariant('default'), 'unet', 'model.onnx'), { providers: ['cpu'] }, { rewrite: failing });
    try {
      expect(session.rewrite).toEqual({ id: 'test-rewrite', status: 'unrecognised', note: 'the graph could not be read for rewriting (truncated protobuf)' });
    } finally {
      await session.release();
    }
  });
});

/** A UNet-shaped toy: out = sample · f(timestep broadcast over the batch), built per case. */
function toyUNet(opts: { opset: number; axes: 'attribute' | 'initializer'; axesValue?: number; chain?: string[]; extraReader?: boolean; valueInfoOnPath?: boolean }): Uint8Array {
  const nodes = [];
  const inits = [initializer('scale', 'float32', [], [0.001])];
  if (opts.axes === 'attribute') nodes.push(node('Unsqueeze', ['timestep'], ['t1'], { axes: [opts.axesValue ?? 0] }));
  else {
    inits.push(initializer('axes0', 'int64', [1], [opts.axesValue ?? 0]));
    nodes.push(node('Unsqueeze', ['timestep', 'axes0'], ['t1']));
  }
  let t = 't1';
  (opts.chain ?? ['Cast']).forEach((op, i) => {
    nodes.push(node(op, [t], [`c${i}`], op === 'Cast' ? { to: 1 } : {}));
    t = `c${i}`;
  });
  nodes.push(node('Shape', ['sample'], ['shape']), node('Slice', ['shape', 'zero', 'one'], ['batch']));
  inits.push(initializer('zero', 'int64', [1], [0]), initializer('one', 'int64', [1], [1]), initializer('dims', 'int64', [1], [-1]), initializer('tail', 'int64', [3], [1, 1, 1]));
  nodes.push(node('Expand', [t, 'batch'], ['tb']), node('Mul', ['tb', 'scale'], ['ts']));
  nodes.push(node('Concat', ['dims', 'tail'], ['rs'], { axis: 0 }), node('Reshape', ['ts', 'rs'], ['t4']), node('Mul', ['sample', 't4'], ['out_sample']));
  if (opts.extraReader) nodes.push(node('Identity', ['t1'], ['leak']));
  const graph = {
    name: 'toy',
    inputs: [valueInfo('sample', 'float32', ['batch', 4, 'h', 'w']), valueInfo('timestep', 'float32', [])],
    outputs: [valueInfo('out_sample', 'float32', ['batch', 4, 'h', 'w']), ...(opts.extraReader ? [valueInfo('leak', 'float32', [1])] : [])],
    nodes,
    initializers: inits,
  };
  const model = encodeModel(graph, undefined, opts.opset).model;
  if (!opts.valueInfoOnPath) return model;
  const decoded = onnx.ModelProto.decode(model);
  decoded.graph!.valueInfo = [onnx.ValueInfoProto.fromObject(valueInfo('c0', 'float32', [1]))];
  return onnx.ModelProto.encode(decoded).finish();
}

describe('the pattern, on graphs built for each case', () => {
  const run = async (bytes: Uint8Array, batched: boolean) => {
    const dir = tempDir('palette-toy-');
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, bytes);
    const s = await ModelSession.create(file, { providers: ['cpu'] }, { rewrite: batchTimestepRewrite });
    try {
      if (!batched) return { session: s, out: undefined };
      const out = await s.run({ sample: { data: new Float32Array(2 * 4).fill(1), dims: [2, 4, 1, 1] }, timestep: { data: Float32Array.of(999, 1), dims: [2] } });
      return { session: s, out: Array.from(out.out_sample.data as Float32Array) };
    } finally {
      await s.release();
    }
  };

  test('opset 11 (axes as an attribute) and 13+ (axes as an initializer), with Identity and Cast in the chain', async () => {
    for (const opts of [{ opset: 11, axes: 'attribute' as const }, { opset: 17, axes: 'initializer' as const, chain: ['Identity', 'Cast'] }, { opset: 13, axes: 'initializer' as const, axesValue: -1 }]) {
      expect(batchTimestep(toyUNet(opts)).status).toBe('rewritten');
      const { session, out } = await run(toyUNet(opts), true);
      expect(session.input('timestep')!.shape).toEqual(['batch']);
      // each sample got its own timestep
      expect(out!.map((v) => Math.round(v * 1000))).toEqual([999, 999, 999, 999, 1, 1, 1, 1]);
    }
  });

  test('declared shapes on the rewritten path are dropped, not left wrong', () => {
    const r = batchTimestep(toyUNet({ opset: 17, axes: 'initializer', valueInfoOnPath: true }));
    expect(r.status).toBe('rewritten');
    if (r.status === 'rewritten') expect(onnx.ModelProto.decode(r.bytes).graph!.valueInfo).toEqual([]);
  });

  test('anything else reading the unsqueezed timestep, or another axis, is not recognised', () => {
    expect(batchTimestep(toyUNet({ opset: 17, axes: 'initializer', extraReader: true }))).toMatchObject({ status: 'unrecognised', note: expect.stringMatching(/is a graph output|read by 2 nodes/) });
    expect(batchTimestep(toyUNet({ opset: 17, axes: 'initializer', axesValue: 1 }))).toEqual({ status: 'unrecognised', note: 'Unsqueeze node Unsqueeze_t1 does not add one leading axis (axes [1])' });
    expect(batchTimestep(toyUNet({ opset: 17, axes: 'initializer', chain: ['Cast', 'Neg'] }))).toMatchObject({ status: 'unrecognised', note: expect.stringContaining('reaches Neg node') });
  });

  test('the precheck on the graph without weights gives the same verdict as the rewrite', async () => {
    const files = [...FOLDERS.map((f) => path.join(REAL_ARCH, f, 'unet', 'model.onnx')), ...(['optimumTimestepExternal', 'scalarTimestep', 'default'] as const).map((v) => path.join(writeModelVariant(v), 'unet', 'model.onnx'))];
    for (const f of files) {
      const full = batchTimestep(fs.readFileSync(f));
      const pre = await batchTimestepRewrite.precheck(f);
      expect([pre.status, pre.note]).toEqual([full.status, full.note]);
    }
  });
});
