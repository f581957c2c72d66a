/** Helpers for the app-side document tests: a fake clock/timer, documents with painted masks, temp folders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPaletteDocument, toLayerId, type PaletteDocument } from '../../../shared/document';
import type { AutosaveTimer } from '../../../main/app/autosave';

/** Timers that fire only when the test moves the clock. */
export class FakeTimer implements AutosaveTimer {
  private t = 1_700_000_000_000;
  private nextId = 1;
  private readonly tasks = new Map<number, { at: number; run: () => void }>();

  now = (): number => this.t;

  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.t + ms, run });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.tasks.delete(handle as number);
  };

  get pending(): number {
    return this.tasks.size;
  }

  /** moves the clock by `ms`, running every timer that comes due on the way, in order */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | null = null;
      for (const entry of this.tasks) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.tasks.delete(due[0]);
      this.t = due[1].at;
      due[1].run();
    }
    this.t = end;
  }
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `palette-${tag}-`));
}

/** a 16×16 document with one brush whose mask has a painted square */
export function paintedDocument(prompt = 'red'): PaletteDocument {
  const mask = new Uint8Array(16 * 16);
  for (let y = 4; y < 12; y++) mask.fill(255, y * 16 + 4, y * 16 + 12);
  return createPaletteDocument({ canvas: { width: 16, height: 16 }, background: { prompt: 'white' }, layers: [{ id: toLayerId('fox'), name: 'Fox', prompt, mask }] });
}
