/**
 * `palette models …` against a real HTTP server on 127.0.0.1 that serves palette-colors the
 * way the Hugging Face hub does: what lands on disk, what the list shows, and for every
 * failure one line naming the problem, exit code 2, nothing installed.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type MainOptions } from '../../../main/cli';
import { defaultDataDir, progressLine } from '../../../main/cli/models';
import { FakeHub, paletteRepoFiles } from '../model-manager/fake-hub';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REPO = 'palette/palette-colors-onnx';
const FP16_REPO = 'palette/palette-colors-fp16';
const GATED = 'palette/gated-model';
const TOKEN = 'hf_clitoken42';

let hub: FakeHub;
let endpoint: string;
let data: string;

async function run(argv: string[], options: MainOptions = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, options);
  return { code, out, err };
}

/** installed model folders (no staging area) */
async function installed(): Promise<string[]> {
  try {
    return (await fsp.readdir(path.join(data, 'models'))).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

function expectOneLineError(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const last = r.err.split(/[\r\n]/).filter((l) => l.trim() !== '').pop() ?? '';
  expect(last).toMatch(/^palette: /);
  expect(last).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
}

beforeAll(async () => {
  const files = await paletteRepoFiles(REPO_ROOT);
  hub = new FakeHub();
  hub.repos.set(REPO, { revisions: new Map([['main', files]]) });
  hub.repos.set(FP16_REPO, { revisions: new Map([['main', await paletteRepoFiles(REPO_ROOT, { float16: true })]]) });
  hub.repos.set(GATED, { revisions: new Map([['main', files]]), gatedToken: TOKEN });
  endpoint = await hub.start();
});
afterAll(async () => hub.stop());

beforeEach(async () => {
  data = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-cli-models-'));
  hub.faults = {};
  hub.seen.length = 0;
});
afterEach(async () => {
  await fsp.rm(data, { recursive: true, force: true });
});

test('download installs the model, prints a progress line, and list shows it ready with its precision', async () => {
  const r = await run(['models', 'download', FP16_REPO, '--endpoint', endpoint, '--data', data]);
  expect(r.err).not.toMatch(/^palette: /m);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/installed palette\/palette-colors-fp16@main as palette--palette-colors-fp16 in /);
  // the progress display: one line rewritten in place, ending at 100 %
  expect(r.err).toContain('\r');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(/100%/);
  expect(r.err).toMatch(/\d+(\.\d)? (B|KB|MB) \/ \d+(\.\d)? (KB|MB)/);
  expect(await installed()).toEqual(['palette--palette-colors-fp16']);
  const unet = await fsp.readFile(path.join(data, 'models', 'palette--palette-colors-fp16', 'unet', 'model.onnx'));
  expect(unet.length).toBeGreaterThan(0);

  const list = await run(['models', 'list', '--data', data]);
  expect(list.code).toBe(0);
  const rows = list.out.trim().split('\n');
  expect(rows[0]).toBe('id\tsource\tsize\tprecision\tstate');
  expect(rows[1]).toMatch(/^palette-colors\tbuiltin\t.+\tfloat32\tready$/);
  expect(rows[2]).toMatch(/^palette--palette-colors-fp16\tdownloaded\t\d.+\tfloat16\tready$/);

  const json = JSON.parse((await run(['models', 'list', '--data', data, '--json'])).out);
  expect(json.models.map((m: { id: string; complete: boolean }) => [m.id, m.complete])).toEqual([
    ['palette-colors', true],
    ['palette--palette-colors-fp16', true],
  ]);
});

test('remove deletes a download; the built-in model cannot be removed', async () => {
  expect((await run(['models', 'download', REPO, '--endpoint', endpoint, '--data', data])).code).toBe(0);
  const r = await run(['models', 'remove', 'palette--palette-colors-onnx', '--data', data]);
  expect(r).toMatchObject({ code: 0, out: 'removed palette--palette-colors-onnx\n' });
  expect(await installed()).toEqual([]);
  expectOneLineError(await run(['models', 'remove', 'palette-colors', '--data', data]), /built-in palette-colors model cannot be removed/);
  expectOneLineError(await run(['models', 'remove', 'nope', '--data', data]), /No installed model "nope"/);
});

test('add remembers a usable folder; a folder that cannot run is refused with its problems', async () => {
  expect((await run(['models', 'download', REPO, '--endpoint', endpoint, '--data', data])).code).toBe(0);
  // a copy outside the data folder, added by hand
  const elsewhere = path.join(data, 'elsewhere', 'my-model');
  await fsp.cp(path.join(data, 'models', 'palette--palette-colors-onnx'), elsewhere, { recursive: true });
  await fsp.rm(path.join(elsewhere, '.complete'));
  const r = await run(['models', 'add', elsewhere, '--data', data]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`^added local:${elsewhere.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.+, float32\\)\\n$`));
  expect((await run(['models', 'list', '--data', data])).out).toContain(`local:${elsewhere}\tuser\t`);

  const broken = path.join(data, 'elsewhere', 'broken');
  await fsp.cp(elsewhere, broken, { recursive: true });
  await fsp.rm(path.join(broken, 'unet'), { recursive: true });
  expectOneLineError(await run(['models', 'add', broken, '--data', data]), /is not a usable model folder: .*unet\/model\.onnx/);

  expect((await run(['models', 'remove', `local:${elsewhere}`, '--data', data])).out).toBe(`forgot local:${elsewhere}\n`);
  await expect(fsp.access(path.join(elsewhere, 'unet', 'model.onnx'))).resolves.toBeUndefined(); // forgotten, not deleted
});

