import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClipTokenizer } from '../../../main/engine/models/tokenizer';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

const SHARED_CLIP = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'clip');
const haveShared = fs.existsSync(path.join(SHARED_CLIP, 'vocab.json')) && fs.existsSync(path.join(SHARED_CLIP, 'golden-ids.json'));
if (!haveShared) console.warn(`tokenizer golden tests skipped: ${SHARED_CLIP} is absent`);
const describeShared = haveShared ? describe : describe.skip;

interface GoldenCase {
  text: string;
  ids: number[];
}

describeShared('CLIP tokenizer with the real SD 1.5 vocabulary', () => {
  const tokenizer = haveShared ? ClipTokenizer.load(SHARED_CLIP) : (undefined as unknown as ClipTokenizer);
  const golden: GoldenCase[] = haveShared ? (JSON.parse(fs.readFileSync(path.join(SHARED_CLIP, 'golden-ids.json'), 'utf8')) as { cases: GoldenCase[] }).cases : [];

  test('reads BOS/EOS/pad ids from the vocabulary', () => {
    expect([tokenizer.bosId, tokenizer.eosId, tokenizer.padId, tokenizer.maxTokens]).toEqual([49406, 49407, 49407, 77]);
  });

  test.each(golden.map((c) => [c.text, c] as const))('golden ids: %j', (_text, c) => {
    const ids = Array.from(tokenizer.encode(c.text));
    expect(ids.slice(0, c.ids.length)).toEqual(c.ids);
    expect(ids.slice(c.ids.length)).toEqual(new Array(77 - c.ids.length).fill(49407));
  });

  test('lower-cases', () => {
    expect(Array.from(tokenizer.encode('A RED Fox'))).toEqual(Array.from(tokenizer.encode('a red fox')));
  });

  test('long prompts keep BOS, the first 75 tokens, then EOS', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const body = tokenizer.tokenIds(words);
    expect(body.length).toBeGreaterThan(75);
    const ids = Array.from(tokenizer.encode(words));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(49406);
    expect(ids.slice(1, 76)).toEqual(body.slice(0, 75));
    expect(ids[76]).toBe(49407);
  });

  test('exactly 75 tokens fit without truncation', () => {
    const text = new Array(75).fill('cat').join(' ');
    const ids = Array.from(tokenizer.encode(text));
    expect(tokenizer.tokenIds(text)).toHaveLength(75);
    expect(ids.slice(1, 76)).toEqual(tokenizer.tokenIds(text));
    expect(ids[76]).toBe(49407);
  });
});

describe('palette-colors tokenizer', () => {
  const tokenizer = ClipTokenizer.load(path.join(PALETTE_COLORS_DIR, 'tokenizer'));
  const vocab = JSON.parse(fs.readFileSync(path.join(PALETTE_COLORS_DIR, 'tokenizer', 'vocab.json'), 'utf8')) as Record<string, number>;

  test('special ids come from its own vocabulary, not from SD 1.5 constants', () => {
    expect(tokenizer.bosId).toBe(vocab['<|startoftext|>']);
    expect(tokenizer.eosId).toBe(vocab['<|endoftext|>']);
    expect(tokenizer.bosId).not.toBe(49406);
  });

  test('every colour word is one whole-word token', () => {
    for (const word of ['white', 'black', 'gray', 'grey', 'red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown', 'sky', 'grass', 'sand', 'sea']) {
      expect(tokenizer.tokens(word.toUpperCase())).toEqual([`${word}</w>`]);
    }
  });

  test('any text tokenizes, padded to 77 with the pad token', () => {
    const ids = Array.from(tokenizer.encode('Ünïcode 🙂 and a blue sky, 35mm'));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(tokenizer.bosId);
    const eos = ids.indexOf(tokenizer.eosId);
    expect(eos).toBeGreaterThan(5);
    expect(ids.slice(eos + 1).every((id) => id === tokenizer.padId)).toBe(true);
    expect(ids.slice(1, eos)).toContain(vocab['blue</w>']);
    expect(ids.slice(1, eos)).toContain(vocab['sky</w>']);
  });
});
