/**
 * Whether a model's UNet takes the whole stream batch in one call, judged without loading it:
 * a `[batch]` timestep does; a scalar one does when the engine's load-time rewrite recognises
 * its graph (the same check, runtime/batch-timestep.ts, run on the graph without its weights).
 */
import * as path from 'node:path';
import { batchTimestep } from '../engine/runtime/batch-timestep';
import { readOnnxGraphSkeleton } from './onnx-header';
import { memoByFile } from './file-memo';
import { readUnetSummary } from './precision';

export interface StreamBatchInfo {
  /** one UNet call per frame for the whole multi-prompt batch */
  batchable: boolean;
  /** why, in a line */
  note: string;
}

const memo = memoByFile<StreamBatchInfo | undefined>(() => undefined);

export async function readStreamBatch(folder: string): Promise<StreamBatchInfo | undefined> {
  const file = path.join(folder, 'unet', 'model.onnx');
  return memo(file, async () => {
    try {
      // the inputs the model list already read for the precision (one header read per UNet)
      const timestep = (await readUnetSummary(folder)).inputs.find((i) => i.name === 'timestep');
      if (!timestep) return undefined;
      if (timestep.shape.length === 1 && timestep.shape[0] !== 1) return { batchable: true, note: 'timestep is declared [batch]' };
      const outcome = batchTimestep(await readOnnxGraphSkeleton(file));
      return outcome.status === 'rewritten'
        ? { batchable: true, note: `scalar timestep, rewritten at load (${outcome.note})` }
        : { batchable: false, note: `one UNet call per timestep: ${outcome.note}` };
    } catch {
      return undefined; // an unreadable UNet is the validator's to report
    }
  });
}
