/**
 * The minimized regression corpus of the .palette fuzz (tests/fixtures/bad-palettes/): for each
 * mutation family and error code the smallest file that produced it, plus the files that once
 * broke the reader (REGRESSIONS). index.json maps each file to the error code it must give.
 * Refresh: node -r ./scripts/register-ts.js tests/fuzz/support/corpus.ts
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodePalette } from '../../../main/documents';
import { isPaletteError } from '../../../shared/errors';
import { loadExamples, mutantsOf, type Mutant } from './palette-mutants';

export const CORPUS_DIR = path.resolve(__dirname, '../../fixtures/bad-palettes');
export const CORPUS_SEED = 20261201;

export interface CorpusEntry {
  /** the error code the file must give */
  code: string;
  /** how it was made */
  mutation: string;
}

/** mutations that found bugs (fixed): a message of several lines or 100 000 characters, a stack overflow */
const REGRESSIONS = [
  /^fox-in-snow@\S+ format with a line separator$/, // U+2028 quoted into the message
  /^fox-in-snow@\S+ format of 100 000 characters$/, // the value quoted whole
  /^fox-in-snow@\S+ format 5000 objects deep$/, // JSON.stringify stack overflow in the migration
  /^fox-in-snow@\S+ NaN seed$/, // V8's JSON error quotes the text with its line breaks
  /^fox-in-snow@\S+ 200 000 nested objects$/,
];

const fileName = (m: Mutant) => `${m.family}-${m.name.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 80)}.palette`;

function codeOf(m: Mutant): string | undefined {
  try {
    decodePalette(m.bytes);
    return undefined;
  } catch (e) {
    if (!isPaletteError(e)) throw new Error(`${m.name}: not a PaletteError: ${(e as Error).stack}`, { cause: e });
    return e.code;
  }
}

export function writeCorpus(): Record<string, CorpusEntry> {
  const best = new Map<string, { mutant: Mutant; code: string }>();
  const regressions: Array<{ mutant: Mutant; code: string }> = [];
  for (const [i, ex] of loadExamples().entries()) {
    for (const mutant of mutantsOf(ex, CORPUS_SEED + 1000 * i)) {
      const code = codeOf(mutant);
      if (!code) continue;
      if (REGRESSIONS.some((r) => r.test(mutant.name))) regressions.push({ mutant, code });
      const key = `${mutant.family} ${code}`;
      const prev = best.get(key);
      if (!prev || mutant.bytes.length < prev.mutant.bytes.length) best.set(key, { mutant, code });
    }
  }
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const f of readdirSync(CORPUS_DIR)) if (f.endsWith('.palette')) rmSync(path.join(CORPUS_DIR, f));
  const index: Record<string, CorpusEntry> = {};
  const chosen = [...best.values(), ...regressions].sort((a, b) => fileName(a.mutant).localeCompare(fileName(b.mutant)));
  for (const { mutant, code } of chosen) {
    writeFileSync(path.join(CORPUS_DIR, fileName(mutant)), mutant.bytes);
    index[fileName(mutant)] = { code, mutation: mutant.name };
  }
  writeFileSync(path.join(CORPUS_DIR, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

if (require.main === module) console.log(`${Object.keys(writeCorpus()).length} files in ${CORPUS_DIR}`);
