/**
 * `palette models …`: the model manager from the command line, a thin layer on ModelRegistry
 * (the same data folder the app uses, unless --data says otherwise).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import { defaultModelDir } from '../engine/models/default-model';
import { ModelRegistry, type DownloadProgress, type InstalledModel } from '../model-manager';
import { formatBytes, type FreeSpaceCheck } from '../model-manager/disk';
import { CATALOGUE_FAMILIES, FAMILY_LABEL, type CatalogueFamily, catalogueEntries, catalogueEntry } from '../model-manager/catalogue';
import { parseCommandArgs } from './args';
import type { Io } from './index';

export const MODELS_USAGE = `usage: palette models <list|available|download|add|remove> [options]
  models list [--data DIR] [--json]
  models available [--family sd15|sd2|sdxl] [--json]   recommended models per family, few-step first
  models download OWNER/NAME|CATALOGUE-ID [--revision R] [--token hf_…] [--endpoint URL] [--data DIR]
  models add DIR [--data DIR]
  models remove ID [--data DIR]
--data defaults to the app's data folder (PALETTE_DATA_DIR overrides it)
`;

/** Where Electron keeps the app's userData (appData/<app name>), so the CLI sees the app's models. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PALETTE_DATA_DIR) return path.resolve(env.PALETTE_DATA_DIR);
  const home = os.homedir();
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(appData, 'Semantic Palette');
}

/** Options the tests use: a disk quota, a quicker retry. */
export interface ModelsCommandOptions {
  freeSpace?: FreeSpaceCheck;
  retryDelayMs?: number;
  /** minimum time between two progress line updates (default 250 ms) */
  progressIntervalMs?: number;
}

const DATA_OPTION = { data: { type: 'string' } } as const;

function registryFor(data: string | undefined): ModelRegistry {
  return new ModelRegistry({ dataDir: data ? path.resolve(data) : defaultDataDir(), builtinDir: defaultModelDir() });
}

export async function modelsCommand(args: string[], io: Io, options: ModelsCommandOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return listModels(rest, io);
    case 'available':
      return availableModels(rest, io);
    case 'download':
      return downloadModelCommand(rest, io, options);
    case 'add':
      return addModel(rest, io);
    case 'remove':
      return removeModel(rest, io);
    case undefined:
    case 'help':
    case '--help':
      io.out(MODELS_USAGE);
      return sub === undefined ? 2 : 0;
    default:
      throw new PaletteError('E_USAGE', `palette models: unknown subcommand '${sub}' (list, available, download, add, remove)`);
  }
}

function describe(m: InstalledModel): string {
  const state = m.complete ? 'ready' : `incomplete: ${m.problems.join('; ')}`;
  return `${m.id}\t${m.source}\t${formatBytes(m.sizeBytes)}\t${m.precision}\t${state}`;
}

async function listModels(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('models list', args, { ...DATA_OPTION, json: { type: 'boolean' } }, 0);
  const registry = registryFor(values.data as string | undefined);
  const models = await registry.list();
  if (values.json) {
    io.out(`${JSON.stringify({ models, partialDownloads: await registry.partialDownloads() }, null, 2)}\n`);
    return 0;
  }
  io.out('id\tsource\tsize\tprecision\tstate\n');
  for (const m of models) io.out(`${describe(m)}\n`);
  for (const name of await registry.partialDownloads()) io.out(`(${name}: unfinished download; run the same download again to resume)\n`);
  return 0;
}

