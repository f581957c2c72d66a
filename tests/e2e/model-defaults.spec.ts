/**
 * The loaded model's family defaults in the Generation panel (issue 9 defect 4), through the
 * real engine worker: what the model starts a document from is shown, a new document's guidance
 * follows the model, choosing a scale overrides it, and one click goes back to the model's.
 */
import { test, expect, expectOutput, COLOURS } from './support/fixtures';

test('the Generation panel shows the model\'s defaults; guidance is "model default" until chosen', async ({ page, bridge, consoleErrors }) => {
  expect(bridge).toBeDefined();
  await expectOutput(page, 256, 256, COLOURS.white);
  const defaults = page.getByTestId('model-defaults');
  await expect(defaults).toContainText(/SD 1\.5 defaults: 5 steps, guidance 1\.0, \d+ px/);
  const panel = page.getByTestId('global-panel');
  await expect(panel.getByText('Guidance scale (model default)')).toBeVisible();
  await expect(page.getByTestId('use-model-guidance')).toHaveCount(0);
  await expect(page.getByTestId('use-model-steps')).toHaveCount(0);

  // choosing a scale makes it the document's own, and offers the model's back
  await page.getByTestId('guidance-scale').fill('4');
  await expect(panel.getByText('Guidance scale', { exact: true })).toBeVisible();
  await expect(panel.locator('output').filter({ hasText: '4.0' })).toBeVisible();
  await page.getByTestId('use-model-guidance').click();
  await expect(panel.getByText('Guidance scale (model default)')).toBeVisible();
  await expect(panel.locator('output').filter({ hasText: '1.0' })).toBeVisible();

  // other steps than the model's: one click restores them
  await page.getByTestId('steps').fill('3');
  await page.getByTestId('use-model-steps').click();
  await expect(page.getByTestId('use-model-steps')).toHaveCount(0);
  await page.screenshot({ path: '/work/notes/shots/families-model-defaults.png' });
  expect(consoleErrors).toEqual([]);
});
