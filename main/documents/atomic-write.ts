/**
 * Crash-safe file replacement: the target is at every instant either the old complete file
 * or the new complete file. Data goes to a temporary file in the same folder (same file
 * system, so rename is atomic), is flushed to disk, then renamed over the target.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';

export interface AtomicWriteOptions {
  /** keep the replaced file as `<target>.bak` (default false) */
  backup?: boolean;
}

let counter = 0;
const queues = new Map<string, Promise<unknown>>();

async function fsyncDirectory(dir: string): Promise<void> {
  // makes the rename itself durable; not possible on every platform (Windows), hence best effort
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

async function writeAndSync(file: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `<target>.bak` becomes the current target, atomically: a hard link when possible, else a flushed copy. */
async function keepBackup(target: string, temp: string): Promise<void> {
  try {
    await fs.link(target, temp);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // nothing to back up yet
    await fs.copyFile(target, temp);
    const handle = await fs.open(temp, 'r+');
    await handle.sync().finally(() => handle.close());
  }
  await fs.rename(temp, `${target}.bak`);
}

async function replace(target: string, data: Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const tag = `${process.pid}-${++counter}`;
  const temp = path.join(dir, `.${base}.${tag}.tmp`);
  const backupTemp = path.join(dir, `.${base}.${tag}.bak.tmp`);
  try {
    await writeAndSync(temp, data);
    if (options.backup) await keepBackup(target, backupTemp);
    await fs.rename(temp, target);
    await fsyncDirectory(dir);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    await fs.rm(backupTemp, { force: true }).catch(() => undefined);
    throw new PaletteError(saveErrorCode(e), `could not save "${target}": ${saveErrorReason(e)}; the previous file is untouched`, { cause: e });
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function saveErrorCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'E_DISK_FULL' : 'E_SAVE_FAILED';
}

function saveErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const first = (e as Error).message.split('\n')[0];
  return code && REASONS[code] ? `${REASONS[code]} (${code})` : first;
}

/** `.NAME.<pid>-<n>.tmp` and `.NAME.<pid>-<n>.bak.tmp`: what replace() writes next to NAME */
const TEMP_PATTERN = /^\.(.+)\.(\d+)-\d+(?:\.bak)?\.tmp$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Removes the temporary files a killed save left next to `target` (or, with `{ all: true }`,
 * next to any file in the folder `target`): those whose writer process is gone. Run at start for
 * the autosave folder and whenever a document is opened. Returns the names removed.
 */
export async function cleanStaleTemps(target: string, options: { all?: boolean } = {}): Promise<string[]> {
  const dir = options.all ? target : path.dirname(target);
  const base = options.all ? null : path.basename(target);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || (base !== null && m[1] !== base) || processAlive(Number(m[2]))) continue;
    await fs.rm(path.join(dir, name), { force: true }).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

/** Writes `data` to `target` atomically; saves to the same target from this process run one after another. */
export function writeFileAtomic(target: string, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const key = path.resolve(target);
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => replace(key, data, options));
  queues.set(key, next);
  void next.finally(() => {
    if (queues.get(key) === next) queues.delete(key);
  }).catch(() => undefined);
  return next;
}
