/**
 * Fixtures and helpers for the renderer scenarios: a page with the bridge installed and the
 * app loaded, pointer strokes in document pixels, and pixel reads of the live output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { installBridge, type Bridge } from './bridge';

export type Rgb = [number, number, number];

export const COLOURS: Record<'white' | 'red' | 'blue', Rgb> = {
  white: [255, 255, 255],
  red: [255, 0, 0],
  blue: [0, 60, 255],
};

/** a horizontal band through the middle of the 512×512 canvas */
export const BAND: Array<[number, number]> = [
  [96, 256],
  [256, 256],
  [416, 256],
];
/** a point on the band, and one well away from it */
export const INSIDE: [number, number] = [256, 256];
export const OUTSIDE: [number, number] = [256, 64];

export const test = base.extend<{ bridge: Bridge; consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await use(errors);
  },
  bridge: async ({ page, baseURL }, use) => {
    const bridge = await installBridge(page, new URL(baseURL ?? '').origin);
    await page.goto('/');
    await expect(page.getByTestId('app')).toBeVisible();
    await use(bridge);
    await bridge.close();
  },
});
export { expect };

/** The painting view: zoom and the screen position of the document's corner inside the viewport. */
export async function paintView(page: Page): Promise<{ zoom: number; panX: number; panY: number; box: { x: number; y: number; width: number; height: number } }> {
  const box = await page.locator('.upper-canvas').boundingBox();
  if (!box) throw new Error('painting canvas not visible');
  const host = page.getByTestId('paint-view');
  const [zoom, panX, panY] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y'].map(async (a) => Number(await host.getAttribute(a))));
  return { zoom, panX, panY, box };
}

/**
 * Wait until the view has settled after a layout change (a window resize refits a fitted view
 * once the viewport has been measured): the same zoom, pan and viewport size across two frames.
 */
export async function settleView(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const read = () => {
          const host = document.querySelector<HTMLElement>('[data-testid="paint-view"]');
          const vp = document.querySelector<HTMLElement>('[data-testid="canvas-viewport"]');
          return JSON.stringify([host?.dataset.zoom, host?.dataset.panX, host?.dataset.panY, vp?.clientWidth, vp?.clientHeight]);
        };
        const before = read();
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return before === read();
      }),
    )
    .toBe(true);
}

/** Page coordinates of document point (x, y) on the painting canvas, in the current view. */
export async function docToPage(page: Page, x: number, y: number): Promise<[number, number]> {
  const v = await paintView(page);
  return [v.box.x + v.panX + x * v.zoom, v.box.y + v.panY + y * v.zoom];
}

/** What the painting canvas shows at document pixel (x, y) in the current view (the brushes' tints over the page). */
export async function paintingPixel(page: Page, x: number, y: number): Promise<Rgb> {
  const v = await paintView(page);
  return page.locator('.lower-canvas').evaluate((c: HTMLCanvasElement, [px, py]) => {
    const d = c.getContext('2d')!.getImageData(px, py, 1, 1).data;
    return [d[0], d[1], d[2]] as Rgb;
  }, [Math.round(v.panX + x * v.zoom), Math.round(v.panY + y * v.zoom)] as const);
}

/** Drag across the painting canvas through `points` (document pixels, in the current view). */
export async function stroke(page: Page, points: Array<[number, number]>): Promise<void> {
  const v = await paintView(page);
  const at = ([x, y]: [number, number]) => [v.box.x + v.panX + x * v.zoom, v.box.y + v.panY + y * v.zoom] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/** One pixel of the live output (the frame as drawn with putImageData). */
export async function outputPixel(page: Page, x: number, y: number): Promise<Rgb> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="output-canvas"]');
      const d = c?.getContext('2d')?.getImageData(px, py, 1, 1).data;
      return d ? ([d[0], d[1], d[2]] as [number, number, number]) : ([-1, -1, -1] as [number, number, number]);
    },
    [x, y] as const,
  );
}

function close(a: Rgb, b: Rgb, tolerance: number): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** Wait until the output at (x, y) shows `rgb` (each channel within `tolerance`). */
export async function expectOutput(page: Page, x: number, y: number, rgb: Rgb, tolerance = 4): Promise<void> {
  await expect
    .poll(async () => {
      const got = await outputPixel(page, x, y);
      return close(got, rgb, tolerance) ? 'match' : `(${got.join(', ')}) at ${x},${y}`;
    }, { message: `output at ${x},${y} should be (${rgb.join(', ')})`, timeout: 45_000 })
    .toBe('match');
}

/** Wait until the output at (x, y) satisfies `test` (for mixes whose exact value the spec's cover rule sets). */
export async function expectOutputWhere(page: Page, x: number, y: number, what: string, test: (rgb: Rgb) => boolean): Promise<Rgb> {
  let last: Rgb = [-1, -1, -1];
  await expect
    .poll(async () => {
      last = await outputPixel(page, x, y);
      return test(last) ? 'match' : `(${last.join(', ')})`;
    }, { message: `output at ${x},${y} should be ${what}`, timeout: 45_000 })
    .toBe('match');
  return last;
}

/** The brush rows, top layer first, as the panel lists them. */
export async function brushNames(page: Page): Promise<string[]> {
  return page.getByTestId('brush-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
}

export function brushRow(page: Page, name: string) {
  return page.locator(`[data-testid="brush-row"][data-name="${name}"]`);
}

/** A PNG of one flat colour, made in the page (canvas.toBlob), as a dropped File would carry it. */
export async function dropImage(page: Page, testId: string, rgb: Rgb, size = 64): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    async ([[r, g, b], side]) => {
      const c = document.createElement('canvas');
      c.width = side;
      c.height = side;
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(0, 0, side, side);
      const blob = await new Promise<Blob>((resolve, reject) => c.toBlob((bl) => (bl ? resolve(bl) : reject(new Error('toBlob failed'))), 'image/png'));
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'background.png', { type: 'image/png' }));
      return dt;
    },
    [rgb, size] as const,
  );
  await page.getByTestId(testId).dispatchEvent('dragover', { dataTransfer });
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer });
}

/** Opens a file through File → Open (the bridge's dialog answers with it); unsaved work is let go. */
export async function openFile(page: Page, bridge: Bridge, file: string): Promise<void> {
  const name = path.basename(file);
  fs.copyFileSync(file, path.join(bridge.tempDir, name));
  bridge.answers.open.push(name);
  bridge.answers.unsaved.push('discard');
  bridge.emit('menu:command', { command: 'open' });
  await expect(page).toHaveTitle(new RegExp(`^${name.replace('.', '\\.')} — `));
}
