/**
 * `npm run bench`: every benchmark, medians of repeated runs, written to BENCHMARKS.md.
 * `npm run bench -- --quick` runs fewer repeats (a smoke run, not for the record).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEngineOverhead, benchFps, benchMaskUpdate } from './engine';
import { benchFrameDelivery } from './frame-delivery';
import { benchLargeModelCache } from './large-model-cache';
import { benchPreviewDecoder } from './preview-decoder';
import { benchModelLoad } from './models';
import { benchStrokeLatency } from './stroke-latency';
import type { BenchRow } from './stats';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rows: BenchRow[] = [];
  const sections: Array<[string, () => Promise<BenchRow[]>]> = [
    ['engine overhead', () => benchEngineOverhead(quick ? 3 : 15)],
    ['mask update', () => benchMaskUpdate(quick ? 5 : 31)],
    ['fps', () => benchFps(quick ? 5 : 41)],
    ['frame delivery', () => benchFrameDelivery(quick ? 20 : 200)],
    ['model load', () => benchModelLoad(quick ? 1 : 7)],
    ['model load > 2 GB', () => benchLargeModelCache(1)],
    ['preview decoder', () => benchPreviewDecoder(quick ? 2 : 5)],
    ['stroke latency', () => benchStrokeLatency(quick ? 5 : 40)],
  ];
  for (const [name, run] of sections) {
    process.stderr.write(`bench: ${name}…\n`);
    const r = await run();
    for (const row of r) process.stderr.write(`  ${row.case}: ${row.result} (target ${row.target})\n`);
    rows.push(...r);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const table = [
    '| benchmark | case | result (median) | target | met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.benchmark} | ${r.case} | ${r.result} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`),
  ].join('\n');
  const doc = `# Benchmarks

Measured by \`npm run bench\` (medians of repeated runs) on ${os.cpus().length} × ${cpu}, Node ${process.version},
onnxruntime-node CPU provider, ${new Date().toISOString().slice(0, 10)}. Rewritten by every full run.

${table}

How each is measured:
- **Engine overhead**: per live frame, wall time of \`pipeline.frame()\` minus the time spent inside
  onnxruntime's \`session.run\` (UNet + VAE decode), divided by that onnxruntime time; median over
  frames. The UNet is palette-colors with five extra 3×3 convolutions (96 channels) over the latent
  (~1 GMAC per sample), so that model time is of the order of a real SD 1.5 batch on a consumer GPU.
  What remains is our JavaScript: batch assembly, bootstrapping, denoise, latent pre-averaging,
  re-noising, and the RGBA conversion of the decoded image.
- **Mask update**: \`updateLayerMask\` + \`prepare()\` on a 1024×1024 stream with 3 layers (σ = 32),
  until the quantized, downsampled masks and count/bg are ready; only the rows and columns a
  change reaches are recomputed.
- **FPS**: live frames of the real palette-colors pipeline (all four ONNX sessions), 5 layers.
- **Frame delivery**: worker writes a frame into the SharedArrayBuffer ring → main reads the newest →
  MessagePort → the preload API's \`onFrame\` callback (both ends in one process here).
- **Model load**: \`loadPipeline\` with an empty optimized-model cache folder, then again with it
  filled (onnxruntime loads the saved optimized graphs without optimizing again).
- **Model load > 2 GB**: a model whose three 700 MiB initializers sit in \`model.onnx_data\` (sparse
  file; each read by a Gather, so nothing folds): no cache folder, then an empty cache (optimizes
  and saves the graph with its initializers in a \`.onnx.data\` beside it), then the cached load.
- **Preview decoder**: \`OnnxVae.decode\` of a TAESD-layout decoder (64 channels) and of the
  convolutions of SD's full VAE decoder (GroupNorm, SiLU and attention left out), random weights.
- **Stroke latency**: EngineHost + engine worker in live mode, idle (converged) before each
  stroke; from \`updateLayerMask\` to the first frame showing the new dab.
`;
  if (!quick) fs.writeFileSync(path.join(__dirname, '..', 'BENCHMARKS.md'), doc);
  process.stdout.write(`${doc}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
