/**
 * Keeping results, against the real engine (palette-colors: colour words paint their colour):
 * Generate once with Live off, the frame history strip, the output as the next background
 * (undoable), the clipboard and the PNG export of a past frame.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, stroke, expectOutput, outputPixel, COLOURS, BAND, INSIDE, OUTSIDE, type Rgb } from './support/fixtures';
import { decodePng } from '../../main/documents';

const GREEN: Rgb = [0, 170, 0];

const near = (a: Rgb, b: Rgb, t = 6) => a.every((v, i) => Math.abs(v - b[i]) <= t);

/** engine calls settle: nothing new reached the engine for a while */
async function engineQuiet(page: Page, calls: string[]): Promise<void> {
  let last = -1;
  await expect.poll(async () => {
    const n = calls.length;
    const quiet = n === last;
    last = n;
    await page.waitForTimeout(300);
    return quiet;
  }).toBe(true);
}

test('with Live off the output waits; Generate (button or Ctrl+Enter) renders the document once', async ({ page, bridge }) => {
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red);
  await expect(page.getByTestId('engine-state')).toHaveText('idle');
  // idle: no frame rate that was true a while ago
  await expect(page.getByTestId('fps')).toHaveCount(0);

  await expect(page.getByTestId('generate-once')).toBeDisabled();
  await page.getByTestId('live-toggle').click();
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('engine-state')).toHaveText('paused');
  await expect(page.getByTestId('generate-once')).toBeEnabled();

  // the edit reaches the engine, but nothing renders while Live is off
  await page.getByTestId('brush-prompt').fill('blue');
  await engineQuiet(page, bridge.calls);
  expect(await outputPixel(page, ...INSIDE)).toEqual(COLOURS.red);
  const renders = bridge.calls.filter((c) => c === 'engine:renderOnce').length;
  await page.getByTestId('generate-once').click();
  await expectOutput(page, ...INSIDE, COLOURS.blue);
  await expectOutput(page, ...OUTSIDE, COLOURS.white);
  expect(bridge.calls.filter((c) => c === 'engine:renderOnce').length).toBe(renders + 1);
  await expect(page.getByTestId('generate-progress')).toHaveCount(0);

  // typing then Ctrl+Enter from the prompt field itself
  await page.getByTestId('brush-prompt').fill('green');
  await engineQuiet(page, bridge.calls);
  expect(await outputPixel(page, ...INSIDE)).toEqual(COLOURS.blue);
  await page.getByTestId('brush-prompt').press('Control+Enter');
  await expectOutput(page, ...INSIDE, GREEN);
  await expect(page.getByTestId('brush-prompt')).toHaveValue('green');

  // an unlocked seed rolls a new one per Generate; a typed seed locks it again
  await page.getByTestId('seed-lock').uncheck();
  const seed = await page.getByTestId('seed').inputValue();
  await page.getByTestId('generate-once').click();
  await expect(page.getByTestId('seed')).not.toHaveValue(seed);
  await page.getByTestId('seed').fill('4242');
  await expect(page.getByTestId('seed-lock')).toBeChecked();
  await page.getByTestId('generate-once').click();
  await expect(page.getByTestId('seed')).toHaveValue('4242');
});

test('the frame history keeps distinct frames; a past frame is viewed, kept as background (undoable), copied and exported', async ({ page, bridge }) => {
  await page.getByTestId('background-prompt').fill('green');
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red);
  await expectOutput(page, ...OUTSIDE, GREEN);
  await page.getByTestId('brush-prompt').fill('blue');
  await expectOutput(page, ...INSIDE, COLOURS.blue);
  await expect(page.getByTestId('engine-state')).toHaveText('idle');

  // converged frames repeat the same picture: the strip holds each picture once
  const strip = page.getByTestId('history-frame');
  const count = await strip.count();
  expect(count).toBeGreaterThanOrEqual(2);
  expect(count).toBeLessThanOrEqual(32);
  const thumbs = await strip.evaluateAll((buttons) =>
    buttons.map((b) => {
      const c = b.querySelector('canvas') as HTMLCanvasElement;
      return c.toDataURL();
    }),
  );
  expect(new Set(thumbs).size).toBe(thumbs.length);
  await expect(strip.last()).toHaveAttribute('aria-current', 'true');

  // look back through the strip for the red picture, as a user scrubs the timeline
  let found = -1;
  for (let i = count - 1; i >= 0 && found < 0; i--) {
    await strip.nth(i).click();
    if (near(await outputPixel(page, ...INSIDE), COLOURS.red) && near(await outputPixel(page, ...OUTSIDE), GREEN)) found = i;
  }
  expect(found).toBeGreaterThanOrEqual(0);
  await expect(page.getByTestId('viewing-frame')).toBeVisible();
  await expect(strip.nth(found)).toHaveAttribute('aria-current', 'true');
  // the stream goes on behind it: the live picture is still blue, the output view keeps the past frame
  expect(near(await outputPixel(page, ...INSIDE), COLOURS.red)).toBe(true);

  // the clipboard and the PNG export get the frame on screen, not the newest
  await page.getByTestId('copy-output').click();
  await expect.poll(() => bridge.clipboard.length).toBe(1);
  const copied = bridge.clipboard[0];
  expect([copied.width, copied.height]).toEqual([512, 512]);
  const px = (img: { width: number; data: Uint8Array }, [x, y]: [number, number]) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)] as Rgb;
  expect(near(px(copied, INSIDE), COLOURS.red)).toBe(true);
  expect(near(px(copied, OUTSIDE), GREEN)).toBe(true);
  bridge.answers.save.push('past-frame');
  await page.getByTestId('export-frame').click();
  const file = path.join(bridge.tempDir, 'past-frame.png');
  await expect.poll(() => fs.existsSync(file)).toBe(true);
  const exported = decodePng(fs.readFileSync(file), 'export');
  expect(near(px(exported, INSIDE), COLOURS.red)).toBe(true);
  expect(fs.readFileSync(file).includes(Buffer.from('semantic-palette'))).toBe(true);

  // keep it as the background: inpainting over the red-and-green picture
  await page.getByTestId('use-as-background').click();
  await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
  await expect(page.getByTestId('viewing-frame')).toHaveCount(0);
  await page.getByTestId('background-prompt').fill('white');
  await expectOutput(page, ...INSIDE, COLOURS.blue);
  // outside the brush the kept picture stays, whatever the background prompt says
  await expectOutput(page, ...OUTSIDE, GREEN);
  // without the brush the kept picture shows whole: its red band too
  await page.getByTestId('layer-clear').click();
  await expectOutput(page, ...INSIDE, COLOURS.red);

  // undo: the brush comes back, then the prompt, then the background goes (one step)
  await page.locator('body').click({ position: { x: 5, y: 990 } });
  await page.keyboard.press('Control+z');
  await expectOutput(page, ...INSIDE, COLOURS.blue);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('background-prompt')).toHaveValue('green');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('background-mode')).toHaveText('creation');
  await expectOutput(page, ...OUTSIDE, GREEN);
  await page.getByTestId('background-prompt').fill('white');
  await expectOutput(page, ...OUTSIDE, COLOURS.white);
});
