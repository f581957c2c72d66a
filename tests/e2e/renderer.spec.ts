/**
 * The renderer in Chromium, painting against the real engine (palette-colors model: colour
 * words paint their colour, ORACLE-MODEL.md), through the real router and engine worker.
 */
import { test, expect, stroke, paintView, expectOutput, expectOutputWhere, brushNames, brushRow, dropImage, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';

test.describe('painting with the live engine', () => {
  test('a red stroke turns the output red under it only; prompt, undo and eraser follow', async ({ page, bridge, consoleErrors }) => {
    // the first frames: nothing painted, the background prompt "white" everywhere
    await expectOutput(page, ...INSIDE, COLOURS.white);
    await expect(page.getByTestId('latency')).toHaveText(/\d+ ms/);

    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await expect.poll(() => bridge.calls.filter((c) => c === 'engine:setLayers').length).toBeGreaterThan(0);
    const before = bridge.calls.length;
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await expectOutput(page, ...OUTSIDE, COLOURS.white);
    await expectOutput(page, 256, 448, COLOURS.white);
    // a stroke reaches the engine as mask updates of its one layer, never as whole-palette resends
    const during = bridge.calls.slice(before).filter((c) => c.startsWith('engine:set') || c === 'engine:updateLayerMask');
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set(['engine:updateLayerMask']));

    await page.getByTestId('brush-prompt').fill('blue');
    await expectOutput(page, ...INSIDE, COLOURS.blue);
    await expectOutput(page, ...OUTSIDE, COLOURS.white);

    // one undo step takes back the whole prompt edit (typing coalesces into one step)
    await page.locator('body').click({ position: { x: 5, y: 990 } });
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    await expectOutput(page, ...INSIDE, COLOURS.red);

    // E switches to the eraser; erasing the band brings the background back
    await page.keyboard.press('e');
    await expect(page.getByTestId('tool-eraser')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('brush-size').fill('128');
    await stroke(page, [
      [40, 256],
      [256, 256],
      [472, 256],
    ]);
    await expectOutput(page, ...INSIDE, COLOURS.white);

    // redo is empty after a new edit; undo brings the band back as one step
    await page.keyboard.press('Control+z');
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await page.keyboard.press('Control+Shift+z');
    await expectOutput(page, ...INSIDE, COLOURS.white);

    // the page ran under its strict CSP without tripping it
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });

  test('a second brush: added, reordered by drag, hidden', async ({ page, bridge: _bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);

    await page.getByTestId('brush-add').click();
    await expect.poll(() => brushNames(page)).toEqual(['Brush 2', 'Brush 1']);
    await expect(page.getByTestId('brush-editor')).toHaveAttribute('data-layer-id', (await brushRow(page, 'Brush 2').getAttribute('data-layer-id')) ?? '');
    await page.getByTestId('brush-prompt').fill('blue');
    // a vertical band crossing the red one
    await stroke(page, [
      [256, 96],
      [256, 256],
      [256, 416],
    ]);
    const blueOnly: [number, number] = [256, 130];
    await expectOutput(page, ...blueOnly, COLOURS.blue);
    // where they cross, the upper brush (blue) wins; the red below keeps a little (cover)
    await expectOutputWhere(page, ...INSIDE, 'mostly blue', ([r, , b]) => b > r + 60);

    // drag Brush 1 (red, bottom) onto Brush 2's row: red moves on top
    await brushRow(page, 'Brush 1').dragTo(brushRow(page, 'Brush 2'));
    await expect.poll(() => brushNames(page)).toEqual(['Brush 1', 'Brush 2']);
    await expectOutputWhere(page, ...INSIDE, 'mostly red', ([r, , b]) => r > b + 60);

    // hiding the blue brush takes it out of the picture entirely
    await brushRow(page, 'Brush 2').getByTestId('brush-visible').click();
    await expect(brushRow(page, 'Brush 2')).toHaveAttribute('data-visible', 'false');
    await expectOutput(page, ...blueOnly, COLOURS.white);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    // undo shows it again
    await page.getByTestId('undo').click();
    await expectOutput(page, ...blueOnly, COLOURS.blue);
  });

  test('dropping a background image switches to inpainting around the strokes', async ({ page, bridge: _bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await expect(page.getByTestId('background-mode')).toHaveText('creation');

    const picture: [number, number, number] = [40, 160, 90];
    await dropImage(page, 'background-drop', picture);
    await expect(page.getByTestId('background-mode')).toHaveText('inpainting');
    // outside the strokes the output is the dropped picture; under them, still the prompt
    await expectOutput(page, ...OUTSIDE, picture);
    await expectOutput(page, ...INSIDE, COLOURS.red);

    await page.getByTestId('background-remove').click();
    await expect(page.getByTestId('background-mode')).toHaveText('creation');
    await expectOutput(page, ...OUTSIDE, COLOURS.white);
  });

  test('brush shortcuts, zoom and the output-under view', async ({ page, bridge: _bridge }) => {
    const size = page.getByTestId('brush-size-value');
    const before = Number(await size.textContent());
    await page.keyboard.press(']');
    await expect.poll(async () => Number(await size.textContent())).toBeGreaterThan(before);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await expect.poll(async () => Number(await size.textContent())).toBeLessThan(before);
    await page.keyboard.press('e');
    await expect(page.getByTestId('tool-eraser')).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('b');
    await expect(page.getByTestId('tool-brush')).toHaveAttribute('aria-pressed', 'true');

    // the document opens fitted to the window; the buttons zoom by 25% around the view's centre
    const fitted = (await paintView(page)).zoom;
    await page.getByTestId('zoom-in').click();
    await expect.poll(async () => (await paintView(page)).zoom).toBeCloseTo(fitted * 1.25, 5);
    await expect(page.getByTestId('zoom-value')).toHaveText(`${Math.round(fitted * 125)}%`);
    await page.getByTestId('zoom-out').click();
    await expect.poll(async () => (await paintView(page)).zoom).toBeCloseTo(fitted, 5);

    // strokes at a different zoom land at the same document pixels
    await page.getByTestId('zoom-in').click();
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await expectOutput(page, ...OUTSIDE, COLOURS.white);

    await page.getByTestId('output-under').check();
    await expect(page.getByTestId('output-opacity')).toBeEnabled();
    // the output shows under the strokes: the painting canvas is no longer white outside them
    await page.getByTestId('background-prompt').fill('blue');
    await expectOutput(page, ...OUTSIDE, COLOURS.blue);
    const view = await paintView(page);
    const painted = await page.evaluate(([x, y]) => {
      const c = document.querySelector<HTMLCanvasElement>('.lower-canvas');
      const d = c?.getContext('2d')?.getImageData(x, y, 1, 1).data;
      return d ? [d[0], d[1], d[2]] : [];
    }, [Math.round(view.panX + 40 * view.zoom), Math.round(view.panY + 40 * view.zoom)] as const);
    expect(painted[2]).toBeGreaterThan(painted[0] + 40);
  });
});
