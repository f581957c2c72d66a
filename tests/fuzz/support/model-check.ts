/**
 * Child-process side of the model-folder fuzz: loads a folder as the engine does and, when
 * it loads, renders one small frame. Reports a PaletteError (code + message), a good frame, or
 * a bug (any other error). A native crash or an out-of-memory abort kills this process, which
 * the parent sees.
 */
import { loadPipeline } from '../../../main/engine/pipeline';
import { isPaletteError } from '../../../shared/errors';

export type ModelOutcome =
  | { outcome: 'error'; code: string; message: string }
  | { outcome: 'rendered'; finite: boolean }
  | { outcome: 'bug'; error: string };

export async function handle({ dir }: { dir: string }): Promise<ModelOutcome> {
  let pipeline: Awaited<ReturnType<typeof loadPipeline>> | undefined;
  try {
    pipeline = await loadPipeline(dir, { width: 64, height: 64, providers: ['cpu'], intraOpNumThreads: 1 });
    await pipeline.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    const mask = new Uint8Array(64 * 64).fill(255);
    await pipeline.setLayers([{ id: 'a', prompt: 'a red fox', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask }]);
    const frame = await pipeline.render();
    return { outcome: 'rendered', finite: frame.rgba.length === 64 * 64 * 4 };
  } catch (e) {
    return isPaletteError(e) ? { outcome: 'error', code: e.code, message: e.message } : { outcome: 'bug', error: `${(e as Error)?.stack ?? e}`.slice(0, 1500) };
  } finally {
    await pipeline?.release().catch(() => undefined);
  }
}
