import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PaletteError } from '../../../shared/errors';
import { ModelRegistry } from '../../../main/model-manager/registry';
import { FakeHub, paletteRepoFiles } from './fake-hub';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REPO = 'palette/palette-colors-onnx';
const FP16_REPO = 'palette/palette-colors-fp16';

let hub: FakeHub;
let endpoint: string;
let files: Map<string, Buffer>;
let tmp: string;
let builtinDir: string;

async function writeFolder(dir: string, content: Map<string, Buffer>): Promise<void> {
  for (const [rel, bytes] of content) {
    await fsp.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fsp.writeFile(path.join(dir, rel), bytes);
  }
}

async function paletteError(promise: Promise<unknown>): Promise<PaletteError> {
  const e = await promise.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(PaletteError);
  return e as PaletteError;
}

beforeAll(async () => {
  files = await paletteRepoFiles(REPO_ROOT);
  hub = new FakeHub();
  hub.repos.set(REPO, { revisions: new Map([['main', files]]) });
  hub.repos.set(FP16_REPO, {
    revisions: new Map([['main', await paletteRepoFiles(REPO_ROOT, { float16: true, externalData: 'model.onnx_data', tinyDecoder: true })]]),
  });
  endpoint = await hub.start();
});
afterAll(async () => hub.stop());

beforeEach(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-registry-'));
  // the repository's model when generated, else the stand-in files
  builtinDir = path.join(REPO_ROOT, 'models', 'palette-colors');
  try {
    await fsp.access(path.join(builtinDir, 'unet', 'model.onnx'));
  } catch {
    builtinDir = path.join(tmp, 'builtin');
    await writeFolder(builtinDir, files);
  }
});
afterEach(async () => fsp.rm(tmp, { recursive: true, force: true }));

test('with nothing installed, the built-in palette-colors model is listed and usable', async () => {
  const registry = new ModelRegistry({ dataDir: path.join(tmp, 'data'), builtinDir });
  const models = await registry.list();
  expect(models).toHaveLength(1);
  expect(models[0]).toMatchObject({ id: 'palette-colors', source: 'builtin', complete: true, path: builtinDir, problems: [] });
  expect(models[0].sizeBytes).toBeGreaterThan(0);
  await expect(registry.remove('palette-colors')).rejects.toThrow(/built-in/);
});

test('a downloaded model is listed with its repository, size and precision; removing deletes it', async () => {
  const registry = new ModelRegistry({ dataDir: path.join(tmp, 'data'), builtinDir });
  const manifest = await registry.download({ repo: REPO, endpoint, retryDelayMs: 10 }).done;
  const models = await registry.list();
  expect(models.map((m) => m.id)).toEqual(['palette-colors', 'palette--palette-colors-onnx']);
  const model = models[1];
  expect(model).toMatchObject({ name: REPO, source: 'downloaded', repo: REPO, revision: 'main', complete: true });
  const payload = manifest.files.reduce((s, f) => s + f.size, 0);
  const manifestBytes = (await fsp.stat(path.join(model.path, '.complete'))).size;
  expect(model.sizeBytes).toBe(payload + manifestBytes);
  // precision comes from the UNet's sample input: the same for the built-in copy and the download
  expect(model.precision).toBe(models[0].precision);

  await registry.remove(model.id);
  await expect(fsp.access(model.path)).rejects.toThrow();
  expect((await registry.list()).map((m) => m.id)).toEqual(['palette-colors']);
});

test('a damaged download is listed as incomplete, naming the file, and not offered', async () => {
  const registry = new ModelRegistry({ dataDir: path.join(tmp, 'data'), builtinDir });
  await registry.download({ repo: REPO, endpoint, retryDelayMs: 10 }).done;
  const dir = path.join(registry.modelsDir, 'palette--palette-colors-onnx');
  await fsp.truncate(path.join(dir, 'unet', 'model.onnx'), 10);
  const model = await registry.get('palette--palette-colors-onnx');
  expect(model?.complete).toBe(false);
  expect(model?.problems.join('\n')).toContain('unet/model.onnx');
  expect((await registry.usable()).map((m) => m.id)).toEqual(['palette-colors']);
});

