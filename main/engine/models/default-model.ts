import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * In a packaged app, files that native code or worker threads read are unpacked next to
 * app.asar (electron-builder.yml asarUnpack): use that real path.
 */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * The shipped palette-colors folder: models/palette-colors at the package root, found by
 * walking up from this file (works from main/engine/models and dist/main/engine/models).
 */
export function defaultModelDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'models', 'palette-colors');
    if (fs.existsSync(path.join(candidate, 'model_index.json'))) return unpackedPath(candidate);
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..', '..', 'models', 'palette-colors');
  }
}
