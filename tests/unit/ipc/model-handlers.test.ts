/**
 * models:* through the real router (sender check, schema validation) into ModelService and a
 * real ModelRegistry, downloading from a loopback hub: what the renderer gets back, which
 * events it sees, and what the engine is offered.
 */
// onnxruntime's addon stays loaded by this thread, so terminating engine workers is safe
import 'onnxruntime-node';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcRouter, type IpcSender } from '../../../main/ipc/router';
import { createEventPublisher } from '../../../main/ipc/events';
import { physicalCores } from '../../../main/engine/runtime/cpu-cores';
import { applyingRuntimeSettings, modelHandlers, ModelService, runtimeFromSettings, type ModelEngine } from '../../../main/ipc/model-handlers';
import { ModelRegistry } from '../../../main/model-manager';
import { EngineHost, type ModelEntry, type EngineRuntime } from '../../../main/engine/engine-host';
import { memoryBackend, SettingsStore } from '../../../main/app/settings-store';
import type { DownloadProgressWire, EngineNotice, EngineStatus, InvokeResult, ModelsOverview } from '../../../shared/ipc/channels';
import { FakeHub, paletteRepoFiles } from '../model-manager/fake-hub';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILTIN_DIR = path.join(REPO_ROOT, 'models', 'palette-colors');
const REPO = 'palette/palette-colors-onnx';
const GATED = 'palette/gated-model';
const OUR_WINDOW: IpcSender = { id: 3, url: 'app://renderer/index.html' };

/** The part of EngineHost the service talks to, recording what it was told. */
class RecordingEngine implements ModelEngine {
  offered: ModelEntry[] = [];
  loads: string[] = [];
  modelId: string | null = 'palette-colors';
  setModels(models: ModelEntry[]): void {
    this.offered = models;
  }
  async setModel(id: string): Promise<EngineStatus> {
    if (!this.offered.some((m) => m.id === id)) throw new Error(`not offered: ${id}`);
    this.loads.push(id);
    this.modelId = id;
    return this.status();
  }
  status(): EngineStatus {
    return {
      live: false,
      idle: true,
      loading: false,
      modelId: this.modelId,
      providers: { unet: 'cpu', text_encoder: 'cpu' },
      skippedProviders: { unet: [{ provider: 'cuda', reason: 'CUDA libraries are not installed' }] },
      canvas: { width: 64, height: 64 },
      fps: 0,
      latencyMs: 0,
      frameIndex: 0,
      error: null,
    };
  }
}

let hub: FakeHub;
let endpoint: string;
let data: string;
let engine: RecordingEngine;
let events: DownloadProgressWire[];
let service: ModelService;
let router: IpcRouter;
let chosenFolder: string | null;

async function call<T>(channel: string, payload?: unknown): Promise<InvokeResult<never> & { value?: T }> {
  return (await router.dispatch(channel as never, OUR_WINDOW, payload)) as InvokeResult<never> & { value?: T };
}

