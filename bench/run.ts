/**
 * `npm run bench`: every benchmark, medians of repeated runs, written to BENCHMARKS.md.
 * `npm run bench -- --quick` runs fewer repeats (a smoke run, not for the record).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEngineOverhead, benchFps, benchMaskUpdate } from './engine';
import { benchFrameDelivery } from './frame-delivery';
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
`;
  if (!quick) fs.writeFileSync(path.join(__dirname, '..', 'BENCHMARKS.md'), doc);
  process.stdout.write(`${doc}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
