/**
 * models:* channels → the model manager (ModelRegistry) and the engine's model list.
 * Payloads arrive already validated by the router. Plain Node: the app passes Electron's
 * folder dialog in, the e2e bridge and the tests a stand-in.
 *
 * The engine only ever offers what the registry calls complete: after every change here
 * (a folder added, a model removed, a download installed) the list is pushed to the host.
 */
import { FAMILY_LABEL, catalogueEntries, previewFamilyOf } from '../model-manager/catalogue';
import { readUnetSummary } from '../model-manager/precision';
import { interactiveThreads } from '../engine/runtime/cpu-cores';
import { promises as fsp } from 'node:fs';
import { isPaletteError, PaletteError } from '../../shared/errors';
import type {
  AppSettings,
  AppSettingsPatch,
  DownloadProgressWire,
  EngineStatus,
  InstalledModelWire,
  CatalogueEntryWire,
  ModelDownloadRequest,
  ModelsOverview,
} from '../../shared/ipc/channels';
import type { EngineRuntime, ModelEntry } from '../engine/engine-host';
import type { InstalledModel, ModelDownload, ModelRegistry } from '../model-manager';
import type { FreeSpaceCheck } from '../model-manager/disk';
import type { PublishEvent } from './events';
import type { InvokeHandlers } from './router';

/** What the model channels need of the EngineHost. */
export interface ModelEngine {
  setModels(models: ModelEntry[]): void;
  setModel(modelId: string): Promise<EngineStatus>;
  status(): EngineStatus;
}

export interface ModelServiceOptions {
  registry: ModelRegistry;
  engine: ModelEngine;
  /** main → renderer events (models:downloadProgress) */
  publish: PublishEvent;
  /** the folder dialog; null when the user cancelled */
  chooseFolder: () => Promise<string | null>;
  /** the hub to download from (https://huggingface.co unless a mirror or a test server) */
  endpoint?: string;
  /** tests: a disk quota */
  freeSpace?: FreeSpaceCheck;
  /** the model the engine falls back to when the running one is removed */
  fallbackModelId?: string;
  /** minimum time between two progress events (default 200 ms) */
  progressIntervalMs?: number;
}

interface Tracked {
  download: ModelDownload;
  request: ModelDownloadRequest;
  last: DownloadProgressWire;
}

function toWire(model: InstalledModel, status: EngineStatus): InstalledModelWire {
  const active = status.modelId === model.id;
  return {
    ...model,
    active,
    ...(active ? { providers: { ...status.providers }, skippedProviders: structuredClone(status.skippedProviders ?? {}) } : {}),
  };
}

export class ModelService {
  /** public so a test can point a running service at its loopback hub */
  endpoint: string | undefined;
  private readonly downloads = new Map<string, Tracked>();

  constructor(private readonly options: ModelServiceOptions) {
    this.endpoint = options.endpoint;
  }

  /** Pushes the registry's complete models to the engine; returns the full list. */
  async refreshEngine(): Promise<InstalledModel[]> {
    const all = await this.options.registry.list();
    const decoders = all.filter((m) => m.complete && m.kind === 'preview-decoder');
    const entries = await Promise.all(
      all
        .filter((m) => m.complete && m.kind === 'pipeline')
        .map(async (m) => {
          // live frames use the family's tiny decoder when one is installed (exports keep the full VAE);
          // the built-in palette-colors has its own latent space, which no TAESD decodes
          const family = previewFamilyOf((await readUnetSummary(m.path)).inputs.map((i) => i.name));
          const decoder = m.source === 'builtin' ? undefined : decoders.find((d) => d.previewFamily === family);
          return { id: m.id, name: m.name, dir: m.path, ...(decoder ? { previewDecoderDir: decoder.path } : {}) };
        }),
    );
    this.options.engine.setModels(entries);
    return all;
  }

  async list(): Promise<ModelsOverview> {
    const models = await this.refreshEngine();
    const status = this.options.engine.status();
    return {
      models: models.map((m) => toWire(m, status)),
      downloads: [...this.downloads.values()].map((t) => ({ ...t.last })),
    };
  }

  /** The catalogue, each entry marked with the installed model of its repository. */
  async catalogue(): Promise<CatalogueEntryWire[]> {
    const installed = await this.options.registry.list();
    return catalogueEntries().map((e) => ({
      ...e,
      unverified: [...e.unverified],
      familyLabel: FAMILY_LABEL[e.family],
      installedId: installed.find((m) => m.complete && e.repo !== null && m.repo === e.repo)?.id ?? null,
    }));
  }

  async addFolder(folder?: string): Promise<InstalledModelWire | null> {
    const dir = folder ?? (await this.options.chooseFolder());
    if (!dir) return null;
    const added = await this.options.registry.addFolder(dir);
    await this.refreshEngine();
    return toWire(added, this.options.engine.status());
  }

  async remove(id: string): Promise<void> {
    const fallback = this.options.fallbackModelId;
    if (this.options.engine.status().modelId === id && fallback && fallback !== id) {
      // the engine keeps running: on the built-in model, before the files go away
      const model = await this.options.registry.get(id);
      if (model && model.source !== 'builtin') await this.options.engine.setModel(fallback);
    }
    await this.options.registry.remove(id);
    await this.refreshEngine();
  }

  download(request: ModelDownloadRequest): DownloadProgressWire {
    const revision = request.revision ?? 'main';
    const existing = [...this.downloads.values()].find((t) => t.request.repo === request.repo && (t.request.revision ?? 'main') === revision);
    if (existing && !isSettled(existing.last.state)) {
      throw new PaletteError('E_DOWNLOAD_BUSY', `Model ${request.repo}@${revision} is already being downloaded`);
    }
    return this.start({ ...request, revision });
  }