async function value<T>(channel: string, payload?: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** resolves with the first models:downloadProgress event that matches */
async function eventWhere(test: (e: DownloadProgressWire) => boolean, timeoutMs = 20_000): Promise<DownloadProgressWire> {
  const started = Date.now();
  for (;;) {
    const hit = events.find(test);
    if (hit) return hit;
    if (Date.now() - started > timeoutMs) throw new Error(`no such event; got ${JSON.stringify(events.map((e) => e.state))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  const files = await paletteRepoFiles(REPO_ROOT);
  hub = new FakeHub();
  hub.repos.set(REPO, { revisions: new Map([['main', files]]) });
  hub.repos.set(GATED, { revisions: new Map([['main', files]]), gatedToken: 'hf_x' });
  endpoint = await hub.start();
});
afterAll(async () => hub.stop());

beforeEach(async () => {
  data = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-model-ipc-'));
  hub.faults = {};
  hub.seen.length = 0;
  engine = new RecordingEngine();
  events = [];
  chosenFolder = null;
  service = new ModelService({
    registry: new ModelRegistry({ dataDir: data, builtinDir: BUILTIN_DIR }),
    engine,
    // validated against the channel map, as main publishes
    publish: createEventPublisher((channel, payload) => {
      if (channel === 'models:downloadProgress') events.push(payload as DownloadProgressWire);
    }, { validate: true }),
    chooseFolder: async () => chosenFolder,
    endpoint,
    fallbackModelId: 'palette-colors',
    progressIntervalMs: 0,
  });
  router = new IpcRouter({ isTrustedSender: (s) => s.id === 3 && s.url.startsWith('app://renderer/'), logError: () => undefined });
  router.handleAll(modelHandlers(service));
});
afterEach(async () => {
  service.pauseAll();
  await fsp.rm(data, { recursive: true, force: true });
});

describe('validation', () => {
  test('bad requests are refused before the model manager sees them, naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['models:download', { repo: 'no-slash' }, 'repo'],
      ['models:download', { repo: '../etc/passwd' }, 'repo'],
      ['models:download', { repo: REPO, revision: '../../x' }, 'revision'],
      ['models:download', { repo: REPO, token: '' }, 'token'],
      ['models:download', { repo: REPO, endpoint: 'http://evil.example' }, ''],
      ['models:pause', { downloadId: '../x' }, 'downloadId'],
      ['models:remove', {}, 'id'],
      ['models:addFolder', { path: '' }, 'path'],
    ];
    for (const [channel, payload, field] of cases) {
      const r = await call(channel, payload);
      expect(r).toMatchObject({ ok: false, error: { code: 'E_IPC_BAD_PAYLOAD', field } });
    }
    expect(hub.seen).toHaveLength(0);
  });

  test('a foreign sender is refused', async () => {
    const r = await router.dispatch('models:list', { id: 9, url: 'https://evil.example/' }, undefined);
    expect(r).toMatchObject({ ok: false, error: { code: 'E_IPC_FOREIGN_SENDER' } });
  });
});

describe('registry wiring', () => {
  test('list: the built-in model, active, with the provider per component and why others were skipped', async () => {
    const { models, downloads } = await value<ModelsOverview>('models:list');
    expect(downloads).toEqual([]);
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      id: 'palette-colors',
      source: 'builtin',
      precision: 'float32',
      complete: true,
      active: true,
      providers: { unet: 'cpu' },
      skippedProviders: { unet: [{ provider: 'cuda', reason: 'CUDA libraries are not installed' }] },
    });
    expect(models[0].sizeBytes).toBeGreaterThan(0);
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors']);
  });

  test('download: progress events, then the model is installed, listed and offered to the engine', async () => {
    hub.faults = { slowMs: 5 };
    const started = await value<DownloadProgressWire>('models:download', { repo: REPO });
    expect(started).toMatchObject({ downloadId: 'palette--palette-colors-onnx', repo: REPO, revision: 'main', error: null });
    const done = await eventWhere((e) => e.state === 'done');
    expect(done).toMatchObject({ modelId: 'palette--palette-colors-onnx', error: null });
    expect(done.bytesDone).toBe(done.bytesTotal);
    expect(events.some((e) => e.state === 'downloading' && e.bytesDone > 0)).toBe(true);
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors', 'palette--palette-colors-onnx']);
    const { models, downloads } = await value<ModelsOverview>('models:list');
    expect(downloads).toEqual([]);
    expect(models[1]).toMatchObject({ id: 'palette--palette-colors-onnx', source: 'downloaded', complete: true, active: false, repo: REPO });
    expect(models[1].providers).toBeUndefined();

    // the engine runs it; removing it moves the engine back to the built-in model first
    await engine.setModel('palette--palette-colors-onnx');
    expect((await value<ModelsOverview>('models:list')).models[1].active).toBe(true);
    await value('models:remove', { id: 'palette--palette-colors-onnx' });
    expect(engine.loads).toEqual(['palette--palette-colors-onnx', 'palette-colors']);
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors']);
    expect((await fsp.readdir(path.join(data, 'models'))).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  test('a gated model fails with the token message as an event, and stays listed as failed until cancelled', async () => {
    await value('models:download', { repo: GATED });
    const failed = await eventWhere((e) => e.state === 'failed');
    expect(failed.error).toEqual({ code: 'E_MODEL_AUTH', message: expect.stringMatching(/gated or private: log in \/ provide a Hugging Face access token/) });
    expect((await value<ModelsOverview>('models:list')).downloads.map((d) => d.state)).toEqual(['failed']);
    await value('models:cancel', { downloadId: failed.downloadId });
    expect((await value<ModelsOverview>('models:list')).downloads).toEqual([]);
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors']);
  });

  test('a corrupt file: the failure names it; nothing is offered', async () => {
    hub.faults = { corruptFile: 'unet/model.onnx' };
    await value('models:download', { repo: REPO });
    const failed = await eventWhere((e) => e.state === 'failed');
    expect(failed.error?.code).toBe('E_DOWNLOAD_HASH');
    expect(failed.error?.message).toContain('unet/model.onnx');
    await value('models:list');
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors']);
  });

  test('pause stops the transfer, resume finishes it; a second download of the same model is refused', async () => {
    hub.faults = { slowMs: 15 };
    const { downloadId } = await value<DownloadProgressWire>('models:download', { repo: REPO });
    await eventWhere((e) => e.state === 'downloading' && e.bytesDone > 0);
    const again = await call('models:download', { repo: REPO });
    expect(again).toMatchObject({ ok: false, error: { code: 'E_DOWNLOAD_BUSY' } });
    await value('models:pause', { downloadId });
    const paused = await eventWhere((e) => e.state === 'paused');
    await new Promise((r) => setTimeout(r, 150));
    const overview = await value<ModelsOverview>('models:list');
    expect(overview.downloads[0]).toMatchObject({ state: 'paused', downloadId });
    expect(overview.downloads[0].bytesDone).toBeGreaterThanOrEqual(paused.bytesDone);
    hub.faults = {};
    await value('models:resume', { downloadId });
    // paused: nothing installed, nothing offered
    await expect(fsp.access(path.join(data, 'models', downloadId))).rejects.toThrow();
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors']);
    await eventWhere((e) => e.state === 'done');
    expect(engine.offered.map((m) => m.id)).toContain('palette--palette-colors-onnx');
  });

  test('a full disk: refused before any byte, with the space needed and free', async () => {
    const quota = new ModelService({
      registry: new ModelRegistry({ dataDir: data, builtinDir: BUILTIN_DIR }),
      engine,
      publish: createEventPublisher((channel, payload) => void events.push(payload as DownloadProgressWire), { validate: true }),
      chooseFolder: async () => null,
      endpoint,
      freeSpace: async () => 2000,
    });
    quota.download({ repo: REPO });
    const failed = await eventWhere((e) => e.state === 'failed');
    expect(failed.error).toEqual({ code: 'E_DISK_FULL', message: expect.stringMatching(/^Not enough disk space in .*: palette\/palette-colors-onnx needs .* more, 2\.0 KB free$/) });
    expect(hub.bodyRequests('unet/model.onnx')).toHaveLength(0);
  });

  test('cancel deletes what was fetched', async () => {
    hub.faults = { slowMs: 15 };
    const { downloadId } = await value<DownloadProgressWire>('models:download', { repo: REPO });
    await eventWhere((e) => e.state === 'downloading' && e.bytesDone > 0);
    await value('models:cancel', { downloadId });
    await eventWhere((e) => e.state === 'cancelled');
    await expect(fsp.access(path.join(data, 'models', '.staging', downloadId))).rejects.toThrow();
    expect((await value<ModelsOverview>('models:list')).downloads).toEqual([]);
  });

  test('unknown downloads and the built-in model give their one-line errors', async () => {
    expect(await call('models:pause', { downloadId: 'nope' })).toMatchObject({ ok: false, error: { code: 'E_DOWNLOAD_UNKNOWN' } });
    expect(await call('models:remove', { id: 'palette-colors' })).toMatchObject({
      ok: false,
      error: { code: 'E_MODEL_BUILTIN', message: 'The built-in palette-colors model cannot be removed' },
    });
  });

  test('addFolder: the dialog (cancelled → null), or a path; an unusable folder lists its problems', async () => {
    expect(await value('models:addFolder')).toBeNull();
    const copy = path.join(data, 'mine');
    await fsp.cp(BUILTIN_DIR, copy, { recursive: true });
    chosenFolder = copy;
    const added = await value<{ id: string; source: string }>('models:addFolder');
    expect(added).toMatchObject({ id: `local:${copy}`, source: 'user' });
    expect(engine.offered.map((m) => m.id)).toEqual(['palette-colors', `local:${copy}`]);

    const broken = path.join(data, 'broken');
    await fsp.cp(BUILTIN_DIR, broken, { recursive: true });
    await fsp.rm(path.join(broken, 'vae_decoder'), { recursive: true });
    const r = await call('models:addFolder', { path: broken });
    expect(r).toMatchObject({ ok: false, error: { code: 'E_MODEL_FOLDER', message: expect.stringContaining('vae_decoder/model.onnx') } });
  });
});

describe('execution provider setting', () => {
  test('auto tries the platform order; a forced provider keeps CPU as its fallback; threads pass through', () => {
    // automatic threads: one core is left to the renderer (at least one thread)
    expect(runtimeFromSettings({ executionProvider: 'auto', engineThreads: 0 }, '/cache')).toEqual({
      providers: undefined,
      intraOpNumThreads: Math.max(1, physicalCores() - 1),
      optimizedModelCacheDir: '/cache',
    });
    expect(runtimeFromSettings({ executionProvider: 'cuda', engineThreads: 2 }).providers).toEqual(['cuda', 'cpu']);
    expect(runtimeFromSettings({ executionProvider: 'cpu', engineThreads: 2 })).toMatchObject({ providers: ['cpu'], intraOpNumThreads: 2 });
  });

  test('changing the provider in the settings reloads the engine with it; other settings do not', async () => {
    const applied: EngineRuntime[] = [];
    const settings = applyingRuntimeSettings(new SettingsStore(memoryBackend()), { setRuntime: async (r) => void applied.push(r) }, '/cache');
    settings.set({ brushSize: 10 });
    expect(applied).toEqual([]);
    expect(settings.set({ executionProvider: 'webgpu' }).executionProvider).toBe('webgpu');
    expect(applied).toEqual([{ providers: ['webgpu', 'cpu'], intraOpNumThreads: Math.max(1, physicalCores() - 1), optimizedModelCacheDir: '/cache' }]);
    settings.set({ executionProvider: 'webgpu' });
    expect(applied).toHaveLength(1);
  });
});

describe('the real engine with the model manager', () => {
  let host: EngineHost | undefined;
  afterEach(async () => host?.close());

  test('the registry fills the engine list; a forced provider that is missing falls back to CPU with a notice naming it', async () => {
    host = new EngineHost({ models: [], canvas: { width: 64, height: 64 }, runtime: runtimeFromSettings({ executionProvider: 'cpu', engineThreads: 1 }) });
    const real = new ModelService({
      registry: new ModelRegistry({ dataDir: data, builtinDir: BUILTIN_DIR }),
      engine: host,
      publish: () => undefined,
      chooseFolder: async () => null,
    });
    expect(host.listModels()).toEqual([]);
    await real.refreshEngine();
    expect(host.listModels().map((m) => m.id)).toEqual(['palette-colors']);
    let status = await host.setModel('palette-colors');
    expect(status.providers.unet).toBe('cpu');
    expect(status.skippedProviders?.unet).toEqual([]);

    const notices: EngineNotice[] = [];
    host.onNotice((n) => notices.push(n));
    status = await host.setRuntime({ ...runtimeFromSettings({ executionProvider: 'webgpu', engineThreads: 1 }), optimizedModelCacheDir: path.join(data, 'onnx-cache') });
    expect(status.modelId).toBe('palette-colors');
    expect(status.providers.unet).toBe('cpu');
    // what the Models panel shows: webgpu was tried for each component, and why it could not run
    expect(status.skippedProviders?.unet).toEqual([{ provider: 'webgpu', reason: expect.any(String) }]);
    const fallback = notices.find((n) => n.code === 'E_PROVIDER_FALLBACK');
    expect(fallback).toMatchObject({ level: 'warning', message: expect.stringMatching(/^webgpu is not available here: running .*unet on cpu/) });
    const listed = (await real.list()).models[0];
    expect(listed).toMatchObject({ active: true, providers: { unet: 'cpu' }, skippedProviders: { unet: [{ provider: 'webgpu' }] } });
    // the optimized models were written to the cache for the next load
    expect((await fsp.readdir(path.join(data, 'onnx-cache'))).some((f) => f.startsWith('unet-'))).toBe(true);
  });
});
