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
import { test, expect, openFile, stroke, brushRow, dropImage, paintingPixel, type Rgb } from './support/fixtures';
import { REPO_ROOT } from './support/bridge';
import { expectOutputAsModel, promptColour, releaseReference, type Probe } from './support/oracle';
import { readPalette, writePalette } from '../../main/documents';
import { writeModelVariant } from '../support/model-variants';

const EXAMPLES = path.join(REPO_ROOT, 'resources', 'examples');
const SHOTS = '/work/notes/shots';

test.afterAll(async () => releaseReference());

/**
 * The painting canvas as Fabric builds it: exactly one, filling its view (the view shows the
 * document at the shared zoom and pan), for a document of the given size.
 */
async function expectOnePaintingCanvas(page: Page, width: number, height: number): Promise<void> {
  await expect(page.locator('.upper-canvas')).toHaveCount(1);
  await expect(page.locator('.lower-canvas')).toHaveCount(1);
  await expect(page.locator('.paint-host canvas[data-testid="paint-canvas"]')).toHaveCount(1);
  await expect(page.locator('.upper-canvas')).toBeVisible();
  await expect(page.getByTestId('canvas-width')).toHaveValue(String(width));
  await expect(page.getByTestId('canvas-height')).toHaveValue(String(height));
  await expect
    .poll(async () => {
      const [cw, ch] = await page.locator('.upper-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
      const box = await page.locator('.upper-canvas').boundingBox();
      return cw > 0 && ch > 0 && !!box && Math.abs(box.width - cw) <= 1 && Math.abs(box.height - ch) <= 1;
    }, { message: 'the painting canvas is laid out at its pixel size' })
    .toBe(true);
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `defects-${name}.png`) });
}

const RED = promptColour('red');
const at = (x: number, y: number, prompt: string, tolerance?: number): Probe => ({ at: [x, y], rgb: promptColour(prompt), tolerance });
const atRgb = (x: number, y: number, rgb: Rgb): Probe => ({ at: [x, y], rgb });

async function expectCanvasSize(page: Page, width: number, height: number): Promise<void> {
  await expect(page.getByTestId('canvas-width')).toHaveValue(String(width));
  await expect(page.getByTestId('canvas-height')).toHaveValue(String(height));
  await expectOnePaintingCanvas(page, width, height);
}

const isWhite = (rgb: Rgb) => rgb.every((v) => v >= 250);

