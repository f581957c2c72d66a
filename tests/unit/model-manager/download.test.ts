import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PaletteError } from '../../../shared/errors';
import { downloadModel, type DownloadOptions, type DownloadProgress } from '../../../main/model-manager/downloader';
import { SpeedMeter } from '../../../main/model-manager/speed';
import { FakeHub, paletteRepoFiles } from './fake-hub';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const REPO = 'palette/palette-colors-onnx';
const GATED = 'palette/gated-model';
const TOKEN = 'hf_testtoken123';

let hub: FakeHub;
let endpoint: string;
let files: Map<string, Buffer>;
let modelsDir: string;

/** the files a download must fetch: everything but the README, PyTorch weights, safety checker */
function expectedPaths(): string[] {
  return [...files.keys()]
    .filter((p) => p !== 'README.md' && !p.endsWith('.safetensors') && !p.startsWith('safety_checker/'))
    .sort();
}

function largestFile(): string {
  return expectedPaths().reduce((a, b) => (files.get(a)!.length >= files.get(b)!.length ? a : b));
}

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listTree(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

function options(extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { repo: REPO, endpoint, modelsDir, retryDelayMs: 10, progressIntervalMs: 0, ...extra };
}

async function expectPaletteError(promise: Promise<unknown>, code: string): Promise<PaletteError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PaletteError);
  expect((e as PaletteError).code).toBe(code);
  return e as PaletteError;
}

/** installed model folders (not the staging area) */
async function installed(): Promise<string[]> {
  return (await fsp.readdir(modelsDir)).filter((n) => !n.startsWith('.'));
}

beforeAll(async () => {
  files = await paletteRepoFiles(REPO_ROOT);
  hub = new FakeHub();
  hub.repos.set(REPO, { revisions: new Map([['main', files], ['v1', files]]) });
  hub.repos.set(GATED, { revisions: new Map([['main', files]]), gatedToken: TOKEN });
  endpoint = await hub.start();
});

afterAll(async () => {
  await hub.stop();
});

beforeEach(async () => {
  modelsDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-models-'));
  hub.faults = {};
  hub.seen.length = 0;
});

afterEach(async () => {
  await fsp.rm(modelsDir, { recursive: true, force: true });
});

test('downloads the SD 1.5 ONNX files, byte for byte, and installs them with a manifest', async () => {
  const events: DownloadProgress[] = [];
  const task = downloadModel(options({ onProgress: (p) => events.push(p) }));
  const manifest = await task.done;

  expect(await installed()).toEqual(['palette--palette-colors-onnx']);
  const dir = path.join(modelsDir, 'palette--palette-colors-onnx');
  const onDisk = (await listTree(dir)).filter((p) => p !== '.complete').sort();
  expect(onDisk).toEqual(expectedPaths());
  for (const p of onDisk) expect((await fsp.readFile(path.join(dir, p))).equals(files.get(p)!)).toBe(true);
  expect(manifest.files.map((f) => f.path).sort()).toEqual(expectedPaths());
  expect(JSON.parse(await fsp.readFile(path.join(dir, '.complete'), 'utf8')).repo).toBe(REPO);
  // Skipped files were never requested.
  expect(hub.seen.some((r) => r.url.includes('safetensors') || r.url.includes('README'))).toBe(false);
  // The staging area is gone.
  expect(await fsp.readdir(path.join(modelsDir, '.staging'))).toEqual([]);

  const total = expectedPaths().reduce((s, p) => s + files.get(p)!.length, 0);
  const last = events[events.length - 1];
  expect(last.state).toBe('done');
  expect(last.bytesDone).toBe(total);
  expect(last.bytesTotal).toBe(total);
  const downloading = events.filter((e) => e.state === 'downloading');
  expect(downloading.length).toBeGreaterThan(0);
  // bytes only ever grow
  for (let i = 1; i < events.length; i++) expect(events[i].bytesDone).toBeGreaterThanOrEqual(events[i - 1].bytesDone);
});

test('a revision other than main lands in its own folder', async () => {
  await downloadModel(options({ revision: 'v1' })).done;
  expect(await installed()).toEqual(['palette--palette-colors-onnx@v1']);
});

test('resumes with a Range request after the connection drops mid-file', async () => {
  const big = largestFile();
  hub.faults = { dropFile: big, dropPlan: [0.5] };
  await downloadModel(options()).done;

  const dir = path.join(modelsDir, 'palette--palette-colors-onnx');
  expect((await fsp.readFile(path.join(dir, big))).equals(files.get(big)!)).toBe(true);
  const requests = hub.bodyRequests(big);
  expect(requests.length).toBe(2);
  expect(requests[0].range).toBeUndefined();
  const resumedAt = Number(/^bytes=(\d+)-/.exec(requests[1].range ?? '')?.[1]);
  expect(resumedAt).toBeGreaterThan(0);
  expect(resumedAt).toBeLessThan(files.get(big)!.length);
});

