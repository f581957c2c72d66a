/**
 * Browser end to end: the built renderer, served by `vite preview`, in Chromium (scripts/find-chromium.ts says which).
 * The test bridge (tests/e2e/support) gives the page a real `window.palette` backed by the
 * router, EngineHost, engine worker and palette-colors model in the test process.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ENV, findChromium } from './scripts/find-chromium';

// PALETTE_E2E_PORT lets several checkouts run their browser tests side by side
const PORT = Number(process.env.PALETTE_E2E_PORT ?? 4178);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
// scripts/test-all.js passes the browser it found (or installed); a direct `npx playwright test` looks itself.
// Where there is none, Playwright's own path stays and its launch error names `npx playwright install`.
const CHROMIUM = process.env[CHROMIUM_ENV] || findChromium()?.path;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // each test owns an engine worker: on two cores, one test at a time
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: BASE_URL,
    viewport: { width: 1600, height: 1000 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: /electron/i },
    // real Electron via _electron.launch: skips with a printed reason where the binary is missing
    { name: 'electron', testDir: 'tests/e2e-electron', use: { launchOptions: {} } },
  ],
  webServer: {
    // module scripts don't load from file://, so the built renderer is served
    command: [
      'npx vite build --config vite.config.mts --logLevel warn',
      'npx vite build --config tests/e2e/support/bridge.vite.config.mts',
      `npx vite preview --config vite.config.mts --host 127.0.0.1 --port ${PORT} --strictPort`,
    ].join(' && '),
    url: BASE_URL,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
