/**
 * OpenRaster both ways, in Chromium against the real engine: an .ora really written by
 * Krita 5.1.5 (tests/fixtures/ora) opens as brushes, each painting what its layer name says
 * (palette-colors paints colour words), where Krita put the layer; then "Update masks from
 * OpenRaster…" brings the regions repainted in Krita back in, keeping the prompts typed here,
 * as one undo step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, expectOutput, expectOutputWhere, brushNames, brushRow, paintingPixel, type Rgb } from './support/fixtures';
import type { Bridge } from './support/bridge';
import { readPalette } from '../../main/documents';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'ora');
const SHOTS = '/work/notes/shots';
const W = 512;

const GRAY: Rgb = [128, 128, 128]; // the background prompt is empty: no colour word
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 60, 255];
const BLUE_SKY: Rgb = [60, 125, 255];
const BLACK: Rgb = [0, 0, 0];

async function shot(page: Page, name: string): Promise<void> {
  if (!fs.existsSync(SHOTS)) return;
  await page.screenshot({ path: path.join(SHOTS, `ora-${name}.png`) });
}

function provide(bridge: Bridge, name: string): void {
  fs.copyFileSync(path.join(FIXTURES, name), path.join(bridge.tempDir, name));
}

async function openKrita(page: Page, bridge: Bridge): Promise<void> {
  provide(bridge, 'krita-layers.ora');
  bridge.answers.open.push('krita-layers.ora');
  bridge.emit('menu:command', { command: 'open' });
  await expect.poll(() => brushNames(page)).toEqual(['orange', 'pink', 'purple', 'yellow', 'green', 'red', 'blue sky']);
}

/** a pixel of the painting canvas (brush colours over white) at document coordinates */


const white = (rgb: Rgb) => rgb.every((v) => v >= 250);

