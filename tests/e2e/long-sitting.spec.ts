/**
 * State transitions over a sitting, in Chromium against the real engine (palette-colors): the
 * size changes, document switches, undo across them, and every control a painter touches. After
 * each step the live output must be what the model implies for the renderer's own document
 * (a cold render of it in the test process, support/oracle.ts) and, inside uniform regions, the
 * oracle's prompt colour (ORACLE-MODEL.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, stroke, brushRow, dropImage, type Rgb } from './support/fixtures';
import { REPO_ROOT, type Bridge } from './support/bridge';
import { expectOutputAsModel, promptColour, releaseReference, type Probe } from './support/oracle';

const EXAMPLES = path.join(REPO_ROOT, 'resources', 'examples');
const SHOTS = '/work/notes/shots';

test.afterAll(async () => releaseReference());

/** The painting canvas as Fabric builds it: exactly one, of the document's size at the current zoom. */
async function expectOnePaintingCanvas(page: Page, width: number, height: number): Promise<void> {
  await expect(page.locator('.upper-canvas')).toHaveCount(1);
  await expect(page.locator('.lower-canvas')).toHaveCount(1);
  await expect(page.locator('.paint-host canvas[data-testid="paint-canvas"]')).toHaveCount(1);
  const zoom = Number(await page.locator('.paint-host').getAttribute('data-zoom'));
  await expect(page.locator('.upper-canvas')).toBeVisible();
  await expect.poll(async () => page.locator('.upper-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([Math.round(width * zoom), Math.round(height * zoom)]);
}

/** Opens a file through File → Open (the bridge's dialog answers with it); unsaved work is let go. */
async function openFile(page: Page, bridge: Bridge, file: string): Promise<void> {
  const name = path.basename(file);
  fs.copyFileSync(file, path.join(bridge.tempDir, name));
  bridge.answers.open.push(name);
  bridge.answers.unsaved.push('discard');
  bridge.emit('menu:command', { command: 'open' });
  await expect(page).toHaveTitle(new RegExp(`^${name.replace('.', '\\.')} — `));
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `defects-${name}.png`) });
}

const RED = promptColour('red');

test.describe('a long sitting', () => {
  test('the painting canvas survives Width/Height changes and opening a document of another size', async ({ page, bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('48');
    await stroke(page, [[64, 100], [448, 100]]);
    await expectOutputAsModel(page, bridge, 'first stroke', [{ at: [256, 100], rgb: RED }, { at: [256, 400], rgb: promptColour('white') }]);

    // Width 512 → 384: a new canvas of the new size, and it still paints
    await page.getByTestId('canvas-width').selectOption('384');
    await expectOnePaintingCanvas(page, 384, 512);
    await stroke(page, [[40, 300], [340, 300]]);
    await expectOutputAsModel(page, bridge, 'a stroke after the width change', [{ at: [192, 300], rgb: RED }, { at: [192, 450], rgb: promptColour('white') }]);

    // Height 512 → 256
    await page.getByTestId('canvas-height').selectOption('256');
    await expectOnePaintingCanvas(page, 384, 256);
    await stroke(page, [[192, 40], [192, 230]]);
    await expectOutputAsModel(page, bridge, 'a stroke after the height change', [{ at: [192, 200], rgb: RED }, { at: [340, 220], rgb: promptColour('white') }]);

    // a document of another size (the 1024×512 panorama example)
    await openFile(page, bridge, path.join(EXAMPLES, 'panorama.palette'));
    await expectOnePaintingCanvas(page, 1024, 512);
    await page.getByTestId('zoom-fit').click();
    await expectOnePaintingCanvas(page, 1024, 512);
    await expectOutputAsModel(page, bridge, 'the panorama opened', [{ at: [100, 100], rgb: promptColour('sky') }, { at: [100, 450], rgb: promptColour('sand') }]);
    await brushRow(page, 'Boat').click();
    await page.getByTestId('brush-size').fill('48');
    await stroke(page, [[80, 460], [400, 460]]);
    const doc = await expectOutputAsModel(page, bridge, 'a stroke on the panorama', [{ at: [240, 460], rgb: promptColour('a brown boat') }]);
    // the stroke landed in the document where it was drawn
    const boat = doc.layers.find((l) => l.name === 'Boat')!;
    expect(boat.mask[460 * 1024 + 240]).toBe(255);
    await shot(page, 'panorama-stroke');
  });
});

export type { Rgb, Probe };
void dropImage;
