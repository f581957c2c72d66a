/**
 * `palette models available`: the recommended models per family (issue 9), and a catalogue id
 * as the argument of `models download` (a preview decoder fetches only its vae_decoder/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../main/cli';
import { CATALOGUE, CATALOGUE_FAMILIES } from '../../../main/model-manager/catalogue';
import { FakeHub } from '../model-manager/fake-hub';
import { writeTaesdFolder } from '../../support/decoder-graphs';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test('lists every family, each entry with repository, size, precision, licence and settings', async () => {
  const r = await run('models', 'available');
  expect(r.code).toBe(0);
  expect(r.out.indexOf('Stable Diffusion 1.5')).toBeLessThan(r.out.indexOf('Stable Diffusion 2.x'));
  expect(r.out.indexOf('Stable Diffusion 2.x')).toBeLessThan(r.out.indexOf('Stable Diffusion XL'));
  for (const e of CATALOGUE) expect(r.out).toContain(`  ${e.id}\t${e.name}`);
  expect(r.out).toContain('stabilityai/sdxl-turbo\t~14.0 GB\tfloat32');
  expect(r.out).toContain('licence: sai-nc-community');
  expect(r.out).toContain('unverified: any ONNX export');
  const json = JSON.parse((await run('models', 'available', '--family', 'sdxl', '--json')).out) as { models: { family: string }[] };
  expect(new Set(json.models.map((m) => m.family))).toEqual(new Set(['sdxl']));
  expect(CATALOGUE_FAMILIES.every((f) => CATALOGUE.some((e) => e.family === f && e.kind === 'pipeline'))).toBe(true);
});

test('bad input is one line naming the problem', async () => {
  const bad = await run('models', 'available', '--family', 'sd3');
  expect(bad.code).toBe(2);
  expect(bad.err).toBe("palette: --family must be one of sd15, sd2, sdxl (got 'sd3')\n");
  const none = await run('models', 'download', 'lcm-lora-sdxl');
  expect(none.code).toBe(2);
  expect(none.err).toMatch(/^palette: palette models download: lcm-lora-sdxl has no ONNX export to download/);
});

test('a catalogue id downloads its repository; a preview decoder fetches only vae_decoder/', async () => {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-cli-taesd-'));
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-cli-data-'));
  temps.push(src, data);
  writeTaesdFolder(src);
  const hub = new FakeHub();
  hub.repos.set('deinferno/taesd-onnx', {
    revisions: new Map([['main', new Map([
      ['vae_decoder/model.onnx', fs.readFileSync(path.join(src, 'vae_decoder', 'model.onnx'))],
      ['vae_decoder/config.json', fs.readFileSync(path.join(src, 'vae_decoder', 'config.json'))],
      ['vae_encoder/model.onnx', Buffer.alloc(500, 3)],
    ])]]),
  });
  const endpoint = await hub.start();
  try {
    const r = await run('models', 'download', 'taesd', '--endpoint', endpoint, '--data', data);
    expect(r.code).toBe(0);
    const dir = path.join(data, 'models', 'deinferno--taesd-onnx');
    expect(fs.existsSync(path.join(dir, 'vae_decoder', 'model.onnx'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'vae_encoder'))).toBe(false);
    const list = JSON.parse((await run('models', 'list', '--data', data, '--json')).out) as { models: { id: string; kind: string; previewFamily?: string; complete: boolean }[] };
    expect(list.models.find((m) => m.id === 'deinferno--taesd-onnx')).toMatchObject({ kind: 'preview-decoder', previewFamily: 'sd', complete: true });
  } finally {
    await hub.stop();
  }
});
