/** Disk questions the model manager asks: how much room is left, how big a folder is. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
export { formatBytes } from '../../shared/format';

/** Bytes a new file may still take under `dir` (as an unprivileged user). */
export type FreeSpaceCheck = (dir: string) => Promise<number>;

export const statfsFreeSpace: FreeSpaceCheck = async (dir) => {
  // The models folder may not exist yet: ask about the nearest folder that does.
  let probe = path.resolve(dir);
  for (;;) {
    try {
      const s = await fsp.statfs(probe);
      return s.bavail * s.bsize;
    } catch (e) {
      const parent = path.dirname(probe);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === probe) throw e;
      probe = parent;
    }
  }
};

/** Total size of the files under `dir` (symlinks not followed); 0 when it is absent. */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderSize(full);
    else if (entry.isFile()) total += (await fsp.stat(full)).size;
  }
  return total;
}

/** Size of a file, or 0 when it does not exist. */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

