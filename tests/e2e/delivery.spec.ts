/**
 * Frame delivery in a live session, in Chromium against the real engine (palette-colors): main
 * copies each newest frame into its one reused buffer and the renderer keeps the frames it gets
 * (the frame history adopts them). So across canvas sizes and documents the output must show
 * the newest frame at the canvas's own size, and a past frame in the strip must still be its
 * own picture after many newer frames went through main's buffer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openFile, stroke, outputPixel, type Rgb } from './support/fixtures';
import { REPO_ROOT } from './support/bridge';
import { expectOutputAsModel, promptColour, releaseReference } from './support/oracle';

const EXAMPLES = path.join(REPO_ROOT, 'resources', 'examples');
const SHOTS = '/work/notes/shots';

test.afterAll(async () => releaseReference());

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `delivery-${name}.png`) });
}

async function outputSize(page: Page): Promise<[number, number]> {
  return page.getByTestId('output-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height] as [number, number]);
}

async function setCanvas(page: Page, width: number, height: number): Promise<void> {
  await page.getByTestId('canvas-width').selectOption(String(width));
  await page.getByTestId('canvas-height').selectOption(String(height));
  await expect(page.getByTestId('canvas-width')).toHaveValue(String(width));
  await expect(page.getByTestId('canvas-height')).toHaveValue(String(height));
}

const near = (a: Rgb, b: Rgb, tolerance = 6) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

test('live frames follow the canvas through 512² → 1024² → 768×512 → 512² and another document; a past frame keeps its picture', async ({ page, bridge }) => {
  test.setTimeout(12 * 60_000);
  const RED = promptColour('red');
  const WHITE = promptColour('white');
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('48');
  await stroke(page, [[64, 100], [448, 100]]);
  await expectOutputAsModel(page, bridge, 'a stroke at 512²', [{ at: [256, 100], rgb: RED }, { at: [256, 400], rgb: WHITE }]);
  expect(await outputSize(page)).toEqual([512, 512]);

  // bigger than main's buffer and the ring: both re-sized, the output follows
  await setCanvas(page, 1024, 1024);
  await expectOutputAsModel(page, bridge, 'the canvas at 1024²', [{ at: [512, 200], rgb: RED }, { at: [512, 800], rgb: WHITE }]);
  expect(await outputSize(page)).toEqual([1024, 1024]);
  await stroke(page, [[200, 700], [800, 700]]);
  await expectOutputAsModel(page, bridge, 'a stroke at 1024²', [{ at: [512, 700], rgb: RED }, { at: [512, 200], rgb: RED }, { at: [512, 900], rgb: WHITE }]);
  await shot(page, '1024');

  // smaller: the same ring, main's buffer re-sized; no frame of the old size comes back
  await setCanvas(page, 768, 512);
  await expectOutputAsModel(page, bridge, 'the canvas at 768×512', [{ at: [384, 100], rgb: RED }, { at: [384, 350], rgb: RED }, { at: [384, 470], rgb: WHITE }]);
  expect(await outputSize(page)).toEqual([768, 512]);
  await stroke(page, [[100, 250], [100, 450]]);
  await expectOutputAsModel(page, bridge, 'a stroke at 768×512', [{ at: [100, 300], rgb: RED }, { at: [384, 470], rgb: WHITE }]);

  // a past frame of 1024² from the strip: its own picture, after all the newer frames
  const strip = page.getByTestId('history-frame');
  const count = await strip.count();
  let found = -1;
  for (let i = count - 1; i >= 0 && found < 0; i--) {
    await strip.nth(i).click();
    const [w, h] = await outputSize(page);
    if (w === 1024 && h === 1024 && near(await outputPixel(page, 512, 700), RED) && near(await outputPixel(page, 512, 200), RED) && near(await outputPixel(page, 512, 900), WHITE)) found = i;
  }
  expect(found, 'a 1024² frame with both strokes is still in the strip, whole').toBeGreaterThanOrEqual(0);
  // shown square inside the 768×512 document's box, not stretched to it, and the bar says its size
  const shown = await page.getByTestId('output-canvas').boundingBox();
  expect(shown).not.toBeNull();
  expect(Math.abs(shown!.width / shown!.height - 1)).toBeLessThan(0.02);
  await expect(page.getByTestId('viewing-frame-size')).toHaveText('(1024×1024)');
  await shot(page, 'past-1024-frame');
  // back to the live stream
  await page.getByTestId('back-to-live').click();
  await expect(page.getByTestId('viewing-frame')).toHaveCount(0);
  await expect.poll(() => outputSize(page)).toEqual([768, 512]);
  // the live frame fills the document's box again
  await expect.poll(async () => {
    const b = await page.getByTestId('output-canvas').boundingBox();
    return b ? Math.round((100 * b.width) / b.height) : 0;
  }).toBe(150);

  await setCanvas(page, 512, 512);
  await expectOutputAsModel(page, bridge, 'back at 512²', [{ at: [256, 100], rgb: RED }, { at: [66, 300], rgb: RED }, { at: [256, 470], rgb: WHITE }]);
  expect(await outputSize(page)).toEqual([512, 512]);

  // another document: its own picture, nothing of the last one
  await openFile(page, bridge, path.join(EXAMPLES, 'seaside.palette'));
  await expectOutputAsModel(page, bridge, 'seaside opened', [{ at: [100, 100], rgb: promptColour('blue sky') }, { at: [450, 380], rgb: promptColour('sand beach') }]);
  expect(await outputSize(page)).toEqual([512, 512]);
  await shot(page, 'seaside');
});
