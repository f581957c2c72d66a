/**
 * CLIP BPE tokenizer of a model folder's `tokenizer/` (vocab.json + merges.txt + configs),
 * run by @huggingface/tokenizers from the same tokenizer.json structure the Hub's CLIP
 * tokenizers ship, built in memory. ENGINE-SPEC §2: lower-case, BOS … EOS, padded with the pad
 * token to 77; longer prompts keep BOS + the first 75 tokens + EOS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { PaletteError } from '../../../shared/errors';

/** CLIP's word splitter (openai/CLIP simple_tokenizer `pat`). */
const CLIP_SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

type TokenSpec = string | { content?: unknown };

function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const content = (value as TokenSpec | null | undefined) && typeof value === 'object' ? (value as { content?: unknown }).content : undefined;
  return typeof content === 'string' ? content : undefined;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as Error).message.split('\n')[0]})`;
    throw new PaletteError('E_MODEL_INVALID', `${file} ${reason}`);
  }
}

export class ClipTokenizer {
  readonly maxTokens: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly vocabSize: number;
  private readonly tokenizer: Tokenizer;

  private constructor(tokenizer: Tokenizer, ids: { bos: number; eos: number; pad: number }, maxTokens: number, vocabSize: number) {
    this.tokenizer = tokenizer;
    this.bosId = ids.bos;
    this.eosId = ids.eos;
    this.padId = ids.pad;
    this.maxTokens = maxTokens;
    this.vocabSize = vocabSize;
  }

  /** Loads `dir` (a model folder's `tokenizer/`). Throws E_MODEL_INVALID naming the bad file. */
  static load(dir: string): ClipTokenizer {
    const vocab = readJson(path.join(dir, 'vocab.json')) as Record<string, number>;
    const mergesFile = path.join(dir, 'merges.txt');
    let mergesText: string;
    try {
      mergesText = fs.readFileSync(mergesFile, 'utf8');
    } catch {
      throw new PaletteError('E_MODEL_INVALID', `${mergesFile} is missing`);
    }
    const config = fs.existsSync(path.join(dir, 'tokenizer_config.json')) ? readJson(path.join(dir, 'tokenizer_config.json')) : {};
    const specialMap = fs.existsSync(path.join(dir, 'special_tokens_map.json')) ? readJson(path.join(dir, 'special_tokens_map.json')) : {};
    const special = (key: string, fallback: string): string => tokenText(specialMap[key]) ?? tokenText(config[key]) ?? fallback;
    const bosToken = special('bos_token', '<|startoftext|>');
    const eosToken = special('eos_token', '<|endoftext|>');
    const padToken = special('pad_token', eosToken);
    const unkToken = special('unk_token', eosToken);
    const idOf = (token: string, role: string): number => {
      const id = vocab[token];
      if (typeof id !== 'number') throw new PaletteError('E_MODEL_INVALID', `${path.join(dir, 'vocab.json')}: ${role} token ${token} is not in the vocabulary`);
      return id;
    };
    const ids = { bos: idOf(bosToken, 'BOS'), eos: idOf(eosToken, 'EOS'), pad: idOf(padToken, 'pad') };
    const maxLength = typeof config.model_max_length === 'number' && config.model_max_length <= 1024 ? config.model_max_length : 77;
    const merges = mergesText
      .split('\n')
      .filter((line, i) => line.trim() !== '' && !(i === 0 && line.startsWith('#version')));

    const added = [...new Set([bosToken, eosToken, padToken, unkToken])].map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    }));
    const tokenizerJson = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added.filter((t) => typeof t.id === 'number'),
      normalizer: {
        type: 'Sequence',
        normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: unkToken,
        continuing_subword_prefix: '',
        end_of_word_suffix: '</w>',
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges,
      },
    };
    const tokenizer = new Tokenizer(tokenizerJson, { ...config, model_max_length: maxLength });
    return new ClipTokenizer(tokenizer, ids, maxLength, Object.keys(vocab).length);
  }

  /** BPE ids of `text` without BOS/EOS and without truncation. */
  tokenIds(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** BOS + ids + EOS, truncated and padded to exactly `maxTokens`. */
  encode(text: string): Int32Array {
    const body = this.tokenIds(text).slice(0, this.maxTokens - 2);
    const ids = new Int32Array(this.maxTokens).fill(this.padId);
    ids[0] = this.bosId;
    ids.set(body, 1);
    ids[body.length + 1] = this.eosId;
    return ids;
  }

  /** The token strings of `text` (for inspection). */
  tokens(text: string): string[] {
    return this.tokenizer.tokenize(text, { add_special_tokens: false });
  }
}
