/**
 * A model over protobuf's 2 GB limit, for the optimized-model cache (issue 9, defect 3): a few
 * big float initializers in `model.onnx_data` (the way full-size UNets keep their weights),
 * each read by a Gather on the input index, so no optimizer can fold them away. The data file
 * is sparse (zeros except a few marked values), so building it costs no time and little disk.
 *
 *   out[0] = Σ_k W_k[idx[0]],   W_k[MARK_INDEX] = k + 1, every other value 0
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

export const MARK_INDEX = 12_345_678;

export interface LargeModel {
  readonly dir: string;
  readonly modelPath: string;
  readonly bytes: number;
  /** what out[0] is for idx = MARK_INDEX */
  readonly markedSum: number;
}

export function writeLargeModel(dir: string, initializers = 3, valuesEach = 700 * 1024 * 1024 / 4): LargeModel {
  fs.mkdirSync(dir, { recursive: true });
  const dataFile = 'model.onnx_data';
  const bytesEach = valuesEach * 4;
  const nodes: onnx.INodeProto[] = [];
  const tensors: onnx.ITensorProto[] = [];
  const fd = fs.openSync(path.join(dir, dataFile), 'w');
  try {
    fs.ftruncateSync(fd, initializers * bytesEach);
    for (let k = 0; k < initializers; k++) {
      const mark = Buffer.alloc(4);
      mark.writeFloatLE(k + 1);
      fs.writeSync(fd, mark, 0, 4, k * bytesEach + MARK_INDEX * 4);
      tensors.push({
        name: `w${k}`,
        dims: [valuesEach],
        dataType: onnx.TensorProto.DataType.FLOAT,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: dataFile },
          { key: 'offset', value: String(k * bytesEach) },
          { key: 'length', value: String(bytesEach) },
        ],
      });
      nodes.push({ opType: 'Gather', input: [`w${k}`, 'idx'], output: [`g${k}`], name: `gather${k}`, attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] });
    }
  } finally {
    fs.closeSync(fd);
  }
  nodes.push({ opType: 'Sum', input: tensors.map((_, k) => `g${k}`), output: ['out'], name: 'sum' });
  const info = (name: string, elemType: number): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType, shape: { dim: [{ dimValue: 1 }] } } } });
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'semantic-palette-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'large', node: nodes, initializer: tensors, input: [info('idx', onnx.TensorProto.DataType.INT64)], output: [info('out', onnx.TensorProto.DataType.FLOAT)] },
  }).finish();
  const modelPath = path.join(dir, 'model.onnx');
  fs.writeFileSync(modelPath, model);
  return { dir, modelPath, bytes: initializers * bytesEach + model.length, markedSum: (initializers * (initializers + 1)) / 2 };
}
