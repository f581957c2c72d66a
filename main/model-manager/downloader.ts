/**
 * Downloading a model from a Hugging Face repository into the models folder.
 *
 * Files go to `<models>/.staging/<name>/` as `.part` files, each checked against the
 * repository's hash before it loses its `.part`; only when every file is there does the
 * folder get its `.complete` manifest and move to `<models>/<name>` in one rename. So a
 * folder under `<models>` without a dot is always a whole, verified model. A pause or a
 * dropped connection keeps the `.part` files, and the next request asks for the rest with
 * an HTTP Range — also in a later session, since a new download of the same repository and
 * revision reuses the staging folder.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import { fileSize, formatBytes, statfsFreeSpace, type FreeSpaceCheck } from './disk';
import { listRepoFiles, openFileStream, toHubError, type HubFile, type HubRepoRef } from './hub-client';
import { requireModelLayout, requirePreviewDecoderLayout } from './layout';
import { SpeedMeter } from './speed';
import { COMPLETE_MARKER, type DownloadManifest } from './manifest';
import { FileVerifier } from './verify';

export type DownloadState =
  | 'listing'
  | 'downloading'
  | 'paused'
  | 'installing'
  | 'done'
  | 'failed'
  | 'cancelled';

export interface DownloadProgress {
  state: DownloadState;
  /** the file being fetched, repository-relative */
  file: string | null;
  fileIndex: number;
  fileCount: number;
  bytesDone: number;
  bytesTotal: number;
  /** over the last few seconds; 0 before any byte arrived */
  bytesPerSecond: number;
  /** null while the speed is unknown */
  secondsLeft: number | null;
}

export interface DownloadOptions extends HubRepoRef {
  /** the app's models folder; the model lands in `<modelsDir>/<name>` */
  modelsDir: string;
  /** folder name; derived from the repository and revision by default */
  name?: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** injectable for tests (a quota); fs.statfs by default */
  freeSpace?: FreeSpaceCheck;
  /** automatic retries after a dropped connection before giving up (the download stays resumable) */
  retries?: number;
  retryDelayMs?: number;
  /** minimum time between two progress events while bytes flow */
  progressIntervalMs?: number;
  /** a whole pipeline (default) or only a preview decoder's vae_decoder/ (catalogue.ts) */
  layout?: 'pipeline' | 'preview-decoder';
}

export const STAGING_DIR = '.staging';
const PLAN_FILE = '.plan.json';

/** "owner/name"@"rev" → a folder name that is safe on every file system. */
export function modelFolderName(repo: string, revision = 'main'): string {
  const base = revision === 'main' ? repo : `${repo}@${revision}`;
  return base.replace('/', '--').replace(/[^A-Za-z0-9._@-]/g, '_');
}

function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Stops the current request; carries why, so the loop knows whether to wait or to quit. */
class Interrupted extends Error {}

/** Staging folders being written in this process: two downloads must not share one. */
const active = new Set<string>();

export class ModelDownload {
  readonly name: string;
  readonly targetDir: string;
  readonly stagingDir: string;
  private readonly ref: HubRepoRef;
  private state: DownloadState = 'listing';
  private controller = new AbortController();
  private paused: { promise: Promise<void>; release: () => void } | null = null;
  private cancelled = false;
  /** ends the back-off wait between retries early (on pause or cancel) */
  private wake: (() => void) | null = null;
  private files: HubFile[] = [];
  private fileIndex = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  private readonly meter = new SpeedMeter();
  private lastEmit = 0;
  /** settles with the installed folder's manifest */
  readonly done: Promise<DownloadManifest>;

  constructor(private readonly options: DownloadOptions) {
    this.ref = { repo: options.repo, revision: options.revision ?? 'main', endpoint: options.endpoint, token: options.token };
    this.name = options.name ?? modelFolderName(options.repo, this.ref.revision);
    this.targetDir = path.join(options.modelsDir, this.name);
    this.stagingDir = path.join(options.modelsDir, STAGING_DIR, this.name);
    this.done = this.run();
    // A caller that only watches progress must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get progress(): DownloadProgress {
    const bytesPerSecond = this.meter.bytesPerSecond();
    const left = this.bytesTotal - this.bytesDone;
    return {
      state: this.state,
      file: this.files[this.fileIndex]?.path ?? null,
      fileIndex: this.fileIndex,
      fileCount: this.files.length,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond,
      secondsLeft: bytesPerSecond > 0 ? left / bytesPerSecond : left === 0 && this.bytesTotal > 0 ? 0 : null,
    };
  }

  /** Stop fetching and keep what arrived; `resume()` continues with a Range request. */
  pause(): void {
    if (this.paused || this.cancelled || this.isSettled()) return;
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.paused = { promise, release };
    this.controller.abort(new Interrupted('paused'));
    this.wake?.();
    this.setState('paused');
  }

