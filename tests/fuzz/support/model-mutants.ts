/**
 * Broken model folders generated from models/palette-colors: missing files, truncated or
 * corrupt ONNX, graph inputs and outputs with wrong dtypes or absurd dims, weights that lie
 * about their size, config and tokenizer JSON errors. Reproducible from the seed.
 */
import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

export interface ModelMutant {
  name: string;
  /** applied to a fresh copy of the folder */
  apply(dir: string): void;
}

const COMPONENTS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;
const JSON_FILES = [
  'model_index.json', 'text_encoder/config.json', 'unet/config.json', 'vae_decoder/config.json', 'vae_encoder/config.json',
  'scheduler/scheduler_config.json', 'tokenizer/tokenizer_config.json', 'tokenizer/vocab.json', 'tokenizer/special_tokens_map.json',
];

const file = (dir: string, rel: string) => path.join(dir, rel);
const onnxOf = (dir: string, c: string) => onnx.ModelProto.decode(fs.readFileSync(file(dir, `${c}/model.onnx`)));
const writeOnnx = (dir: string, c: string, m: onnx.IModelProto) => fs.writeFileSync(file(dir, `${c}/model.onnx`), onnx.ModelProto.encode(m).finish());

function editOnnx(c: string, edit: (m: onnx.ModelProto) => void): (dir: string) => void {
  return (dir) => {
    const m = onnxOf(dir, c);
    edit(m);
    writeOnnx(dir, c, m);
  };
}

function editJson(rel: string, edit: (j: Record<string, unknown>) => unknown): (dir: string) => void {
  return (dir) => {
    const j = JSON.parse(fs.readFileSync(file(dir, rel), 'utf8')) as Record<string, unknown>;
    const out = edit(j);
    fs.writeFileSync(file(dir, rel), JSON.stringify(out === undefined ? j : out));
  };
}

const DTYPES = [2, 3, 6, 7, 8, 9, 10, 11, 16, 0, 99]; // uint8 … bfloat16, undefined, out of range
const ABSURD_DIMS = [0, -1, -7, 2 ** 31 - 1, 2 ** 40, 2 ** 53, 1e6];

