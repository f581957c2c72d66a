/**
 * The brush list as an illustrator uses it: distinct default colours, a colour picker with the
 * colours used lately, duplicate, mask thumbnails; a token counter under each prompt that
 * counts with the loaded model's own tokenizer and says what it drops past 75.
 */
import { test, expect, stroke, expectOutput, expectOutputWhere, brushNames, brushRow, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';
import type { Locator } from '@playwright/test';

/** the mask thumbnail's pixel in the middle row at `fx` (0..1 across), as the user sees it */
async function thumbPixel(row: Locator, fx: number): Promise<[number, number, number]> {
  return row.getByTestId('mask-thumb').evaluate((c: HTMLCanvasElement, f) => {
    const d = c.getContext('2d')!.getImageData(Math.floor(c.width * f), Math.floor(c.height / 2), 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, fx);
}

const hex = (rgb: [number, number, number]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

test('new brushes get distinct colours; duplicate copies the region; thumbnails show each mask in its colour', async ({ page, bridge: _bridge }) => {
  for (let i = 0; i < 7; i++) await page.getByTestId('brush-add').click();
  await expect.poll(() => brushNames(page)).toHaveLength(8);
  const colours: string[] = [];
  for (const name of await brushNames(page)) {
    await brushRow(page, name).click();
    colours.push(await page.getByTestId('brush-color').inputValue());
  }
  expect(new Set(colours).size).toBe(8);
  // back to one brush
  for (let i = 0; i < 7; i++) await page.getByTestId('brush-remove').first().click();
  await expect.poll(() => brushNames(page)).toEqual(['Brush 1']);

  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red);
  const one = brushRow(page, 'Brush 1');
  const colour = await page.getByTestId('brush-color').inputValue();
  // the band shows across the thumbnail's middle in the brush colour; the row above it stays white
  await expect.poll(async () => hex(await thumbPixel(one, 0.5))).not.toBe('#ffffff');
  const mid = await thumbPixel(one, 0.5);
  expect(Math.abs(mid[0] - parseInt(colour.slice(1, 3), 16))).toBeLessThan(40);
  expect(await thumbPixel(one, 0.02)).toEqual([255, 255, 255]);

  await one.getByTestId('brush-duplicate').click();
  await expect.poll(() => brushNames(page)).toEqual(['Brush 1 copy', 'Brush 1']);
  const copy = brushRow(page, 'Brush 1 copy');
  await expect(copy).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
  expect(await page.getByTestId('brush-color').inputValue()).not.toBe(colour);
  expect(hex(await thumbPixel(copy, 0.5))).not.toBe('#ffffff');
  // the copy is above with the same region: its prompt wins there (the one below keeps a little: cover)
  await page.getByTestId('brush-prompt').fill('blue');
  await expectOutputWhere(page, ...INSIDE, 'mostly blue', ([r, , b]) => b > r + 60);
  await expectOutput(page, ...OUTSIDE, COLOURS.white);
  // its mask is its own: clearing it leaves the original's red
  await page.getByTestId('layer-clear').click();
  await expectOutput(page, ...INSIDE, COLOURS.red);
  await expect.poll(async () => hex(await thumbPixel(copy, 0.5))).toBe('#ffffff');
  // one undo step each
  await page.locator('body').click({ position: { x: 5, y: 990 } });
  await page.keyboard.press('Control+z');
  await expectOutputWhere(page, ...INSIDE, 'mostly blue', ([r, , b]) => b > r + 60);
});

test('the colour picker offers the colours used lately', async ({ page, bridge: _bridge }) => {
  await page.getByTestId('brush-add').click();
  await expect.poll(() => brushNames(page)).toEqual(['Brush 2', 'Brush 1']);
  await page.getByTestId('brush-color').fill('#123456');
  await page.getByTestId('brush-prompt').click();
  await brushRow(page, 'Brush 1').click();
  const recent = page.getByTestId('recent-color');
  await expect(recent).toHaveCount(1);
  await expect(recent.first()).toHaveAttribute('data-color', '#123456');
  await recent.first().click();
  await expect(page.getByTestId('brush-color')).toHaveValue('#123456');
  // undoable like any colour change
  await page.locator('body').click({ position: { x: 5, y: 990 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('brush-color')).not.toHaveValue('#123456');
});

test('each prompt counts its tokens in the model tokenizer and names what is dropped past 75', async ({ page, bridge }) => {
  const counter = page.getByTestId('brush-prompt-tokens');
  await page.getByTestId('brush-prompt').fill('red');
  await expect(counter).toHaveText('1 / 75 tokens');
  await page.getByTestId('brush-prompt').fill('blue sky');
  await expect(counter).toHaveText('2 / 75 tokens');
  // 76 colour words: the 76th and what follows are dropped
  const words = Array.from({ length: 75 }, (_, i) => (i % 2 ? 'red' : 'blue')).join(' ');
  await page.getByTestId('brush-prompt').fill(`${words} green sea`);
  await expect(counter).toHaveAttribute('data-tokens', '77');
  await expect(counter).toHaveClass(/over/);
  await expect(page.getByTestId('brush-prompt-tokens-dropped')).toHaveText('green sea');
  // the count is the engine's: the same tokenizer the text encoder uses
  expect(bridge.calls).toContain('engine:countTokens');
  // the background's prompts count too
  await page.getByTestId('background-prompt').fill('white sand');
  await expect(page.getByTestId('background-prompt-tokens')).toHaveText('2 / 75 tokens');
});
