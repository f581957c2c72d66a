/**
 * The four ONNX graphs of palette-colors (ORACLE-MODEL.md). Float inputs may be float16; the
 * arithmetic always runs in float32 after a Cast, as fp16 exports of real models behave at
 * their boundaries.
 */
import { COLOUR_WORDS, NO_COLOUR, VAE_SCALING_FACTOR } from './colours';
import { BOS_TOKEN } from './clip-vocab';
import { type ElemType, type GraphSpec, type Initializer, initializer, node, valueInfo } from './onnx-builder';
import type { onnx } from 'onnx-proto';

export const EMBEDDING_WIDTH = 8;
export const MAX_TOKENS = 77;

class GraphWriter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: Initializer[] = [];
  private n = 0;
  op(type: string, inputs: readonly string[], attrs: Parameters<typeof node>[3] = {}): string {
    const out = `${type.toLowerCase()}_${this.n++}`;
    this.nodes.push(node(type, inputs, [out], attrs));
    return out;
  }
  /** Writes `op` into the named graph output. */
  opTo(output: string, type: string, inputs: readonly string[], attrs: Parameters<typeof node>[3] = {}): void {
    this.nodes.push(node(type, inputs, [output], attrs));
  }
  const(type: ElemType, dims: readonly number[], values: ArrayLike<number>): string {
    const name = `const_${this.inits.length}`;
    this.inits.push(initializer(name, type, dims, values));
    return name;
  }
  weight(name: string, type: ElemType, dims: readonly number[], values: ArrayLike<number>): string {
    this.inits.push({ ...initializer(name, type, dims, values), isWeight: true });
    return name;
  }
  i64(...values: number[]): string {
    return this.const('int64', [values.length], values);
  }
  f32(value: number): string {
    return this.const('float32', [], [value]);
  }
  slice(x: string, start: number, end: number, axis: number): string {
    return this.op('Slice', [x, this.i64(start), this.i64(end), this.i64(axis)]);
  }
  toFloat32(x: string, from: ElemType): string {
    return from === 'float32' ? x : this.op('Cast', [x], { to: 1 });
  }
  castTo(output: string, x: string, to: ElemType): void {
    this.opTo(output, 'Cast', [x], { to: to === 'float16' ? 10 : 1 });
  }
  graph(name: string, inputs: onnx.IValueInfoProto[], outputs: onnx.IValueInfoProto[]): GraphSpec {
    return { name, inputs, outputs, nodes: this.nodes, initializers: this.inits };
  }
}

/**
 * Text encoder. Embedding rows are [r, g, b, isColour, endsWord, 0, 0, 0] (r,g,b in 0..1). A
 * colour token counts only when the token before it ends a word, so "bored" (b o red</w>)
 * is not red. The prompt colour (mean of counted colours, gray without any) fills every row
 * of `last_hidden_state` as [r, g, b, 0, …]; a lerp of two embeddings is then exactly the
 * lerp of their colours.
 */
