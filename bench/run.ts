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

/** the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, or null */
export function blockBody(doc: string, name: string): string | null {
  const open = `<!-- bench:${name} -->\n`;
  const close = `\n<!-- /bench:${name} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  return a >= 0 && b > a ? doc.slice(a + open.length, b) : null;
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

/** the rows of a markdown table row line, by its first column (the benchmark) */
function benchmarkOf(line: string): string {
  return line.split(' | ')[0].replace(/^\| /, '');
}

/**
 * The standing block after re-measuring some of its sections: each benchmark's old rows give
 * way to its new rows (where the first old one stood), the other rows stay as they were, and a
 * line says which sections were re-measured when.
 */
export function mergeStanding(oldBody: string | null, rows: readonly BenchRow[], sections: readonly string[], machineLine: string): string {
  const fresh = table(rows).split('\n').slice(2);
  const lines = oldBody?.split('\n') ?? [];
  const start = lines.findIndex((l) => l.startsWith('|---'));
  if (start < 1) return `Measured by \`npm run bench\` (sections ${sections.join(', ')}) on ${machineLine}.\n\n${table(rows)}`;
  const names = new Set(rows.map((r) => r.benchmark));
  const out: string[] = [];
  const pending = new Map<string, string[]>();
  for (const l of fresh) pending.set(benchmarkOf(l), [...(pending.get(benchmarkOf(l)) ?? []), l]);
  let end = start + 1;
  for (; end < lines.length && lines[end].startsWith('| '); end++) {
    const name = benchmarkOf(lines[end]);
    if (!names.has(name)) out.push(lines[end]);
    else if (pending.has(name)) {
      out.push(...pending.get(name)!);
      pending.delete(name);
    }
  }
  for (const ls of pending.values()) out.push(...ls);
  const head = lines.slice(0, start + 1);
  const note = `Sections ${sections.join(', ')} re-measured on ${machineLine}.`;
  const intro = head.slice(0, -2).filter((l) => !l.startsWith('Sections '));
  while (intro.length && intro[intro.length - 1] === '') intro.pop();
  return [...intro, '', note, '', ...head.slice(-2), ...out, ...lines.slice(end)].join('\n');
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
    if (named.length === 0) blocks.push(['standing', `Measured by \`npm run bench\` (medians of repeated runs) on ${machine()}.\n\n${table(rows)}`]);
    else {
      // one section's rows replace only its own in the standing table
      const doc = fs.existsSync(BENCHMARKS) ? fs.readFileSync(BENCHMARKS, 'utf8') : '';
      blocks.push(['standing', mergeStanding(blockBody(doc, 'standing'), rows, chosen, machine())]);
    }
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

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
