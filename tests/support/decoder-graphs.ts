/**
 * VAE decoders with real layouts and random weights, written with onnx-proto, for the preview
 * decoder's tests and benchmark (issue 9):
 * - TAESD / TAESDXL (madebyollin/taesd, diffusers' DecoderTiny): tanh(x/3)·3 → conv 4→64 →
 *   ReLU → 3 × [3 blocks, ×2 upsample, conv] → block → conv 64→3, output ·2 − 1; exported the
 *   way optimum exports it (`latent_sample` → `sample`, scaling factor 1.0 in config.json).
 * - the conv work of SD's full VAE decoder (AutoencoderKL, block_out_channels 128/256/512/512,
 *   2 resnets in the mid block and 3 per up block, ×2 upsample between): GroupNorm, SiLU and
 *   the mid-block attention are left out (ReLU instead), so it times the convolutions that
 *   dominate the real one, not its exact cost.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type GraphSpec, type Initializer, encodeModel, initializer, node, valueInfo } from '../../models/generator/onnx-builder';

class Writer {
  readonly nodes: ReturnType<typeof node>[] = [];
  readonly inits: Initializer[] = [];
  private n = 0;
  private seed: number;
  constructor(seed: number) {
    this.seed = seed;
  }
  private random(): number {
    // mulberry32: reproducible weights
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  op(type: string, inputs: string[], attrs: Parameters<typeof node>[3] = {}, out?: string): string {
    const name = out ?? `${type.toLowerCase()}_${this.n++}`;
    this.nodes.push(node(type, inputs, [name], attrs));
    return name;
  }
  scalar(v: number): string {
    const name = `c${this.inits.length}`;
    this.inits.push(initializer(name, 'float32', [], [v]));
    return name;
  }
  conv(x: string, cin: number, cout: number, k: number, bias = true): string {
    const fanIn = cin * k * k;
    const w = Float32Array.from({ length: cout * fanIn }, () => (this.random() * 2 - 1) * Math.sqrt(3 / fanIn));
    const wName = `w${this.inits.length}`;
    this.inits.push({ ...initializer(wName, 'float32', [cout, cin, k, k], w), isWeight: true });
    const inputs = [x, wName];
    if (bias) {
      const bName = `b${this.inits.length}`;
      this.inits.push({ ...initializer(bName, 'float32', [cout], new Float32Array(cout)), isWeight: true });
      inputs.push(bName);
    }
    const pad = (k - 1) / 2;
    return this.op('Conv', inputs, { kernel_shape: [k, k], pads: [pad, pad, pad, pad] });
  }
  upsample(x: string): string {
    const scales = `s${this.inits.length}`;
    this.inits.push(initializer(scales, 'float32', [4], [1, 1, 2, 2]));
    return this.op('Resize', [x, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  }
}

function decoderGraph(name: string, w: Writer): GraphSpec {
  return {
    name,
    inputs: [valueInfo('latent_sample', 'float32', ['batch_size', 4, 'latent_height', 'latent_width'])],
    outputs: [valueInfo('sample', 'float32', ['batch_size', 3, 'height', 'width'])],
    nodes: w.nodes,
    initializers: w.inits,
  };
}

/** TAESD's decoder: the layout of madebyollin/taesd (DecoderTiny), random weights. */
export function taesdDecoderGraph(seed = 1): GraphSpec {
  const w = new Writer(seed);
  const block = (x: string): string => {
    let h = w.op('Relu', [w.conv(x, 64, 64, 3)]);
    h = w.op('Relu', [w.conv(h, 64, 64, 3)]);
    h = w.conv(h, 64, 64, 3);
    return w.op('Relu', [w.op('Add', [h, x])]);
  };
  let x = w.op('Mul', [w.op('Tanh', [w.op('Div', ['latent_sample', w.scalar(3)])]), w.scalar(3)]);
  x = w.op('Relu', [w.conv(x, 4, 64, 3)]);
  for (let stage = 0; stage < 3; stage++) {
    for (let b = 0; b < 3; b++) x = block(x);
    x = w.conv(w.upsample(x), 64, 64, 3, false);
  }
  x = w.conv(block(x), 64, 3, 3);
  w.op('Sub', [w.op('Mul', [x, w.scalar(2)]), w.scalar(1)], {}, 'sample');
  return decoderGraph('taesd_decoder', w);
}

/** The convolutions of SD's VAE decoder (see the file comment for what is left out). */
export function sdVaeDecoderConvGraph(seed = 2): GraphSpec {
  const w = new Writer(seed);
  const resnet = (x: string, cin: number, cout: number): string => {
    const h = w.conv(w.op('Relu', [w.conv(w.op('Relu', [x]), cin, cout, 3)]), cout, cout, 3);
    return w.op('Add', [h, cin === cout ? x : w.conv(x, cin, cout, 1)]);
  };
  let x = w.conv(w.conv('latent_sample', 4, 4, 1), 4, 512, 3); // post_quant_conv, conv_in
  x = resnet(resnet(x, 512, 512), 512, 512); // mid block (attention left out)
  const widths = [512, 512, 256, 128];
  let c = 512;
  widths.forEach((out, i) => {
    for (let r = 0; r < 3; r++) {
      x = resnet(x, c, out);
      c = out;
    }
    if (i < widths.length - 1) x = w.conv(w.upsample(x), c, c, 3);
  });
  w.op('Identity', [w.conv(w.op('Relu', [x]), c, 3, 3)], {}, 'sample');
  return decoderGraph('sd_vae_decoder_convs', w);
}

/** Writes a TAESD-style preview decoder folder (what a catalogue download installs). */
export function writeTaesdFolder(dir: string, options: { config?: Record<string, unknown>; seed?: number } = {}): string {
  fs.mkdirSync(path.join(dir, 'vae_decoder'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'vae_decoder', 'model.onnx'), encodeModel(taesdDecoderGraph(options.seed)).model);
  const config = options.config ?? {
    _class_name: 'AutoencoderTiny',
    decoder_block_out_channels: [64, 64, 64, 64],
    encoder_block_out_channels: [64, 64, 64, 64],
    latent_channels: 4,
    scaling_factor: 1.0,
    upsampling_scaling_factor: 2,
  };
  fs.writeFileSync(path.join(dir, 'vae_decoder', 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}