test('a download that keeps failing stays resumable: the next attempt continues from the .part', async () => {
  const big = largestFile();
  // half the file, then an attempt that brings nothing: with one retry allowed, it gives up
  hub.faults = { dropFile: big, dropPlan: [0.5, 0] };
  const err = await expectPaletteError(downloadModel(options({ retries: 1 })).done, 'E_DOWNLOAD_NETWORK');
  expect(err.message).toMatch(/resumed/);
  expect(await installed()).toEqual([]);

  hub.seen.length = 0;
  await downloadModel(options()).done;
  const requests = hub.bodyRequests(big);
  expect(requests.length).toBe(1);
  expect(requests[0].range).toMatch(/^bytes=[1-9]\d*-/);
  const dir = path.join(modelsDir, 'palette--palette-colors-onnx');
  expect((await fsp.readFile(path.join(dir, big))).equals(files.get(big)!)).toBe(true);
});

test('corrupted bytes: the error names the file and nothing is installed', async () => {
  const big = largestFile();
  hub.faults = { corruptFile: big };
  const err = await expectPaletteError(downloadModel(options()).done, 'E_DOWNLOAD_HASH');
  expect(err.message).toContain(big);
  expect(err.message).toMatch(/SHA-256/);
  expect(await installed()).toEqual([]);
  // the bad bytes are not kept for a later resume
  const staging = path.join(modelsDir, '.staging', 'palette--palette-colors-onnx');
  expect((await listTree(staging)).some((p) => p.startsWith(big))).toBe(false);
});

test('a corrupted small (non-LFS) file is caught by its git blob id', async () => {
  hub.faults = { corruptFile: 'tokenizer/vocab.json' };
  const err = await expectPaletteError(downloadModel(options()).done, 'E_DOWNLOAD_HASH');
  expect(err.message).toContain('tokenizer/vocab.json');
  expect(await installed()).toEqual([]);
});

test('404: unknown repository, unknown revision', async () => {
  const noRepo = await expectPaletteError(downloadModel(options({ repo: 'palette/nope' })).done, 'E_MODEL_NOT_FOUND');
  expect(noRepo.message).toContain('palette/nope');
  const noRev = await expectPaletteError(downloadModel(options({ revision: 'v9' })).done, 'E_MODEL_NOT_FOUND');
  expect(noRev.message).toContain('v9');
  expect(await installed()).toEqual([]);
});

test('401: a gated model without a token asks for one; with the token it downloads', async () => {
  const err = await expectPaletteError(downloadModel(options({ repo: GATED })).done, 'E_MODEL_AUTH');
  expect(err.message).toMatch(/access token/);
  expect(err.message).toContain(GATED);
  expect(await installed()).toEqual([]);

  const wrong = await expectPaletteError(downloadModel(options({ repo: GATED, token: 'hf_wrong' })).done, 'E_MODEL_AUTH');
  expect(wrong.message).toMatch(/token/);

  await downloadModel(options({ repo: GATED, token: TOKEN })).done;
  expect(await installed()).toEqual(['palette--gated-model']);
  const resolves = hub.seen.filter((r) => r.url.includes('/resolve/') && r.authorization === `Bearer ${TOKEN}`);
  expect(resolves.length).toBeGreaterThan(0);
});

test('a repository without the ONNX layout is refused, naming the missing files', async () => {
  const torchOnly = new Map([['model_index.json', Buffer.from('{}')], ['unet/diffusion_pytorch_model.safetensors', Buffer.alloc(10)]]);
  hub.repos.set('palette/torch-only', { revisions: new Map([['main', torchOnly]]) });
  const err = await expectPaletteError(downloadModel(options({ repo: 'palette/torch-only' })).done, 'E_MODEL_LAYOUT');
  expect(err.message).toContain('unet/model.onnx');
});

test('not enough disk space: refused before any byte is fetched', async () => {
  const total = expectedPaths().reduce((s, p) => s + files.get(p)!.length, 0);
  const quota = Math.floor(total / 2);
  const err = await expectPaletteError(
    downloadModel(options({ freeSpace: async () => quota })).done,
    'E_DISK_FULL',
  );
  expect(err.message).toMatch(/disk space/);
  expect(hub.seen.some((r) => r.url.includes('/resolve/'))).toBe(false);
  expect(await installed()).toEqual([]);
});

