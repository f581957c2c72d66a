/**
 * Whether a model's UNet takes the whole stream batch in one call, judged without loading it:
 * a `[batch]` timestep does; a scalar one does when the engine's load-time rewrite recognises
 * its graph (the same check, runtime/batch-timestep.ts, run on the graph without its weights).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { batchTimestep } from '../engine/runtime/batch-timestep';
import { readOnnxGraphSkeleton, readOnnxInputs } from './onnx-header';

export interface StreamBatchInfo {
  /** one UNet call per frame for the whole multi-prompt batch */
  batchable: boolean;
  /** why, in a line */
  note: string;
}

const cache = new Map<string, { key: string; info: StreamBatchInfo | undefined }>();

export async function readStreamBatch(folder: string): Promise<StreamBatchInfo | undefined> {
  const file = path.join(folder, 'unet', 'model.onnx');
  let key: string;
  try {
    const s = await fsp.stat(file);
    key = `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit.info;
  let info: StreamBatchInfo | undefined;
  try {
    const timestep = (await readOnnxInputs(file)).find((i) => i.name === 'timestep');
    if (!timestep) info = undefined;
    else if (timestep.shape.length === 1 && timestep.shape[0] !== 1) info = { batchable: true, note: 'timestep is declared [batch]' };
    else {
      const outcome = batchTimestep(await readOnnxGraphSkeleton(file));
      info =
        outcome.status === 'rewritten'
          ? { batchable: true, note: `scalar timestep, rewritten at load (${outcome.note})` }
          : { batchable: false, note: `one UNet call per timestep: ${outcome.note}` };
    }
  } catch {
    info = undefined; // an unreadable UNet is the validator's to report
  }
  cache.set(file, { key, info });
  return info;
}
