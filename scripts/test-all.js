#!/usr/bin/env node
// The whole test suite, as the README and CI run it: typecheck, lint, Jest (unit, traces,
// engine end to end) and Playwright (renderer in Chromium, Electron where installed).
// Ends with one line `N passed, N failed` (each typecheck and lint counts as one test).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2); // e.g. `npm test -- jest` runs only the named stages
const wants = (stage) => only.length === 0 || only.includes(stage);

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${path.basename(cmd)} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function check(label, cmd, args) {
  const status = run(label, cmd, args);
  if (status === 0) passed += 1;
  else {
    failed += 1;
    console.log(`${label} FAILED (exit ${status})`);
  }
}

if (wants('typecheck')) {
  check('typecheck (main, shared, preload, tests)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  check('typecheck (renderer)', bin('tsc'), ['--noEmit', '-p', 'renderer/tsconfig.json']);
}
if (wants('lint')) check('lint', bin('eslint'), ['.']);

if (wants('jest')) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'palette-jest-')), 'results.json');
  const status = run('jest', bin('jest'), ['--json', `--outputFile=${out}`]);
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // a suite that fails to load has no failed test of its own: count it
    failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  } else if (status !== 0) failed += 1;
}

/** The browser for the e2e stage (installed where it can be), or the one line saying what is missing. */
function browserForE2e() {
  require('./register-ts.js');
  const { ensureChromium, missingBrowserLine, thisMachine, ChromiumOverrideError } = require('./find-chromium.ts');
  const machine = thisMachine();
  try {
    const found = ensureChromium(machine);
    return found ? { found } : { problem: missingBrowserLine(machine) };
  } catch (e) {
    if (!(e instanceof ChromiumOverrideError)) throw e;
    return { problem: e.message };
  }
}

const e2e = wants('e2e') && fs.existsSync(path.join(root, 'playwright.config.ts')) ? browserForE2e() : undefined;
if (e2e?.problem) {
  // no browser: the stage fails once, at once, instead of every browser test timing out
  failed += 1;
  console.log(`\ne2e FAILED: ${e2e.problem}`);
} else if (e2e?.found) {
  const chromium = e2e.found;
  console.log(`\n=== e2e browser: ${chromium.path} (${chromium.source})`);
  // the Electron specs launch the built app (dist/ + the preload bundle); the browser specs build the renderer themselves
  if (run('build (main)', bin('tsc'), ['-p', 'tsconfig.build.json']) !== 0 ||
      run('build (preload)', bin('vite'), ['build', '--config', 'vite.preload.config.mts', '--logLevel', 'warn']) !== 0) {
    failed += 1;
    console.log('build FAILED');
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'palette-pw-')), 'results.json');
  const status = run('playwright', bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out, PALETTE_CHROMIUM: chromium.path });
  if (fs.existsSync(out)) {
    const s = JSON.parse(fs.readFileSync(out, 'utf8')).stats;
    passed += s.expected + s.flaky;
    failed += s.unexpected;
    skipped += s.skipped;
  } else if (status !== 0) failed += 1;
}

console.log('');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
