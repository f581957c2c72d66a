/**
 * Starts a worker_threads worker from a module path without extension, wherever we run:
 * - compiled (dist/, the packaged app): `<base>.js` exists → started directly;
 * - from TypeScript source (Jest, which transforms in its own registry only): `<base>.ts`
 *   exists → started through worker-bootstrap.js, which compiles `.ts` on require with
 *   @swc/core.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { unpackedPath } from '../engine/models/default-model';

export function resolveWorkerEntry(base: string): { file: string; argv: string[] } {
  const unpacked = unpackedPath(base);
  if (unpacked !== base && fs.existsSync(`${unpacked}.js`)) return { file: `${unpacked}.js`, argv: [] };
  if (fs.existsSync(`${base}.js`)) return { file: `${base}.js`, argv: [] };
  if (fs.existsSync(`${base}.ts`)) {
    // Keep @swc/core's native addon loaded by this thread too: Node 20 can crash when the only
    // thread that loaded an addon is terminated and a later worker loads it again.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swc/core');
    return { file: path.join(__dirname, 'worker-bootstrap.js'), argv: ['--palette-ts-entry', `${base}.ts`] };
  }
  throw new Error(`worker entry not found: ${base}.js or ${base}.ts`);
}

export function startWorker(base: string, options: WorkerOptions = {}): Worker {
  const { file, argv } = resolveWorkerEntry(base);
  return new Worker(file, { ...options, argv: [...argv, ...(options.argv ?? [])] });
}
