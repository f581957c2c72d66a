/**
 * UNetRunner on an ONNX UNet. A `[batch]` timestep takes the whole stream batch in one call;
 * a scalar timestep (common in optimum exports) is run once per group of equal timesteps.
 * SDXL UNets also take each sample's pooled text vector (`text_embeds`) and `time_ids`.
 */
import { PaletteError } from '../../../shared/errors';
import { type ModelSession, asFloat32 } from '../runtime';
import type { UNetBatch, UNetRunner } from '../types';

/** values per sample of SDXL's `time_ids`: original size, crop top-left, target size */
export const TIME_IDS = 6;

/** rows `members` of a batch × (length / batch) array, or undefined when there is none */
function rowsOf(src: Float32Array | undefined, batch: number, members: readonly number[]): Float32Array | undefined {
  if (!src || src.length === 0) return src;
  const width = src.length / batch;
  const out = new Float32Array(members.length * width);
  members.forEach((row, j) => out.set(src.subarray(row * width, (row + 1) * width), j * width));
  return out;
}

/**
 * A stream batch as one call per distinct timestep (for UNets that take a scalar timestep):
 * each group's samples and per-sample inputs gathered in batch order, `run` called once per
 * group with all its timesteps equal, and the results scattered back to their samples.
 */
export async function perTimestep(b: UNetBatch, run: (group: UNetBatch) => Promise<Float32Array>): Promise<Float32Array> {
  const groups = new Map<number, number[]>();
  b.timesteps.forEach((t, i) => {
    const members = groups.get(t);
    if (members) members.push(i);
    else groups.set(t, [i]);
  });
  const size = b.channels * b.height * b.width;
  const result = new Float32Array(b.sample.length);
  for (const [t, members] of groups) {
    const eps = await run({
      ...b,
      batch: members.length,
      sample: rowsOf(b.sample, b.batch, members)!,
      timesteps: new Int32Array(members.length).fill(t),
      encoderHiddenStates: rowsOf(b.encoderHiddenStates, b.batch, members)!,
      timestepCond: rowsOf(b.timestepCond, b.batch, members),
      textEmbeds: rowsOf(b.textEmbeds, b.batch, members),
      timeIds: rowsOf(b.timeIds, b.batch, members),
    });
    members.forEach((dst, j) => result.set(eps.subarray(j * size, (j + 1) * size), dst * size));
  }
  return result;
}

export class OnnxUNet implements UNetRunner {
  readonly streamBatchable: boolean;
  /** why the stream batch takes one call per timestep, or what made it batchable */
  readonly streamBatchNote: string;
  readonly timestepCondWidth: number;
  readonly pooledWidth: number;
  readonly embeddingWidth: number;
  readonly outputName: string;

  constructor(
    private readonly session: ModelSession,
    info: { embeddingWidth: number; timestepCondWidth: number; outputName: string; pooledWidth?: number },
  ) {
    // `[batch]` takes the stream batch; a scalar, or a `[1]` some exports declare, takes one timestep per call
    const shape = session.input('timestep')?.shape ?? ['batch'];
    this.streamBatchable = shape.length === 1 && shape[0] !== 1;
    const rewrite = session.rewrite;
    this.streamBatchNote = this.streamBatchable
      ? rewrite?.status === 'rewritten'
        ? `scalar timestep rewritten at load: ${rewrite.note}`
        : 'timestep is declared [batch]'
      : `one UNet call per timestep: timestep is declared ${shape.length === 0 ? 'a scalar' : `[${shape.join(',')}]`}${rewrite && rewrite.status !== 'rewritten' ? ` and the graph was not rewritten (${rewrite.note})` : ''}`;
    this.timestepCondWidth = info.timestepCondWidth;
    this.pooledWidth = info.pooledWidth ?? 0;
    this.embeddingWidth = info.embeddingWidth;
    this.outputName = info.outputName;
  }

