/**
 * The app's preferences (recent files, last model, brush sizes, theme, window size) behind a
 * small interface. In the app the backend is electron-store (main/index.ts); tests use
 * memoryBackend(). Values read back are checked against the schema, so a hand-edited or old
 * settings file falls back to defaults field by field instead of breaking the app.
 */
import * as path from 'node:path';
import { appSettings } from '../../shared/ipc/payloads';
import type { AppSettings, AppSettingsPatch, RecentEntry } from '../../shared/ipc/channels';

/** What we need of electron-store (v8: `store.get(key)`, `store.set(key, value)`). */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export const MAX_RECENT = 10;

export const DEFAULT_APP_SETTINGS: Readonly<AppSettings> = Object.freeze({
  lastModelId: null,
  brushSize: 32,
  eraserSize: 48,
  brushHardness: 0.8,
  theme: 'system',
  window: { width: 1280, height: 800 },
  recent: [],
  executionProvider: 'auto',
  engineThreads: 0,
  autosaveSeconds: 30,
  guideDismissed: false,
});

export function memoryBackend(initial: Record<string, unknown> = {}): KeyValueBackend {
  const data = new Map(Object.entries(initial));
  return { get: (k) => structuredClone(data.get(k)), set: (k, v) => void data.set(k, structuredClone(v)) };
}

export class SettingsStore {
  private readonly recentListeners = new Set<(recent: RecentEntry[]) => void>();

  constructor(
    private readonly backend: KeyValueBackend,
    private readonly now: () => number = Date.now,
  ) {}

  get(): AppSettings {
    const out: Record<string, unknown> = {};
    const shape = appSettings.shape;
    for (const key of Object.keys(shape) as (keyof AppSettings)[]) {
      const parsed = shape[key].safeParse(this.backend.get(key));
      out[key] = parsed.success ? parsed.data : structuredClone(DEFAULT_APP_SETTINGS[key]);
    }
    return out as AppSettings;
  }

  set(patch: AppSettingsPatch): AppSettings {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) this.backend.set(key, value);
    return this.get();
  }

  setWindowSize(width: number, height: number): void {
    this.backend.set('window', { width: Math.max(200, Math.round(width)), height: Math.max(200, Math.round(height)) });
  }

  recent(): RecentEntry[] {
    return this.get().recent;
  }

  /** the recent list changed (the menu's Open Recent follows it) */
  onRecentChange(listener: (recent: RecentEntry[]) => void): () => void {
    this.recentListeners.add(listener);
    return () => this.recentListeners.delete(listener);
  }

  private setRecent(next: RecentEntry[]): RecentEntry[] {
    this.backend.set('recent', next);
    for (const l of [...this.recentListeners]) l(next);
    return next;
  }

  /** moves `file` to the top of the recent list (no duplicates, at most MAX_RECENT) */
  addRecent(file: string): RecentEntry[] {
    const entry: RecentEntry = { path: file, name: path.basename(file), openedAt: this.now() };
    return this.setRecent([entry, ...this.recent().filter((r) => r.path !== file)].slice(0, MAX_RECENT));
  }

  removeRecent(file: string): RecentEntry[] {
    return this.setRecent(this.recent().filter((r) => r.path !== file));
  }

  clearRecent(): void {
    this.setRecent([]);
  }
}
