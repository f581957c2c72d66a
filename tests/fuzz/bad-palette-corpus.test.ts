/**
 * The minimized corpus of the .palette fuzz (tests/fixtures/bad-palettes/, see
 * tests/fuzz/support/corpus.ts): each file, opened from disk as the app opens it, gives its
 * recorded error code with a short one-line message and leaves nothing behind.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPalette } from '../../main/documents';
import { MAX_MESSAGE_LENGTH, PaletteError } from '../../shared/errors';
import { CORPUS_DIR, type CorpusEntry } from './support/corpus';

const index = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'index.json'), 'utf8')) as Record<string, CorpusEntry>;

test('the corpus is the files its index lists', () => {
  expect(readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.palette')).sort()).toEqual(Object.keys(index).sort());
  expect(Object.keys(index).length).toBeGreaterThanOrEqual(20);
});

describe.each(Object.entries(index))('%s', (file, { code, mutation }) => {
  test(`${mutation} → ${code}`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'palette-corpus-'));
    try {
      const target = path.join(dir, 'bad.palette');
      copyFileSync(path.join(CORPUS_DIR, file), target);
      const error = await readPalette(target).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(PaletteError);
      expect((error as PaletteError).code).toBe(code);
      const { message } = error as PaletteError;
      expect(message).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(readdirSync(dir)).toEqual(['bad.palette']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
