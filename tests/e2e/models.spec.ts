/**
 * The model manager in Chromium, through the real router, ModelService, ModelRegistry and
 * engine worker: a Hugging Face hub on 127.0.0.1 (the model-manager tests' fake hub, in this
 * process) serves a float16 palette-colors; the page downloads it with a progress bar, runs
 * it (a red stroke renders red), and removes it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FakeHub, paletteRepoFiles } from '../unit/model-manager/fake-hub';
import { REPO_ROOT } from './support/bridge';
import { test, expect, stroke, expectOutput, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';

const FP16_REPO = 'palette/palette-colors-fp16';
const FP16_ID = 'palette--palette-colors-fp16';
const GATED_REPO = 'palette/gated-colors';
/** a provider this platform's onnxruntime-node build never has, so forcing it must fall back */
const MISSING_PROVIDER = process.platform === 'darwin' ? 'dml' : 'coreml';

let hub: FakeHub;
let endpoint: string;

test.beforeAll(async () => {
  hub = new FakeHub();
  const fp16 = await paletteRepoFiles(REPO_ROOT, { float16: true });
  hub.repos.set(FP16_REPO, { revisions: new Map([['main', fp16]]) });
  hub.repos.set(GATED_REPO, { revisions: new Map([['main', fp16]]), gatedToken: 'hf_e2etoken' });
  endpoint = await hub.start();
  expect(new URL(endpoint).hostname).toBe('127.0.0.1');
});
test.afterAll(async () => hub?.stop());
test.beforeEach(() => {
  hub.faults = {};
});

const row = (page: import('@playwright/test').Page, id: string) => page.locator(`[data-testid="model-row"][data-id="${id}"]`);

test('download a model with progress, pause and resume it, paint with it, remove it', async ({ page, bridge, consoleErrors }) => {
  bridge.models.endpoint = endpoint;
  // the engine runs the built-in model first
  await expectOutput(page, 256, 256, COLOURS.white);

  await page.getByTestId('open-models').click();
  const panel = page.getByTestId('models-panel');
  await expect(panel).toBeVisible();
  const builtin = row(page, 'palette-colors');
  await expect(builtin.getByTestId('model-source')).toHaveText('built-in');
  await expect(builtin).toHaveAttribute('data-active', 'true');
  await expect(builtin.getByTestId('model-precision')).toHaveText('float32');
  await expect(builtin.getByTestId('model-size')).toHaveText(/^\d+(\.\d)? KB$/);
  // which provider runs each component
  await expect(builtin.locator('[data-testid="model-providers"] li[data-component="unet"]')).toHaveAttribute('data-provider', 'cpu');
  await expect(builtin.locator('[data-testid="model-providers"] li[data-component="text_encoder"]')).toHaveText('text_encoder: cpu');
  await expect(builtin.getByTestId('model-remove')).toHaveCount(0);

  // ---- a slow link, so the bar is seen moving; pause keeps the bytes, resume continues
  hub.faults = { slowMs: 250 };
  await page.getByTestId('download-repo').fill(FP16_REPO);
  await page.getByTestId('download-start').click();
  const download = page.locator(`[data-testid="download-row"][data-id="${FP16_ID}"]`);
  await expect(download).toBeVisible();
  await expect(download.getByTestId('download-progress')).toBeVisible();
  await expect
    .poll(async () => Number(await download.getByTestId('download-progress').evaluate((p: HTMLProgressElement) => p.value)))
    .toBeGreaterThan(0);
  await expect(download.getByTestId('download-stats')).toHaveText(/^\d+(\.\d)? (B|KB) of \d+(\.\d)? KB/);
  await download.getByTestId('download-pause').click();
  await expect(download).toHaveAttribute('data-state', 'paused');
  await expect(download.getByTestId('download-stats')).toContainText('paused');
  // nothing half-downloaded is offered
  await expect(row(page, FP16_ID)).toHaveCount(0);
  hub.faults = { slowMs: 40 };
  await download.getByTestId('download-resume').click();
  await expect(download).toHaveCount(0, { timeout: 60_000 });

  const fp16 = row(page, FP16_ID);
  await expect(fp16.getByTestId('model-name')).toHaveText(FP16_REPO);
  await expect(fp16.getByTestId('model-source')).toHaveText('downloaded');
  await expect(fp16.getByTestId('model-precision')).toHaveText('float16');
  await expect(page.getByTestId('model-picker').locator(`option[value="${FP16_ID}"]`)).toHaveCount(1);

  // ---- pick it: the engine loads it and says what runs it
  await fp16.getByTestId('model-use').click();
  await expect(fp16).toHaveAttribute('data-active', 'true');
  await expect(builtin).toHaveAttribute('data-active', 'false');
  await expect(fp16.locator('[data-testid="model-providers"] li[data-component="unet"]')).toHaveAttribute('data-provider', 'cpu');
  await expect(page.getByTestId('model-picker')).toHaveValue(FP16_ID);
  expect(bridge.host.status().modelId).toBe(FP16_ID);

  // ---- it paints: a red stroke renders red, white around it
  await page.getByTestId('models-close').click();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red, 6);
  await expectOutput(page, ...OUTSIDE, COLOURS.white, 6);
  expect(bridge.host.status().modelId).toBe(FP16_ID);

  // ---- remove it: the engine goes back to the built-in model, the files are gone
  await page.getByTestId('open-models').click();
  await row(page, FP16_ID).getByTestId('model-remove').click();
  await expect(row(page, FP16_ID)).toHaveCount(0);
  await expect(builtin).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('model-picker')).toHaveValue('palette-colors');
  await expect(page.getByTestId('model-picker').locator(`option[value="${FP16_ID}"]`)).toHaveCount(0);
  const left = await fsp.readdir(path.join(bridge.tempDir, 'data', 'models'));
  expect(left.filter((n) => !n.startsWith('.'))).toEqual([]);
  await page.getByTestId('models-close').click();
  await expectOutput(page, 256, 256, COLOURS.red);
  expect(consoleErrors).toEqual([]);
});

