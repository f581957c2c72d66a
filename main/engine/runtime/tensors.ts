/**
 * Adapting host arrays to what a model input declares (dtype, rank) and model outputs back to
 * Float32Array, so runners never care whether a model is fp16 or takes an int64 timestep.
 */
import * as ort from 'onnxruntime-node';
import { fromFloat16, toFloat16 } from './fp16';

/** What a model declares for one input or output; `type` is onnxruntime's name ('float16', …). */
export interface TensorInfo {
  readonly name: string;
  readonly type: string;
  /** numbers are fixed sizes, strings symbolic dims; [] is a scalar */
  readonly shape: readonly (number | string)[];
}

/** A host-side value for a model input: numbers in any typed array, converted on the way in. */
export interface Feed {
  readonly data: Float32Array | Float64Array | Int32Array | Uint16Array | BigInt64Array;
  readonly dims: readonly number[];
}

/** A model output; float16 and float32 outputs both arrive as Float32Array. */
export interface Output {
  readonly type: string;
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Float64Array | Uint16Array | string[];
  readonly dims: readonly number[];
}

export function describeDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}

function numbers(data: Feed['data']): ArrayLike<number> {
  if (data instanceof BigInt64Array) return Float64Array.from(data, (v) => Number(v));
  return data;
}

/** Converts a feed to the declared dtype; a single value goes to a scalar input as `[]`. */
export function toOrtTensor(info: TensorInfo, feed: Feed): ort.Tensor {
  const count = feed.dims.reduce((a, b) => a * b, 1);
  if (count !== feed.data.length) {
    throw new Error(`input ${info.name}: ${feed.data.length} values do not fill dims ${describeDims(feed.dims)}`);
  }
  const dims = info.shape.length === 0 && count === 1 ? [] : [...feed.dims];
  if (dims.length !== info.shape.length) {
    throw new Error(`input ${info.name}: rank ${dims.length} ${describeDims(dims)} given, model declares ${describeDims(info.shape)}`);
  }
  info.shape.forEach((d, i) => {
    if (typeof d === 'number' && d >= 0 && d !== dims[i]) {
      throw new Error(`input ${info.name}: dim ${i} is ${dims[i]}, model declares ${describeDims(info.shape)}`);
    }
  });
  const data = feed.data;
  switch (info.type) {
    case 'float32':
      return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(numbers(data)), dims);
    case 'float16':
      // A Uint16Array feed is taken as raw fp16 bits already.
      return new ort.Tensor('float16', data instanceof Uint16Array ? data : toFloat16(numbers(data)), dims);
    case 'float64':
      return new ort.Tensor('float64', data instanceof Float64Array ? data : Float64Array.from(numbers(data)), dims);
    case 'int32':
      return new ort.Tensor('int32', data instanceof Int32Array ? data : Int32Array.from(numbers(data), Math.round), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(numbers(data), (v) => BigInt(Math.round(v)))),
        dims,
      );
    default:
      throw new Error(`input ${info.name}: dtype ${info.type} is not supported`);
  }
}

export function fromOrtTensor(tensor: ort.Tensor): Output {
  const dims = [...tensor.dims];
  if (tensor.type === 'float16') {
    const bits = tensor.data as unknown;
    // onnxruntime may hand back Float16Array on runtimes that have it; Uint16Array otherwise
    const data = bits instanceof Uint16Array ? fromFloat16(bits) : Float32Array.from(bits as ArrayLike<number>);
    return { type: 'float32', data, dims };
  }
  return { type: tensor.type, data: tensor.data as Output['data'], dims };
}

export function asFloat32(output: Output | undefined, what: string): Float32Array {
  if (!output || !(output.data instanceof Float32Array)) {
    throw new Error(`${what}: expected a float output, got ${output ? output.type : 'nothing'}`);
  }
  return output.data;
}