export function textEncoderGraph(vocab: ReadonlyMap<string, number>, floatType: ElemType): GraphSpec {
  const g = new GraphWriter();
  const table = new Float32Array(vocab.size * EMBEDDING_WIDTH);
  for (const [token, id] of vocab) {
    const row = id * EMBEDDING_WIDTH;
    if (token.endsWith('</w>')) {
      const rgb = COLOUR_WORDS[token.slice(0, -4)];
      if (rgb && Object.hasOwn(COLOUR_WORDS, token.slice(0, -4))) {
        table.set([rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, 1], row);
      }
      table[row + 4] = 1;
    }
    if (token === BOS_TOKEN) table[row + 4] = 1;
  }
  const weights = g.weight('token_embedding', floatType, [vocab.size, EMBEDDING_WIDTH], table);
  const emb = g.toFloat32(g.op('Gather', [weights, 'input_ids'], { axis: 0 }), floatType);
  const rgb = g.slice(emb, 0, 3, 2);
  const isColour = g.slice(emb, 3, 4, 2);
  const endsWord = g.slice(emb, 4, 5, 2);
  const prevEnds = g.op('Pad', [g.slice(endsWord, 0, MAX_TOKENS - 1, 1), g.i64(0, 1, 0, 0, 0, 0), g.f32(0)]);
  const counted = g.op('Mul', [isColour, prevEnds]);
  const sum = g.op('ReduceSum', [g.op('Mul', [rgb, counted]), g.i64(1)], { keepdims: 1 });
  const count = g.op('ReduceSum', [counted, g.i64(1)], { keepdims: 1 });
  const mean = g.op('Div', [sum, g.op('Max', [count, g.f32(1)])]);
  const gray = g.const('float32', [3], NO_COLOUR.map((c) => c / 255));
  const colour = g.op('Where', [g.op('Greater', [count, g.f32(0)]), mean, gray]);
  const row = g.op('Pad', [colour, g.i64(0, 0, 0, 0, 0, EMBEDDING_WIDTH - 3), g.f32(0)]);
  const zeros = g.op('Mul', [emb, g.f32(0)]);
  const last = g.op('Add', [row, zeros]);
  const pooled = g.op('Reshape', [row, g.i64(-1, EMBEDDING_WIDTH)]);
  if (floatType === 'float32') {
    g.opTo('last_hidden_state', 'Identity', [last]);
    g.opTo('pooler_output', 'Identity', [pooled]);
  } else {
    g.castTo('last_hidden_state', last, floatType);
    g.castTo('pooler_output', pooled, floatType);
  }
  return g.graph(
    'palette_colors_text_encoder',
    [valueInfo('input_ids', 'int32', ['batch', MAX_TOKENS])],
    [
      valueInfo('last_hidden_state', floatType, ['batch', MAX_TOKENS, EMBEDDING_WIDTH]),
      valueInfo('pooler_output', floatType, ['batch', EMBEDDING_WIDTH]),
    ],
  );
}

export interface UNetOptions {
  readonly floatType: ElemType;
  readonly timestepType: ElemType;
  readonly scalarTimestep: boolean;
  /** a scalar timestep broadcast over the batch as optimum ≥ 1.24 exports do: Unsqueeze(axes=[0]) → Cast → Expand */
  readonly optimumTimestep?: boolean;
  readonly timestepCondWidth: number;
  /** benchmark only: a stack of 3×3 convolutions over the sample, weighted ~0, so the model costs what a real one might */
  readonly workload?: { readonly layers: number; readonly channels: number };
}

/** Deterministic small weights for the benchmark convolutions. */
function benchWeights(n: number, seed: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.05 * Math.sin(seed * 12.9898 + i * 78.233);
  return w;
}

