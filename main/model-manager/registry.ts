/**
 * The models a painter can pick: the built-in palette-colors model, the models downloaded
 * into the app's data folder, and folders the user added (remembered in a small JSON file).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import { fileSize, folderSize } from './disk';
import { downloadModel, STAGING_DIR, type DownloadOptions, type ModelDownload } from './downloader';
import { readManifest } from './manifest';
import { readModelPrecision, type Precision } from './precision';
import { isPreviewDecoderFolder, quickValidateFolder, quickValidatePreviewDecoder } from './validate-folder';
import { catalogueEntries } from './catalogue';
import { readStreamBatch, type StreamBatchInfo } from './stream-batch';

export const BUILTIN_MODEL_ID = 'palette-colors';
const USER_PREFIX = 'local:';
const FOLDERS_FILE = 'model-folders.json';

export type ModelSource = 'builtin' | 'downloaded' | 'user';

export interface InstalledModel {
  /** "palette-colors", a downloaded folder's name, or "local:<absolute path>" */
  id: string;
  name: string;
  path: string;
  source: ModelSource;
  sizeBytes: number;
  precision: Precision;
  /** false: files are missing or invalid; such a model is listed (to be removed) but not offered */
  complete: boolean;
  /** why it is not complete, one line each ("unet/model.onnx: missing") */
  problems: string[];
  repo?: string;
  revision?: string;
  downloadedAt?: string;
  /** whether the UNet takes the stream batch in one call, and why (stream-batch.ts) */
  streamBatch?: StreamBatchInfo;
  /** a whole pipeline, or a tiny preview decoder (TAESD-style) for one family's live frames */
  kind: 'pipeline' | 'preview-decoder';
  /** for a preview decoder: the models it serves (SD 1.x/2.x latents, or SDXL's) */
  previewFamily?: 'sd' | 'sdxl';
}

/** Lists every problem of a model folder, empty when it can run. */
export type FolderValidator = (dir: string) => Promise<string[]>;

export interface ModelRegistryOptions {
  /** the app's data folder: models go to `<dataDir>/models` */
  dataDir: string;
  /** the built-in model's folder (models/palette-colors in the repository) */
  builtinDir: string;
  /** quickValidateFolder (the engine's rules on the ONNX headers) when not given; keep it cheap, list() calls it */
  validateFolder?: FolderValidator;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fsp.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

export class ModelRegistry {
  readonly modelsDir: string;
  private readonly foldersFile: string;
  private readonly validate: FolderValidator;

  constructor(private readonly options: ModelRegistryOptions) {
    this.modelsDir = path.join(options.dataDir, 'models');
    this.foldersFile = path.join(options.dataDir, FOLDERS_FILE);
    this.validate = options.validateFolder ?? quickValidateFolder;
  }

  /** Built-in first, then downloads, then user folders. */
  async list(): Promise<InstalledModel[]> {
    const models = [await this.describe(BUILTIN_MODEL_ID, 'palette-colors (built-in)', this.options.builtinDir, 'builtin')];
    let names: string[] = [];
    try {
      names = (await fsp.readdir(this.modelsDir)).filter((n) => !n.startsWith('.')).sort();
    } catch {
      // no downloads yet
    }
    for (const name of names) {
      const dir = path.join(this.modelsDir, name);
      if (await isDirectory(dir)) models.push(await this.describe(name, name, dir, 'downloaded'));
    }
    for (const dir of await this.userFolders()) {
      models.push(await this.describe(`${USER_PREFIX}${dir}`, path.basename(dir), dir, 'user'));
    }
    return models;
  }

  /** Only the models that can run, for a picker. */
  async usable(): Promise<InstalledModel[]> {
    return (await this.list()).filter((m) => m.complete && m.kind === 'pipeline');
  }

  async get(id: string): Promise<InstalledModel | null> {
    return (await this.list()).find((m) => m.id === id) ?? null;
  }

  /** Remember a model folder elsewhere on disk; refused with every problem when it cannot run. */
  async addFolder(folder: string): Promise<InstalledModel> {
    const dir = path.resolve(folder);
    if (!(await isDirectory(dir))) throw new PaletteError('E_MODEL_FOLDER', `${dir} is not a folder`);
    const known = (await this.list()).find((m) => m.path === dir);
    if (known) return known;
    const problems = (await isPreviewDecoderFolder(dir)) ? await quickValidatePreviewDecoder(dir) : await this.validate(dir);
    if (problems.length > 0) {
      throw new PaletteError('E_MODEL_FOLDER', `${dir} is not a usable model folder: ${problems.join('; ')}`);
    }
    await this.saveUserFolders([...(await this.userFolders()), dir]);
    return this.describe(`${USER_PREFIX}${dir}`, path.basename(dir), dir, 'user');
  }

