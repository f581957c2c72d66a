/**
 * A TAESD-shaped tiny decoder with random weights (madebyollin/taesd's Decoder: tanh clamp,
 * conv 4→64, then 3 × [3 blocks, ×2 nearest upsample, conv], 1 block, conv 64→3; a block is
 * conv-ReLU-conv-ReLU-conv plus the input, then ReLU; every conv 3×3, padding 1), written with
 * onnx-proto like the fixtures. It takes scaled latents (scaling factor 1.0) and outputs
 * [-1, 1] like diffusers' AutoencoderTiny, so it costs what the real one costs.
 */
import { encodeModel, initializer, node, valueInfo, type Initializer } from '../models/generator/onnx-builder';
import { onnx } from 'onnx-proto';
import { Xoshiro128 } from '../main/engine/random';

export function buildTaesdDecoder(channels = 64, seed = 7): Uint8Array {
  const rng = new Xoshiro128(seed, 99);
  const nodes: onnx.INodeProto[] = [];
  const inits: Initializer[] = [];
  let n = 0;
  const fresh = (prefix: string): string => `${prefix}_${n++}`;
  const constant = (values: number[], dims: number[]): string => {
    const name = fresh('c');
    inits.push(initializer(name, 'float32', dims, values));
    return name;
  };
  const conv = (x: string, cin: number, cout: number, bias: boolean): string => {
    const w = fresh('w');
    const std = Math.sqrt(2 / (cin * 9));
    const weights = rng.fillGaussian(new Float32Array(cout * cin * 9)).map((v) => v * std);
    inits.push({ ...initializer(w, 'float32', [cout, cin, 3, 3], weights), isWeight: true });
    const inputs = [x, w];
    if (bias) inputs.push(constant(new Array<number>(cout).fill(0), [cout]));
    const y = fresh('conv');
    nodes.push(node('Conv', inputs, [y], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    return y;
  };
  const op = (type: string, inputs: string[], attrs: Record<string, number | number[] | string> = {}): string => {
    const y = fresh(type.toLowerCase());
    nodes.push(node(type, inputs, [y], attrs));
    return y;
  };
  const relu = (x: string): string => op('Relu', [x]);
  const block = (x: string): string => {
    const h = conv(relu(conv(relu(conv(x, channels, channels, true)), channels, channels, true)), channels, channels, true);
    return relu(op('Add', [h, x]));
  };
  const up = (x: string): string => op('Resize', [x, '', constant([1, 1, 2, 2], [4])], { mode: 'nearest' });

  // Clamp: tanh(x / 3) · 3
  let x = op('Mul', [op('Tanh', [op('Div', ['latent_sample', constant([3], [])])]), constant([3], [])]);
  x = relu(conv(x, 4, channels, true));
  for (let stage = 0; stage < 3; stage++) {
    for (let b = 0; b < 3; b++) x = block(x);
    x = conv(up(x), channels, channels, false);
  }
  x = block(x);
  x = conv(x, channels, 3, true);
  // AutoencoderTiny: decoder output in [0, 1] → [-1, 1]
  nodes.push(node('Sub', [op('Mul', [x, constant([2], [])]), constant([1], [])], ['sample']));
  return encodeModel({
    name: 'taesd_decoder_random',
    inputs: [valueInfo('latent_sample', 'float32', ['batch', 4, 'latent_height', 'latent_width'])],
    outputs: [valueInfo('sample', 'float32', ['batch', 3, 'height', 'width'])],
    nodes,
    initializers: inits,
  }).model;
}
