/**
 * Open Recent: the list lives in the settings store (capped at MAX_RECENT, newest first, one
 * entry per file); files that moved or were deleted are pruned from it, and the user is told
 * which ones went, rather than finding a menu item that fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import type { RecentEntry } from '../../shared/ipc/channels';
import type { SettingsStore } from './settings-store';

export type FileExists = (file: string) => boolean;

export const fileExists: FileExists = (file) => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** the list without missing files and without a second entry for one file (first, i.e. newest, wins) */
export function pruneRecent(list: readonly RecentEntry[], exists: FileExists): { kept: RecentEntry[]; removed: RecentEntry[] } {
  const seen = new Set<string>();
  const kept: RecentEntry[] = [];
  const removed: RecentEntry[] = [];
  for (const entry of list) {
    const key = path.resolve(entry.path);
    if (seen.has(key)) continue;
    seen.add(key);
    (exists(entry.path) ? kept : removed).push(entry);
  }
  return { kept, removed };
}

export function missingMessage(removed: readonly RecentEntry[]): string | null {
  if (removed.length === 0) return null;
  if (removed.length === 1) return `"${removed[0].name}" is no longer at ${removed[0].path}: removed from Open Recent`;
  return `${removed.length} recent files are no longer where they were (${removed.map((r) => r.name).join(', ')}): removed from Open Recent`;
}

type RecentSettings = Pick<SettingsStore, 'recent' | 'removeRecent'>;

export class RecentFiles {
  constructor(
    private readonly settings: RecentSettings,
    private readonly exists: FileExists = fileExists,
  ) {}

  /** the list with missing files pruned (from the store too), and the message naming them */
  list(): { entries: RecentEntry[]; message: string | null } {
    const all = this.settings.recent();
    const { kept, removed } = pruneRecent(all, this.exists);
    for (const r of removed) this.settings.removeRecent(r.path);
    return { entries: kept, message: missingMessage(removed) };
  }

  /** Before opening a recent file: a missing one leaves the list, with an error naming it. */
  checkOpen(file: string): void {
    if (this.exists(file)) return;
    const entry = this.settings.recent().find((r) => path.resolve(r.path) === path.resolve(file));
    if (!entry) return; // not a recent file: the reader reports E_FILE_NOT_FOUND itself
    this.settings.removeRecent(entry.path);
    throw new PaletteError('E_RECENT_MISSING', missingMessage([entry]) ?? `"${file}" does not exist`);
  }
}
