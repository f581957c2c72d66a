/**
 * Which Chromium the browser tests run in: one decision shared by scripts/test-all.js (which
 * installs one where it can, or stops with one line) and playwright.config.ts (which launches it).
 *
 * Order: the PALETTE_CHROMIUM override, Playwright's own download (`npx playwright install
 * chromium`), then the system's chromium / chromium-browser / google-chrome on PATH.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** the environment variable that names a browser explicitly */
export const CHROMIUM_ENV = 'PALETTE_CHROMIUM';
/** system browser names, most specific first */
export const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const;

export type ChromiumSource = 'env' | 'playwright' | 'system';
export interface FoundChromium {
  path: string;
  source: ChromiumSource;
}

export interface Machine {
  env: NodeJS.ProcessEnv;
  /** is this file an executable? */
  isExecutable(file: string): boolean;
  /** where Playwright's own Chromium would be (it may not exist) */
  playwrightPath(): string | undefined;
  platform: NodeJS.Platform;
  /** effective uid; undefined on Windows */
  uid: number | undefined;
  /** is this a Debian-family system (apt-get)? */
  isDebian(): boolean;
}

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightPath(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as { chromium: { executablePath(): string } };
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

export const thisMachine = (): Machine => ({
  env: process.env,
  isExecutable,
  playwrightPath,
  platform: process.platform,
  uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  isDebian: () => fs.existsSync('/etc/debian_version') && isExecutable('/usr/bin/apt-get'),
});

/** Thrown when PALETTE_CHROMIUM names something that is not an executable file. */
export class ChromiumOverrideError extends Error {}

/** The first usable Chromium, or undefined. */
export function findChromium(machine: Machine = thisMachine()): FoundChromium | undefined {
  const override = machine.env[CHROMIUM_ENV];
  if (override) {
    if (!machine.isExecutable(override)) {
      throw new ChromiumOverrideError(`${CHROMIUM_ENV}=${override} is not an executable file`);
    }
    return { path: override, source: 'env' };
  }
  const own = machine.playwrightPath();
  if (own && machine.isExecutable(own)) return { path: own, source: 'playwright' };
  const sep = machine.platform === 'win32' ? ';' : ':';
  const dirs = (machine.env.PATH ?? '').split(sep).filter(Boolean);
  // /usr/bin last, for a PATH that lost it (sudo -E, cron)
  if (machine.platform !== 'win32' && !dirs.includes('/usr/bin')) dirs.push('/usr/bin');
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (machine.isExecutable(file)) return { path: file, source: 'system' };
    }
  }
  return undefined;
}

/** Can this machine install a Chromium by itself, without asking anyone? */
export function canInstall(machine: Machine): boolean {
  return machine.platform === 'linux' && machine.uid === 0 && machine.isDebian();
}

/** The command a person runs to get a Chromium here. */
export function installHint(machine: Machine): string {
  if (machine.platform === 'linux' && machine.isDebian()) {
    const sudo = machine.uid === 0 ? '' : 'sudo ';
    return `${sudo}apt-get update && ${sudo}apt-get install -y chromium (or: npx playwright install chromium)`;
  }
  return 'npx playwright install chromium';
}

/** The one line printed when there is no browser and none could be installed. */
export function missingBrowserLine(machine: Machine): string {
  return `no Chromium found (looked at ${CHROMIUM_ENV}, Playwright's download and ${SYSTEM_NAMES.join('/')} on PATH); get one with: ${installHint(machine)}`;
}

export type Installer = (commands: string[][]) => boolean;

/** apt-get, output kept short; true when every command succeeded */
const aptInstaller: Installer = (commands) =>
  commands.every(([cmd, ...args]) =>
    spawnSync(cmd!, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0);

/**
 * Find a Chromium; where there is none and this is Debian as root, install the system package
 * and look again. Returns undefined when there still is none (the caller prints missingBrowserLine).
 */
export function ensureChromium(
  machine: Machine = thisMachine(),
  install: Installer = aptInstaller,
  log: (line: string) => void = console.log,
): FoundChromium | undefined {
  const found = findChromium(machine);
  if (found || !canInstall(machine)) return found;
  log('no Chromium found; installing the system package: apt-get update && apt-get install -y chromium');
  if (!install([['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']])) return undefined;
  return findChromium(machine);
}
