/**
 * `npm run bench`: the standing benchmarks, medians of repeated runs, written to BENCHMARKS.md.
 * `npm run bench -- paper` (or threads, curve, …) runs one section and rewrites only its part
 * of BENCHMARKS.md; `--quick` runs fewer repeats and writes nothing (a smoke run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEngineOverhead, benchFps, benchMaskUpdate } from './engine';
import { benchFrameDelivery } from './frame-delivery';
import { benchMaskMemory, benchMaskSliders } from './masks';
import { benchLargeModelCache } from './large-model-cache';
import { benchPreviewDecoder } from './preview-decoder';
import { benchModelLoad } from './models';
import { benchStrokeLatency } from './stroke-latency';
import { benchThreads } from './threads';
import { benchPaper } from './paper';
import { benchHistory } from './history';
import { benchIdle } from './idle';
import { benchCurve } from './curve';
import { benchMemory } from './memory';
import type { BenchRow } from './stats';

const BENCHMARKS = path.join(__dirname, '..', 'BENCHMARKS.md');

/** a section: rows for the table and notes (markdown lines) under it */
interface Section { rows: BenchRow[]; notes?: string[] }
type Runner = (quick: boolean) => Promise<Section>;

const rowsOnly = (f: (quick: boolean) => Promise<BenchRow[]>): Runner => async (quick) => ({ rows: await f(quick) });

/** the standing benchmarks (`npm run bench` with no section named) */
const STANDING: Record<string, Runner> = {
  threads: rowsOnly((q) => benchThreads(q ? 5 : 21)),
  'engine overhead': rowsOnly((q) => benchEngineOverhead(q ? 3 : 15)),
  'mask update': rowsOnly((q) => benchMaskUpdate(q ? 5 : 31)),
  'mask edits': rowsOnly((q) => benchMaskSliders(q)),
  'mask memory': rowsOnly((q) => benchMaskMemory(q)),
  fps: rowsOnly((q) => benchFps(q ? 5 : 41)),
  'frame delivery': rowsOnly((q) => benchFrameDelivery(q ? 20 : 200)),
  'model load': rowsOnly((q) => benchModelLoad(q ? 1 : 7)),
  'model load > 2 GB': rowsOnly(() => benchLargeModelCache(1)),
  'preview decoder': rowsOnly((q) => benchPreviewDecoder(q ? 2 : 5)),
  'stroke latency': rowsOnly((q) => benchStrokeLatency(q ? 5 : 40)),
  history: rowsOnly((q) => benchHistory(q ? 50 : 500)),
  idle: rowsOnly((q) => benchIdle(q ? 3 : 10, q ? 3 : 15)),
  memory: rowsOnly((q) => benchMemory(q)),
};

/** sections with their own part of BENCHMARKS.md, run by name */
const NAMED: Record<string, { title: string; intro: string; run: Runner }> = {
  paper: {
    title: "The paper's Table 6, side by side",
    intro: `\`npm run bench -- paper\`. See "Reading the paper's table on a CPU" below for what the ratios mean.`,
    run: (q) => benchPaper(q),
  },
  curve: {
    title: 'The cost curve: FPS and memory against canvas area and layers',
    intro: '`npm run bench -- curve`: each point in a fresh process; palette-colors for the curve, the SD 1.5 real-arch fixture for engine overhead.',
    run: (q) => benchCurve(q),
  },
};

function table(rows: readonly BenchRow[]): string {
  return [
    '| benchmark | case | result (median) | target | met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.benchmark} | ${r.case} | ${r.result} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  return `${os.cpus().length} × ${cpu}, Node ${process.version}, onnxruntime-node CPU provider, ${new Date().toISOString().slice(0, 10)}; load average at the end ${load} (1/5/15 min)`;
}

/** replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, or appends it */
export function replaceBlock(doc: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body}\n${close}`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + close.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

async function runSection(name: string, run: Runner, quick: boolean): Promise<Section> {
  process.stderr.write(`bench: ${name}…\n`);
  const s = await run(quick);
  for (const row of s.rows) process.stderr.write(`  ${row.case}: ${row.result} (target ${row.target})\n`);
  return s;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = named.filter((n) => !NAMED[n] && !STANDING[n]);
  if (unknown.length) throw new Error(`unknown bench section ${unknown.join(', ')} (known: ${[...Object.keys(NAMED), ...Object.keys(STANDING)].join(', ')})`);
  const blocks: Array<[string, string]> = [];
  if (named.length === 0 || named.some((n) => STANDING[n])) {
    const chosen = named.length === 0 ? Object.keys(STANDING) : named.filter((n) => STANDING[n]);
    const rows: BenchRow[] = [];
    for (const n of chosen) rows.push(...(await runSection(n, STANDING[n], quick)).rows);
    const body = `Measured by \`npm run bench\` (medians of repeated runs${named.length ? `; sections ${chosen.join(', ')}` : ''}) on ${machine()}.\n\n${table(rows)}`;
    blocks.push(['standing', body]);
  }
  for (const n of named.filter((x) => NAMED[x])) {
    const s = await runSection(n, NAMED[n].run, quick);
    const notes = (s.notes ?? []).map((l) => `- ${l}`).join('\n');
    blocks.push([n, `## ${NAMED[n].title}\n\n${NAMED[n].intro} Measured on ${machine()}.\n\n${table(s.rows)}\n${notes ? `\n${notes}\n` : ''}`]);
  }
  // read only now: the file may have been edited while the benchmarks ran
  let doc = fs.existsSync(BENCHMARKS) ? fs.readFileSync(BENCHMARKS, 'utf8') : '# Benchmarks\n';
  for (const [name, body] of blocks) doc = replaceBlock(doc, name, body);
  if (!quick) fs.writeFileSync(BENCHMARKS, doc);
  process.stdout.write(`${doc}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