/** Conv 3×3 stack 4 → C → … → C → 4 with ReLUs: busy work the result barely depends on. */
function convWorkload(g: GraphWriter, x: string, layers: number, channels: number): string {
  let h = x;
  let inC = 4;
  for (let l = 0; l < layers; l++) {
    const outC = l === layers - 1 ? 4 : channels;
    const w = g.weight(`bench_conv${l}_w`, 'float32', [outC, inC, 3, 3], benchWeights(outC * inC * 9, l + 1));
    h = g.op('Conv', [h, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    if (l < layers - 1) h = g.op('Relu', [h]);
    inC = outC;
  }
  return g.op('Mul', [h, g.f32(1e-6)]);
}

/** UNet: the exact ε of the prompt colour's latent z* = s·(2c − 1, 0) at timestep t. */
export function unetGraph(alphasCumprod: Float64Array, o: UNetOptions): GraphSpec {
  const g = new GraphWriter();
  const ac = g.toFloat32(g.weight('alphas_cumprod', o.floatType, [alphasCumprod.length], alphasCumprod), o.floatType);
  const x = g.toFloat32('sample', o.floatType);
  const e = g.toFloat32('encoder_hidden_states', o.floatType);
  let t: string;
  if (o.optimumTimestep) {
    const batch = g.op('Slice', [g.op('Shape', ['sample']), g.i64(0), g.i64(1), g.i64(0)]);
    t = g.op('Expand', [g.op('Cast', [g.op('Unsqueeze', ['timestep', g.i64(0)])], { to: 7 }), batch]);
  } else {
    t = o.timestepType === 'int64' ? 'timestep' : g.op('Cast', ['timestep'], { to: 7 });
  }
  const acT = g.op('Reshape', [g.op('Gather', [ac, t], { axis: 0 }), g.i64(-1, 1, 1, 1)]);
  const sqrtAc = g.op('Sqrt', [acT]);
  const sqrtOneMinusAc = g.op('Sqrt', [g.op('Sub', [g.f32(1), acT])]);
  const colour = g.op('ReduceMean', [g.slice(e, 0, 3, 2)], { axes: [1], keepdims: 0 });
  const z3 = g.op('Mul', [g.op('Sub', [g.op('Mul', [colour, g.f32(2)]), g.f32(1)]), g.f32(VAE_SCALING_FACTOR)]);
  const z = g.op('Reshape', [g.op('Pad', [z3, g.i64(0, 0, 0, 1), g.f32(0)]), g.i64(-1, 4, 1, 1)]);
  let eps = g.op('Div', [g.op('Sub', [x, g.op('Mul', [sqrtAc, z])]), sqrtOneMinusAc]);
  if (o.workload) eps = g.op('Add', [eps, convWorkload(g, x, o.workload.layers, o.workload.channels)]);
  if (o.floatType === 'float32') g.opTo('out_sample', 'Identity', [eps]);
  else g.castTo('out_sample', eps, o.floatType);
  const inputs = [
    valueInfo('sample', o.floatType, ['batch', 4, 'height', 'width']),
    valueInfo('timestep', o.timestepType, o.scalarTimestep || o.optimumTimestep ? [] : ['batch']),
    valueInfo('encoder_hidden_states', o.floatType, ['batch', 'sequence', EMBEDDING_WIDTH]),
  ];
  if (o.timestepCondWidth > 0) inputs.push(valueInfo('timestep_cond', o.floatType, ['batch', o.timestepCondWidth]));
  return g.graph('palette_colors_unet', inputs, [valueInfo('out_sample', o.floatType, ['batch', 4, 'height', 'width'])]);
}

/** VAE encoder: 8×8 block means of r, g, b, and a zero 4th channel (4 more zeros as logvar). */
export function vaeEncoderGraph(floatType: ElemType, latentParameters: boolean, ratio = 8): GraphSpec {
  const g = new GraphWriter();
  const x = g.toFloat32('sample', floatType);
  const means = g.op('AveragePool', [x], { kernel_shape: [ratio, ratio], strides: [ratio, ratio] });
  const channels = latentParameters ? 8 : 4;
  const latent = g.op('Pad', [means, g.i64(0, 0, 0, 0, 0, channels - 3, 0, 0), g.f32(0)]);
  const output = latentParameters ? 'latent_parameters' : 'latent_sample';
  if (floatType === 'float32') g.opTo(output, 'Identity', [latent]);
  else g.castTo(output, latent, floatType);
  return g.graph(
    'palette_colors_vae_encoder',
    [valueInfo('sample', floatType, ['batch', 3, 'height', 'width'])],
    [valueInfo(output, floatType, ['batch', channels, 'height_latent', 'width_latent'])],
  );
}

/**
 * VAE decoder: the encoder's inverse, upsampled ×8 by repetition. `inputScale` multiplies the
 * latent first: 1/0.18215 makes a TAESD-style decoder that takes scaled latents.
 */
export function vaeDecoderGraph(floatType: ElemType, inputScale = 1, ratio = 8): GraphSpec {
  const g = new GraphWriter();
  let z = g.slice(g.toFloat32('latent_sample', floatType), 0, 3, 1);
  if (inputScale !== 1) z = g.op('Mul', [z, g.f32(inputScale)]);
  const image = g.op('Resize', [z, '', g.const('float32', [4], [1, 1, ratio, ratio])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  if (floatType === 'float32') g.opTo('sample', 'Identity', [image]);
  else g.castTo('sample', image, floatType);
  return g.graph(
    inputScale === 1 ? 'palette_colors_vae_decoder' : 'palette_colors_tiny_decoder',
    [valueInfo('latent_sample', floatType, ['batch', 4, 'height_latent', 'width_latent'])],
    [valueInfo('sample', floatType, ['batch', 3, 'height', 'width'])],
  );
}
