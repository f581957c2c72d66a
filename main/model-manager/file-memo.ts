/** Results computed from one file, kept until the file changes (its size or modification time). */
import { promises as fsp } from 'node:fs';

export function memoByFile<T>(missing: () => T): (file: string, compute: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, { key: string; value: T }>();
  return async (file, compute) => {
    let key: string;
    try {
      const s = await fsp.stat(file);
      key = `${s.size}:${s.mtimeMs}`;
    } catch {
      return missing();
    }
    const hit = cache.get(file);
    if (hit && hit.key === key) return hit.value;
    const value = await compute();
    cache.set(file, { key, value });
    return value;
  };
}
