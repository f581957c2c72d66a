/**
 * Autosave: while the document is unsaved, every `intervalMs` (30 s by default, a setting)
 * main asks the renderer for the document and writes it into the app's data folder. One
 * `.palette` per document plus `autosave-index.json` naming each one's original file and
 * time, all written atomically, so a crash mid-autosave never spoils an earlier autosave.
 * A clean save, a discarded document or a clean exit removes the document's autosave.
 *
 * Plain Node with an injected clock/timer: tests drive it with fake timers and real files.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PaletteDocument } from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { encodePalette, readPaletteDetailed, writeFileAtomic } from '../documents';

export const AUTOSAVE_INDEX = 'autosave-index.json';
export const DEFAULT_AUTOSAVE_MS = 30_000;

export interface AutosaveTimer {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimer: AutosaveTimer = {
  now: () => Date.now(),
  setTimeout: (run, ms) => {
    const t = setTimeout(run, ms);
    // an autosave must never keep the process alive on its own
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface AutosaveEntry {
  id: string;
  /** the file the document belongs to; null for a document never saved */
  originalPath: string | null;
  /** when it was written (ms since the epoch) */
  savedAt: number;
}

const ID_PATTERN = /^[a-z0-9-]{1,64}$/;

export function newAutosaveId(now: number): string {
  return `doc-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

function isEntry(v: unknown): v is AutosaveEntry {
  const e = v as Partial<AutosaveEntry> | null;
  return (
    !!e &&
    typeof e.id === 'string' &&
    ID_PATTERN.test(e.id) &&
    (e.originalPath === null || typeof e.originalPath === 'string') &&
    typeof e.savedAt === 'number'
  );
}

/** The autosave folder: the documents and their index. Index updates run one after another. */
export class AutosaveFolder {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  fileOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new PaletteError('E_AUTOSAVE_ID', `"${id}" is not an autosave id`);
    return path.join(this.dir, `${id}.palette`);
  }

  /** the index; a missing or damaged index reads as empty (the autosaves are a safety net, not a document) */
  async entries(): Promise<AutosaveEntry[]> {
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(path.join(this.dir, AUTOSAVE_INDEX), 'utf8'));
      const list = (parsed as { entries?: unknown }).entries;
      return Array.isArray(list) ? list.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  async write(entry: AutosaveEntry, doc: PaletteDocument): Promise<void> {
    const bytes = encodePalette(doc);
    await this.serial(async () => {
      await fs.mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.fileOf(entry.id), bytes);
      await this.writeIndex([...(await this.entries()).filter((e) => e.id !== entry.id), entry]);
    });
  }

  async read(id: string): Promise<PaletteDocument> {
    return (await readPaletteDetailed(this.fileOf(id))).document;
  }

  async remove(id: string): Promise<void> {
    await this.serial(async () => {
      const entries = await this.entries();
      if (entries.some((e) => e.id === id)) await this.writeIndex(entries.filter((e) => e.id !== id));
      await fs.rm(this.fileOf(id), { force: true });
    });
  }

  private async writeIndex(entries: AutosaveEntry[]): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const json = JSON.stringify({ version: 1, entries }, null, 2);
    await writeFileAtomic(path.join(this.dir, AUTOSAVE_INDEX), new TextEncoder().encode(json));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(work);
    this.queue = next;
    return next;
  }
}

export interface AutosaverDeps {
  folder: AutosaveFolder;
  timer?: AutosaveTimer;
  /** read at each scheduling, so a changed setting applies from the next autosave */
  intervalMs?: () => number;
  /** ask the renderer for the document; it answers through `write` */
  requestSnapshot: () => void;
  onError?: (e: unknown) => void;
}

/** Autosaves the current document while it is dirty. */
export class Autosaver {
  private id: string | null = null;
  private originalPath: string | null = null;
  private dirty = false;
  private handle: unknown = null;
  private readonly timer: AutosaveTimer;

  constructor(private readonly deps: AutosaverDeps) {
    this.timer = deps.timer ?? systemTimer;
  }

  /** the current document's autosave id (null until its first autosave) */
  get currentId(): string | null {
    return this.id;
  }

  get scheduled(): boolean {
    return this.handle !== null;
  }

  /** The document's state: dirty starts the clock; clean stops it and drops the autosave (the file on disk is the truth). */
  update(dirty: boolean, originalPath: string | null): Promise<void> {
    this.originalPath = originalPath;
    const was = this.dirty;
    this.dirty = dirty;
    if (dirty) {
      if (!was || !this.scheduled) this.schedule();
      return Promise.resolve();
    }
    this.cancel();
    return this.dropCurrent();
  }

  /** Another document replaces this one: its autosave goes. `adoptId`: the new document is that autosave (a restore). */
  async replaceDocument(adoptId: string | null = null): Promise<void> {
    this.cancel();
    this.dirty = false;
    if (this.id !== adoptId) await this.dropCurrent();
    this.id = adoptId;
  }

  /** the renderer's answer to requestSnapshot (ignored once the document is clean) */
  async write(doc: PaletteDocument): Promise<void> {
    if (!this.dirty) return;
    this.id ??= newAutosaveId(this.timer.now());
    await this.deps.folder.write({ id: this.id, originalPath: this.originalPath, savedAt: this.timer.now() }, doc);
  }

  /** a clean exit: nothing is left to recover for this session */
  async close(): Promise<void> {
    this.cancel();
    this.dirty = false;
    await this.dropCurrent();
  }

  private async dropCurrent(): Promise<void> {
    const id = this.id;
    this.id = null;
    if (id) await this.deps.folder.remove(id);
  }

  private schedule(): void {
    this.cancel();
    const ms = Math.max(1000, this.deps.intervalMs?.() ?? DEFAULT_AUTOSAVE_MS);
    this.handle = this.timer.setTimeout(() => {
      this.handle = null;
      if (!this.dirty) return;
      try {
        this.deps.requestSnapshot();
      } catch (e) {
        this.deps.onError?.(e);
      }
      this.schedule();
    }, ms);
  }

  private cancel(): void {
    if (this.handle !== null) this.timer.clearTimeout(this.handle);
    this.handle = null;
  }
}