/** Moves a range input to `value` as a pointer drag would end (one gesture, one undo step). */
async function slide(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
}

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

  test('open an example, paint, resize, open another size, undo across the resize, paint, hide/show, every slider, a background', async ({ page, bridge }) => {
    // a whole sitting: many steps, each waiting for the engine on a shared two-core machine
    test.setTimeout(15 * 60_000);
    // 1. an example: every region its prompt's colour
    await openFile(page, bridge, path.join(EXAMPLES, 'seaside.palette'));
    await expectCanvasSize(page, 512, 512);
    await expectOutputAsModel(page, bridge, 'seaside opened', [at(100, 100, 'blue sky'), at(256, 270, 'calm sea'), at(150, 420, 'a pink umbrella'), at(450, 380, 'sand beach')]);
    await shot(page, 'seaside-opened');

    // 2. paint with a new brush on the sand
    await page.getByTestId('brush-add').click();
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, [[260, 480], [500, 480]]);
    await expectOutputAsModel(page, bridge, 'a red stroke', [at(400, 480, 'red'), at(450, 380, 'sand beach'), at(150, 420, 'a pink umbrella')]);

    // 3. Width 512 → 768: masks stretch with the canvas
    await page.getByTestId('canvas-width').selectOption('768');
    await expectCanvasSize(page, 768, 512);
    await expectOutputAsModel(page, bridge, 'width 768', [at(150, 100, 'blue sky'), at(600, 480, 'red'), at(225, 420, 'a pink umbrella'), at(700, 380, 'sand beach')]);

    // 4. paint on the resized canvas
    await stroke(page, [[560, 390], [740, 390]]);
    await expectOutputAsModel(page, bridge, 'a stroke at 768', [at(650, 390, 'red'), at(600, 480, 'red')]);
    await shot(page, 'seaside-768');

    // 5. undo across the size change: the stroke, then the resize; redo and undo the resize again
    await page.getByTestId('undo').click();
    await expectOutputAsModel(page, bridge, 'undo the stroke at 768', [at(650, 390, 'sand beach'), at(600, 480, 'red')]);
    await page.getByTestId('undo').click();
    await expectCanvasSize(page, 512, 512);
    let doc = await expectOutputAsModel(page, bridge, 'undo the resize', [at(400, 480, 'red'), at(450, 380, 'sand beach'), at(100, 100, 'blue sky')]);
    expect([doc.canvas.width, doc.canvas.height]).toEqual([512, 512]);
    expect(doc.layers.every((l) => l.mask.length === 512 * 512)).toBe(true);
    await page.getByTestId('redo').click();
    await expectCanvasSize(page, 768, 512);
    await expectOutputAsModel(page, bridge, 'redo the resize', [at(600, 480, 'red'), at(650, 390, 'sand beach')]);
    await page.getByTestId('undo').click();
    await expectCanvasSize(page, 512, 512);
    await expectOutputAsModel(page, bridge, 'undo the resize again', [at(400, 480, 'red')]);
    // painting after the undo lands on the 512 canvas
    await stroke(page, [[300, 380], [480, 380]]);
    await expectOutputAsModel(page, bridge, 'a stroke after the undo', [at(400, 380, 'red'), at(400, 480, 'red'), at(150, 420, 'a pink umbrella')]);
    // the painting canvas shows the strokes where they are, nothing where there is none
    await expect.poll(async () => isWhite(await paintingPixel(page, 400, 480))).toBe(false);
    await expect.poll(async () => isWhite(await paintingPixel(page, 400, 380))).toBe(false);
    await expect.poll(async () => isWhite(await paintingPixel(page, 30, 480))).toBe(true);

    // 6. a document of another size
    await openFile(page, bridge, path.join(EXAMPLES, 'panorama.palette'));
    await expectCanvasSize(page, 1024, 512);
    await page.getByTestId('zoom-fit').click();
    await expectOutputAsModel(page, bridge, 'panorama opened', [at(100, 100, 'sky'), at(100, 270, 'sea'), at(100, 450, 'sand')]);

    // 7. paint again
    await brushRow(page, 'Boat').click();
    await page.getByTestId('brush-size').fill('48');
    await stroke(page, [[80, 460], [400, 460]]);
    await expectOutputAsModel(page, bridge, 'a boat stroke on the sand', [at(240, 460, 'a brown boat'), at(700, 450, 'sand')]);

    // live paused: an edit waits; resumed, it shows
    await page.getByTestId('live-toggle').click();
    await expect(page.getByTestId('live-toggle')).toHaveAttribute('aria-pressed', 'false');
    await page.getByTestId('brush-prompt').fill('red boat');
    await page.waitForTimeout(1000);
    expect(await outputAt(page, 240, 460)).toEqual(promptColour('a brown boat').map(Math.round));
    await page.getByTestId('live-toggle').click();
    await expect(page.getByTestId('live-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expectOutputAsModel(page, bridge, 'live resumed', [at(240, 460, 'red boat')]);

    // the eraser takes part of the stroke back; removing the brush takes it all, undo brings it back
    await page.keyboard.press('e');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, [[80, 460], [180, 460]]);
    await page.keyboard.press('b');
    await expectOutputAsModel(page, bridge, 'erased', [at(100, 460, 'sand'), at(320, 460, 'red boat')]);
    await brushRow(page, 'Boat').getByTestId('brush-remove').click();
    await expect(brushRow(page, 'Boat')).toHaveCount(0);
    await expectOutputAsModel(page, bridge, 'boat removed', [at(320, 460, 'sand'), at(100, 100, 'sky')]);
    await page.getByTestId('undo').click();
    await expect(brushRow(page, 'Boat')).toHaveCount(1);
    await expectOutputAsModel(page, bridge, 'boat back', [at(320, 460, 'red boat'), at(100, 460, 'sand')]);

    // 8. hide and show
    await brushRow(page, 'Sky').getByTestId('brush-visible').click();
    await expectOutputAsModel(page, bridge, 'sky hidden', [at(100, 100, 'sand'), at(100, 270, 'sea')]);
    await brushRow(page, 'Sky').getByTestId('brush-visible').click();
    await expectOutputAsModel(page, bridge, 'sky shown', [at(100, 100, 'sky')]);

    // 9. every slider: the brush's, the generation's, and the tool's (which must not change the picture)
    await brushRow(page, 'Sea').click();
    await slide(page, 'brush-prompt-strength', 0.5);
    await expectOutputAsModel(page, bridge, 'sea prompt strength 0.5', [atRgb(100, 270, mix('sand', 'sea', 0.5)), at(100, 100, 'sky')]);
    await slide(page, 'brush-mask-strength', 0.1);
    doc = await expectOutputAsModel(page, bridge, 'sea mask strength 0.1', [at(100, 100, 'sky'), at(700, 450, 'sand')]);
    expect(doc.layers.find((l) => l.name === 'Sea')!.maskStrength).toBe(0.1);
    await slide(page, 'brush-mask-strength', 1);
    await slide(page, 'brush-mask-blur', 40);
    doc = await expectOutputAsModel(page, bridge, 'sea mask blur 40', [at(100, 60, 'sky')]);
    expect(doc.layers.find((l) => l.name === 'Sea')!.maskBlur).toBe(40);
    await slide(page, 'steps', 3);
    doc = await expectOutputAsModel(page, bridge, 'steps 3', [at(100, 60, 'sky')]);
    expect(doc.settings.tIndexList).toHaveLength(3);
    await slide(page, 'guidance-scale', 4);
    await expectOutputAsModel(page, bridge, 'guidance scale 4 (no guidance: the same picture)', [at(100, 60, 'sky')]);
    // a change that does not show (guidance scale without guidance) still runs its frames: wait for idle
    await expect(page.getByTestId('engine-readout')).toContainText('idle');
    const frames = await page.getByTestId('output-view').getAttribute('data-frame-index');
    await slide(page, 'brush-hardness', 0.3);
    await page.getByTestId('output-under').check();
    await slide(page, 'output-opacity', 0.8);
    await page.getByTestId('output-under').uncheck();
    await slide(page, 'brush-size', 20);
    await expectOutputAsModel(page, bridge, 'tool sliders leave the picture alone', [at(100, 60, 'sky')]);
    // and they do not wake the stream (fixed noise, converged)
    await expect(page.getByTestId('output-view')).toHaveAttribute('data-frame-index', frames ?? '');
    await shot(page, 'panorama-sliders');

    // 10. drop a background: inpainting keeps the picture where no brush paints
    const picture: Rgb = [40, 160, 90];
    await dropImage(page, 'background-drop', picture);
    await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
    await expectOutputAsModel(page, bridge, 'a background dropped', [atRgb(700, 470, picture), at(100, 60, 'sky'), at(320, 460, 'red boat')]);
    await shot(page, 'panorama-background');
    // a size change with a background; undo brings size and picture back together
    await page.getByTestId('canvas-height').selectOption('384');
    await expectCanvasSize(page, 1024, 384);
    await expectOutputAsModel(page, bridge, 'resized with a background', [at(100, 60, 'sky')]);
    await page.getByTestId('undo').click();
    await expectCanvasSize(page, 1024, 512);
    await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
    await expectOutputAsModel(page, bridge, 'the resize with a background undone', [atRgb(700, 470, picture), at(320, 460, 'red boat')]);
    // undo takes the background back to creation
    await page.getByTestId('undo').click();
    await expect(page.getByTestId('background-mode')).toHaveText('creation');
    await expectOutputAsModel(page, bridge, 'background undone', [at(700, 470, 'sand')]);
  });
});

