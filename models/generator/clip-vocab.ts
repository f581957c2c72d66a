/**
 * A CLIP-format BPE vocabulary for palette-colors: the 512 byte-level base symbols (each byte,
 * and each byte ending a word), the merges that build every colour word into one `word</w>`
 * token, then the two special tokens, in the same order as the real CLIP vocabulary.
 */
import { COLOUR_WORDS } from './colours';

export const BOS_TOKEN = '<|startoftext|>';
export const EOS_TOKEN = '<|endoftext|>';

/** GPT-2/CLIP's reversible byte → printable character table. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const table = new Array<string>(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}

export interface ClipVocabulary {
  /** token → id, ids dense from 0 */
  readonly vocab: Map<string, number>;
  /** merge pairs in rank order */
  readonly merges: readonly (readonly [string, string])[];
}

/** Symbols of one word before merging, as CLIP splits it: last one carries `</w>`. */
function wordSymbols(word: string): string[] {
  const symbols = [...word];
  symbols[symbols.length - 1] += '</w>';
  return symbols;
}

/** Plain BPE as CLIP applies it: repeatedly merge the lowest-ranked adjacent pair. */
export function applyMerges(symbols: readonly string[], ranks: ReadonlyMap<string, number>): string[] {
  let word = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < word.length - 1; i++) {
      const r = ranks.get(`${word[i]} ${word[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return word;
    const [a, b] = [word[best], word[best + 1]];
    const next: string[] = [];
    for (let i = 0; i < word.length; i++) {
      if (i < word.length - 1 && word[i] === a && word[i + 1] === b) {
        next.push(a + b);
        i++;
      } else next.push(word[i]);
    }
    word = next;
  }
}

export function buildClipVocabulary(): ClipVocabulary {
  const base = bytesToUnicode();
  const tokens: string[] = [...base, ...base.map((c) => `${c}</w>`)];
  // Each word is built left to right; merges are ranked by the length of what they build,
  // then alphabetically, which keeps every colour word's chain intact (checked below).
  const byStage = new Map<number, Set<string>>();
  for (const word of Object.keys(COLOUR_WORDS)) {
    const symbols = wordSymbols(word);
    let prefix = symbols[0];
    for (let k = 1; k < symbols.length; k++) {
      const stage = byStage.get(k + 1) ?? new Set<string>();
      stage.add(`${prefix} ${symbols[k]}`);
      byStage.set(k + 1, stage);
      prefix += symbols[k];
    }
  }
  const merges: [string, string][] = [];
  for (const stage of [...byStage.keys()].sort((a, b) => a - b)) {
    for (const pair of [...byStage.get(stage)!].sort()) {
      const [a, b] = pair.split(' ');
      merges.push([a, b]);
      tokens.push(a + b);
    }
  }
  tokens.push(BOS_TOKEN, EOS_TOKEN);
  const vocab = new Map(tokens.map((t, i) => [t, i]));
  if (vocab.size !== tokens.length) throw new Error('palette-colors vocabulary has duplicate tokens');
  const ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  for (const word of Object.keys(COLOUR_WORDS)) {
    const merged = applyMerges(wordSymbols(word), ranks);
    if (merged.length !== 1 || merged[0] !== `${word}</w>`) {
      throw new Error(`colour word "${word}" does not merge into one token: ${merged.join(' ')}`);
    }
  }
  return { vocab, merges };
}
