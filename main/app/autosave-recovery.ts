/**
 * Recovery after a crash. A clean exit leaves a `clean-exit` marker in the autosave folder;
 * starting removes it. So at start, autosaves without the marker are work a crash (or a
 * kill, or a power cut) left behind, and the user is offered to restore or discard each.
 * Autosaves found after a clean exit are leftovers of an answered session and are removed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PaletteDocument } from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import type { AutosaveEntry, AutosaveFolder } from './autosave';

export const CLEAN_EXIT_MARKER = 'clean-exit';

export interface Recoverable extends AutosaveEntry {
  /** file name shown to the user ("Untitled" for a never-saved document) */
  name: string;
}

export interface RestoredAutosave {
  id: string;
  originalPath: string | null;
  savedAt: number;
  document: PaletteDocument;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

export class Recovery {
  private pending: Recoverable[] = [];

  constructor(private readonly folder: AutosaveFolder) {}

  private get marker(): string {
    return path.join(this.folder.dir, CLEAN_EXIT_MARKER);
  }

  /** Once per app start: what a crash left behind (empty after a clean exit). */
  async start(): Promise<Recoverable[]> {
    const cleanExit = await exists(this.marker);
    await fs.rm(this.marker, { force: true });
    const found: Recoverable[] = [];
    for (const entry of await this.folder.entries()) {
      if (cleanExit || !(await exists(this.folder.fileOf(entry.id)))) {
        await this.folder.remove(entry.id);
        continue;
      }
      found.push({ ...entry, name: entry.originalPath ? path.basename(entry.originalPath) : 'Untitled' });
    }
    this.pending = found.sort((a, b) => b.savedAt - a.savedAt);
    return this.list();
  }

  /** autosaves still waiting for the user's answer */
  list(): Recoverable[] {
    return this.pending.map((r) => ({ ...r }));
  }

  private take(id: string): Recoverable {
    const entry = this.pending.find((r) => r.id === id);
    if (!entry) throw new PaletteError('E_AUTOSAVE_NOT_FOUND', `there is no autosaved document "${id}" to recover`);
    return entry;
  }

  /** Reads the autosave (fully validated); it stays on disk until the restored document is saved or discarded. */
  async restore(id: string): Promise<RestoredAutosave> {
    const entry = this.take(id);
    const document = await this.folder.read(id);
    this.pending = this.pending.filter((r) => r.id !== id);
    return { id, originalPath: entry.originalPath, savedAt: entry.savedAt, document };
  }

  async discard(id: string): Promise<void> {
    this.take(id);
    this.pending = this.pending.filter((r) => r.id !== id);
    await this.folder.remove(id);
  }

  /**
   * A clean exit. Unanswered autosaves keep the marker away, so they are offered again next
   * time rather than silently deleted.
   */
  async finish(): Promise<void> {
    if (this.pending.length > 0) return;
    await fs.mkdir(this.folder.dir, { recursive: true });
    await fs.writeFile(this.marker, `${new Date().toISOString()}\n`);
  }
}