  pause(downloadId: string): void {
    this.tracked(downloadId).download.pause();
  }

  /** A paused download continues; a failed one starts again and picks up its `.part` files. */
  resume(downloadId: string): void {
    const t = this.tracked(downloadId);
    if (t.last.state === 'failed') this.start(t.request);
    else t.download.resume();
  }

  async cancel(downloadId: string): Promise<void> {
    const t = this.tracked(downloadId);
    if (t.last.state === 'failed') {
      // a settled download has nothing to stop: just throw its staging files away
      await fsp.rm(t.download.stagingDir, { recursive: true, force: true });
      this.settle(t, { ...t.last, state: 'cancelled', error: null });
      return;
    }
    await t.download.cancel();
  }

  /** Stops every running download (app quit); their `.part` files stay for next time. */
  pauseAll(): void {
    for (const t of this.downloads.values()) if (!isSettled(t.last.state)) t.download.pause();
  }

  private tracked(downloadId: string): Tracked {
    const t = this.downloads.get(downloadId);
    if (!t) throw new PaletteError('E_DOWNLOAD_UNKNOWN', `No download "${downloadId}" in this session`);
    return t;
  }

  private start(request: ModelDownloadRequest): DownloadProgressWire {
    const revision = request.revision ?? 'main';
    // filled in right after the download object exists; its first event comes a tick later
    const holder: { tracked?: Tracked } = {};
    const download = this.options.registry.download({
      repo: request.repo,
      revision,
      token: request.token,
      ...(request.layout ? { layout: request.layout } : {}),
      endpoint: this.endpoint,
      freeSpace: this.options.freeSpace,
      progressIntervalMs: this.options.progressIntervalMs,
      onProgress: (p) => {
        const tracked = holder.tracked;
        if (!tracked || tracked.download !== download) return;
        // 'done' is announced once the engine's list has the model (below)
        if (isSettled(p.state)) return;
        tracked.last = { ...tracked.last, ...p, error: null };
        this.options.publish('models:downloadProgress', { ...tracked.last });
      },
    });
    const last: DownloadProgressWire = {
      downloadId: download.name,
      repo: request.repo,
      revision,
      ...download.progress,
      error: null,
      modelId: null,
    };
    const t: Tracked = { download, request: { ...request, revision }, last };
    holder.tracked = t;
    this.downloads.set(download.name, t);
    download.done.then(
      async () => {
        await this.refreshEngine().catch(() => undefined);
        this.settle(t, { ...t.last, ...download.progress, state: 'done', error: null, modelId: download.name });
      },
      (e: unknown) => {
        const cancelled = isPaletteError(e) && e.code === 'E_DOWNLOAD_CANCELLED';
        const error = cancelled ? null : isPaletteError(e) ? { code: e.code, message: e.message } : { code: 'E_INTERNAL', message: String((e as Error)?.message ?? e) };
        this.settle(t, { ...t.last, ...download.progress, state: cancelled ? 'cancelled' : 'failed', error });
      },
    );
    return { ...last };
  }

  private settle(t: Tracked, last: DownloadProgressWire): void {
    t.last = last;
    // finished and cancelled downloads leave the list; failed ones stay (resume or cancel them)
    if (last.state !== 'failed' && this.downloads.get(last.downloadId) === t) this.downloads.delete(last.downloadId);
    this.options.publish('models:downloadProgress', { ...last });
  }
}

function isSettled(state: DownloadProgressWire['state']): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

export function modelHandlers(models: ModelService): InvokeHandlers {
  return {
    'models:list': () => models.list(),
    'models:catalogue': () => models.catalogue(),
    'models:addFolder': (request) => models.addFolder(request?.path),
    'models:remove': ({ id }) => models.remove(id),
    'models:download': (request) => models.download(request),
    'models:pause': ({ downloadId }) => models.pause(downloadId),
    'models:resume': ({ downloadId }) => models.resume(downloadId),
    'models:cancel': ({ downloadId }) => models.cancel(downloadId),
  };
}

// ---------------------------------------------------------------- execution provider setting

/** The settings' engine fields → session options. A forced provider keeps CPU as its fallback. */
export function runtimeFromSettings(
  settings: Pick<AppSettings, 'executionProvider' | 'engineThreads'>,
  optimizedModelCacheDir?: string,
): EngineRuntime {
  const forced = settings.executionProvider;
  return {
    providers: forced === 'auto' ? undefined : forced === 'cpu' ? ['cpu'] : [forced, 'cpu'],
    // automatic (0): leave a core to the renderer while the artist paints (cpu-cores.ts)
    intraOpNumThreads: settings.engineThreads > 0 ? settings.engineThreads : interactiveThreads(),
    optimizedModelCacheDir,
  };
}

export interface SettingsLike {
  get(): AppSettings;
  set(patch: AppSettingsPatch): AppSettings;
}

/**
 * The settings service, with the engine fields applied to the engine when they change (the
 * running model reloads on the new provider; a failure arrives as an engine notice).
 */
export function applyingRuntimeSettings(
  settings: SettingsLike,
  engine: { setRuntime(runtime: EngineRuntime): Promise<unknown> },
  optimizedModelCacheDir?: string,
): SettingsLike {
  return {
    get: () => settings.get(),
    set: (patch) => {
      const before = settings.get();
      const after = settings.set(patch);
      if (before.executionProvider !== after.executionProvider || before.engineThreads !== after.engineThreads) {
        void engine.setRuntime(runtimeFromSettings(after, optimizedModelCacheDir)).catch(() => undefined);
      }
      return after;
    },
  };
}
