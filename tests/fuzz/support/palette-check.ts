/**
 * Child-process side of the .palette fuzz: writes one mutant to an empty folder, opens it the
 * way the app does (readPalette), and reports what happened. A file that opens must survive a
 * save and a reopen unchanged.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodePalette, encodePalette, readPalette } from '../../../main/documents';
import { documentsEqual } from '../../../shared/document';
import { isPaletteError } from '../../../shared/errors';

export interface PaletteCase {
  bytes: Uint8Array;
  /** an empty folder owned by this child */
  dir: string;
}

export type PaletteOutcome =
  | { outcome: 'error'; code: string; message: string }
  | { outcome: 'opened'; roundTrip: boolean }
  | { outcome: 'bug'; error: string };

export interface PaletteReport {
  result: PaletteOutcome;
  /** files in the folder after opening, besides the mutant itself */
  written: string[];
  /** time to open, ms */
  openMs: number;
  rssMb: number;
}

export async function handle({ bytes, dir }: PaletteCase): Promise<PaletteReport> {
  const file = path.join(dir, 'case.palette');
  await fs.writeFile(file, bytes);
  const started = performance.now();
  let result: PaletteOutcome;
  try {
    const doc = await readPalette(file);
    const openMs = performance.now() - started;
    let roundTrip = false;
    try {
      roundTrip = documentsEqual(doc, decodePalette(encodePalette(doc)));
    } catch (e) {
      result = { outcome: 'bug', error: `opened, but does not save and reopen: ${(e as Error).stack}` };
      return finish(result, openMs);
    }
    result = { outcome: 'opened', roundTrip };
    return finish(result, openMs);
  } catch (e) {
    const openMs = performance.now() - started;
    result = isPaletteError(e) ? { outcome: 'error', code: e.code, message: e.message } : { outcome: 'bug', error: `${(e as Error)?.stack ?? e}` };
    return finish(result, openMs);
  }

  async function finish(r: PaletteOutcome, openMs: number): Promise<PaletteReport> {
    const written = (await fs.readdir(dir)).filter((f) => f !== 'case.palette');
    await fs.rm(file, { force: true });
    return { result: r, written, openMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
  }
}
