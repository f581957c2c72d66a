/** TextEncoderRunner on an ONNX CLIP text encoder: tokenize, encode, cache by (model, text). */
import { PaletteError } from '../../../shared/errors';
import { type ModelSession, asFloat32 } from '../runtime';
import type { TextEmbedding, TextEncoderRunner } from '../types';
import type { ClipTokenizer } from './tokenizer';

const CACHE_LIMIT = 512;

export class OnnxTextEncoder implements TextEncoderRunner {
  readonly embeddingWidth: number;
  readonly maxTokens: number;
  private readonly cache = new Map<string, TextEmbedding>();

  constructor(
    readonly modelId: string,
    readonly tokenizer: ClipTokenizer,
    private readonly session: ModelSession,
    embeddingWidth: number,
  ) {
    this.embeddingWidth = embeddingWidth;
    this.maxTokens = tokenizer.maxTokens;
  }

  tokenize(text: string): Int32Array {
    return this.tokenizer.encode(text);
  }

  /** Each distinct text not yet cached is encoded once, all of them in one batched run. */
  async encode(texts: readonly string[]): Promise<TextEmbedding[]> {
    const key = (text: string): string => `${this.modelId}\u0000${text}`;
    const missing = [...new Set(texts)].filter((t) => !this.cache.has(key(t)));
    if (missing.length > 0) {
      const tokens = this.maxTokens;
      const ids = new Int32Array(missing.length * tokens);
      missing.forEach((text, i) => ids.set(this.tokenize(text), i * tokens));
      const out = await this.session.run({ input_ids: { data: ids, dims: [missing.length, tokens] } }, ['last_hidden_state']);
      const hidden = asFloat32(out.last_hidden_state, `${this.session.label} last_hidden_state`);
      const size = tokens * this.embeddingWidth;
      if (hidden.length !== missing.length * size) {
        throw new PaletteError(
          'E_MODEL_RUN',
          `${this.session.label}: last_hidden_state has dims [${out.last_hidden_state.dims.join(',')}], expected [${missing.length},${tokens},${this.embeddingWidth}]`,
        );
      }
      missing.forEach((text, i) => {
        if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key(text), { data: hidden.slice(i * size, (i + 1) * size), tokens, width: this.embeddingWidth });
      });
    }
    return texts.map((t) => this.cache.get(key(t)) as TextEmbedding);
  }

  clearCache(): void {
    this.cache.clear();
  }
}
