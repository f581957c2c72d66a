/** What loading a broken model folder throws (model tests). */
import { loadModelFolder } from '../../main/engine/models';
import { PaletteError } from '../../shared/errors';

/**
 * The PaletteError that loading the model folder `dir` throws (a folder that loads is a test
 * failure naming `what`).
 */
export async function loadFolderError(dir: string, what: string): Promise<PaletteError> {
  try {
    const model = await loadModelFolder(dir, { providers: ['cpu'] });
    await model.release();
  } catch (e) {
    expect(e).toBeInstanceOf(PaletteError);
    return e as PaletteError;
  }
  throw new Error(`${what} loaded`);
}
