import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultModelDir, inspectModel, loadModelFolder } from '../../../main/engine/models';
import { PaletteError } from '../../../shared/errors';
import { buildPaletteColors } from '../../../models/generator/palette-colors';
import { writeModelFolder } from '../../../models/generator/generate';
import { encodeModel, node, valueInfo } from '../../../models/generator/onnx-builder';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';
import { loadFolderError } from '../../support/model-errors';
import { unpackedPath } from '../../../main/engine/models/default-model';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function copyOfDefault(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-broken-'));
  temps.push(dir);
  writeModelFolder(buildPaletteColors(), dir);
  return dir;
}

/** A UNet that passes `sample` through, with a chosen conditioning width and extra inputs. */
function fakeUNet(width: number, extraInputs: string[] = []): Uint8Array {
  return encodeModel({
    name: 'fake_unet',
    inputs: [
      valueInfo('sample', 'float32', ['batch', 4, 'h', 'w']),
      valueInfo('timestep', 'int64', ['batch']),
      valueInfo('encoder_hidden_states', 'float32', ['batch', 77, width]),
      ...extraInputs.map((n) => valueInfo(n, 'float32', ['batch', 6])),
    ],
    outputs: [valueInfo('out_sample', 'float32', ['batch', 4, 'h', 'w'])],
    nodes: [node('Identity', ['sample'], ['out_sample'])],
    initializers: [],
  }).model;
}

const loadError = (dir: string): Promise<PaletteError> => loadFolderError(dir, 'the broken folder');

describe('model folder validation', () => {
  test('reports every problem of a broken folder at once, by component and name', async () => {
    const dir = copyOfDefault();
    fs.writeFileSync(path.join(dir, 'unet/model.onnx'), fakeUNet(16, ['added_cond']));
    fs.rmSync(path.join(dir, 'vae_decoder/model.onnx'));
    fs.writeFileSync(path.join(dir, 'vae_encoder/model.onnx'), 'not an onnx file');
    fs.rmSync(path.join(dir, 'tokenizer/merges.txt'));
    const error = await loadError(dir);
    expect(error.code).toBe('E_MODEL_INVALID');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('(5 problems)');
    expect(error.message).toContain('unet/model.onnx: input encoder_hidden_states has width 16, text encoder gives 8');
    expect(error.message).toContain('unet/model.onnx: input added_cond is not one the engine can feed');
    expect(error.message).toContain('vae_decoder/model.onnx: file is missing');
    expect(error.message).toMatch(/vae_encoder\/model\.onnx: cannot be loaded by any execution provider \(cpu: .+\)/);
    expect(error.message).toContain('tokenizer/: merges.txt is missing');
  });

  test('a folder that is not there, or not a model, is E_MODEL_NOT_FOUND', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-palette-model');
    await expect(loadModelFolder(missing)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND', message: `model folder not found: ${missing}` });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-empty-'));
    temps.push(empty);
    await expect(loadModelFolder(empty)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });

  test('a missing UNet and a corrupt scheduler config are named', async () => {
    const dir = copyOfDefault();
    fs.rmSync(path.join(dir, 'unet/model.onnx'));
    fs.writeFileSync(path.join(dir, 'scheduler/scheduler_config.json'), '{ "beta_start": ');
    const error = await loadError(dir);
    expect(error.message).toContain('unet/model.onnx: file is missing');
    expect(error.message).toContain('scheduler/scheduler_config.json: cannot be read');
    expect(error.message).toContain('(2 problems)');
  });
});

describe('inspectModel', () => {
  test('describes the shipped model as JSON', async () => {
    expect(defaultModelDir()).toBe(PALETTE_COLORS_DIR);
    const info = await inspectModel(PALETTE_COLORS_DIR, { providers: ['cpu'] });
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(info).toMatchObject({
      streamBatchable: true,
      timestepType: 'int64',
      embeddingWidth: 8,
      scalingFactor: 0.18215,
      nativeSize: { latent: 64, pixels: 512 },
      precision: 'float32',
      previewDecoder: false,
    });
    expect(info.components.unet?.provider).toBe('cpu');
    expect(info.components.unet?.inputs).toEqual([
      { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: ['batch'] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'sequence', 8] },
    ]);
    expect(info.components.text_encoder?.outputs.map((o) => o.name)).toEqual(['last_hidden_state', 'pooler_output']);
  });
});

describe('packaged app paths', () => {
  test('files inside app.asar map to app.asar.unpacked (native code and workers read real files)', () => {
    expect(unpackedPath('/opt/Semantic Palette/resources/app.asar/models/palette-colors')).toBe('/opt/Semantic Palette/resources/app.asar.unpacked/models/palette-colors');
    expect(unpackedPath('C:\\Program Files\\SP\\resources\\app.asar\\dist\\main\\engine\\worker')).toBe('C:\\Program Files\\SP\\resources\\app.asar.unpacked\\dist\\main\\engine\\worker');
    expect(unpackedPath('/home/me/app.asarx/models')).toBe('/home/me/app.asarx/models');
    expect(unpackedPath('/work/main/models/palette-colors')).toBe('/work/main/models/palette-colors');
  });
});