  async predictNoise(b: UNetBatch): Promise<Float32Array> {
    const sampleSize = b.channels * b.height * b.width;
    const condSize = b.tokens * b.embeddingWidth;
    const problems: string[] = [];
    if (b.sample.length !== b.batch * sampleSize) problems.push(`sample has ${b.sample.length} values, not ${b.batch}×${b.channels}×${b.height}×${b.width}`);
    if (b.timesteps.length !== b.batch) problems.push(`${b.timesteps.length} timesteps for ${b.batch} samples`);
    if (b.encoderHiddenStates.length !== b.batch * condSize) problems.push(`encoderHiddenStates has ${b.encoderHiddenStates.length} values, not ${b.batch}×${b.tokens}×${b.embeddingWidth}`);
    if (b.embeddingWidth !== this.embeddingWidth) problems.push(`embedding width ${b.embeddingWidth} given, UNet takes ${this.embeddingWidth}`);
    if (this.timestepCondWidth > 0 && b.timestepCond?.length !== b.batch * this.timestepCondWidth) {
      problems.push(`timestep_cond needs ${b.batch}×${this.timestepCondWidth} values, got ${b.timestepCond?.length ?? 'none'}`);
    }
    if (this.pooledWidth > 0) {
      if (b.textEmbeds?.length !== b.batch * this.pooledWidth) problems.push(`text_embeds needs ${b.batch}×${this.pooledWidth} values, got ${b.textEmbeds?.length ?? 'none'}`);
      if (b.timeIds?.length !== b.batch * TIME_IDS) problems.push(`time_ids needs ${b.batch}×${TIME_IDS} values, got ${b.timeIds?.length ?? 'none'}`);
    }
    if (problems.length) throw new PaletteError('E_MODEL_RUN', `${this.session.label}: ${problems.join('; ')}`);

    // a [batch] timestep takes it all; a scalar one too when every sample has the same timestep
    // (the stream's calls are cut step by step for such UNets): no regrouping copies then
    if (this.streamBatchable || (b.batch > 0 && b.timesteps.every((t) => t === b.timesteps[0]))) {
      const timesteps = this.streamBatchable ? b.timesteps : b.timesteps.subarray(0, 1);
      return this.run(b, b.sample, timesteps, b.encoderHiddenStates, b, b.batch);
    }
    return perTimestep(b, (group) => this.predictNoise(group));
  }

  private async run(
    b: UNetBatch,
    sample: Float32Array,
    timesteps: Int32Array,
    cond: Float32Array,
    extras: Pick<UNetBatch, 'timestepCond' | 'textEmbeds' | 'timeIds'>,
    n: number,
  ): Promise<Float32Array> {
    const { timestepCond: tcond, textEmbeds, timeIds } = extras;
    const feeds = {
      sample: { data: sample, dims: [n, b.channels, b.height, b.width] },
      timestep: { data: timesteps, dims: [timesteps.length] },
      encoder_hidden_states: { data: cond, dims: [n, b.tokens, b.embeddingWidth] },
      ...(this.timestepCondWidth > 0 && tcond ? { timestep_cond: { data: tcond, dims: [n, this.timestepCondWidth] } } : {}),
      ...(this.pooledWidth > 0 && textEmbeds && timeIds ? {
        text_embeds: { data: textEmbeds, dims: [n, this.pooledWidth] },
        time_ids: { data: timeIds, dims: [n, TIME_IDS] },
      } : {}),
    };
    const out = await this.session.run(feeds, [this.outputName]);
    const eps = asFloat32(out[this.outputName], `${this.session.label} ${this.outputName}`);
    if (eps.length !== sample.length) {
      throw new PaletteError('E_MODEL_RUN', `${this.session.label}: ${this.outputName} has dims [${out[this.outputName].dims.join(',')}], expected [${n},${b.channels},${b.height},${b.width}]`);
    }
    return eps;
  }
}
