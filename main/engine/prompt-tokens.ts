/**
 * How a prompt fares in a model's CLIP tokenizer: its token count against the model's limit
 * (maxTokens − BOS − EOS = 75 for SD), and the words past the limit, which the text encoder
 * never sees (ENGINE-SPEC §2 truncation). Words are CLIP's own pieces (the tokenizer's split
 * pattern), tokenized one by one: BPE never merges across them, so the sum is the prompt's count.
 */
import * as path from 'node:path';
import { ClipTokenizer } from './models/tokenizer';
import type { PromptTokenCount } from '../../shared/ipc/channels';

/** CLIP's word splitter, as the tokenizer's pre-tokenizer uses it (openai/CLIP simple_tokenizer). */
const CLIP_WORDS = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

export type TokenizerLike = Pick<ClipTokenizer, 'tokenIds' | 'maxTokens'>;

export function countPromptTokens(tokenizer: TokenizerLike, text: string): PromptTokenCount {
  const limit = tokenizer.maxTokens - 2;
  let tokens = 0;
  let droppedFrom = -1;
  // CLIP lower-cases and folds whitespace before splitting; offsets stay those of `text`
  for (const m of text.normalize('NFC').matchAll(CLIP_WORDS)) {
    const n = tokenizer.tokenIds(m[0]).length;
    if (droppedFrom < 0 && tokens + n > limit) droppedFrom = m.index;
    tokens += n;
  }
  return { tokens, limit, dropped: droppedFrom < 0 ? '' : text.normalize('NFC').slice(droppedFrom).trim() };
}

/** One tokenizer per model folder, loaded on first use. */
export class PromptTokenCounter {
  private readonly tokenizers = new Map<string, ClipTokenizer>();

  count(modelDir: string, texts: readonly string[]): PromptTokenCount[] {
    let tokenizer = this.tokenizers.get(modelDir);
    if (!tokenizer) {
      tokenizer = ClipTokenizer.load(path.join(modelDir, 'tokenizer'));
      this.tokenizers.set(modelDir, tokenizer);
    }
    const t = tokenizer;
    return texts.map((text) => countPromptTokens(t, text));
  }
}
