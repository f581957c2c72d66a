/**
 * Model-folder fuzzing: 200 broken folders made from models/palette-colors, each loaded (and,
 * when it loads, rendered) in a child process, so a native crash or an out-of-memory abort is
 * a failed case rather than a dead test runner. Each must give a PaletteError whose message
 * lists the problems, or render a frame. PALETTE_FUZZ_MODELS=N changes the count.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChildRunner } from './support/child-runner';
import { modelMutants, mutatedFolder } from './support/model-mutants';
import type { ModelOutcome } from './support/model-check';

const SEED = Number(process.env.PALETTE_FUZZ_SEED ?? 20261201);
const COUNT = Number(process.env.PALETTE_FUZZ_MODELS ?? 200);

jest.setTimeout(30 * 60_000);

test(`${COUNT} mutated model folders give a listed PaletteError or render, never a crash`, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-model-fuzz-'));
  const runner = new ChildRunner<{ dir: string }, ModelOutcome>(require.resolve('./support/model-check'), { timeoutMs: 60_000, maxOldSpaceMb: 1024 });
  const findings: string[] = [];
  const codes = new Map<string, number>();
  let rendered = 0;
  let slowest = 0;
  const mutants = modelMutants(SEED, COUNT);
  try {
    for (const mutant of mutants) {
      const dir = mutatedFolder(mutant, path.join(root, 'model'));
      const r = await runner.call({ dir });
      slowest = Math.max(slowest, r.ms);
      if (r.kind !== 'value') {
        findings.push(`${mutant.name}: ${r.kind === 'died' ? `process died (${r.reason})` : r.kind === 'hung' ? 'hang' : r.error}`);
        continue;
      }
      const o = r.value;
      if (o.outcome === 'bug') findings.push(`${mutant.name}: not a PaletteError: ${o.error}`);
      else if (o.outcome === 'rendered') {
        rendered++;
        if (!o.finite) findings.push(`${mutant.name}: rendered a frame of the wrong size`);
      } else {
        codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
        if (!/^E_MODEL_/.test(o.code)) findings.push(`${mutant.name}: code ${o.code}`);
        if (/[\r\n]/.test(o.message)) findings.push(`${mutant.name}: a message of several lines`);
      }
    }
  } finally {
    runner.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(`model fuzz: ${mutants.length} folders; ${rendered} rendered, ${mutants.length - rendered - findings.length} refused (${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}); slowest ${slowest.toFixed(0)} ms; child restarts ${runner.restarts}; findings ${findings.length}`);
  expect(mutants.length).toBe(COUNT);
  expect(findings).toEqual([]);
});
