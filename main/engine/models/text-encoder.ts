/**
 * TextEncoderRunner on a model's ONNX CLIP text encoder(s): tokenize, encode, cache by (model,
 * text). SD 1.5 / 2.x have one part (E = last_hidden_state); SDXL has two, each with its own
 * tokenizer, whose penultimate hidden states are concatenated along the width, and the second
 * gives the pooled vector p (`text_embeds`) — ENGINE-SPEC §9.
 */
import { PaletteError } from '../../../shared/errors';
import { type ModelSession, asFloat32 } from '../runtime';
import type { TextEmbedding, TextEncoderRunner } from '../types';
import type { ClipTokenizer } from './tokenizer';

const CACHE_LIMIT = 512;

/** One tokenizer + text encoder pair and which of its outputs make the conditioning. */
export interface TextEncoderPart {
  readonly tokenizer: ClipTokenizer;
  readonly session: ModelSession;
  /** the output whose rows are this part's columns of E (`last_hidden_state` or `hidden_states.{N-1}`) */
  readonly hiddenOutput: string;
  readonly width: number;
  /** the pooled output (`text_embeds`) when this part gives p */
  readonly pooledOutput?: string;
  readonly pooledWidth?: number;
}

export class OnnxTextEncoder implements TextEncoderRunner {
  readonly embeddingWidth: number;
  readonly maxTokens: number;
  /** width of the pooled vector p, 0 when the model has none */
  readonly pooledWidth: number;
  /** the first part's tokenizer (the one `palette tokenize` shows) */
  readonly tokenizer: ClipTokenizer;
  private readonly cache = new Map<string, TextEmbedding>();

  constructor(
    readonly modelId: string,
    readonly parts: readonly TextEncoderPart[],
  ) {
    if (parts.length === 0) throw new PaletteError('E_MODEL_INVALID', 'a model needs at least one text encoder');
    this.tokenizer = parts[0].tokenizer;
    this.maxTokens = parts[0].tokenizer.maxTokens;
    for (const p of parts) {
      if (p.tokenizer.maxTokens !== this.maxTokens) {
        throw new PaletteError('E_MODEL_INVALID', `${p.session.label}: its tokenizer gives ${p.tokenizer.maxTokens} tokens, the first gives ${this.maxTokens}`);
      }
    }
    this.embeddingWidth = parts.reduce((sum, p) => sum + p.width, 0);
    this.pooledWidth = parts.find((p) => p.pooledOutput)?.pooledWidth ?? 0;
  }

  /** the first tokenizer's 77 ids */
  tokenize(text: string): Int32Array {
    return this.tokenizer.encode(text);
  }

  /** Each distinct text not yet cached is encoded once, all of them in one batched run per part. */
  async encode(texts: readonly string[]): Promise<TextEmbedding[]> {
    const key = (text: string): string => `${this.modelId}\u0000${text}`;
    const missing = [...new Set(texts)].filter((t) => !this.cache.has(key(t)));
    if (missing.length > 0) {
      const tokens = this.maxTokens;
      const width = this.embeddingWidth;
      const n = missing.length;
      const data = missing.map(() => new Float32Array(tokens * width));
      const pooled = this.pooledWidth > 0 ? missing.map(() => new Float32Array(this.pooledWidth)) : null;
      let col = 0;
      for (const part of this.parts) {
        const ids = new Int32Array(n * tokens);
        missing.forEach((text, i) => ids.set(part.tokenizer.encode(text), i * tokens));
        const wanted = part.pooledOutput ? [part.hiddenOutput, part.pooledOutput] : [part.hiddenOutput];
        const out = await part.session.run({ input_ids: { data: ids, dims: [n, tokens] } }, wanted);
        const hidden = asFloat32(out[part.hiddenOutput], `${part.session.label} ${part.hiddenOutput}`);
        const w = part.width;
        if (hidden.length !== n * tokens * w) {
          throw new PaletteError('E_MODEL_RUN', `${part.session.label}: ${part.hiddenOutput} has dims [${out[part.hiddenOutput].dims.join(',')}], expected [${n},${tokens},${w}]`);
        }
        for (let i = 0; i < n; i++) {
          const dst = data[i];
          for (let t = 0; t < tokens; t++) dst.set(hidden.subarray((i * tokens + t) * w, (i * tokens + t + 1) * w), t * width + col);
        }
        col += w;
        if (part.pooledOutput && pooled) {
          const p = asFloat32(out[part.pooledOutput], `${part.session.label} ${part.pooledOutput}`);
          if (p.length !== n * this.pooledWidth) {
            throw new PaletteError('E_MODEL_RUN', `${part.session.label}: ${part.pooledOutput} has dims [${out[part.pooledOutput].dims.join(',')}], expected [${n},${this.pooledWidth}]`);
          }
          for (let i = 0; i < n; i++) pooled[i].set(p.subarray(i * this.pooledWidth, (i + 1) * this.pooledWidth));
        }
      }
      missing.forEach((text, i) => {
        if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key(text), { data: data[i], tokens, width, ...(pooled ? { pooled: pooled[i] } : {}) });
      });
    }
    return texts.map((t) => this.cache.get(key(t)) as TextEmbedding);
  }

  /**
   * The all-zero conditioning (E and p) that a model with `force_zeros_for_empty_prompt` uses for
   * an empty negative prompt (diffusers' negative_prompt=None).
   */
  zeros(): TextEmbedding {
    const tokens = this.maxTokens;
    return {
      data: new Float32Array(tokens * this.embeddingWidth),
      tokens,
      width: this.embeddingWidth,
      ...(this.pooledWidth > 0 ? { pooled: new Float32Array(this.pooledWidth) } : {}),
    };
  }

  clearCache(): void {
    this.cache.clear();
  }
}