test.describe('the document’s model', () => {
  test('opening a document made with another installed model runs that model; undo and redo of a model switch follow', async ({ page, bridge }) => {
    const modelRow = (id: string) => page.locator(`[data-testid="model-row"][data-id="${id}"]`);
    await expectOutputAsModel(page, bridge, 'the first frames', [at(256, 256, 'white')]);
    // a second model, added as a folder (the float16 export of palette-colors)
    const dir = path.join(bridge.tempDir, 'colors-fp16');
    fs.cpSync(writeModelVariant('float16'), dir, { recursive: true });
    bridge.folderAnswers.push(dir);
    await page.getByTestId('open-models').click();
    await page.getByTestId('models-add-folder').click();
    const other = `local:${dir}`;
    await expect(modelRow(other)).toHaveCount(1);
    await page.getByTestId('models-close').click();

    // a seaside made with it
    const seaside = await readPalette(path.join(EXAMPLES, 'seaside.palette'));
    const file = path.join(bridge.tempDir, 'seaside-fp16.palette');
    await writePalette(file, { ...seaside, modelId: other });
    await openFile(page, bridge, file);
    await expect(page.getByTestId('model-picker')).toHaveValue(other);
    await expect.poll(() => bridge.host.status().modelId, { message: 'the engine runs the document’s model' }).toBe(other);
    await expectOutputAsModel(page, bridge, 'seaside on its own model', [at(100, 100, 'blue sky'), at(150, 420, 'a pink umbrella')]);

    // the picker switches back to the built-in model; undo brings the document's model back, redo the built-in
    await page.getByTestId('model-picker').selectOption('palette-colors');
    await expect.poll(() => bridge.host.status().modelId).toBe('palette-colors');
    await page.locator('body').click({ position: { x: 5, y: 990 } });
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('model-picker')).toHaveValue(other);
    await expect.poll(() => bridge.host.status().modelId, { message: 'undo of a model switch reloads the earlier model' }).toBe(other);
    await expectOutputAsModel(page, bridge, 'undo of the model switch', [at(100, 100, 'blue sky')]);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => bridge.host.status().modelId, { message: 'redo of a model switch' }).toBe('palette-colors');
    await expectOutputAsModel(page, bridge, 'redo of the model switch', [at(100, 100, 'blue sky')]);
  });
});

async function outputAt(page: Page, x: number, y: number): Promise<Rgb> {
  return page.evaluate(([px, py]) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="output-canvas"]')!;
    const d = c.getContext('2d')!.getImageData(px, py, 1, 1).data;
    return [d[0], d[1], d[2]] as Rgb;
  }, [x, y] as const);
}

function mix(from: string, to: string, s: number): Rgb {
  const a = promptColour(from);
  const b = promptColour(to);
  return a.map((v, c) => v + s * (b[c] - v)) as Rgb;
}
