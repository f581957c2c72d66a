/**
 * Documents from the renderer: the unsaved marker, Save and the file it writes, the
 * unsaved-changes prompt, autosave and crash recovery, a corrupt file, the demo JSON import,
 * and PNG/PSD export, through main's real document service (real files in a temp folder; the
 * bridge's dialog stand-ins answer with names in it) and the real engine.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, expect, stroke, expectOutput, brushNames, COLOURS, BAND, INSIDE, OUTSIDE } from './support/fixtures';
import { installBridge, type Bridge } from './support/bridge';
import { decodePng, readPalette, readPngText, PARAMETERS_KEYWORD } from '../../main/documents';
import { AutosaveFolder } from '../../main/app/autosave';
import { createPaletteDocument } from '../../shared/document';

const W = 512;
const IDENTIFY = '/usr/bin/identify';

const maskAt = (mask: Uint8Array, [x, y]: [number, number]) => mask[y * W + x];

function autosaves(bridge: Bridge): string[] {
  const dir = path.join(bridge.tempDir, 'autosave');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.palette')) : [];
}

async function paintRed(page: import('@playwright/test').Page): Promise<void> {
  await page.getByTestId('brush-prompt').fill('red');
  await page.getByTestId('brush-size').fill('64');
  await stroke(page, BAND);
  await expectOutput(page, ...INSIDE, COLOURS.red);
}

test.describe('documents', () => {
  test('paint → unsaved marker → autosave → Save writes the stroke → marker clears; undo back to the saved state is clean', async ({ page, bridge }) => {
    await expect(page).toHaveTitle('Untitled — Semantic Palette');
    await expect(page.getByTestId('document-title')).toHaveAttribute('data-dirty', 'false');
    await paintRed(page);
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');
    await expect(page.getByTestId('document-title')).toHaveAttribute('data-dirty', 'true');
    await expect.poll(() => bridge.documents.dirty).toBe(true);

    // main asks for an autosave; the renderer answers with the document, written to the data folder
    bridge.emit('document:autosaveRequest', {});
    await expect.poll(() => autosaves(bridge).length).toBe(1);
    const autosaved = await readPalette(path.join(bridge.tempDir, 'autosave', autosaves(bridge)[0]));

    bridge.answers.save.push('art');
    bridge.emit('menu:command', { command: 'save' });
    await expect(page).toHaveTitle('art.palette — Semantic Palette');
    await expect(page.getByTestId('document-title')).toHaveAttribute('data-dirty', 'false');
    expect(bridge.documents.dirty).toBe(false);

    const file = path.join(bridge.tempDir, 'art.palette');
    const saved = await readPalette(file);
    expect(saved.layers.map((l) => l.prompt)).toEqual(['red']);
    const mask = saved.layers[0].mask;
    expect(maskAt(mask, INSIDE)).toBe(255);
    expect(maskAt(mask, OUTSIDE)).toBe(0);
    expect(mask.filter((v) => v > 0).length).toBeGreaterThan(64 * 300);
    // the autosave held the same stroke; a clean save removed it
    expect(Buffer.from(autosaved.layers[0].mask).equals(Buffer.from(mask))).toBe(true);
    expect(autosaves(bridge)).toEqual([]);

    // one more stroke: unsaved again; undoing it is back to what is on disk
    await stroke(page, [
      [256, 96],
      [256, 416],
    ]);
    await expect(page).toHaveTitle('• art.palette — Semantic Palette');
    await page.getByTestId('undo').click();
    await expect(page).toHaveTitle('art.palette — Semantic Palette');
    await expect.poll(() => bridge.documents.dirty).toBe(false);
  });

  test("New and Open over unsaved work ask first: Cancel keeps everything, Save saves first, Don't Save goes on", async ({ page, bridge }) => {
    await page.getByTestId('brush-prompt').fill('red');
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');

    bridge.answers.unsaved.push('cancel');
    bridge.emit('menu:command', { command: 'new' });
    await expect.poll(() => bridge.asked.map((q) => q.message)).toEqual(['Save the changes to "Untitled" before starting a new document?']);
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');
    expect(await brushNames(page)).toEqual(['Brush 1']);

    // Save: the save dialog names the file, then the new document replaces the saved one
    const kept = path.join(bridge.tempDir, 'kept.palette');
    bridge.answers.unsaved.push('save');
    bridge.answers.save.push('kept');
    bridge.emit('menu:command', { command: 'new' });
    await expect.poll(() => brushNames(page)).toEqual([]);
    await expect(page).toHaveTitle('Untitled — Semantic Palette');
    expect((await readPalette(kept)).layers.map((l) => l.prompt)).toEqual(['red']);

    // Don't Save: the unsaved brush goes, the file opens
    await page.getByTestId('brush-add').click();
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');
    bridge.answers.unsaved.push('discard');
    bridge.answers.open.push('kept.palette');
    bridge.emit('menu:command', { command: 'open' });
    await expect(page).toHaveTitle('kept.palette — Semantic Palette');
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    expect(bridge.asked).toHaveLength(3);

    // closing the window with Save chosen: main asks the renderer to save, then to close
    await page.getByTestId('brush-prompt').fill('blue');
    await expect(page).toHaveTitle('• kept.palette — Semantic Palette');
    bridge.emit('document:saveRequest', { then: 'close' });
    await expect.poll(() => bridge.closeRequests).toBe(1);
    expect((await readPalette(kept)).layers.map((l) => l.prompt)).toEqual(['blue']);
    await expect(page).toHaveTitle('kept.palette — Semantic Palette');
  });

  test('a corrupt file: one message naming the problem, the document untouched', async ({ page, bridge }) => {
    await paintRed(page);
    const bad = path.join(bridge.tempDir, 'broken.palette');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));

    bridge.answers.unsaved.push('discard');
    bridge.answers.open.push('broken.palette');
    bridge.emit('menu:command', { command: 'open' });
    const error = page.locator('[data-testid="toast"][data-level="error"]');
    await expect(error).toHaveCount(1);
    await expect(error).toContainText(`${bad}: `);
    await expect(error).toContainText(/zip/i);

    // nothing changed: the brush, the marker, the picture, the mask that would be saved
    await expect(page.getByTestId('brush-prompt')).toHaveValue('red');
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');
    expect(await brushNames(page)).toEqual(['Brush 1']);
    await expectOutput(page, ...INSIDE, COLOURS.red);
    expect(bridge.documents.dirty).toBe(true);
    bridge.answers.save.push('after');
    bridge.emit('menu:command', { command: 'save' });
    await expect(page).toHaveTitle('after.palette — Semantic Palette');
    expect(maskAt((await readPalette(path.join(bridge.tempDir, 'after.palette'))).layers[0].mask, INSIDE)).toBe(255);
  });

  test('Open accepts the reference demo JSON: brushes and settings come in, masks empty, and the user is told', async ({ page, bridge }) => {
    const demo = {
      prompt_names: ['🌄 Background', '🟥 Red', '🟦 Blue'],
      prompts: ['white', 'red', 'blue'],
      neg_prompts: ['', 'dark', ''],
      prompt_strengths: [1, 0.8, 1],
      mask_strengths: [1, 1, 0.5],
      mask_stds: [0, 4, 8],
      seed: 4242,
      model_id: 'palette-colors',
    };
    fs.writeFileSync(path.join(bridge.tempDir, 'demo.json'), JSON.stringify(demo));
    bridge.answers.open.push('demo.json');
    bridge.emit('menu:command', { command: 'open' });
    await expect(page.getByTestId('toast').filter({ hasText: 'Masks are not in this file' })).toBeVisible();
    await expect.poll(() => brushNames(page)).toEqual(['🟦 Blue', '🟥 Red']);
    await expect(page.getByTestId('seed')).toHaveValue('4242');
    // not saved anywhere yet: unsaved, and Save asks for a name
    await expect(page).toHaveTitle('• Untitled — Semantic Palette');
    bridge.answers.save.push('imported');
    bridge.emit('menu:command', { command: 'save' });
    await expect(page).toHaveTitle('imported.palette — Semantic Palette');
    const doc = await readPalette(path.join(bridge.tempDir, 'imported.palette'));
    expect(doc.seed).toBe(4242);
    expect(doc.background.prompt).toBe('white');
    expect(doc.layers.map((l) => [l.prompt, l.negativePrompt, l.promptStrength, l.maskStrength, l.maskBlur])).toEqual([
      ['red', 'dark', 0.8, 1, 4],
      ['blue', '', 1, 0.5, 8],
    ]);
    expect(doc.layers.every((l) => l.mask.every((v) => v === 0))).toBe(true);
  });

  test('export PNG and PSD from the app: files read back with the picture, parameters and layers', async ({ page, bridge }) => {
    await paintRed(page);
    await expectOutput(page, ...OUTSIDE, COLOURS.white);

    bridge.answers.save.push('picture');
    bridge.emit('menu:command', { command: 'exportPng' });
    const png = path.join(bridge.tempDir, 'picture.png');
    await expect(page.getByTestId('toast').filter({ hasText: `Exported ${png}` })).toBeVisible();
    const bytes = new Uint8Array(fs.readFileSync(png));
    const image = decodePng(bytes, png);
    expect([image.width, image.height]).toEqual([512, 512]);
    const px = ([x, y]: [number, number]) => [...image.data.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];
    expect(px(INSIDE)[0]).toBeGreaterThan(200);
    expect(px(INSIDE)[2]).toBeLessThan(60);
    expect(px(OUTSIDE).every((v) => v > 200)).toBe(true);
    const parameters = JSON.parse(readPngText(bytes)[PARAMETERS_KEYWORD]) as { layers: { prompt: string }[] };
    expect(parameters.layers.map((l) => l.prompt)).toEqual(['red']);

    bridge.answers.save.push('layers');
    bridge.emit('menu:command', { command: 'exportPsd' });
    const psd = path.join(bridge.tempDir, 'layers.psd');
    await expect(page.getByTestId('toast').filter({ hasText: `Exported ${psd}` })).toBeVisible();
    expect(fs.statSync(psd).size).toBeGreaterThan(1000);
    if (!fs.existsSync(IDENTIFY)) {
      console.warn(`${IDENTIFY} is missing: PSD layer names not checked by ImageMagick`);
      return;
    }
    const rows = execFileSync(IDENTIFY, ['-format', '%[label]|%wx%h\n', psd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .map((r) => r.split('|'));
    // the first image is the composite; then the layers bottom to top
    expect(rows.slice(1).map((r) => r[0])).toEqual(['Brush 1: red', 'Generated image']);
    expect(rows[0][1]).toBe('512x512');
  });
});

test.describe('crash recovery', () => {
  test('an autosave left by a crash is offered; Restore opens it unsaved, tied to its file, and Save writes there', async ({ page, baseURL }) => {
    const mask = new Uint8Array(W * W);
    for (let y = 224; y < 288; y++) mask.fill(255, y * W + 96, y * W + 416);
    let original = '';
    const bridge = await installBridge(page, new URL(baseURL ?? '').origin, {
      beforeStart: async (dir) => {
        original = path.join(path.dirname(dir), 'fox.palette');
        const doc = createPaletteDocument({ canvas: { width: W, height: W }, background: { prompt: 'white' }, layers: [{ name: 'Fox', prompt: 'red', mask }] });
        await new AutosaveFolder(dir).write({ id: 'doc-crashed', originalPath: original, savedAt: Date.now() - 60_000 }, doc);
      },
    });
    try {
      await page.goto('/');
      const prompt = page.getByTestId('recovery-prompt');
      await expect(prompt).toBeVisible();
      await expect(page.getByTestId('recovery-message')).toContainText('fox.palette');
      await page.getByTestId('recovery-restore').click();
      await expect(prompt).toBeHidden();
      await expect(page).toHaveTitle('• fox.palette — Semantic Palette');
      expect(await brushNames(page)).toEqual(['Fox']);
      // the restored mask reaches the engine
      await expectOutput(page, ...INSIDE, COLOURS.red);
      await expectOutput(page, ...OUTSIDE, COLOURS.white);

      bridge.emit('menu:command', { command: 'save' }); // no dialog: it belongs to fox.palette
      await expect(page).toHaveTitle('fox.palette — Semantic Palette');
      expect(maskAt((await readPalette(original)).layers[0].mask, INSIDE)).toBe(255);
      expect(autosaves(bridge)).toEqual([]);
    } finally {
      await bridge.close();
    }
  });
});
