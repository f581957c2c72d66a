/** Finds the models the engine can load: folders under the given roots that look like a model. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelEntry } from '../engine/engine-host';

function looksLikeModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'model_index.json')) || fs.existsSync(path.join(dir, 'unet'));
}

function displayName(id: string): string {
  return id.replace(/[-_]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** first root wins for a given id (the shipped model before a downloaded copy of the same name) */
export function findModels(roots: readonly string[]): ModelEntry[] {
  const found = new Map<string, ModelEntry>();
  for (const root of roots) {
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const dir = path.join(root, name);
      if (name.startsWith('.') || found.has(name) || !looksLikeModel(dir)) continue;
      found.set(name, { id: name, name: displayName(name), dir });
    }
  }
  return [...found.values()];
}
