/**
 * The surface around the views: a canvas resize keeps the background image, a picture dropped
 * on the canvas becomes it; the layout at 1280×720 and 1024×700 (one toolbar row, scrolling
 * and folding panels, one view alone); the dark theme; messages that never cover a control.
 */
import type { Page } from '@playwright/test';
import type { PaletteApi } from '../../shared/ipc/api';
import { test, expect, settleView, stroke, expectOutput, dropImage, COLOURS, BAND, INSIDE, OUTSIDE, type Rgb } from './support/fixtures';

const PICTURE: Rgb = [40, 160, 90];
const SHOTS = process.env.PANELS_SHOTS_DIR;

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** every control's visible box (buttons, inputs, selects, text areas), clipped by the panels that scroll it; toasts excluded */
async function controlBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() => {
    const out: Array<{ x: number; y: number; width: number; height: number }> = [];
    for (const e of document.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
      if (e.closest('.toasts') || e.offsetParent === null) continue;
      let { left, top, right, bottom } = e.getBoundingClientRect();
      for (let p = e.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const r = p.getBoundingClientRect();
        left = Math.max(left, r.left);
        top = Math.max(top, r.top);
        right = Math.min(right, r.right);
        bottom = Math.min(bottom, r.bottom);
      }
      if (right > left && bottom > top) out.push({ x: left, y: top, width: right - left, height: bottom - top });
    }
    return out;
  });
}

test('a canvas resize keeps the background image, scaled to cover, and says so; a picture dropped on the canvas becomes it', async ({ page, bridge: _bridge }) => {
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red);

  await dropImage(page, 'views', PICTURE);
  await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
  await expectOutput(page, ...OUTSIDE, PICTURE);
  await expectOutput(page, ...INSIDE, COLOURS.red);

  await page.getByTestId('canvas-width').selectOption('768');
  await expect(page.getByTestId('toast').filter({ hasText: 'scaled to cover the 768×512 canvas' })).toBeVisible();
  await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
  // the picture is still there, across the whole wider canvas
  await expectOutput(page, 700, 64, PICTURE);
  await expectOutput(page, 20, 480, PICTURE);
  await expectOutput(page, 384, 256, COLOURS.red);

  // undo: the old size with the picture as it was
  await page.locator('body').click({ position: { x: 5, y: 990 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('canvas-width')).toHaveValue('512');
  await expectOutput(page, ...OUTSIDE, PICTURE);
});

for (const [width, height] of [
  [1600, 1000],
  [1280, 720],
  [1024, 700],
] as const) {
  test(`usable at ${width}×${height}: one toolbar row, scrolling and folding panels, one view alone, messages beside the controls`, async ({ page, bridge: _bridge }) => {
    await page.setViewportSize({ width, height });
    await settleView(page);
    await page.getByTestId('brush-prompt').fill('red');
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);

    // the toolbar is one row, and everything on it is on screen
    const toolbar = page.getByTestId('toolbar');
    const tb = (await toolbar.boundingBox())!;
    expect(tb.height).toBeLessThan(56);
    for (const box of await toolbar.locator('button, input, select').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as Box))) {
      expect(box.y).toBeGreaterThanOrEqual(tb.y - 1);
      expect(box.y + box.height).toBeLessThanOrEqual(tb.y + tb.height + 1);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    expect(await toolbar.evaluate((t) => t.scrollWidth <= t.clientWidth + 1)).toBe(true);

    // the sidebar scrolls to its last control; folding a section makes room
    const sidebar = page.getByTestId('sidebar');
    await page.getByTestId('model-picker').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('model-picker')).toBeInViewport();
    const before = await sidebar.evaluate((s) => s.scrollHeight);
    await page.getByTestId('brushes-panel-toggle').click();
    await expect(page.getByTestId('brush-editor')).toHaveCount(0);
    expect(await sidebar.evaluate((s) => s.scrollHeight)).toBeLessThan(before);
    await page.getByTestId('brushes-panel-toggle').click();
    await expect(page.getByTestId('brush-editor')).toBeVisible();

    // one view alone takes the room of both
    const both = (await page.getByTestId('output-view').boundingBox())!;
    await page.getByTestId('view-output').click();
    await expect(page.getByTestId('canvas-column')).toBeHidden();
    const alone = (await page.getByTestId('output-view').boundingBox())!;
    expect(alone.width).toBeGreaterThan(both.width * 1.6);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await page.getByTestId('view-canvas').click();
    await expect(page.getByTestId('output-column')).toBeHidden();
    await expect(page.getByTestId('canvas-column')).toBeVisible();
    await page.getByTestId('view-both').click();
    await expect(page.getByTestId('output-column')).toBeVisible();

    // messages: a few at once, none over a control
    await page.getByTestId('copy-output').click();
    await page.getByTestId('use-as-background').click();
    await expect(page.getByTestId('toast').first()).toBeVisible();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/panels-after-${width}x${height}.png` });
    const toasts = await page.getByTestId('toast').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as Box));
    expect(toasts.length).toBeGreaterThan(0);
    for (const control of await controlBoxes(page)) for (const t of toasts) expect(overlaps(control, t)).toBe(false);
  });
}

test('the theme follows the OS until chosen; the choice is kept', async ({ page, bridge: _bridge }) => {
  const bg = () => page.evaluate(() => getComputedStyle(document.querySelector('.sidebar')!).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.getByTestId('theme-switch')).toHaveAttribute('data-theme-choice', 'system');
  await expect.poll(bg).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(bg).toBe('rgb(38, 38, 43)');
  if (SHOTS) {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: `${SHOTS}/panels-after-dark-1280x720.png` });
  }

  // chosen: light even though the OS is dark, and remembered
  await page.getByTestId('theme-switch').click(); // system → dark
  await expect(page.getByTestId('theme-switch')).toHaveAttribute('data-theme-choice', 'dark');
  await page.getByTestId('theme-switch').click(); // dark → light
  await expect(page.getByTestId('theme-switch')).toHaveAttribute('data-theme-choice', 'light');
  await expect.poll(bg).toBe('rgb(255, 255, 255)');
  await expect.poll(() => page.evaluate(async () => (await (window as unknown as { palette: PaletteApi }).palette.settings.get()).theme)).toBe('light');
  await page.reload();
  await expect(page.getByTestId('theme-switch')).toHaveAttribute('data-theme-choice', 'light');
  await expect.poll(bg).toBe('rgb(255, 255, 255)');
});