test.describe('OpenRaster from Krita', () => {
  test('File → Open of a Krita .ora: one brush per layer, masks at the offsets, the output shows what the names say', async ({ page, bridge, consoleErrors }) => {
    await openKrita(page, bridge);
    await expect(page.getByTestId('toast').filter({ hasText: 'each layer is a brush' })).toBeVisible();
    await expect(page.getByTestId('toast').filter({ hasText: '"Background" is the paper' })).toBeVisible();
    await expect(brushRow(page, 'green')).toHaveAttribute('data-visible', 'false');
    await expect(brushRow(page, 'red')).toHaveAttribute('data-visible', 'true');
    await expect(brushRow(page, 'red').locator('.brush-prompt')).toHaveText('red');
    // an import is unsaved work
    await expect(page).toHaveTitle(/^• /);

    // what each layer name means in palette-colors, where Krita put the layer
    await expectOutput(page, 256, 96, BLUE_SKY); // "blue sky" at (64, 32)
    await expectOutput(page, 128, 304, RED); // the red disc at (48, 224)
    await expectOutput(page, 160, 448, [130, 0, 200]); // "purple", inside a group
    await expectOutput(page, 455, 260, [255, 120, 180]); // "pink", cropped by Krita to (420, 220)
    await expectOutput(page, 480, 30, [255, 140, 0]); // "orange", half off the canvas
    await expectOutput(page, 320, 248, GRAY); // "green" is hidden
    await expectOutput(page, 256, 200, GRAY); // nothing painted
    await expectOutput(page, 32, 96, GRAY); // left of the sky
    // "yellow" at 50 % opacity: mixed with the background, not pure yellow
    await expectOutputWhere(page, 376, 400, 'yellow mixed with gray', ([r, g, b]) => r > 200 && r < 250 && g > 170 && g < 218 && b > 4 && b < 100);

    // the painting canvas shows the masks in the brush colours at the same places
    expect(white(await paintingPixel(page, 128, 304))).toBe(false);
    expect(white(await paintingPixel(page, 40, 304))).toBe(true);
    expect(white(await paintingPixel(page, 480, 30))).toBe(false);
    expect(white(await paintingPixel(page, 480, 100))).toBe(true);
    await shot(page, 'opened');

    // Save writes a .palette with the brushes as they came in
    bridge.answers.save.push('from-krita');
    bridge.emit('menu:command', { command: 'save' });
    await expect(page).toHaveTitle('from-krita.palette — Semantic Palette');
    const doc = await readPalette(path.join(bridge.tempDir, 'from-krita.palette'));
    const by = Object.fromEntries(doc.layers.map((l) => [l.name, l]));
    const bbox = (mask: Uint8Array) => {
      let x0 = W, y0 = W, x1 = -1, y1 = -1;
      mask.forEach((v, i) => {
        if (v === 0) return;
        const x = i % W, y = Math.floor(i / W);
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      });
      return [x0, y0, x1, y1];
    };
    expect(bbox(by.red.mask)).toEqual([48, 224, 207, 383]);
    expect(bbox(by.orange.mask)).toEqual([448, 0, 511, 71]);
    expect(bbox(by.pink.mask)).toEqual([420, 220, 489, 299]);
    expect(by.yellow.maskStrength).toBeCloseTo(0.502, 3);
    expect(by.green.visible).toBe(false);
    expect(consoleErrors).toEqual([]);
  });

  test('Update masks from OpenRaster: masks move, prompts stay, missing and new layers are listed; one undo step; Cancel changes nothing', async ({ page, bridge, consoleErrors }) => {
    await openKrita(page, bridge);
    await expectOutput(page, 128, 304, RED);
    // the user says what the sky brush paints here
    await brushRow(page, 'blue sky').click();
    await page.getByTestId('brush-prompt').fill('blue');
    await expectOutput(page, 256, 96, BLUE);
    await expectOutput(page, 384, 128, BLUE);
    await shot(page, 'before-update');

    // Krita repainted the regions: red moved up right, the sky down, yellow etc. gone, "black" is new
    provide(bridge, 'krita-moved.ora');
    bridge.answers.open.push('krita-moved.ora');
    bridge.emit('menu:command', { command: 'updateMasksFromOra' });
    const dialog = page.getByTestId('ora-masks-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading', { name: 'Update masks from krita-moved.ora' })).toBeVisible();
    const names = (testId: string) => dialog.getByTestId(testId).locator('li').evaluateAll((li) => li.map((e) => e.getAttribute('data-name')));
    expect((await names('ora-masks-updated')).sort()).toEqual(['blue sky', 'green', 'red']);
    expect(await names('ora-masks-unmatched')).toEqual(['orange', 'pink', 'purple', 'yellow']);
    expect(await names('ora-masks-added')).toEqual(['black']);
    await expect(dialog.getByTestId('ora-masks-add-new')).toBeChecked();
    await shot(page, 'update-dialog');

    // Cancel first: nothing changes
    await dialog.getByTestId('ora-masks-cancel').click();
    await expect(dialog).toBeHidden();
    expect(await brushNames(page)).toHaveLength(7);
    await expectOutput(page, 128, 304, RED);

    // again, and apply
    bridge.answers.open.push('krita-moved.ora');
    bridge.emit('menu:command', { command: 'updateMasksFromOra' });
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('ora-masks-apply').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Updated the masks of 3 brushes, 1 new brush added from krita-moved.ora' })).toBeVisible();
    await expect.poll(() => brushNames(page)).toEqual(['black', 'orange', 'pink', 'purple', 'yellow', 'green', 'red', 'blue sky']);
    await expectOutput(page, 384, 128, RED); // the disc now at (304, 48)
    await expectOutput(page, 128, 250, GRAY); // and gone from where it was (above the sky's new place)
    await expectOutput(page, 256, 352, BLUE); // the sky region moved down, still painting "blue" (the prompt typed here)
    await expectOutput(page, 256, 96, GRAY);
    await expectOutput(page, 80, 464, BLACK); // the new "black" brush
    await expectOutput(page, 480, 30, [255, 140, 0]); // unmatched brushes keep their masks
    await brushRow(page, 'blue sky').click();
    await expect(page.getByTestId('brush-prompt')).toHaveValue('blue');
    await expect(brushRow(page, 'green')).toHaveAttribute('data-visible', 'false');
    await shot(page, 'after-update');

    // one undo step takes it all back: masks where Krita first had them, no "black", prompts as typed
    await page.getByTestId('undo').click();
    await expect.poll(() => brushNames(page)).toEqual(['orange', 'pink', 'purple', 'yellow', 'green', 'red', 'blue sky']);
    await expectOutput(page, 128, 304, RED);
    await expectOutput(page, 128, 250, RED);
    await expectOutput(page, 384, 128, BLUE);
    await expectOutput(page, 256, 96, BLUE);
    await expectOutput(page, 256, 352, GRAY);
    await expectOutput(page, 80, 464, GRAY);
    await brushRow(page, 'blue sky').click();
    await expect(page.getByTestId('brush-prompt')).toHaveValue('blue');
    // and redo brings it back
    await page.getByTestId('redo').click();
    await expectOutput(page, 384, 128, RED);
    await expect.poll(() => brushNames(page)).toHaveLength(8);
    expect(consoleErrors).toEqual([]);
  });

  test('Update masks onto a document of another size with no matching names: the dialog says so, new layers come in at the top-left', async ({ page, bridge, consoleErrors }) => {
    // a session: first the Krita file, then the 1024×512 panorama example replaces it
    await openKrita(page, bridge);
    await expectOutput(page, 128, 304, RED);
    fs.copyFileSync(path.resolve(__dirname, '..', '..', 'resources', 'examples', 'panorama.palette'), path.join(bridge.tempDir, 'panorama.palette'));
    bridge.answers.unsaved.push('discard'); // the import was never saved: Don't Save
    bridge.answers.open.push('panorama.palette');
    bridge.emit('menu:command', { command: 'open' });
    await expect.poll(() => brushNames(page)).toEqual(['Boat', 'Sea', 'Sky']);
    expect(bridge.asked).toHaveLength(1);
    await expect(page).toHaveTitle('panorama.palette — Semantic Palette');
    await expectOutputWhere(page, 128, 304, 'the panorama\'s sea', ([r, , b]) => b > r + 80);
    const farRight = await expectOutputWhere(page, 800, 300, 'a settled frame', () => true);

    provide(bridge, 'krita-layers.ora');
    bridge.answers.open.push('krita-layers.ora');
    bridge.emit('menu:command', { command: 'updateMasksFromOra' });
    const dialog = page.getByTestId('ora-masks-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('ora-masks-notes')).toContainText('The OpenRaster image is 512×512 and the canvas 1024×512');
    await expect(dialog.getByTestId('ora-masks-updated')).toHaveCount(0);
    await expect(dialog).toContainText("None of the file's layers is named like a brush.");
    const unmatched = await dialog.getByTestId('ora-masks-unmatched').locator('li').evaluateAll((li) => li.map((e) => e.getAttribute('data-name')));
    expect(unmatched).toEqual(['Boat', 'Sea', 'Sky']);
    // nothing to do unless the new layers are added
    await dialog.getByTestId('ora-masks-add-new').uncheck();
    await expect(dialog.getByTestId('ora-masks-apply')).toBeDisabled();
    await dialog.getByTestId('ora-masks-add-new').check();
    await shot(page, 'update-other-size');
    await dialog.getByTestId('ora-masks-apply').click();
    await expect.poll(() => brushNames(page)).toEqual(['orange', 'pink', 'purple', 'yellow', 'green', 'red', 'blue sky', 'Boat', 'Sea', 'Sky']);
    // placed from the top-left corner of the wider canvas, painting what the names say over
    // the panorama's brushes (its cover alpha 0.3 lets some of the sea through)
    await expectOutputWhere(page, 128, 304, 'red over the sea', ([r, g, b]) => r > 150 && g < 60 && b < 90);
    await expectOutputWhere(page, 160, 448, 'purple over the sea', ([r, g, b]) => b > 150 && r > 60 && g < 60);
    // beyond the file's 512 pixels nothing changed
    await expectOutput(page, 800, 300, farRight);
    await expect(brushRow(page, 'green')).toHaveAttribute('data-visible', 'false');
    await page.getByTestId('undo').click();
    await expect.poll(() => brushNames(page)).toEqual(['Boat', 'Sea', 'Sky']);
    await expect(page).toHaveTitle('panorama.palette — Semantic Palette');
    expect(consoleErrors).toEqual([]);
  });

  test('a broken .ora: File → Open shows one error and keeps the document; Update masks does too', async ({ page, bridge }) => {
    fs.writeFileSync(path.join(bridge.tempDir, 'broken.ora'), 'not a zip');
    const before = await brushNames(page);
    bridge.answers.open.push('broken.ora');
    bridge.emit('menu:command', { command: 'open' });
    const error = page.locator('[data-testid="toast"][data-level="error"]');
    await expect(error.filter({ hasText: 'broken.ora' })).toBeVisible();
    expect(await brushNames(page)).toEqual(before);
    fs.writeFileSync(path.join(bridge.tempDir, 'also-broken.ora'), 'not a zip either');
    bridge.answers.open.push('also-broken.ora');
    bridge.emit('menu:command', { command: 'updateMasksFromOra' });
    await expect(error.filter({ hasText: 'also-broken.ora' })).toBeVisible();
    await expect(page.getByTestId('ora-masks-dialog')).toBeHidden();
    expect(await brushNames(page)).toEqual(before);
  });
});
