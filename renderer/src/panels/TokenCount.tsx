/**
 * A prompt's length in the loaded model's own tokenizer (engine:countTokens), under its field:
 * "12 / 75 tokens"; past the limit, the words the model will not read.
 */
import { useEffect, useState } from 'react';
import type { PromptTokenCount } from '../../../shared/ipc/channels';
import { useEditor, useUi } from '../hooks';

const DELAY_MS = 150;

export function TokenCount({ text, testId }: { text: string; testId: string }) {
  const editor = useEditor();
  const modelId = useUi().status?.modelId ?? null;
  const [count, setCount] = useState<PromptTokenCount | null>(null);
  useEffect(() => {
    if (!modelId) {
      setCount(null);
      return;
    }
    let alive = true;
    const timer = setTimeout(() => {
      editor.api.engine.countTokens({ texts: [text] }).then(
        ([c]) => alive && setCount(c ?? null),
        () => alive && setCount(null),
      );
    }, DELAY_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [editor, text, modelId]);
  if (!count || text.trim() === '') return null;
  const over = count.dropped !== '';
  return (
    <span className={`token-count${over ? ' over' : ''}`} data-testid={testId} data-tokens={count.tokens} data-limit={count.limit}>
      {count.tokens} / {count.limit} tokens
      {over ? (
        <>
          {' — '}the model ignores: <q data-testid={`${testId}-dropped`}>{count.dropped}</q>
        </>
      ) : null}
    </span>
  );
}
