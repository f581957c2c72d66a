/**
 * Input on the painting canvas, in Chromium against the real engine: pen pressure (sent
 * through CDP as a real pen would) drives the brush size; only the primary button paints;
 * right-click / Alt+click pick the brush under the cursor; Escape abandons a stroke (nothing
 * in the document, the history or the engine); a hidden brush says so instead of painting;
 * the brush outline is two-tone.
 */
import type { Page } from '@playwright/test';
import { test, expect, stroke, paintView, docToPage, expectOutput, brushRow, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';
import type { Bridge } from './support/bridge';

const selectedId = (page: Page) => page.getByTestId('brush-editor').getAttribute('data-layer-id');

/** the engine's newest mask of the selected brush */
async function engineMask(page: Page, bridge: Bridge): Promise<Uint8Array> {
  const id = await selectedId(page);
  const m = id ? bridge.masks.get(id) : undefined;
  if (!m) throw new Error(`the engine has no mask for ${id}`);
  return m;
}

/** painted rows (mask > 0) in column x of a 512-wide mask */
function columnWidth(mask: Uint8Array, x: number): number {
  let n = 0;
  for (let y = 0; y < 512; y++) if (mask[y * 512 + x] > 0) n++;
  return n;
}

/** A pen stroke along y = 256 from x0 to x1, pressure ramping p0 → p1, as CDP input (pointerType 'pen', force). */
async function penStroke(page: Page, x0: number, x1: number, p0: number, p1: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const steps = 40;
  const v = await paintView(page);
  const send = async (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', i: number) => {
    const t = i / steps;
    const x = v.box.x + v.panX + (x0 + (x1 - x0) * t) * v.zoom;
    const y = v.box.y + v.panY + 256 * v.zoom;
    await cdp.send('Input.dispatchMouseEvent', {
      type,
      x,
      y,
      button: 'left',
      buttons: type === 'mouseReleased' ? 0 : 1,
      clickCount: type === 'mouseMoved' ? 0 : 1,
      pointerType: 'pen',
      force: type === 'mouseReleased' ? 0 : p0 + (p1 - p0) * t,
    });
  };
  await send('mousePressed', 0);
  for (let i = 1; i <= steps; i++) await send('mouseMoved', i);
  await send('mouseReleased', steps);
  await cdp.detach();
}

test.describe('canvas input', () => {
  test('pen pressure drives the brush size (on by default, a toggle); only the primary button paints', async ({ page, bridge }) => {
    await expectOutput(page, ...INSIDE, COLOURS.white);
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await expect(page.getByTestId('pressure-size')).toBeChecked();

    // light at the left, full pressure at the right: the painted band widens along the stroke
    await penStroke(page, 60, 450, 0.1, 1);
    await expect.poll(async () => columnWidth(await engineMask(page, bridge), 420)).toBeGreaterThan(50);
    const mask = await engineMask(page, bridge);
    const light = columnWidth(mask, 80);
    const mid = columnWidth(mask, 255);
    const full = columnWidth(mask, 420);
    expect(light).toBeGreaterThan(0);
    expect(light).toBeLessThan(20);
    expect(mid).toBeGreaterThan(light + 10);
    expect(full).toBeGreaterThan(mid + 10);
    expect(full).toBeLessThanOrEqual(66);
    // and the output shows it: red 18 px off the stroke line at the right end, white at the left
    await expectOutput(page, 420, 256 + 18, COLOURS.red);
    await expectOutput(page, 80, 256 + 18, COLOURS.white);
    await page.screenshot({ path: '/work/notes/shots/canvas-pen-pressure.png' });

    // pressure off: the same pen stroke is one width all along (one more undo step)
    await page.getByTestId('pressure-size').uncheck();
    await page.getByTestId('brush-size').fill('24');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => columnWidth(await engineMask(page, bridge), 420)).toBe(0);
    await penStroke(page, 60, 450, 0.1, 1);
    await expect.poll(async () => columnWidth(await engineMask(page, bridge), 420)).toBeGreaterThan(20);
    const flat = await engineMask(page, bridge);
    expect(Math.abs(columnWidth(flat, 80) - columnWidth(flat, 420))).toBeLessThanOrEqual(1);

    // a right-button or middle-button drag never paints
    const sent = bridge.calls.filter((c) => c === 'engine:updateLayerMask').length;
    const [sx, sy] = await docToPage(page, 256, 100);
    for (const button of ['right', 'middle'] as const) {
      await page.mouse.move(sx, sy);
      await page.mouse.down({ button });
      await page.mouse.move(sx + 60, sy + 40, { steps: 6 });
      await page.mouse.up({ button });
    }
    const afterDrags = await engineMask(page, bridge);
    expect(afterDrags.subarray(0, 200 * 512).some((v) => v > 0)).toBe(false);
    expect(bridge.calls.filter((c) => c === 'engine:updateLayerMask').length).toBe(sent);
  });

  test('a stroke that leaves the canvas ends on release; Escape abandons a stroke; a hidden brush says so', async ({ page, bridge }) => {
    await expectOutput(page, ...INSIDE, COLOURS.white);
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');

    // pointer capture: out of the canvas, released over the sidebar, still one whole stroke
    const v = await paintView(page);
    await page.mouse.move(...(await docToPage(page, 100, 256)));
    await page.mouse.down();
    await page.mouse.move(...(await docToPage(page, 300, 256)), { steps: 6 });
    await page.mouse.move(v.box.x + v.box.width + 700, v.box.y + 300, { steps: 6 });
    await page.mouse.up();
    await expectOutput(page, 200, 256, COLOURS.red);
    // one undo takes the whole stroke (the prompt edit before it stays)
    await page.getByTestId('undo').click();
    await expectOutput(page, 200, 256, COLOURS.white);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    await page.getByTestId('redo').click();
    await expectOutput(page, 200, 256, COLOURS.red);

    // Escape mid-stroke: the engine gets the old mask back, nothing lands in the document or history
    const kept = (await engineMask(page, bridge)).slice();
    await page.mouse.move(...(await docToPage(page, 256, 80)));
    await page.mouse.down();
    await page.mouse.move(...(await docToPage(page, 256, 440)), { steps: 10 });
    await expect.poll(async () => columnWidth(await engineMask(page, bridge), 256)).toBeGreaterThan(300);
    await page.keyboard.press('Escape');
    await page.mouse.move(...(await docToPage(page, 300, 440)), { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Buffer.from(await engineMask(page, bridge)).equals(Buffer.from(kept))).toBe(true);
    await expectOutput(page, 256, 120, COLOURS.white);
    await expectOutput(page, 200, 256, COLOURS.red);
    // history: one undo takes back the first stroke (the cancelled one never was a step), the next the prompt
    await page.getByTestId('undo').click();
    await expectOutput(page, 200, 256, COLOURS.white);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    await page.getByTestId('undo').click();
    await expect(page.getByTestId('brush-prompt')).toHaveValue('');
    await page.getByTestId('redo').click();
    await page.getByTestId('redo').click();
    await expectOutput(page, 200, 256, COLOURS.red);

    // a hidden brush: a clear hint, and nothing is painted on it
    await brushRow(page, 'Brush 1').getByTestId('brush-visible').click();
    const before = bridge.calls.filter((c) => c === 'engine:updateLayerMask').length;
    const hiddenMask = (await engineMask(page, bridge)).slice();
    await stroke(page, [
      [60, 400],
      [450, 400],
    ]);
    await expect(page.getByTestId('toast').filter({ hasText: 'hidden' })).toBeVisible();
    await expect(page.getByTestId('toast').filter({ hasText: 'hidden' })).toContainText('Brush 1');
    expect(bridge.calls.filter((c) => c === 'engine:updateLayerMask').length).toBe(before);
    expect(Buffer.from(await engineMask(page, bridge)).equals(Buffer.from(hiddenMask))).toBe(true);
    // the canvas says so too, with a way out
    await expect(page.getByTestId('hidden-brush-hint')).toContainText('Brush 1');
    await page.screenshot({ path: '/work/notes/shots/canvas-hidden-hint.png' });
    await page.getByTestId('hidden-brush-show').click();
    await expect(page.getByTestId('hidden-brush-hint')).toHaveCount(0);
    await expectOutput(page, 200, 256, COLOURS.red);
  });

  test('right-click and Alt+click pick the top-most visible brush under the cursor', async ({ page, bridge: _bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await page.getByTestId('brush-size').fill('64');
    await stroke(page, BAND);
    const bottom = await selectedId(page);
    await page.getByTestId('brush-add').click();
    await page.getByTestId('brush-prompt').fill('blue');
    await stroke(page, [
      [256, 96],
      [256, 416],
    ]);
    const top = await selectedId(page);
    expect(top).not.toBe(bottom);
    await expectOutput(page, 256, 130, COLOURS.blue);

    // right-click on the red band (no blue there) picks the red brush
    await page.mouse.click(...(await docToPage(page, 120, 256)), { button: 'right' });
    await expect.poll(() => selectedId(page)).toBe(bottom);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    // Alt+click where both overlap picks the top one (blue)
    await page.keyboard.down('Alt');
    await page.mouse.click(...(await docToPage(page, 256, 256)));
    await page.keyboard.up('Alt');
    await expect.poll(() => selectedId(page)).toBe(top);
    // hidden brushes are skipped: with blue hidden, the crossing gives red
    await brushRow(page, 'Brush 2').getByTestId('brush-visible').click();
    await page.mouse.click(...(await docToPage(page, 256, 256)), { button: 'right' });
    await expect.poll(() => selectedId(page)).toBe(bottom);
    // empty canvas: the selection stays, and the user is told why
    await page.mouse.click(...(await docToPage(page, ...OUTSIDE)), { button: 'right' });
    await expect(page.getByTestId('toast').filter({ hasText: 'No visible brush' })).toBeVisible();
    expect(await selectedId(page)).toBe(bottom);
    // picking never painted: the clicks left the red band as it was
    await expectOutput(page, ...OUTSIDE, COLOURS.white);
  });

  test('the brush outline is two-tone: a dark and a light ring, visible on white and on black', async ({ page, bridge: _bridge }) => {
    await page.getByTestId('brush-size').fill('40');
    const ringPixels = async () => {
      const [cx, cy] = await docToPage(page, 256, 256);
      await page.mouse.move(cx - 5, cy);
      await page.mouse.move(cx, cy);
      const v = await paintView(page);
      const r = 20 * v.zoom;
      // luminance along a horizontal line through the ring's right edge
      return page.evaluate(
        ([x, y, rr]) => {
          const c = document.querySelector<HTMLCanvasElement>('.lower-canvas');
          const d = c?.getContext('2d')?.getImageData(Math.round(x + rr - 5), Math.round(y), 11, 1).data;
          if (!d) return [];
          const out: number[] = [];
          for (let i = 0; i < d.length; i += 4) out.push(0.3 * d[i] + 0.59 * d[i + 1] + 0.11 * d[i + 2]);
          return out;
        },
        [cx - v.box.x, cy - v.box.y, r] as const,
      );
    };
    await expect.poll(async () => Math.min(...(await ringPixels()))).toBeLessThan(60);
    // a black brush filling the canvas: the light ring shows on it
    await page.getByTestId('brush-color').fill('#000000');
    await page.getByTestId('layer-fill').click();
    await expect.poll(async () => Math.max(...(await ringPixels()))).toBeGreaterThan(180);
    const inside = await ringPixels();
    expect(Math.min(...inside)).toBeLessThan(120);
    await page.screenshot({ path: '/work/notes/shots/canvas-outline-on-dark.png', clip: { x: 0, y: 80, width: 700, height: 700 } });
  });
});

test('every coalesced sample of a fast move is painted: the stroke follows the curve, not the chord', async ({ page, bridge }) => {
  // the engine is up and has the document (its first frames), so the masks read below are the stroke's
  await expectOutput(page, 256, 256, COLOURS.white);
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('24');
  await page.getByTestId('brush-prompt').blur();
  const v = await paintView(page);
  // one pointermove carrying a half circle (centre 256,256, radius 150) as its coalesced samples
  await page.getByTestId('canvas-viewport').evaluate(
    (el, view) => {
      const at = (x: number, y: number) => ({ clientX: view.box.x + view.panX + x * view.zoom, clientY: view.box.y + view.panY + y * view.zoom });
      const base = { pointerId: 1, pointerType: 'mouse', isPrimary: true, bubbles: true, cancelable: true };
      el.dispatchEvent(new PointerEvent('pointerdown', { ...base, ...at(106, 256), button: 0, buttons: 1 }));
      const samples = Array.from({ length: 60 }, (_, i) => {
        const a = Math.PI - (Math.PI * (i + 1)) / 60;
        return new PointerEvent('pointermove', { ...base, ...at(256 + 150 * Math.cos(a), 256 - 150 * Math.sin(a)), buttons: 1 });
      });
      el.dispatchEvent(new PointerEvent('pointermove', { ...base, ...at(406, 256), buttons: 1, coalescedEvents: samples } as PointerEventInit));
      el.dispatchEvent(new PointerEvent('pointerup', { ...base, ...at(406, 256), button: 0, buttons: 0 }));
    },
    v,
  );
  const id = await selectedId(page);
  await expect.poll(() => (id ? bridge.masks.get(id)?.[106 * 512 + 256] : -1)).toBe(255);
  const mask = bridge.masks.get(id ?? '') as Uint8Array;
  // the top of the arc is painted, the straight chord between the ends is not
  expect(mask[(256 - 150) * 512 + 256]).toBe(255);
  expect(mask[256 * 512 + 256]).toBe(0);
  await expectOutput(page, 256, 106, COLOURS.red, 12);
  await expectOutput(page, 256, 256, COLOURS.white);
});
