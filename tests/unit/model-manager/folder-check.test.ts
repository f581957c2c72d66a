/**
 * The model list judges folders from their ONNX headers; these tests hold that reading to what
 * onnxruntime itself reports, on every variant a real export can take.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { buildPaletteColors, type PaletteColorsOptions } from '../../../models/generator/palette-colors';
import { readOnnxSignature } from '../../../main/model-manager/onnx-header';
import { readModelPrecision } from '../../../main/model-manager/precision';
import { quickValidateFolder } from '../../../main/model-manager/validate-folder';

const VARIANTS: Record<string, PaletteColorsOptions> = {
  default: {},
  'float16 + model.onnx_data + tiny decoder': { float16: true, externalData: 'model.onnx_data', tinyDecoder: true },
  'scalar float timestep + timestep_cond + latent_parameters + weights.pb': {
    timestepType: 'float32',
    scalarTimestep: true,
    timestepCondWidth: 256,
    latentParameters: true,
    externalData: 'weights.pb',
  },
};

let tmp: string;
beforeEach(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-check-'));
});
afterEach(async () => fsp.rm(tmp, { recursive: true, force: true }));

async function writeVariant(options: PaletteColorsOptions): Promise<string> {
  const dir = path.join(tmp, 'model');
  for (const [rel, bytes] of buildPaletteColors(options)) {
    await fsp.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fsp.writeFile(path.join(dir, rel), bytes);
  }
  return dir;
}

function ortInfos(meta: readonly ort.InferenceSession.ValueMetadata[]): Array<{ name: string; type: string; shape: Array<number | string> }> {
  return meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

test.each(Object.entries(VARIANTS))('headers read as onnxruntime sees them, and the folder passes: %s', async (_name, options) => {
  const dir = await writeVariant(options);
  const components = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder', 'vae_decoder_tiny'];
  for (const c of components) {
    const file = path.join(dir, c, 'model.onnx');
    if (c === 'vae_decoder_tiny' && !options.tinyDecoder) continue;
    const session = await ort.InferenceSession.create(file);
    try {
      const sig = await readOnnxSignature(file);
      expect({ file: c, ...sig }).toEqual({ file: c, inputs: ortInfos(session.inputMetadata), outputs: ortInfos(session.outputMetadata) });
    } finally {
      await session.release();
    }
  }
  expect(await quickValidateFolder(dir)).toEqual([]);
  expect(await readModelPrecision(dir)).toBe(options.float16 ? 'float16' : 'float32');
});

test('a UNet made for another text encoder is reported by component and name, with every other problem', async () => {
  const dir = await writeVariant({});
  // a UNet expecting SD 2's 1024-wide text embeddings
  const vi = (name: string, elemType: number, dims: Array<number | string>): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const F32 = onnx.TensorProto.DataType.FLOAT;
  const unet = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'unet',
      node: [{ opType: 'Identity', input: ['sample'], output: ['out_sample'], name: 'id' }],
      input: [vi('sample', F32, ['batch', 4, 64, 64]), vi('timestep', onnx.TensorProto.DataType.INT64, ['batch']), vi('encoder_hidden_states', F32, ['batch', 77, 1024])],
      output: [vi('out_sample', F32, ['batch', 4, 64, 64])],
    },
  }).finish();
  await fsp.writeFile(path.join(dir, 'unet', 'model.onnx'), unet);
  await fsp.rm(path.join(dir, 'tokenizer', 'merges.txt'));
  const problems = await quickValidateFolder(dir);
  expect(problems).toContain('tokenizer/merges.txt: missing or empty');
  expect(problems.some((p) => /^unet\/model\.onnx: input encoder_hidden_states has width 1024, text encoder gives \d+$/.test(p))).toBe(true);
});
