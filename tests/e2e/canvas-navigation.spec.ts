/**
 * Navigation on the painting surface, in Chromium against the real engine: documents open
 * fitted to the window; the wheel scrolls; Ctrl+wheel and trackpad pinch zoom at the cursor
 * (the document point under it stays under it); Space+drag and middle-drag pan without
 * painting; the output view shows the same zoom and scroll; strokes still land where drawn.
 */
import type { Page } from '@playwright/test';
import { test, expect, stroke, paintView, docToPage, expectOutput, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';

/** the document point under page point (px, py) in the painting view */
async function docUnder(page: Page, px: number, py: number): Promise<[number, number]> {
  const v = await paintView(page);
  return [(px - v.box.x - v.panX) / v.zoom, (py - v.box.y - v.panY) / v.zoom];
}

/** the output view's view attributes and where its frame is drawn, relative to its viewport */
async function outputView(page: Page) {
  const view = page.getByTestId('output-view');
  const [zoom, panX, panY] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y'].map(async (a) => Number(await view.getAttribute(a))));
  const vb = await view.boundingBox();
  const fb = await page.getByTestId('output-canvas').boundingBox();
  if (!vb || !fb) throw new Error('output view not visible');
  return { zoom, panX, panY, frame: { x: fb.x - vb.x, y: fb.y - vb.y, width: fb.width, height: fb.height } };
}

async function expectSameView(page: Page) {
  const p = await paintView(page);
  const o = await outputView(page);
  expect(o.zoom).toBe(p.zoom);
  expect(o.panX).toBe(p.panX);
  expect(o.panY).toBe(p.panY);
  // what the user sees: the frame sits where the painting view draws the document
  expect(o.frame.x).toBeCloseTo(p.panX, 0);
  expect(o.frame.y).toBeCloseTo(p.panY, 0);
  expect(o.frame.width).toBeCloseTo(512 * p.zoom, 0);
}

test.describe('canvas navigation', () => {
  test('fitted on open; wheel scrolls; Ctrl+wheel and pinch zoom at the cursor; Space and middle drag pan; one view for both', async ({ page, bridge }) => {
    await expectOutput(page, ...INSIDE, COLOURS.white);

    // opened fitted: the whole 512×512 document visible and centred across; a message strip that
    // appeared since (the CPU notice) took height from the bottom without moving the picture
    const opened = await paintView(page);
    expect(opened.panY).toBeGreaterThanOrEqual(0);
    expect(opened.panY + 512 * opened.zoom).toBeLessThanOrEqual(opened.box.height);
    expect(Math.abs(opened.panX - (opened.box.width - 512 * opened.zoom) / 2)).toBeLessThanOrEqual(1);
    // Fit: centred both ways, as large as the viewport allows
    await page.getByTestId('zoom-fit').click();
    await expect.poll(async () => { const v = await paintView(page); return Math.abs(v.panY - (v.box.height - 512 * v.zoom) / 2) <= 1; }).toBe(true);
    const fit = await paintView(page);
    expect(512 * fit.zoom).toBeLessThanOrEqual(Math.min(fit.box.width, fit.box.height));
    expect(512 * fit.zoom).toBeGreaterThan(Math.min(fit.box.width, fit.box.height) - 40);
    expect(Math.abs(fit.panX - (fit.box.width - 512 * fit.zoom) / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(fit.panY - (fit.box.height - 512 * fit.zoom) / 2)).toBeLessThanOrEqual(1);
    await expectSameView(page);
    await page.screenshot({ path: '/work/notes/shots/canvas-nav-fitted.png' });

    // Ctrl+wheel zooms in at the cursor: the document point under it stays under it
    const cursor: [number, number] = await docToPage(page, 150, 380);
    await page.mouse.move(...cursor);
    const before = await docUnder(page, ...cursor);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect.poll(async () => (await paintView(page)).zoom).toBeGreaterThan(fit.zoom * 1.3);
    const after = await docUnder(page, ...cursor);
    expect(after[0]).toBeCloseTo(before[0], 0);
    expect(after[1]).toBeCloseTo(before[1], 0);
    await expectSameView(page);

    // a trackpad pinch is a wheel event with ctrlKey and small deltas: zooms out at its point
    const pinchAt = await docToPage(page, 300, 200);
    const zoomed = (await paintView(page)).zoom;
    const underPinch = await docUnder(page, ...pinchAt);
    await page.getByTestId('canvas-viewport').evaluate(
      (el, [x, y]) => {
        for (let i = 0; i < 10; i++) el.dispatchEvent(new WheelEvent('wheel', { deltaY: 8, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
      },
      pinchAt,
    );
    await expect.poll(async () => (await paintView(page)).zoom).toBeLessThan(zoomed * 0.9);
    const afterPinch = await docUnder(page, ...pinchAt);
    expect(afterPinch[0]).toBeCloseTo(underPinch[0], 0);
    expect(afterPinch[1]).toBeCloseTo(underPinch[1], 0);

    // the wheel scrolls (down moves the document up), Shift+wheel sideways
    const v0 = await paintView(page);
    await page.mouse.wheel(0, 60);
    await expect.poll(async () => (await paintView(page)).panY).toBeCloseTo(v0.panY - 60, 0);
    expect((await paintView(page)).panX).toBe(v0.panX);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 40);
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await paintView(page)).panX).toBeCloseTo(v0.panX - 40, 0);
    await expectSameView(page);

    // Space+drag pans by the drag and paints nothing
    const masksBefore = bridge.calls.filter((c) => c === 'engine:updateLayerMask').length;
    const v1 = await paintView(page);
    const start = await docToPage(page, 256, 256);
    await page.mouse.move(...start);
    await page.keyboard.down(' ');
    await page.mouse.down();
    await page.mouse.move(start[0] + 70, start[1] + 30, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up(' ');
    const v2 = await paintView(page);
    expect(v2.panX - v1.panX).toBeCloseTo(70, 0);
    expect(v2.panY - v1.panY).toBeCloseTo(30, 0);

    // middle-drag pans too
    await page.mouse.move(start[0], start[1]);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(start[0] - 50, start[1] - 20, { steps: 5 });
    await page.mouse.up({ button: 'middle' });
    const v3 = await paintView(page);
    expect(v3.panX - v2.panX).toBeCloseTo(-50, 0);
    expect(v3.panY - v2.panY).toBeCloseTo(-20, 0);
    expect(bridge.calls.filter((c) => c === 'engine:updateLayerMask').length).toBe(masksBefore);
    await expectSameView(page);

    // a drag in the output view moves the same view
    const ob = await page.getByTestId('output-view').boundingBox();
    if (!ob) throw new Error('no output view');
    await page.mouse.move(ob.x + ob.width / 2, ob.y + ob.height / 2);
    await page.mouse.down();
    await page.mouse.move(ob.x + ob.width / 2 + 25, ob.y + ob.height / 2 + 15, { steps: 4 });
    await page.mouse.up();
    const v4 = await paintView(page);
    expect(v4.panX - v3.panX).toBeCloseTo(25, 0);
    expect(v4.panY - v3.panY).toBeCloseTo(15, 0);
    await expectSameView(page);

    // in this moved, zoomed view a stroke lands on the document pixels it was drawn over
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, BAND);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    await expectOutput(page, ...OUTSIDE, COLOURS.white);
    await page.screenshot({ path: '/work/notes/shots/canvas-nav-moved.png' });

    // Fit brings the whole document back; a new canvas size opens fitted too
    await page.getByTestId('zoom-fit').click();
    await expect.poll(async () => (await paintView(page)).zoom).toBe(fit.zoom);
    await page.getByTestId('canvas-width').selectOption('1024');
    await expect.poll(async () => (await paintView(page)).zoom).toBeLessThan(fit.zoom);
    const wide = await paintView(page);
    expect(1024 * wide.zoom).toBeLessThanOrEqual(wide.box.width);
    expect(1024 * wide.zoom).toBeGreaterThan(wide.box.width - 40);
    // and painting on the new canvas lands where drawn
    await stroke(page, [
      [600, 400],
      [900, 400],
    ]);
    await expectOutput(page, 750, 400, COLOURS.red);
    await expectOutput(page, 750, 470, COLOURS.white);
    await page.screenshot({ path: '/work/notes/shots/canvas-nav-wide.png' });

    // a document opened (here File → New, unsaved work discarded) comes up fitted, whatever the view was
    await page.getByTestId('zoom-in').click();
    await page.mouse.wheel(0, 120);
    bridge.answers.unsaved.push('discard');
    bridge.emit('menu:command', { command: 'new' });
    // (while the canvas is rebuilt for the new size there is a moment without one)
    await expect.poll(async () => (await paintView(page).catch((e: Error) => ({ zoom: e.message }))).zoom).toBe(fit.zoom);
    const reopened = await paintView(page);
    expect(reopened.panX).toBe(fit.panX);
    expect(reopened.panY).toBe(fit.panY);
    await expectSameView(page);
  });
});
