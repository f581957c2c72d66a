/**
 * A small vocabulary for writing ONNX graphs by hand with `onnx-proto`: enough for the
 * palette-colors model and the benchmark UNet, nothing more.
 */
import { onnx } from 'onnx-proto';
import { float32ToFloat16Bits } from '../../main/engine/runtime/fp16';

export type Dim = number | string;
export type ElemType = 'float32' | 'float16' | 'int32' | 'int64';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

type AttrValue = number | readonly number[] | string | { float: number };

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.INTS, ints: [...value] };
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Record<string, AttrValue> = {},
): onnx.INodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: `${opType}_${outputs[0]}`,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  };
}

/** An initializer; its bytes go inline (rawData) or, when `external` is given, into that file. */
export interface Initializer {
  readonly name: string;
  readonly type: ElemType;
  readonly dims: readonly number[];
  readonly bytes: Uint8Array;
  /** a model weight (goes to the external data file when there is one), not a small constant */
  readonly isWeight?: boolean;
}

export function tensorBytes(type: ElemType, values: ArrayLike<number>): Uint8Array {
  let array: ArrayBufferView;
  switch (type) {
    case 'float32':
      array = Float32Array.from(values);
      break;
    case 'float16':
      array = Uint16Array.from(Array.from(values, float32ToFloat16Bits));
      break;
    case 'int32':
      array = Int32Array.from(values);
      break;
    case 'int64':
      array = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
      break;
  }
  // Little-endian hosts only (x64, arm64), which is what ONNX raw_data expects.
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export function initializer(name: string, type: ElemType, dims: readonly number[], values: ArrayLike<number>): Initializer {
  return { name, type, dims, bytes: tensorBytes(type, values) };
}

export interface GraphSpec {
  readonly name: string;
  readonly inputs: readonly onnx.IValueInfoProto[];
  readonly outputs: readonly onnx.IValueInfoProto[];
  readonly nodes: readonly onnx.INodeProto[];
  readonly initializers: readonly Initializer[];
}

export interface EncodedModel {
  readonly model: Uint8Array;
  /** bytes of the external data file, when one was asked for */
  readonly externalData?: Uint8Array;
}

/**
 * Encodes a model. With `externalDataFile`, every weight goes to that file (aligned to
 * 64 bytes, as onnx's own saver does), the way large real exports keep their weights.
 */
export function encodeModel(graph: GraphSpec, externalDataFile?: string, opset = 17): EncodedModel {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const tensors: onnx.ITensorProto[] = graph.initializers.map((init) => {
    const base = { name: init.name, dims: [...init.dims], dataType: ELEM[init.type] };
    if (!externalDataFile || !init.isWeight) return { ...base, rawData: init.bytes };
    const pad = (64 - (offset % 64)) % 64;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    const entry: onnx.ITensorProto = {
      ...base,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: externalDataFile },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(init.bytes.length) },
      ],
    };
    chunks.push(init.bytes);
    offset += init.bytes.length;
    return entry;
  });
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'semantic-palette',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: graph.name,
      node: [...graph.nodes],
      input: [...graph.inputs],
      output: [...graph.outputs],
      initializer: tensors,
    },
  }).finish();
  if (!externalDataFile) return { model };
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { model, externalData: data };
}
