/**
 * .palette mutation fuzzing: thousands of bad files generated from the valid examples, each
 * opened in a child process as the app opens it. Every one must give a PaletteError with a code
 * and a one-line message (or, when the mutation left a valid file, open and round-trip), with
 * no crash, no hang, bounded memory and nothing written next to it.
 *
 * PALETTE_FUZZ_SCALE=N multiplies the random draws (default 1: 3006 files, well under a minute on a quiet machine);
 * PALETTE_FUZZ_SEED picks another reproducible run. The minimized regression corpus is
 * tests/fixtures/bad-palettes/ (tests/fuzz/support/corpus.ts writes it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildRunner } from './support/child-runner';
import { loadExamples, mutantsOf, type Mutant } from './support/palette-mutants';
import type { PaletteCase, PaletteReport } from './support/palette-check';

const SEED = Number(process.env.PALETTE_FUZZ_SEED ?? 20261201);
const SCALE = Number(process.env.PALETTE_FUZZ_SCALE ?? 1);
/** a hang, not a slow case: generous, since the machine is shared (the 2 s goal is reported below) */
const CASE_TIMEOUT_MS = 20_000;
const MAX_RSS_MB = 768;

jest.setTimeout(30 * 60_000);

interface Finding {
  mutant: Mutant;
  problem: string;
}

test(`mutated .palette files (seed ${SEED}, scale ${SCALE}) are refused with a PaletteError or open and round-trip`, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'palette-fuzz-'));
  const runner = new ChildRunner<PaletteCase, PaletteReport>(require.resolve('./support/palette-check'), { timeoutMs: CASE_TIMEOUT_MS, maxOldSpaceMb: 1024 });
  const findings: Finding[] = [];
  const codes = new Map<string, number>();
  const families = new Map<string, number>();
  const times: number[] = [];
  let opened = 0;
  let peakRss = 0;
  let total = 0;
  try {
    for (const [i, ex] of loadExamples().entries()) {
      for (const mutant of mutantsOf(ex, SEED + 1000 * i, SCALE)) {
        total++;
        families.set(mutant.family, (families.get(mutant.family) ?? 0) + 1);
        const r = await runner.call({ bytes: mutant.bytes, dir });
        const bad = (problem: string) => findings.push({ mutant, problem });
        if (r.kind === 'hung') bad(`no answer within ${CASE_TIMEOUT_MS} ms (hang)`);
        else if (r.kind === 'died') bad(`the process died: ${r.reason}`);
        else if (r.kind === 'thrown') bad(`the check itself threw: ${r.error}`);
        else {
          const { result, written, openMs, rssMb } = r.value;
          times.push(openMs);
          peakRss = Math.max(peakRss, rssMb);
          if (written.length > 0) bad(`opening wrote ${written.join(', ')}`);
          if (rssMb > MAX_RSS_MB) bad(`RSS reached ${rssMb.toFixed(0)} MB`);
          if (result.outcome === 'bug') bad(`not a PaletteError: ${result.error}`);
          else if (result.outcome === 'opened') {
            opened++;
            if (!result.roundTrip) bad('opened, but a save and reopen changed it');
          } else {
            codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
            if (!/^E_[A-Z0-9_]+$/.test(result.code)) bad(`error code ${JSON.stringify(result.code)}`);
            if (/[\r\n\u2028\u2029]/.test(result.message)) bad(`a message of more than one line: ${JSON.stringify(result.message.slice(0, 300))}`);
            if (result.message.length > 600) bad(`a ${result.message.length}-character message`);
          }
        }
      }
    }
  } finally {
    runner.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))] ?? 0;
  console.log([
    `palette fuzz: ${total} files (${[...families].map(([f, n]) => `${f} ${n}`).join(', ')}); ${opened} opened and round-tripped, ${total - opened - findings.length} refused`,
    `codes: ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`,
    `open time: median ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${q(1).toFixed(1)} ms, over 2 s: ${times.filter((t) => t > 2000).length}; peak child RSS ${peakRss.toFixed(0)} MB; child restarts ${runner.restarts}`,
    `findings: ${findings.length}`,
  ].join('\n'));
  expect(total).toBeGreaterThanOrEqual(2000 * Math.min(1, SCALE));
  expect(findings.slice(0, 10).map((f) => `${f.mutant.name}: ${f.problem.slice(0, 400)}`)).toEqual([]);
});
