/**
 * What precision a model folder runs in, judged by its UNet's `sample` input (an fp16 export
 * takes float16 latents). The one place the model list asks this, so a better source (the
 * runtime's own inspection) can replace it here alone.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { readOnnxInputs, type OnnxInputInfo } from './onnx-header';

export type Precision = 'float16' | 'float32' | 'bfloat16' | 'unknown';

export interface UnetSummary {
  precision: Precision;
  inputs: OnnxInputInfo[];
}

const cache = new Map<string, { key: string; summary: UnetSummary }>();

export async function readUnetSummary(folder: string): Promise<UnetSummary> {
  const file = path.join(folder, 'unet', 'model.onnx');
  let key: string;
  try {
    const s = await fsp.stat(file);
    key = `${s.size}:${s.mtimeMs}`;
  } catch {
    return { precision: 'unknown', inputs: [] };
  }
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit.summary;
  let inputs: OnnxInputInfo[] = [];
  try {
    inputs = await readOnnxInputs(file);
  } catch {
    // an unreadable UNet is the validator's to report; here it is just "unknown"
  }
  const sample = inputs.find((i) => i.name === 'sample') ?? inputs.find((i) => i.type.startsWith('float'));
  const type = sample?.type;
  const precision: Precision = type === 'float16' || type === 'float32' || type === 'bfloat16' ? type : 'unknown';
  const summary = { precision, inputs };
  cache.set(file, { key, summary });
  return summary;
}

export async function readModelPrecision(folder: string): Promise<Precision> {
  return (await readUnetSummary(folder)).precision;
}