test('a paused download (staging folder) is not a model but is reported as resumable', async () => {
  const registry = new ModelRegistry({ dataDir: path.join(tmp, 'data'), builtinDir });
  await writeFolder(path.join(registry.modelsDir, '.staging', 'palette--half'), new Map([['unet/model.onnx.part', Buffer.alloc(100)]]));
  expect((await registry.list()).map((m) => m.id)).toEqual(['palette-colors']);
  expect(await registry.partialDownloads()).toEqual(['palette--half']);
});

test('adding a local folder: every problem at once when it cannot run; remembered when it can; removing only forgets it', async () => {
  const dataDir = path.join(tmp, 'data');
  const registry = new ModelRegistry({ dataDir, builtinDir });
  const broken = path.join(tmp, 'broken');
  await writeFolder(broken, new Map([['model_index.json', Buffer.from('{}')]]));
  const err = await paletteError(registry.addFolder(broken));
  expect(err.code).toBe('E_MODEL_FOLDER');
  expect(err.message).toContain('unet/model.onnx');
  expect(err.message).toContain('text_encoder/model.onnx');
  expect(err.message).toContain('tokenizer/vocab.json');
  expect((await paletteError(registry.addFolder(path.join(tmp, 'nowhere')))).message).toMatch(/not a folder/);

  const mine = path.join(tmp, 'my-model');
  await writeFolder(mine, files);
  const added = await registry.addFolder(mine);
  expect(added).toMatchObject({ id: `local:${mine}`, source: 'user', name: 'my-model', complete: true });
  // persisted: a new registry on the same data folder sees it
  const again = new ModelRegistry({ dataDir, builtinDir });
  expect((await again.list()).map((m) => m.id)).toEqual(['palette-colors', `local:${mine}`]);
  // adding twice lists it once
  await again.addFolder(mine);
  expect((await again.list()).length).toBe(2);

  await again.remove(`local:${mine}`);
  expect((await again.list()).map((m) => m.id)).toEqual(['palette-colors']);
  await expect(fsp.access(path.join(mine, 'unet', 'model.onnx'))).resolves.toBeUndefined();
});

test('a user folder that disappeared is listed as incomplete; an injected validator decides completeness', async () => {
  const dataDir = path.join(tmp, 'data');
  const mine = path.join(tmp, 'gone');
  await writeFolder(mine, files);
  const strict = new ModelRegistry({
    dataDir,
    builtinDir,
    validateFolder: async (dir) => (dir === mine ? ['unet/model.onnx: input encoder_hidden_states has width 1024, text encoder gives 768'] : []),
  });
  await expect(strict.addFolder(mine)).rejects.toThrow(/width 1024/);

  const registry = new ModelRegistry({ dataDir, builtinDir });
  await registry.addFolder(mine);
  await fsp.rm(mine, { recursive: true });
  const model = await registry.get(`local:${mine}`);
  expect(model?.complete).toBe(false);
  expect(model?.problems[0]).toMatch(/folder not found/);
  await expect(registry.remove('nope')).rejects.toThrow(/No installed model "nope"/);
});

test('an fp16 export with external weights and a tiny decoder downloads whole and lists as float16', async () => {
  const registry = new ModelRegistry({ dataDir: path.join(tmp, 'data'), builtinDir });
  const manifest = await registry.download({ repo: FP16_REPO, endpoint, retryDelayMs: 10 }).done;
  const paths = manifest.files.map((f) => f.path);
  expect(paths).toEqual(expect.arrayContaining(['unet/model.onnx_data', 'vae_decoder_tiny/model.onnx', 'text_encoder/model.onnx_data']));
  expect(paths.some((p) => p.endsWith('.safetensors') || p.startsWith('safety_checker/'))).toBe(false);
  const model = await registry.get('palette--palette-colors-fp16');
  expect(model).toMatchObject({ precision: 'float16', complete: true, problems: [] });
});
