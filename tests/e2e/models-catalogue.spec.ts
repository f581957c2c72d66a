/**
 * The Models dialog's recommended models (issue 9) in Chromium, through the real router,
 * ModelService and ModelRegistry: families listed few-step first with size, precision,
 * licence, settings and what is not confirmed; one click downloads the TAESD preview decoder
 * from a loopback hub (the model-manager tests' fake hub) and lists it as a preview decoder.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHub } from '../unit/model-manager/fake-hub';
import { writeTaesdFolder } from '../support/decoder-graphs';
import { buildPaletteColors } from '../../models/generator/palette-colors';
import { writeModelFolder } from '../../models/generator/generate';
import { test, expect } from './support/fixtures';

const TAESD_REPO = 'deinferno/taesd-onnx';
let hub: FakeHub;
let endpoint: string;

test.beforeAll(async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'palette-e2e-taesd-'));
  writeTaesdFolder(dir);
  const files = new Map<string, Buffer>();
  for (const f of ['vae_decoder/model.onnx', 'vae_decoder/config.json']) files.set(f, await fsp.readFile(path.join(dir, f)));
  files.set('README.md', Buffer.from('# taesd\n'));
  files.set('vae_encoder/model.onnx', Buffer.alloc(1000, 1)); // not fetched: a preview decoder needs only vae_decoder/
  await fsp.rm(dir, { recursive: true, force: true });
  hub = new FakeHub();
  hub.repos.set(TAESD_REPO, { revisions: new Map([['main', files]]) });
  endpoint = await hub.start();
});
test.afterAll(async () => hub?.stop());

test('recommended models per family, and one click installs the TAESD preview decoder', async ({ page, bridge, consoleErrors }) => {
  bridge.models.endpoint = endpoint;
  await page.getByTestId('open-models').click();
  const catalogue = page.getByTestId('models-catalogue');
  await expect(catalogue).toBeVisible();
  await expect(catalogue.getByTestId('catalogue-family')).toHaveCount(3);
  await expect(catalogue.getByTestId('catalogue-family').first()).toHaveAttribute('data-family', 'Stable Diffusion 1.5');
  const lcm = catalogue.locator('[data-testid="catalogue-entry"][data-id="lcm-dreamshaper-v7"]');
  await expect(lcm).toContainText('SimianLuo/LCM_Dreamshaper_v7');
  await expect(lcm).toContainText('Licence: MIT');
  await expect(lcm).toContainText('4 steps');
  await expect(lcm.getByTestId('catalogue-unverified')).toContainText('Not confirmed');
  const turbo = catalogue.locator('[data-testid="catalogue-entry"][data-id="sdxl-turbo"]');
  await expect(turbo).toContainText('sai-nc-community');
  await expect(catalogue.locator('[data-testid="catalogue-entry"][data-id="lcm-lora-sdxl"] [data-testid="catalogue-download"]')).toBeDisabled();
  // the built-in model's stream batch: one UNet call per frame
  await expect(page.locator('[data-testid="model-row"][data-id="palette-colors"] [data-testid="model-stream-batch"]')).toHaveText('Stream batch: one UNet call per frame');
  await page.screenshot({ path: '/work/notes/shots/graph-catalogue.png', fullPage: true });

  const taesd = catalogue.locator('[data-testid="catalogue-entry"][data-id="taesd"]');
  await taesd.getByTestId('catalogue-download').click();
  await expect(taesd.getByTestId('catalogue-installed')).toBeVisible({ timeout: 30_000 });
  const row = page.locator('[data-testid="model-row"][data-id="deinferno--taesd-onnx"]');
  await expect(row.getByTestId('model-kind')).toHaveText(' · preview decoder for SD 1.x / 2.x live frames');
  await expect(row.getByTestId('model-use')).toBeDisabled();
  await expect(row.getByTestId('model-problems')).toHaveCount(0);
  // only the decoder's files came down
  const fetched = new Set(hub.seen.filter((r) => r.url.includes('/resolve/')).map((r) => r.url.split('/resolve/main/')[1]));
  expect([...fetched].sort()).toEqual(['vae_decoder/config.json', 'vae_decoder/model.onnx']);
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/work/notes/shots/graph-catalogue-installed.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('the dialog says which models take the stream batch in one call, and why one does not', async ({ page, bridge, consoleErrors }) => {
  await page.getByTestId('open-models').click();
  const add = async (name: string, options: Parameters<typeof buildPaletteColors>[0]) => {
    const dir = path.join(bridge.tempDir, name);
    writeModelFolder(buildPaletteColors(options), dir);
    bridge.folderAnswers.push(dir);
    await page.getByTestId('models-add-folder').click();
    return page.locator(`[data-testid="model-row"][data-id="local:${dir}"] [data-testid="model-stream-batch"]`);
  };
  // optimum ≥ 1.24's scalar timestep: rewritten at load, one call
  const optimum = await add('optimum-export', { optimumTimestep: true, timestepType: 'float32', externalData: 'model.onnx_data' });
  await expect(optimum).toHaveAttribute('data-batchable', 'true');
  await expect(optimum).toHaveText('Stream batch: one UNet call per frame');
  await expect(optimum).toHaveAttribute('title', /^scalar timestep, rewritten at load/);
  // a scalar timestep read some other way: one call per timestep, and why
  const other = await add('other-scalar-export', { scalarTimestep: true, timestepType: 'float32' });
  await expect(other).toHaveAttribute('data-batchable', 'false');
  await expect(other).toContainText('Slower stream: one UNet call per timestep: timestep feeds Cast node');
  await other.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/work/notes/shots/graph-stream-batch.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});
