/**
 * The shortcuts sheet (Help → Keyboard Shortcuts, or `?`) is drawn from the one shortcut
 * table, and every key the sheet shows for a tool does what the sheet says.
 */
import { test, expect } from './support/fixtures';
import { SHORTCUTS, formatCombo } from '../../renderer/src/shortcuts';

test.describe('keyboard shortcuts sheet', () => {
  test('opened by ? and from the Help menu; lists the table; its tool keys work; Escape closes it', async ({ page, bridge }) => {
    await expect(page.getByTestId('engine-readout')).toBeVisible();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcuts-sheet');
    await expect(sheet).toBeVisible();
    await page.screenshot({ path: '/work/notes/shots/canvas-shortcuts-sheet.png' });

    // every row of the table is in the sheet with its keys (or its gesture)
    for (const s of SHORTCUTS) {
      const row = sheet.locator(`[data-testid="shortcut-row"][data-label="${s.label}"]`);
      await expect(row).toHaveCount(1);
      if (s.keys.length > 0) for (const k of s.keys) await expect(row.locator('kbd', { hasText: formatCombo(k) }).first()).toBeVisible();
      else await expect(row).toContainText(s.gesture ?? '');
    }
    // the menu's own accelerators are listed too (Save)
    await expect(sheet.locator('[data-testid="shortcut-row"][data-label="Save"]')).toContainText('Ctrl+S');

    await page.keyboard.press('Escape');
    await expect(sheet).toHaveCount(0);

    // Help → Keyboard Shortcuts
    bridge.emit('menu:command', { command: 'help:shortcuts' });
    await expect(sheet).toBeVisible();
    await page.getByTestId('shortcuts-close').click();
    await expect(sheet).toHaveCount(0);

    // each tool key shown in the sheet selects that tool
    for (const s of SHORTCUTS.filter((r) => r.tool)) {
      for (const k of s.keys) {
        await page.keyboard.press(k.key === 'escape' ? 'Escape' : k.key);
        await expect(page.getByTestId(`tool-${s.tool}`)).toHaveAttribute('aria-pressed', 'true');
        await page.keyboard.press(s.tool === 'brush' ? 'e' : 'b');
      }
    }
    // [ and ] change the size, P toggles pressure, X the lasso's mode
    const size = page.getByTestId('brush-size-value');
    const before = Number(await size.textContent());
    await page.keyboard.press(']');
    await expect.poll(async () => Number(await size.textContent())).toBeGreaterThan(before);
    await page.keyboard.press('p');
    await expect(page.getByTestId('pressure-size')).not.toBeChecked();
    await page.keyboard.press('l');
    await page.keyboard.press('x');
    await expect(page.getByTestId('region-erase')).toHaveAttribute('aria-pressed', 'true');
    // typing in a prompt is typing, not tool switching
    await page.getByTestId('brush-prompt').click();
    await page.keyboard.type('blue');
    await expect(page.getByTestId('brush-prompt')).toHaveValue('blue');
    await expect(page.getByTestId('tool-lasso')).toHaveAttribute('aria-pressed', 'true');
    // Escape leaves the field; the next key is a shortcut again
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await expect(page.getByTestId('tool-brush')).toHaveAttribute('aria-pressed', 'true');
  });
});
