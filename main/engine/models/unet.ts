/**
 * UNetRunner on an ONNX UNet. A `[batch]` timestep takes the whole stream batch in one call;
 * a scalar timestep (common in optimum exports) is run once per group of equal timesteps.
 */
import { PaletteError } from '../../../shared/errors';
import { type ModelSession, asFloat32 } from '../runtime';
import type { UNetBatch, UNetRunner } from '../types';

export class OnnxUNet implements UNetRunner {
  readonly streamBatchable: boolean;
  /** why the stream batch takes one call per timestep, or what made it batchable */
  readonly streamBatchNote: string;
  readonly timestepCondWidth: number;
  readonly embeddingWidth: number;
  readonly outputName: string;

  constructor(
    private readonly session: ModelSession,
    info: { embeddingWidth: number; timestepCondWidth: number; outputName: string },
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
    if (problems.length) throw new PaletteError('E_MODEL_RUN', `${this.session.label}: ${problems.join('; ')}`);

    if (this.streamBatchable) return this.run(b, b.sample, b.timesteps, b.encoderHiddenStates, b.timestepCond, b.batch);

    const groups = new Map<number, number[]>();
    b.timesteps.forEach((t, i) => {
      const members = groups.get(t);
      if (members) members.push(i);
      else groups.set(t, [i]);
    });
    const result = new Float32Array(b.sample.length);
    for (const [t, members] of groups) {
      const n = members.length;
      const sample = new Float32Array(n * sampleSize);
      const cond = new Float32Array(n * condSize);
      const tcond = b.timestepCond ? new Float32Array(n * this.timestepCondWidth) : undefined;
      members.forEach((src, j) => {
        sample.set(b.sample.subarray(src * sampleSize, (src + 1) * sampleSize), j * sampleSize);
        cond.set(b.encoderHiddenStates.subarray(src * condSize, (src + 1) * condSize), j * condSize);
        tcond?.set(b.timestepCond!.subarray(src * this.timestepCondWidth, (src + 1) * this.timestepCondWidth), j * this.timestepCondWidth);
      });
      const eps = await this.run(b, sample, Int32Array.of(t), cond, tcond, n);
      members.forEach((dst, j) => result.set(eps.subarray(j * sampleSize, (j + 1) * sampleSize), dst * sampleSize));
    }
    return result;
  }

  private async run(
    b: UNetBatch,
    sample: Float32Array,
    timesteps: Int32Array,
    cond: Float32Array,
    tcond: Float32Array | undefined,
    n: number,
  ): Promise<Float32Array> {
    const feeds = {
      sample: { data: sample, dims: [n, b.channels, b.height, b.width] },
      timestep: { data: timesteps, dims: [timesteps.length] },
      encoder_hidden_states: { data: cond, dims: [n, b.tokens, b.embeddingWidth] },
      ...(this.timestepCondWidth > 0 && tcond ? { timestep_cond: { data: tcond, dims: [n, this.timestepCondWidth] } } : {}),
    };
    const out = await this.session.run(feeds, [this.outputName]);
    const eps = asFloat32(out[this.outputName], `${this.session.label} ${this.outputName}`);
    if (eps.length !== sample.length) {
      throw new PaletteError('E_MODEL_RUN', `${this.session.label}: ${this.outputName} has dims [${out[this.outputName].dims.join(',')}], expected [${n},${b.channels},${b.height},${b.width}]`);
    }
    return eps;
  }
}
