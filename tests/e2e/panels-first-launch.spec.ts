/**
 * A first launch: a bundled example to paint on, the three-step guide that says what the
 * built-in model can paint, dismissed once and for good; the Help menu with the examples and
 * the guides; the GPU fallback notice in a user's words.
 */
import { test as base, expect } from '@playwright/test';
import type { PaletteApi } from '../../shared/ipc/api';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installBridge, REPO_ROOT, type Bridge } from './support/bridge';
import { brushNames, expectOutput, type Rgb } from './support/fixtures';

const test = base.extend<{ firstRun: Bridge }>({
  firstRun: async ({ page, baseURL }, use) => {
    // settings as a new installation has them: the guide never dismissed
    const bridge = await installBridge(page, new URL(baseURL ?? '').origin, { settings: { guideDismissed: false } });
    await page.goto('/');
    await expect(page.getByTestId('app')).toBeVisible();
    await use(bridge);
    await bridge.close();
  },
});

/** "blue sky" and "sand beach" in palette-colors (ORACLE-MODEL.md): the means of their colour words */
const BLUE_SKY: Rgb = [60, 125, 255];

test('the first launch opens an example with the guide; dismissed, it stays away on the next launch', async ({ page, firstRun }) => {
  const guide = page.getByTestId('first-launch-guide');
  await expect(guide).toBeVisible();
  await expect(guide).toContainText('Pick a brush');
  await expect(guide).toContainText('Say what it paints');
  await expect(guide).toContainText('Paint');
  await expect(page.getByTestId('guide-model-note')).toContainText('colour words only');

  // the example is open, untouched and unsaved-as-a-copy, and the engine paints it
  await expect.poll(() => brushNames(page)).toEqual(['Umbrella', 'Sun', 'Sea', 'Sky']);
  await expect(page.getByTestId('document-title')).toContainText('Untitled');
  await expectOutput(page, 256, 40, BLUE_SKY, 6);

  // the way to a real model
  await page.getByTestId('guide-models').click();
  await expect(page.getByTestId('models-panel')).toBeVisible();
  await page.getByTestId('models-close').click();

  await page.getByTestId('guide-dismiss').click();
  await expect(guide).toHaveCount(0);
  await expect.poll(() => page.evaluate(async () => (await (window as unknown as { palette: PaletteApi }).palette.settings.get()).guideDismissed)).toBe(true);

  // the next launch (same settings): a plain new document, no guide
  await page.reload();
  await expect(page.getByTestId('app')).toBeVisible();
  await expect.poll(() => brushNames(page)).toEqual(['Brush 1']);
  await page.waitForTimeout(1000);
  await expect(guide).toHaveCount(0);

  // Help → Getting started brings the guide back
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-guide').click();
  await expect(guide).toBeVisible();
  void firstRun;
});

test('Help lists the examples, the shortcuts sheet and the guides; the GPU notice says what it means', async ({ page, firstRun }) => {
  await page.getByTestId('guide-dismiss').click();
  await expect.poll(() => brushNames(page)).toEqual(['Umbrella', 'Sun', 'Sea', 'Sky']);

  await page.getByTestId('help-menu').click();
  const examples = page.getByTestId('help-example');
  await expect(examples).toHaveText(['Seaside', 'Fox in snow', 'Panorama']);
  await expect(page.getByTestId('help-shortcuts')).toBeVisible();
  await examples.filter({ hasText: 'Fox in snow' }).click();
  await expect.poll(() => brushNames(page)).toEqual(['Eye', 'Fox', 'Sky']);
  // the copy is not tied to the bundled file: Save asks where to keep it
  const shipped = fs.readFileSync(path.join(REPO_ROOT, 'resources', 'examples', 'fox-in-snow.palette'));
  firstRun.answers.save.push('my-fox');
  firstRun.emit('menu:command', { command: 'save' });
  await expect.poll(() => fs.existsSync(path.join(firstRun.tempDir, 'my-fox.palette'))).toBe(true);
  expect(fs.readFileSync(path.join(REPO_ROOT, 'resources', 'examples', 'fox-in-snow.palette')).equals(shipped)).toBe(true);
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-docs').click();
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-models-doc').click();
  await expect.poll(() => firstRun.openedGuides).toEqual(['README.md', 'docs/models.md']);

  // this machine has no usable GPU provider: the engine said so when the model loaded
  const notice = page.getByTestId('toast').filter({ hasText: 'Running on the processor (CPU)' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('the graphics card (GPU) could not be used');
  await expect(notice.getByTestId('toast-details')).toHaveCount(0);
  await notice.getByTestId('toast-details-toggle').click();
  await expect(notice.getByTestId('toast-details')).toContainText('running on cpu');
  await notice.getByTestId('toast-action').click();
  await expect.poll(() => firstRun.openedGuides).toEqual(['README.md', 'docs/models.md', 'docs/models.md']);
  // it waits for the user: still there after the other messages are gone
  await page.waitForTimeout(5000);
  await expect(notice).toBeVisible();
  await notice.getByTestId('toast-dismiss').click();
  await expect(notice).toHaveCount(0);
});