async function availableModels(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs('models available', args, { family: { type: 'string' }, json: { type: 'boolean' } }, 0);
  const family = values.family as string | undefined;
  if (family !== undefined && !(CATALOGUE_FAMILIES as readonly string[]).includes(family)) {
    throw new PaletteError('E_USAGE', `--family must be one of ${CATALOGUE_FAMILIES.join(', ')} (got '${family}')`);
  }
  const entries = catalogueEntries(family as CatalogueFamily | undefined);
  if (values.json) {
    io.out(`${JSON.stringify({ models: entries }, null, 2)}\n`);
    return 0;
  }
  for (const f of CATALOGUE_FAMILIES) {
    const group = entries.filter((e) => e.family === f);
    if (group.length === 0) continue;
    io.out(`${FAMILY_LABEL[f]}\n`);
    for (const e of group) {
      const size = e.sizeBytes === null ? 'size ?' : `~${formatBytes(e.sizeBytes)}`;
      io.out(`  ${e.id}\t${e.name}${e.kind === 'preview-decoder' ? ' [preview decoder]' : ''}\n`);
      io.out(`    ${e.repo ?? '(no ONNX export to download)'}\t${size}\t${e.precision}\n`);
      io.out(`    licence: ${e.licence}\n    settings: ${e.settings}\n    ${e.note}\n`);
      io.out(`    checked: ${e.source}${e.unverified.length ? `; unverified: ${e.unverified.join(', ')}` : ''}\n`);
    }
  }
  io.out('download one with: palette models download CATALOGUE-ID\n');
  return 0;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** "3/12 unet/model.onnx  1.2 MB / 5.0 MB  24%  800.0 KB/s  5 s left" */
export function progressLine(repo: string, p: DownloadProgress): string {
  const percent = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 0;
  const parts = [
    `${repo} ${p.state}`,
    p.fileCount > 0 ? `${Math.min(p.fileIndex + 1, p.fileCount)}/${p.fileCount} ${p.file ?? ''}`.trim() : '',
    `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`,
    `${percent}%`,
    p.bytesPerSecond > 0 ? `${formatBytes(p.bytesPerSecond)}/s` : '',
    p.secondsLeft !== null && p.state === 'downloading' ? `${formatDuration(p.secondsLeft)} left` : '',
  ];
  return parts.filter(Boolean).join('  ');
}

async function downloadModelCommand(args: string[], io: Io, options: ModelsCommandOptions): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'models download',
    args,
    { ...DATA_OPTION, revision: { type: 'string' }, token: { type: 'string' }, endpoint: { type: 'string' } },
    1,
  );
  // a catalogue id stands for its repository (and, for a preview decoder, its layout)
  const entry = positionals[0] ? catalogueEntry(positionals[0]) : undefined;
  if (entry && !entry.repo) throw new PaletteError('E_USAGE', `palette models download: ${entry.id} has no ONNX export to download (${entry.note})`);
  const repo = entry?.repo ?? positionals[0];
  if (!repo || !/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(repo)) {
    throw new PaletteError('E_USAGE', `palette models download: give a Hugging Face repository id like owner/name${repo ? ` (got '${repo}')` : ''}`);
  }
  const endpoint = values.endpoint as string | undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new PaletteError('E_USAGE', `--endpoint must be an http(s) URL (got '${endpoint}')`);
  }
  const registry = registryFor(values.data as string | undefined);
  const interval = options.progressIntervalMs ?? 250;
  let lastDraw = 0;
  let width = 0;
  const draw = (p: DownloadProgress, force = false): void => {
    const now = Date.now();
    if (!force && now - lastDraw < interval) return;
    lastDraw = now;
    const line = progressLine(repo, p);
    // one line, rewritten in place: pad over the remains of a longer previous line
    io.err(`\r${line.padEnd(width)}`);
    width = line.length;
  };
  const download = registry.download({
    repo,
    revision: values.revision as string | undefined,
    token: values.token as string | undefined,
    ...(entry?.kind === 'preview-decoder' ? { layout: 'preview-decoder' as const } : {}),
    endpoint: endpoint ?? (process.env.HF_ENDPOINT || undefined),
    freeSpace: options.freeSpace,
    retryDelayMs: options.retryDelayMs,
    progressIntervalMs: Math.min(interval, 200),
    onProgress: (p) => draw(p, p.state !== 'downloading'),
  });
  try {
    await download.done;
  } finally {
    if (width > 0) io.err('\n');
  }
  io.out(`installed ${repo}@${values.revision ?? 'main'} as ${download.name} in ${download.targetDir}\n`);
  return 0;
}

async function addModel(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('models add', args, DATA_OPTION, 1);
  if (positionals.length !== 1) throw new PaletteError('E_USAGE', 'palette models add: give the model folder to add');
  const model = await registryFor(values.data as string | undefined).addFolder(positionals[0]);
  io.out(`added ${model.id} (${formatBytes(model.sizeBytes)}, ${model.precision})\n`);
  return 0;
}

async function removeModel(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('models remove', args, DATA_OPTION, 1);
  if (positionals.length !== 1) throw new PaletteError('E_USAGE', 'palette models remove: give the id of the model to remove (see palette models list)');
  const registry = registryFor(values.data as string | undefined);
  const model = await registry.get(positionals[0]);
  await registry.remove(positionals[0]);
  io.out(`${model?.source === 'user' ? 'forgot' : 'removed'} ${positionals[0]}\n`);
  return 0;
}
