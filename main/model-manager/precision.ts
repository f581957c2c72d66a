/**
 * What precision a model folder runs in, judged by its UNet's `sample` input (an fp16 export
 * takes float16 latents). The one place the model list asks this, so a better source (the
 * runtime's own inspection) can replace it here alone.
 */
import * as path from 'node:path';
import { readOnnxInputs, type OnnxInputInfo } from './onnx-header';
import { memoByFile } from './file-memo';

export type Precision = 'float16' | 'float32' | 'bfloat16' | 'unknown';

export interface UnetSummary {
  precision: Precision;
  inputs: OnnxInputInfo[];
}

const memo = memoByFile<UnetSummary>(() => ({ precision: 'unknown', inputs: [] }));

export async function readUnetSummary(folder: string): Promise<UnetSummary> {
  return memo(path.join(folder, 'unet', 'model.onnx'), async () => {
    let inputs: OnnxInputInfo[] = [];
    try {
      inputs = await readOnnxInputs(path.join(folder, 'unet', 'model.onnx'));
    } catch {
      // an unreadable UNet is the validator's to report; here it is just "unknown"
    }
    const sample = inputs.find((i) => i.name === 'sample') ?? inputs.find((i) => i.type.startsWith('float'));
    const type = sample?.type;
    const precision: Precision = type === 'float16' || type === 'float32' || type === 'bfloat16' ? type : 'unknown';
    return { precision, inputs };
  });
}

export async function readModelPrecision(folder: string): Promise<Precision> {
  return (await readUnetSummary(folder)).precision;
}