  /** Downloaded models are deleted; user folders are only forgotten; the built-in one stays. */
  async remove(id: string): Promise<void> {
    const model = await this.get(id);
    if (!model) throw new PaletteError('E_MODEL_UNKNOWN', `No installed model "${id}"`);
    if (model.source === 'builtin') {
      throw new PaletteError('E_MODEL_BUILTIN', 'The built-in palette-colors model cannot be removed');
    }
    if (model.source === 'user') {
      await this.saveUserFolders((await this.userFolders()).filter((d) => d !== model.path));
      return;
    }
    // Move it out of the list first, so a crash half-way never leaves a half model listed.
    const doomed = path.join(this.modelsDir, STAGING_DIR, `removing-${model.id}-${Date.now()}`);
    await fsp.mkdir(path.dirname(doomed), { recursive: true });
    await fsp.rename(model.path, doomed);
    await fsp.rm(doomed, { recursive: true, force: true });
  }

  /** Start downloading into this registry's models folder. */
  download(options: Omit<DownloadOptions, 'modelsDir'>): ModelDownload {
    return downloadModel({ ...options, modelsDir: this.modelsDir });
  }

  /** Downloads that stopped part-way (paused in an earlier session, or failed): resumable. */
  async partialDownloads(): Promise<string[]> {
    try {
      return (await fsp.readdir(path.join(this.modelsDir, STAGING_DIR))).filter((n) => !n.startsWith('removing-'));
    } catch {
      return [];
    }
  }

  private async userFolders(): Promise<string[]> {
    try {
      const parsed = JSON.parse(await fsp.readFile(this.foldersFile, 'utf8')) as { folders?: unknown };
      return Array.isArray(parsed.folders) ? parsed.folders.filter((f): f is string => typeof f === 'string') : [];
    } catch {
      return [];
    }
  }

  private async saveUserFolders(folders: string[]): Promise<void> {
    await fsp.mkdir(this.options.dataDir, { recursive: true });
    const tmp = `${this.foldersFile}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify({ folders: [...new Set(folders)] }, null, 2));
    await fsp.rename(tmp, this.foldersFile);
  }

  private async describe(id: string, name: string, dir: string, source: ModelSource): Promise<InstalledModel> {
    const model: InstalledModel = {
      id,
      name,
      path: dir,
      source,
      sizeBytes: await folderSize(dir),
      precision: 'unknown',
      complete: false,
      problems: [],
      kind: 'pipeline',
    };
    if (!(await isDirectory(dir))) {
      model.problems.push(`${dir}: folder not found`);
      return model;
    }
    if (source === 'downloaded') {
      const manifest = await readManifest(dir);
      if (!manifest) {
        model.problems.push('.complete: missing (not a finished download)');
      } else {
        model.name = manifest.revision === 'main' ? manifest.repo : `${manifest.repo}@${manifest.revision}`;
        model.repo = manifest.repo;
        model.revision = manifest.revision;
        model.downloadedAt = manifest.downloadedAt;
        for (const f of manifest.files) {
          const size = await fileSize(path.join(dir, f.path));
          if (size !== f.size) model.problems.push(`${f.path}: ${size ? `${size} bytes, expected ${f.size}` : 'missing'}`);
        }
      }
    }
    if (source !== 'builtin' && (await isPreviewDecoderFolder(dir))) {
      model.kind = 'preview-decoder';
      const entry = catalogueEntries().find((e) => e.kind === 'preview-decoder' && e.repo === model.repo);
      model.previewFamily = entry ? (entry.family === 'sdxl' ? 'sdxl' : 'sd') : /xl/i.test(model.repo ?? name) ? 'sdxl' : 'sd';
      if (model.problems.length === 0) model.problems.push(...(await quickValidatePreviewDecoder(dir)));
      model.complete = model.problems.length === 0;
      return model;
    }
    if (model.problems.length === 0) model.problems.push(...(await this.validate(dir)));
    model.complete = model.problems.length === 0;
    model.precision = await readModelPrecision(dir);
    const streamBatch = model.complete ? await readStreamBatch(dir) : undefined;
    if (streamBatch) model.streamBatch = streamBatch;
    return model;
  }
}
