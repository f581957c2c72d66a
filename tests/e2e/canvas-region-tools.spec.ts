/**
 * The region tools in Chromium against the real engine: bucket fill (the connected area of
 * the same top-most region), lasso and rectangle (fill or erase the enclosed area on the
 * current brush), each one undo step, Escape abandoning a shape in progress.
 */
import type { Page } from '@playwright/test';
import { test, expect, stroke, docToPage, expectOutput, expectOutputWhere, COLOURS } from './support/fixtures';
import type { Bridge } from './support/bridge';

const selectedId = (page: Page) => page.getByTestId('brush-editor').getAttribute('data-layer-id');

async function maskOf(page: Page, bridge: Bridge, id: string | null, x: number, y: number): Promise<number> {
  const m = id ? bridge.masks.get(id) : undefined;
  return m ? m[y * 512 + x] : -1;
}

/** press, move through `points` (document pixels), release */
async function drag(page: Page, points: Array<[number, number]>, release = true): Promise<void> {
  await page.mouse.move(...(await docToPage(page, ...points[0])));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...(await docToPage(page, ...p)), { steps: 6 });
  if (release) await page.mouse.up();
}

test.describe('region tools', () => {
  test('bucket fill: the connected area under the cursor of the same region, one undo step', async ({ page, bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('40');
    // a red wall from top to bottom splits the canvas into a left and a right area
    await stroke(page, [
      [256, -20],
      [256, 256],
      [256, 540],
    ]);
    await expectOutput(page, 256, 256, COLOURS.red);
    await page.getByTestId('brush-add').click();
    await page.getByTestId('brush-prompt').fill('blue');
    const blue = await selectedId(page);

    // keys go to the canvas once the prompt field is left
    await page.getByTestId('brush-prompt').blur();
    await page.keyboard.press('g');
    await expect(page.getByTestId('tool-bucket')).toHaveAttribute('aria-pressed', 'true');
    await page.mouse.click(...(await docToPage(page, 100, 300)));
    await expectOutput(page, 100, 300, COLOURS.blue);
    await expectOutput(page, 60, 40, COLOURS.blue);
    await expectOutput(page, 420, 300, COLOURS.white);
    await expectOutput(page, 256, 300, COLOURS.red);
    expect(await maskOf(page, bridge, blue, 100, 300)).toBe(255);
    expect(await maskOf(page, bridge, blue, 256, 300)).toBe(0);
    expect(await maskOf(page, bridge, blue, 420, 300)).toBe(0);
    await page.screenshot({ path: '/work/notes/shots/canvas-bucket.png' });

    // one undo step takes the whole fill back (the prompt stays)
    await page.keyboard.press('Control+z');
    await expectOutput(page, 100, 300, COLOURS.white);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('blue');
    await expect.poll(() => maskOf(page, bridge, blue, 100, 300)).toBe(0);

    // F is the bucket too; filling on the red wall takes the wall's region only
    await page.keyboard.press('b');
    await page.keyboard.press('f');
    await expect(page.getByTestId('tool-bucket')).toHaveAttribute('aria-pressed', 'true');
    await page.mouse.click(...(await docToPage(page, 256, 300)));
    await expect.poll(() => maskOf(page, bridge, blue, 256, 300)).toBe(255);
    expect(await maskOf(page, bridge, blue, 100, 300)).toBe(0);
    // blue is the upper brush: it wins over the wall (the red below keeps a little, the cover rule)
    await expectOutputWhere(page, 256, 300, 'mostly blue', ([r, , b]) => b > r + 60);
    await expectOutput(page, 100, 300, COLOURS.white);
    await expectOutput(page, 420, 300, COLOURS.white);
  });

  test('lasso and rectangle fill and erase the enclosed area, one undo step each; Escape abandons a shape', async ({ page, bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    const red = await selectedId(page);
    await expectOutput(page, 380, 130, COLOURS.white);
    await page.getByTestId('brush-prompt').blur();

    // lasso: a closed loop around (300..460, 60..200) fills it
    await page.keyboard.press('l');
    await expect(page.getByTestId('tool-lasso')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('region-fill')).toHaveAttribute('aria-pressed', 'true');
    await drag(page, [
      [300, 60],
      [460, 60],
      [460, 200],
      [300, 200],
    ], false);
    await page.screenshot({ path: '/work/notes/shots/canvas-lasso-drawing.png' });
    await page.mouse.up();
    await expectOutput(page, 380, 130, COLOURS.red);
    await expectOutput(page, 280, 130, COLOURS.white);
    await expectOutput(page, 380, 230, COLOURS.white);
    expect(await maskOf(page, bridge, red, 380, 130)).toBe(255);

    // rectangle (M): a second area; then X switches to erase and a rectangle cuts the first in half
    await page.keyboard.press('m');
    await expect(page.getByTestId('tool-rectangle')).toHaveAttribute('aria-pressed', 'true');
    await drag(page, [
      [60, 300],
      [200, 460],
    ]);
    await expectOutput(page, 130, 380, COLOURS.red);
    await expectOutput(page, 230, 380, COLOURS.white);
    await page.keyboard.press('x');
    await expect(page.getByTestId('region-erase')).toHaveAttribute('aria-pressed', 'true');
    await drag(page, [
      [380, 40],
      [480, 220],
    ]);
    await expectOutput(page, 420, 130, COLOURS.white);
    await expectOutput(page, 340, 130, COLOURS.red);
    expect(await maskOf(page, bridge, red, 420, 130)).toBe(0);

    // Escape in the middle of a lasso: nothing changes
    const calls = bridge.calls.filter((c) => c === 'engine:updateLayerMask').length;
    await page.keyboard.press('x');
    await page.keyboard.press('l');
    await drag(page, [
      [40, 40],
      [240, 40],
      [240, 240],
    ], false);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    expect(bridge.calls.filter((c) => c === 'engine:updateLayerMask').length).toBe(calls);
    await expectOutput(page, 180, 80, COLOURS.white);

    // one undo per shape: the erase, then the rectangle, then the lasso
    await page.keyboard.press('Control+z');
    await expectOutput(page, 420, 130, COLOURS.red);
    await page.keyboard.press('Control+z');
    await expectOutput(page, 130, 380, COLOURS.white);
    await expectOutput(page, 380, 130, COLOURS.red);
    await page.keyboard.press('Control+z');
    await expectOutput(page, 380, 130, COLOURS.white);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
  });
});