test('pause stops the bytes, resume continues with a Range request', async () => {
  hub.faults = { slowMs: 15 };
  const big = largestFile();
  let pausedOnce = false;
  const task = downloadModel(
    options({
      onProgress: (p) => {
        if (!pausedOnce && p.state === 'downloading' && p.file === big && p.bytesDone > 0) {
          pausedOnce = true;
          task.pause();
        }
      },
    }),
  );
  await new Promise((r) => setTimeout(r, 50));
  while (!pausedOnce) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100));
  const heldAt = task.progress.bytesDone;
  expect(task.progress.state).toBe('paused');
  await new Promise((r) => setTimeout(r, 200));
  expect(task.progress.bytesDone).toBe(heldAt);

  task.resume();
  await task.done;
  const dir = path.join(modelsDir, 'palette--palette-colors-onnx');
  expect((await fsp.readFile(path.join(dir, big))).equals(files.get(big)!)).toBe(true);
  const ranged = hub.bodyRequests(big).filter((r) => /^bytes=[1-9]\d*-/.test(r.range ?? ''));
  expect(ranged.length).toBe(1);
});

test('cancel stops the download and removes what was fetched', async () => {
  hub.faults = { slowMs: 15 };
  let started = false;
  const task = downloadModel(options({ onProgress: (p) => (started ||= p.bytesDone > 0) }));
  while (!started) await new Promise((r) => setTimeout(r, 5));
  await task.cancel();
  await expectPaletteError(task.done, 'E_DOWNLOAD_CANCELLED');
  expect(task.progress.state).toBe('cancelled');
  expect(await installed()).toEqual([]);
  expect(await fsp.readdir(path.join(modelsDir, '.staging'))).toEqual([]);
});

test('an installed model is not downloaded twice', async () => {
  await downloadModel(options()).done;
  await expectPaletteError(downloadModel(options()).done, 'E_MODEL_EXISTS');
});

test('cancel during the wait before a retry ends it at once', async () => {
  const big = largestFile();
  hub.faults = { dropFile: big, dropPlan: [0.5, 0.5] };
  const task = downloadModel(options({ retryDelayMs: 60_000 }));
  while (hub.bodyRequests(big).length < 1 || task.progress.bytesDone === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await task.cancel();
  await expectPaletteError(task.done, 'E_DOWNLOAD_CANCELLED');
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(hub.bodyRequests(big).length).toBe(1);
}, 10_000);

test('a second download of the same model while the first runs is refused', async () => {
  hub.faults = { slowMs: 15 };
  const first = downloadModel(options());
  const second = downloadModel(options());
  const results = await Promise.allSettled([first.done, second.done]);
  const refused = results.filter((r) => r.status === 'rejected');
  expect(refused).toHaveLength(1);
  expect(((refused[0] as PromiseRejectedResult).reason as PaletteError).code).toBe('E_DOWNLOAD_BUSY');
  expect(await installed()).toEqual(['palette--palette-colors-onnx']);
});

test('a throwing progress listener does not stop the download', async () => {
  await downloadModel(options({ onProgress: () => { throw new Error('display broke'); } })).done;
  expect(await installed()).toEqual(['palette--palette-colors-onnx']);
});

test('speed is measured over the recent past and gives the time left', () => {
  const meter = new SpeedMeter();
  expect(meter.bytesPerSecond()).toBe(0);
  meter.add(0, 0);
  meter.add(1000, 1000);
  meter.add(2000, 2000);
  expect(meter.bytesPerSecond()).toBe(1000);
  // ten seconds later the link is faster: the old samples fall out of the window
  meter.add(50_000, 10_000);
  meter.add(90_000, 11_000);
  expect(meter.bytesPerSecond()).toBe(40_000);
});

test('progress events carry speed and time left while bytes flow', async () => {
  hub.faults = { slowMs: 10 };
  const events: DownloadProgress[] = [];
  await downloadModel(options({ onProgress: (p) => events.push(p) })).done;
  const moving = events.filter((e) => e.state === 'downloading' && e.bytesPerSecond > 0);
  expect(moving.length).toBeGreaterThan(0);
  for (const e of moving) {
    expect(e.secondsLeft).not.toBeNull();
    expect(e.secondsLeft!).toBeCloseTo((e.bytesTotal - e.bytesDone) / e.bytesPerSecond, 6);
  }
  expect(events.map((e) => e.file).filter(Boolean).length).toBeGreaterThan(0);
});