test('a gated model: 401 asks for a token; a malformed token is refused; the right token downloads', async () => {
  const r = await run(['models', 'download', GATED, '--endpoint', endpoint, '--data', data]);
  expectOneLineError(r, /gated or private: log in \/ provide a Hugging Face access token with read permission/);
  expect(await installed()).toEqual([]);

  expectOneLineError(await run(['models', 'download', GATED, '--token', 'oops', '--endpoint', endpoint, '--data', data]), /tokens start with "hf_"/);

  const ok = await run(['models', 'download', GATED, '--token', TOKEN, '--endpoint', endpoint, '--data', data]);
  expect(ok.code).toBe(0);
  expect(await installed()).toEqual(['palette--gated-model']);
});

test('a corrupted file fails naming it; nothing is installed', async () => {
  hub.faults = { corruptFile: 'unet/model.onnx' };
  const r = await run(['models', 'download', REPO, '--endpoint', endpoint, '--data', data]);
  expectOneLineError(r, /unet\/model\.onnx/);
  expect(r.err).toMatch(/sha-?256|hash/i);
  expect(await installed()).toEqual([]);
});

test('404 repository and revision; a full disk is refused before any byte', async () => {
  expectOneLineError(await run(['models', 'download', 'palette/nope', '--endpoint', endpoint, '--data', data]), /palette\/nope .*not found/);
  expectOneLineError(
    await run(['models', 'download', REPO, '--revision', 'v9', '--endpoint', endpoint, '--data', data]),
    /Revision "v9" not found in Hugging Face repository palette\/palette-colors-onnx/,
  );
  const r = await run(['models', 'download', REPO, '--endpoint', endpoint, '--data', data], { models: { freeSpace: async () => 1000 } });
  expectOneLineError(r, /Not enough disk space in .*: palette\/palette-colors-onnx needs .* more, 1\.0 KB free/);
  expect(hub.bodyRequests('unet/model.onnx')).toHaveLength(0);
  expect(await installed()).toEqual([]);
});

test('usage errors are one line and exit 2', async () => {
  expectOneLineError(await run(['models', 'download', 'not-a-repo', '--data', data]), /owner\/name \(got 'not-a-repo'\)/);
  expectOneLineError(await run(['models', 'download', REPO, '--endpoint', 'ftp://x', '--data', data]), /--endpoint must be an http\(s\) URL/);
  expectOneLineError(await run(['models', 'frobnicate']), /unknown subcommand 'frobnicate'/);
  expectOneLineError(await run(['models', 'list', '--bogus']), /palette models list: .*--bogus/);
  expectOneLineError(await run(['models', 'add', '--data', data]), /give the model folder to add/);
  expect((await run(['models'])).code).toBe(2);
});

test('the data folder defaults to where the app keeps its own', () => {
  expect(defaultDataDir({ PALETTE_DATA_DIR: '/tmp/x' }, 'linux')).toBe('/tmp/x');
  expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(path.join('/cfg', 'Semantic Palette'));
  expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\a\\AppData\\Roaming', 'Semantic Palette'));
});

test('the progress line shows bytes, percent, speed and time left', () => {
  const line = progressLine('o/n', {
    state: 'downloading',
    file: 'unet/model.onnx',
    fileIndex: 2,
    fileCount: 12,
    bytesDone: 1_200_000,
    bytesTotal: 5_000_000,
    bytesPerSecond: 800_000,
    secondsLeft: 4.75,
  });
  expect(line).toBe('o/n downloading  3/12 unet/model.onnx  1.2 MB / 5.0 MB  24%  800.0 KB/s  5 s left');
});