test('clear errors: a gated model asks for a token; a folder that cannot run lists its problems', async ({ page, bridge }) => {
  bridge.models.endpoint = endpoint;
  await page.getByTestId('open-models').click();

  await page.getByTestId('download-repo').fill(GATED_REPO);
  await page.getByTestId('download-start').click();
  const failed = page.locator('[data-testid="download-row"][data-state="failed"]');
  await expect(failed.getByTestId('download-error')).toHaveAttribute('data-code', 'E_MODEL_AUTH');
  await expect(failed.getByTestId('download-error')).toContainText('gated or private: log in / provide a Hugging Face access token with read permission');
  await failed.getByTestId('download-cancel').click();
  await expect(failed).toHaveCount(0);

  // with the token it downloads
  await page.getByTestId('download-token').fill('hf_e2etoken');
  await page.getByTestId('download-start').click();
  await expect(row(page, 'palette--gated-colors').getByTestId('model-precision')).toHaveText('float16', { timeout: 60_000 });

  // "Add folder…" (the stand-in dialog answers): a broken copy is refused naming what is missing
  const broken = path.join(bridge.tempDir, 'broken-model');
  await fsp.cp(path.join(REPO_ROOT, 'models', 'palette-colors'), broken, { recursive: true });
  await fsp.rm(path.join(broken, 'unet'), { recursive: true });
  bridge.folderAnswers.push(broken);
  await page.getByTestId('models-add-folder').click();
  await expect(page.getByTestId('models-error')).toContainText('is not a usable model folder');
  await expect(page.getByTestId('models-error')).toContainText('unet/model.onnx');
  // a good one is added as a folder
  const good = path.join(bridge.tempDir, 'my-model');
  await fsp.cp(path.join(REPO_ROOT, 'models', 'palette-colors'), good, { recursive: true });
  bridge.folderAnswers.push(good);
  await page.getByTestId('models-add-folder').click();
  await expect(row(page, `local:${good}`).getByTestId('model-source')).toHaveText('folder');
  await expect(page.getByTestId('models-error')).toHaveCount(0);
});

test('forcing a provider this machine lacks falls back to CPU with a notice, and the panel says why', async ({ page, bridge }) => {
  await expectOutput(page, 256, 256, COLOURS.white);
  await page.getByTestId('open-models').click();
  await page.getByTestId('execution-provider').selectOption(MISSING_PROVIDER);
  const notice = page.locator('[data-testid="toast"][data-level="warning"]');
  // in the user's words, with the provider's own reason behind "Details"
  await expect(notice.getByTestId('toast-message')).toContainText('Running on the processor (CPU)');
  await notice.getByTestId('toast-details-toggle').click();
  await expect(notice.getByTestId('toast-details')).toContainText(new RegExp(`^${MISSING_PROVIDER} is not available here: running .*unet on cpu`));
  const builtin = row(page, 'palette-colors');
  await expect(builtin.locator(`[data-testid="model-skipped"][data-provider="${MISSING_PROVIDER}"]`)).toContainText(`${MISSING_PROVIDER} skipped: not available in this onnxruntime-node build`);
  await expect(builtin.locator('[data-testid="model-providers"] li[data-component="unet"]')).toHaveAttribute('data-provider', 'cpu');
  expect(bridge.host.runtimeOptions.providers).toEqual([MISSING_PROVIDER, 'cpu']);
  // painting goes on
  await page.getByTestId('models-close').click();
  await page.getByTestId('brush-prompt').fill('blue');
  await stroke(page, [
    [96, 256],
    [416, 256],
  ]);
  await expectOutput(page, 256, 256, COLOURS.blue);
});
