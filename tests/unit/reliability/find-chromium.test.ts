/**
 * Browser discovery for the e2e stage (scripts/find-chromium.ts) on fake machines: real temp
 * folders stand in for PATH entries and Playwright's download folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ChromiumOverrideError,
  ensureChromium,
  findChromium,
  missingBrowserLine,
  thisMachine,
  type Machine,
} from '../../../scripts/find-chromium';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-chromium-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function dir(name: string): string {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}
function exe(d: string, name: string, mode = 0o755): string {
  const f = path.join(d, name);
  fs.writeFileSync(f, '#!/bin/sh\n');
  fs.chmodSync(f, mode);
  return f;
}
/** a machine whose PATH is only `dirs`, with real file checks inside the temp root */
function machine(dirs: string[], over: Partial<Machine> = {}, env: NodeJS.ProcessEnv = {}): Machine {
  return {
    env: { PATH: dirs.join(':'), ...env },
    // only the fake folders exist: this machine's own browsers must not leak in
    isExecutable: (f) => f.startsWith(root + path.sep) && thisMachine().isExecutable(f),
    playwrightPath: () => path.join(root, 'ms-playwright', 'chrome'),
    platform: 'darwin',
    uid: 1000,
    isDebian: () => false,
    ...over,
  };
}

test('finds a system chromium on PATH, in name order, skipping non-executables and folders', () => {
  const a = dir('a');
  const b = dir('b');
  exe(a, 'chromium', 0o644); // not executable
  fs.mkdirSync(path.join(a, 'chromium-browser')); // a folder
  const chrome = exe(a, 'google-chrome');
  const browser = exe(b, 'chromium-browser');
  expect(findChromium(machine([a, b]))).toEqual({ path: browser, source: 'system' });
  fs.rmSync(browser);
  expect(findChromium(machine([a, b]))).toEqual({ path: chrome, source: 'system' });
});

test("prefers Playwright's own download, then the override over everything", () => {
  const a = dir('a');
  exe(a, 'chromium');
  const own = exe(dir('ms-playwright'), 'chrome');
  expect(findChromium(machine([a]))).toEqual({ path: own, source: 'playwright' });
  const mine = exe(dir('mine'), 'my-chrome');
  expect(findChromium(machine([a], {}, { PALETTE_CHROMIUM: mine }))).toEqual({ path: mine, source: 'env' });
});

test('a wrong override is an error, not a silent fallback', () => {
  const a = dir('a');
  exe(a, 'chromium');
  expect(() => findChromium(machine([a], {}, { PALETTE_CHROMIUM: path.join(root, 'nope') }))).toThrow(ChromiumOverrideError);
});

test('nothing found: undefined, and one line naming the browser and the command', () => {
  const m = machine([dir('empty')]);
  expect(findChromium(m)).toBeUndefined();
  const line = missingBrowserLine(m);
  expect(line).not.toContain('\n');
  expect(line).toMatch(/Chromium/);
  expect(line).toMatch(/npx playwright install chromium/);
  const debianUser = machine([dir('empty')], { platform: 'linux', isDebian: () => true });
  expect(missingBrowserLine(debianUser)).toMatch(/sudo apt-get install -y chromium/);
});

test('linux adds /usr/bin to a PATH that lost it', () => {
  const m = machine([dir('a')], { platform: 'linux', isExecutable: (f) => f === '/usr/bin/chromium' });
  expect(findChromium(m)).toEqual({ path: '/usr/bin/chromium', source: 'system' });
});

test('Debian as root installs the system package and looks again; elsewhere it does not try', () => {
  const bin = dir('bin');
  const calls: string[][][] = [];
  const root0 = machine([bin], { platform: 'linux', uid: 0, isDebian: () => true });
  const found = ensureChromium(root0, (cmds) => (calls.push(cmds), exe(bin, 'chromium'), true), () => {});
  expect(calls).toEqual([[['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']]]);
  expect(found).toEqual({ path: path.join(bin, 'chromium'), source: 'system' });

  fs.rmSync(path.join(bin, 'chromium'));
  const failing = ensureChromium(root0, () => false, () => {});
  expect(failing).toBeUndefined();

  const user = machine([bin], { platform: 'linux', uid: 1000, isDebian: () => true });
  let tried = false;
  expect(ensureChromium(user, () => (tried = true), () => {})).toBeUndefined();
  expect(tried).toBe(false);
});

test('npm test without a browser: the e2e stage fails once, at once, in one line', () => {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../../scripts/test-all.js'), 'e2e'], {
    env: { ...process.env, PALETTE_CHROMIUM: path.join(root, 'no-such-chromium') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status).toBe(1);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toEqual([`e2e FAILED: PALETTE_CHROMIUM=${path.join(root, 'no-such-chromium')} is not an executable file`, '0 passed, 1 failed']);
  expect(r.stdout).not.toMatch(/playwright test/); // no browser test was started
  expect(Date.now() - started).toBeLessThan(60_000);
});
