/**
 * The packaged-shape app in real Electron, through Playwright's _electron.launch: the
 * hardened window, window.palette over the real preload/IPC, the engine worker and the
 * palette-colors model. Runs where the Electron binary is installed (`require('electron')`
 * returns its path) and the app is built (`npm run build` + the preload bundle + the
 * renderer); skips with the reason printed otherwise.
 *
 * Needs a Playwright project with `testDir: 'tests/e2e-electron'` (no browser launchOptions).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';

const ROOT = path.resolve(__dirname, '..', '..');
const REQUIRED = ['dist/main/index.js', 'dist/main/engine/worker.js', 'dist/preload/bundle.cjs', 'renderer/dist/index.html', 'models/palette-colors/model_index.json'];

function electronBinary(): { path: string | null; reason: string } {
  // electron's index.js downloads the binary when it is missing: look first, so that a machine
  // without it (or without internet) skips at once instead of trying a download
  const pkg = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(pkg, 'path.txt');
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    if (!fs.existsSync(pathFile)) return { path: null, reason: `Electron binary not installed (${pathFile} is missing; run \`npx install-electron\` where the internet is reachable)` };
    const exe = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
    if (!fs.existsSync(exe)) return { path: null, reason: `Electron binary not installed (${exe} is missing)` };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = require('electron') as unknown;
    if (typeof p === 'string' && fs.existsSync(p)) return { path: p, reason: '' };
    return { path: null, reason: 'the electron package resolved to no binary' };
  } catch (e) {
    return { path: null, reason: `Electron binary not installed (${(e as Error).message.split('\n')[0]})` };
  }
}

const binary = electronBinary();
const missing = REQUIRED.filter((f) => !fs.existsSync(path.join(ROOT, f)));
const skipReason = binary.path ? (missing.length ? `app not built: missing ${missing.join(', ')}` : '') : binary.reason;
if (skipReason) console.warn(`[e2e-electron] skipped: ${skipReason}`);

test.describe('Semantic Palette in Electron', () => {
  test.skip(!!skipReason, skipReason);

  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    app = await electron.launch({
      executablePath: binary.path!,
      args: [path.join(ROOT, 'dist', 'main', 'index.js')],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('the window is hardened: no Node, no ipcRenderer, no window.open, CSP set', async () => {
    const probe = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const palette = w.palette as Record<string, unknown>;
      return {
        require: typeof w.require,
        process: typeof w.process,
        palette: Object.keys(palette).sort(),
        ipcRenderer: 'ipcRenderer' in palette || 'ipcRenderer' in w,
        opened: window.open('https://example.com') === null,
        url: location.href,
      };
    });
    expect(probe).toEqual({
      require: 'undefined',
      process: 'undefined',
      palette: ['app', 'document', 'engine', 'events', 'frames', 'models', 'settings'],
      ipcRenderer: false,
      opened: true,
      url: 'app://renderer/index.html',
    });
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0].webContents;
      const p = (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  test('a stroke with the brush "red" turns the output red under it and leaves the rest white', async () => {
    const sample = await page.evaluate(async () => {
      type Api = import('../../shared/ipc/api').PaletteApi;
      const palette = (window as unknown as { palette: Api }).palette;
      const W = 64;
      const H = 64;
      await palette.engine.setModel({ modelId: 'palette-colors' });
      await palette.engine.setCanvas({ width: W, height: H });
      await palette.engine.setBackground({ prompt: 'white', negativePrompt: '', image: null });
      const mask = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) mask[y * W + x] = 255;
      await palette.engine.setLayers({
        layers: [{ id: 'red', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask }],
      });
      const frame = new Promise<{ width: number; rgba: Uint8ClampedArray }>((resolve) => palette.frames.onFrame(resolve));
      await new Promise((r) => setTimeout(r, 100)); // frames port connected
      await palette.engine.renderOnce();
      const f = await frame;
      const at = (x: number, y: number) => Array.from(f.rgba.subarray((y * f.width + x) * 4, (y * f.width + x) * 4 + 3));
      return { inside: at(8, 32), outside: at(56, 32) };
    });
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 8);
    expect(near(sample.inside, [255, 0, 0])).toBe(true);
    expect(near(sample.outside, [255, 255, 255])).toBe(true);
  });
});