export function modelMutants(seed: number, count = 200): ModelMutant[] {
  const out: ModelMutant[] = [];
  const m = (name: string, apply: (dir: string) => void) => out.push({ name, apply });
  const sizes = Object.fromEntries(COMPONENTS.map((c) => [c, fs.statSync(path.join(PALETTE_COLORS_DIR, c, 'model.onnx')).size]));
  for (const c of COMPONENTS) {
    m(`${c}/model.onnx missing`, (d) => fs.rmSync(file(d, `${c}/model.onnx`)));
    m(`${c}/ folder missing`, (d) => fs.rmSync(file(d, c), { recursive: true }));
    m(`${c}/config.json missing`, (d) => fs.rmSync(file(d, `${c}/config.json`)));
    m(`${c}/model.onnx empty`, (d) => fs.writeFileSync(file(d, `${c}/model.onnx`), ''));
    m(`${c}/model.onnx is text`, (d) => fs.writeFileSync(file(d, `${c}/model.onnx`), 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n'));
    m(`${c}/model.onnx is a folder`, (d) => (fs.rmSync(file(d, `${c}/model.onnx`)), fs.mkdirSync(file(d, `${c}/model.onnx`))));
    m(`${c}/model.onnx swapped with another component`, (d) => fs.copyFileSync(file(d, `${COMPONENTS[(COMPONENTS.indexOf(c) + 1) % 4]}/model.onnx`), file(d, `${c}/model.onnx`)));
    for (const frac of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      m(`${c}/model.onnx truncated to ${frac}`, (d) => fs.truncateSync(file(d, `${c}/model.onnx`), Math.floor(sizes[c] * frac)));
    }
    m(`${c}/model.onnx 1 MB of zeros`, (d) => fs.writeFileSync(file(d, `${c}/model.onnx`), Buffer.alloc(1 << 20)));
    m(`${c} graph input dtype ${DTYPES.length} kinds`, editOnnx(c, (g) => g.graph!.input!.forEach((i, k) => (i.type!.tensorType!.elemType = DTYPES[k % DTYPES.length]))));
    m(`${c} graph output dtype int64`, editOnnx(c, (g) => g.graph!.output!.forEach((o) => (o.type!.tensorType!.elemType = 7))));
    m(`${c} graph input renamed`, editOnnx(c, (g) => (g.graph!.input![0].name = 'renamed_input')));
    m(`${c} graph has no outputs`, editOnnx(c, (g) => (g.graph!.output = [])));
    m(`${c} graph has no nodes`, editOnnx(c, (g) => (g.graph!.node = [])));
    m(`${c} unknown op`, editOnnx(c, (g) => (g.graph!.node![0].opType = 'NoSuchOp')));
    m(`${c} opset 99`, editOnnx(c, (g) => (g.opsetImport = [{ domain: '', version: 99 }])));
    m(`${c} IR version 99`, editOnnx(c, (g) => (g.irVersion = 99)));
    m(`${c} weights shorter than their dims`, editOnnx(c, (g) => {
      for (const t of g.graph!.initializer!) if (t.rawData && t.rawData.length > 4) t.rawData = t.rawData.subarray(0, t.rawData.length - 4);
    }));
    m(`${c} a weight declares 2^40 elements`, editOnnx(c, (g) => {
      const t = g.graph!.initializer!.find((i) => (i.dims?.length ?? 0) > 0);
      if (t) t.dims = [2 ** 20, 2 ** 20];
    }));
    m(`${c} a weight points to missing external data`, editOnnx(c, (g) => {
      const t = g.graph!.initializer![0];
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '4096' }];
    }));
    m(`${c} external data outside the folder`, editOnnx(c, (g) => {
      const t = g.graph!.initializer![0];
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [{ key: 'location', value: '../../../../../../etc/passwd' }];
    }));
  }
  for (const rel of JSON_FILES) {
    m(`${rel} missing`, (d) => fs.rmSync(file(d, rel)));
    m(`${rel} not JSON`, (d) => fs.writeFileSync(file(d, rel), '{"a": '));
    m(`${rel} empty`, (d) => fs.writeFileSync(file(d, rel), ''));
    m(`${rel} an array`, (d) => fs.writeFileSync(file(d, rel), '[1, 2]'));
    m(`${rel} null`, (d) => fs.writeFileSync(file(d, rel), 'null'));
    m(`${rel} 100 000 deep`, (d) => fs.writeFileSync(file(d, rel), `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
  }
  // declared dims in the configs: absurd and wrong-typed values
  const configKeys: Array<[string, string]> = [
    ['text_encoder/config.json', 'hidden_size'], ['text_encoder/config.json', 'max_position_embeddings'], ['text_encoder/config.json', 'vocab_size'],
    ['unet/config.json', 'sample_size'], ['unet/config.json', 'cross_attention_dim'], ['unet/config.json', 'time_cond_proj_dim'], ['unet/config.json', 'in_channels'],
    ['vae_decoder/config.json', 'scaling_factor'], ['vae_decoder/config.json', 'latent_channels'], ['vae_encoder/config.json', 'scaling_factor'],
    ['tokenizer/tokenizer_config.json', 'model_max_length'],
    ['scheduler/scheduler_config.json', 'num_train_timesteps'], ['scheduler/scheduler_config.json', 'beta_start'], ['scheduler/scheduler_config.json', 'beta_end'],
    ['scheduler/scheduler_config.json', 'beta_schedule'], ['scheduler/scheduler_config.json', 'prediction_type'], ['scheduler/scheduler_config.json', 'timestep_spacing'],
    ['scheduler/scheduler_config.json', 'original_inference_steps'], ['scheduler/scheduler_config.json', 'timestep_scaling'], ['scheduler/scheduler_config.json', 'trained_betas'],
  ];
  const values = fc.constantFrom<unknown>(0, -1, 2 ** 31, 1e308, -1e308, 2 ** 53 + 2, 0.5, 'big', '', null, true, [], {}, 'v_prediction', 'squaredcos_cap_v2', 'trailing', 1e-300);
  const drawn = fc.sample(fc.record({ key: fc.constantFrom(...configKeys), value: values }), { numRuns: Math.max(0, count - out.length - 12), seed });
  for (const { key: [rel, key], value } of drawn) m(`${rel} ${key} = ${JSON.stringify(value)}`, editJson(rel, (j) => void (j[key] = value)));
  // graph input dims: absurd sizes drawn for each component's inputs
  const dimDraws = fc.sample(fc.record({ c: fc.constantFrom(...COMPONENTS), dim: fc.constantFrom(...ABSURD_DIMS), at: fc.nat(3), input: fc.nat(3) }), { numRuns: 12, seed: seed + 1 });
  for (const { c, dim, at, input } of dimDraws) {
    m(`${c} input ${input} dim ${at} = ${dim}`, editOnnx(c, (g) => {
      const inputs = g.graph!.input!;
      const shape = inputs[input % inputs.length].type!.tensorType!.shape!;
      const dims = shape.dim!;
      if (dims.length === 0) dims.push({});
      dims[at % dims.length] = { dimValue: dim };
    }));
  }
  return out;
}

/** a fresh copy of palette-colors with the mutation applied */
export function mutatedFolder(mutant: ModelMutant, into: string): string {
  fs.rmSync(into, { recursive: true, force: true });
  fs.cpSync(PALETTE_COLORS_DIR, into, { recursive: true });
  mutant.apply(into);
  return into;
}
