import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { readOnnxInputs } from '../../../main/model-manager/onnx-header';
import { readModelPrecision } from '../../../main/model-manager/precision';

const F16 = onnx.TensorProto.DataType.FLOAT16;
const F32 = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;

function vi(name: string, elemType: number, dims: Array<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** A UNet-shaped graph: many nodes and a weight larger than the reader's window before the inputs. */
function unetLike(sampleType: number, timestep: onnx.IValueInfoProto): Uint8Array {
  const weight = new Uint8Array(300_000).map((_, i) => i & 0xff);
  const nodes = Array.from({ length: 2000 }, (_, i) => ({ opType: 'Identity', input: [i ? `t${i - 1}` : 'sample'], output: [`t${i}`], name: `n${i}` }));
  return onnx.ModelProto.encode({
    irVersion: 6,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'unet',
      node: nodes,
      initializer: [{ name: 'w', dims: [150_000], dataType: F16, rawData: weight }],
      // older exporters list weights among the inputs too; they are not model inputs
      input: [vi('sample', sampleType, ['batch', 4, 64, 64]), timestep, vi('encoder_hidden_states', sampleType, ['batch', 77, 768]), vi('w', F16, [150_000])],
      output: [vi('out_sample', sampleType, ['batch', 4, 64, 64])],
    },
  }).finish();
}

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-onnx-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('reads names, element types and shapes of the graph inputs, not the weights', async () => {
  const file = path.join(dir, 'model.onnx');
  await fsp.writeFile(file, unetLike(F16, vi('timestep', I64, ['batch'])));
  expect(await readOnnxInputs(file)).toEqual([
    { name: 'sample', type: 'float16', shape: ['batch', 4, 64, 64] },
    { name: 'timestep', type: 'int64', shape: ['batch'] },
    { name: 'encoder_hidden_states', type: 'float16', shape: ['batch', 77, 768] },
  ]);
});

test('a scalar float timestep reads as a shape of no dimensions', async () => {
  const file = path.join(dir, 'model.onnx');
  await fsp.writeFile(file, unetLike(F32, vi('timestep', F32, [])));
  const inputs = await readOnnxInputs(file);
  expect(inputs.find((i) => i.name === 'timestep')).toEqual({ name: 'timestep', type: 'float32', shape: [] });
});

test('model precision is the UNet sample type; unknown without a readable UNet', async () => {
  await fsp.mkdir(path.join(dir, 'unet'));
  await fsp.writeFile(path.join(dir, 'unet', 'model.onnx'), unetLike(F16, vi('timestep', I64, ['batch'])));
  expect(await readModelPrecision(dir)).toBe('float16');
  await fsp.writeFile(path.join(dir, 'unet', 'model.onnx'), unetLike(F32, vi('timestep', I64, ['batch'])));
  expect(await readModelPrecision(dir)).toBe('float32');
  await fsp.writeFile(path.join(dir, 'unet', 'model.onnx'), Buffer.from('not an onnx file at all'));
  expect(await readModelPrecision(dir)).toBe('unknown');
  expect(await readModelPrecision(path.join(dir, 'nowhere'))).toBe('unknown');
});