  resume(): void {
    const paused = this.paused;
    if (!paused) return;
    this.paused = null;
    this.controller = new AbortController();
    paused.release();
  }

  /** Stop and throw away what was fetched; `done` rejects with E_DOWNLOAD_CANCELLED. */
  async cancel(): Promise<void> {
    if (this.isSettled()) return;
    this.cancelled = true;
    this.controller.abort(new Interrupted('cancelled'));
    this.wake?.();
    this.paused?.release();
    await this.done.catch(() => undefined);
  }

  private isSettled(): boolean {
    return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled';
  }

  private setState(state: DownloadState): void {
    this.state = state;
    if (state !== 'downloading') this.meter.reset();
    this.emit(true);
  }

  private emit(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < (this.options.progressIntervalMs ?? 200)) return;
    this.lastEmit = now;
    try {
      this.options.onProgress?.(this.progress);
    } catch {
      // a failing progress display must not stop the download
    }
  }

  private countBytes(n: number): void {
    this.bytesDone += n;
    this.meter.add(this.bytesDone);
    this.emit(false);
  }

  private checkCancelled(): void {
    if (this.cancelled) throw new PaletteError('E_DOWNLOAD_CANCELLED', `Download of ${this.ref.repo} was cancelled`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async whilePaused(): Promise<void> {
    while (this.paused) await this.paused.promise;
    this.checkCancelled();
    if (this.state !== 'downloading') this.setState('downloading');
  }

  private async run(): Promise<DownloadManifest> {
    try {
      await Promise.resolve(); // let the constructor return before the first event
      this.emit(true);
      const manifest = await this.download();
      this.setState('done');
      return manifest;
    } catch (e) {
      if (this.cancelled) {
        await fsp.rm(this.stagingDir, { recursive: true, force: true });
        this.setState('cancelled');
        throw new PaletteError('E_DOWNLOAD_CANCELLED', `Download of ${this.ref.repo} was cancelled`);
      }
      this.setState('failed');
      throw e;
    }
  }

  private async download(): Promise<DownloadManifest> {
    const where = `${this.ref.repo}@${this.ref.revision}`;
    if (active.has(this.stagingDir)) {
      throw new PaletteError('E_DOWNLOAD_BUSY', `Model ${where} is already being downloaded`);
    }
    active.add(this.stagingDir);
    try {
      return await this.downloadExclusive(where);
    } finally {
      active.delete(this.stagingDir);
    }
  }

  private async downloadExclusive(where: string): Promise<DownloadManifest> {
    if (await fileSize(path.join(this.targetDir, COMPLETE_MARKER))) {
      throw new PaletteError('E_MODEL_EXISTS', `Model ${where} is already installed in ${this.targetDir}`);
    }
    const listing = await listRepoFiles(this.ref, this.controller.signal);
    this.checkCancelled();
    this.files =
      this.options.layout === 'preview-decoder'
        ? requirePreviewDecoderLayout(listing, `Hugging Face repository ${where}`)
        : requireModelLayout(listing, `Hugging Face repository ${where}`);
    this.bytesTotal = this.files.reduce((sum, f) => sum + f.size, 0);
    await fsp.mkdir(this.stagingDir, { recursive: true });
    await this.forgetChangedFiles();
    for (const f of this.files) {
      const final = path.join(this.stagingDir, f.path);
      const have = (await fileSize(final)) === f.size ? f.size : await fileSize(`${final}.part`);
      this.bytesDone += Math.min(have, f.size);
    }
    await this.checkDiskSpace();

    for (this.fileIndex = 0; this.fileIndex < this.files.length; this.fileIndex++) {
      await this.whilePaused();
      await this.fetchFile(this.files[this.fileIndex]);
    }
    this.checkCancelled();
    this.setState('installing');
    return this.install();
  }

  /** A `.part` from an earlier session of a moving revision may belong to another version. */
  private async forgetChangedFiles(): Promise<void> {
    const planPath = path.join(this.stagingDir, PLAN_FILE);
    let previous: Record<string, string> = {};
    try {
      previous = JSON.parse(await fsp.readFile(planPath, 'utf8')) as Record<string, string>;
    } catch {
      // no earlier attempt
    }
    const plan: Record<string, string> = {};
    for (const f of this.files) {
      plan[f.path] = f.sha256 ?? f.oid;
      if (previous[f.path] !== undefined && previous[f.path] !== plan[f.path]) {
        const final = path.join(this.stagingDir, f.path);
        await fsp.rm(final, { force: true });
        await fsp.rm(`${final}.part`, { force: true });
      }
    }
    await fsp.writeFile(planPath, JSON.stringify(plan, null, 1));
  }

  private async checkDiskSpace(): Promise<void> {
    const needed = this.bytesTotal - this.bytesDone;
    const free = await (this.options.freeSpace ?? statfsFreeSpace)(this.options.modelsDir);
    if (needed > free) {
      throw new PaletteError(
        'E_DISK_FULL',
        `Not enough disk space in ${this.options.modelsDir}: ${this.ref.repo} needs ${formatBytes(needed)} more, ${formatBytes(free)} free`,
      );
    }
  }

  private async fetchFile(file: HubFile): Promise<void> {
    const final = path.join(this.stagingDir, file.path);
    if ((await fileSize(final)) === file.size) return; // verified in an earlier session
    const part = `${final}.part`;
    await fsp.mkdir(path.dirname(final), { recursive: true });
    const verifier = new FileVerifier(file);
    let failures = 0;
    for (;;) {
      await this.whilePaused();
      let have = await fileSize(part);
      if (have > file.size || have < verifier.fed) {
        this.bytesDone -= have;
        await fsp.rm(part, { force: true });
        verifier.reset();
        have = 0;
      }
      await verifier.catchUp(part, have);
      if (have === file.size) break;
      let problem: PaletteError;
      try {
        await this.receive(file, part, have, verifier);
        if (verifier.fed === file.size) break;
        problem = new PaletteError(
          'E_DOWNLOAD_NETWORK',
          `The connection closed before the end of ${file.path} (the download can be resumed)`,
        );
      } catch (e) {
        if (e instanceof PaletteError && e.code === 'E_DOWNLOAD_HASH') throw e;
        if (isNoSpace(e)) {
          throw new PaletteError('E_DISK_FULL', `Disk full while writing ${file.path} in ${this.options.modelsDir}; free some space and resume`, { cause: e });
        }
        this.checkCancelled();
        if (this.paused) continue;
        problem = e instanceof PaletteError ? e : toHubError(e, this.ref, file.path);
        if (problem.code !== 'E_DOWNLOAD_NETWORK') throw problem;
      }
      // Give up only after several attempts in a row that brought nothing.
      failures = verifier.fed > have ? 1 : failures + 1;
      if (failures > (this.options.retries ?? 5)) {
        throw new PaletteError('E_DOWNLOAD_NETWORK', `${problem.message}; ${formatBytes(this.bytesDone)} kept`, { cause: problem });
      }
      await this.sleep((this.options.retryDelayMs ?? 1000) * failures);
    }
    try {
      verifier.check();
    } catch (e) {
      await fsp.rm(part, { force: true });
      throw e;
    }
    await fsp.rename(part, final);
  }

  /** One request: append what the server sends from `offset` on. */
  private async receive(file: HubFile, part: string, offset: number, verifier: FileVerifier): Promise<void> {
    const signal = this.controller.signal;
    const { body, failure } = await openFileStream(this.ref, file, offset, signal);
    const reader = body.getReader();
    const out = await fsp.open(part, 'a');
    let received = 0;
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (signal.aborted) throw signal.reason;
          // The hub library reports a refused ranged request as a bare message: recover the status.
          throw toHubError(e, this.ref, file.path, failure());
        }
        if (chunk.done) break;
        if (offset + received + chunk.value.byteLength > file.size) {
          await out.close();
          await fsp.rm(part, { force: true });
          throw new PaletteError('E_DOWNLOAD_HASH', `${file.path}: the server sent more than the ${file.size} bytes the repository lists; the file was discarded`);
        }
        await out.write(chunk.value);
        verifier.update(chunk.value);
        received += chunk.value.byteLength;
        this.countBytes(chunk.value.byteLength);
      }
    } finally {
      await out.close().catch(() => undefined);
      reader.cancel().catch(() => undefined);
    }
  }

  private async install(): Promise<DownloadManifest> {
    const manifest: DownloadManifest = {
      source: 'huggingface',
      repo: this.ref.repo,
      revision: this.ref.revision ?? 'main',
      endpoint: this.ref.endpoint ?? 'https://huggingface.co',
      downloadedAt: new Date().toISOString(),
      files: this.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, oid: f.oid })),
    };
    await fsp.rm(path.join(this.stagingDir, PLAN_FILE), { force: true });
    await fsp.writeFile(path.join(this.stagingDir, COMPLETE_MARKER), JSON.stringify(manifest, null, 2));
    // A leftover folder without a manifest is an old broken copy, never a model: replace it.
    await fsp.rm(this.targetDir, { recursive: true, force: true });
    await fsp.rename(this.stagingDir, this.targetDir);
    return manifest;
  }
}

/** Start downloading; watch `onProgress`, await `done`. */
export function downloadModel(options: DownloadOptions): ModelDownload {
  return new ModelDownload(options);
}
