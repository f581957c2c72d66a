/**
 * Preview vs full decode (issue 9): a TAESD-layout decoder (64 channels, random weights) against
 * the convolutions of SD's full VAE decoder (block_out_channels 128/256/512/512; GroupNorm,
 * SiLU and attention left out, so the full decoder's real cost is higher still), both through
 * OnnxVae.decode on the CPU provider. Run alone: `node -r ./scripts/register-ts.js bench/preview-decoder.ts`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeModel } from '../models/generator/onnx-builder';
import { OnnxVae } from '../main/engine/models';
import { ModelSession } from '../main/engine/runtime';
import { sdVaeDecoderConvGraph, taesdDecoderGraph } from '../tests/support/decoder-graphs';
import { median, round, type BenchRow } from './stats';

async function decodeTimes(file: string, scale: number, side: number, repeats: number): Promise<number[]> {
  const session = await ModelSession.create(file, { providers: ['cpu'] });
  try {
    const vae = new OnnxVae(scale, session, undefined);
    const latent = Float32Array.from({ length: 4 * side * side }, (_, i) => Math.sin(i * 0.37));
    await vae.decode(latent, side, side); // warm-up
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      await vae.decode(latent, side, side);
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await session.release();
  }
}

export async function benchPreviewDecoder(repeats: number, pixels = 512): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-bench-decoders-'));
  try {
    const tiny = path.join(dir, 'taesd.onnx');
    const full = path.join(dir, 'sd-vae.onnx');
    fs.writeFileSync(tiny, encodeModel(taesdDecoderGraph()).model);
    fs.writeFileSync(full, encodeModel(sdVaeDecoderConvGraph()).model);
    const side = pixels / 8;
    const t = median(await decodeTimes(tiny, 1, side, repeats));
    const f = median(await decodeTimes(full, 0.18215, side, repeats));
    return [
      {
        benchmark: 'preview decode (TAESD layout) vs full VAE decode (SD VAE convolutions)',
        case: `${pixels}×${pixels}, CPU, ${repeats} runs each`,
        result: `preview ${round(t, 1)} ms, full ${round(f, 1)} ms (full/preview = ${round(f / t, 1)}×)`,
        target: 'preview faster',
        met: t < f,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchPreviewDecoder(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 512))
    .then((rows) => {
      for (const r of rows) process.stdout.write(`| ${r.benchmark} | ${r.case} | ${r.result} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
}
