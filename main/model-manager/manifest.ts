/** The `.complete` file of a downloaded model: written last, so its presence means "whole". */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export const COMPLETE_MARKER = '.complete';

export interface DownloadManifest {
  source: 'huggingface';
  repo: string;
  revision: string;
  endpoint: string;
  downloadedAt: string;
  files: Array<{ path: string; size: number; sha256?: string; oid: string }>;
}

/** The manifest of a model folder, or null when the folder is not a finished download. */
export async function readManifest(dir: string): Promise<DownloadManifest | null> {
  try {
    const parsed = JSON.parse(await fsp.readFile(path.join(dir, COMPLETE_MARKER), 'utf8')) as DownloadManifest;
    return Array.isArray(parsed.files) && typeof parsed.repo === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
