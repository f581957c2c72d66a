/** Help: the Electron menu's Help entries and main's examples/guides/clipboard service (plain Node). */
import * as path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../../main/menu';
import { AppHelp } from '../../../main/app/help';
import { decodePng } from '../../../main/documents';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('Help', () => {
  const opened: string[] = [];
  const clipboard: Buffer[] = [];
  const help = new AppHelp({
    examplesDir: path.join(ROOT, 'resources', 'examples'),
    rootDir: ROOT,
    openCopy: async (file) => ({ path: file, document: {} as never, mergedImage: null, notes: [], documentPath: null, dirty: false }),
    openPath: async (file) => void opened.push(path.relative(ROOT, file)),
    writeClipboardPng: (png) => void clipboard.push(png),
  });

  test('the menu lists the examples, the shortcuts sheet and the guides', () => {
    const commands: Array<[string, string | undefined]> = [];
    const topics: string[] = [];
    const template = buildMenuTemplate({
      platform: 'linux',
      appName: 'Semantic Palette',
      recent: [],
      command: (c, p) => commands.push([c, p]),
      clearRecent: () => undefined,
      examples: help.examples(),
      openHelp: (t) => topics.push(t),
    });
    const menu = template.find((m) => m.label === '&Help');
    expect(menu).toBeDefined();
    const items = flatten([menu!]);
    const click = (label: string) => (items.find((i) => i.label === label)?.click as () => void)();
    click('Keyboard Shortcuts');
    click('Fox in snow');
    click('Getting Started');
    click('User Guide');
    click('Models and GPU');
    expect(commands).toEqual([['help:shortcuts', undefined], ['openExample', 'fox-in-snow'], ['help:guide', undefined]]);
    expect(topics).toEqual(['guide', 'models']);
    expect(flatten(template).find((i) => i.label === 'Generate Once')?.accelerator).toBe('CmdOrCtrl+Enter');
  });

  test('examples come from the bundled folder, the first-launch one first; an unknown one is refused by name', async () => {
    expect(help.examples().map((e) => e.id)).toEqual(['seaside', 'fox-in-snow', 'panorama']);
    const opened = await help.openExample('panorama');
    expect(opened.path).toBe(path.join(ROOT, 'resources', 'examples', 'panorama.palette'));
    expect(opened.notes.join(' ')).toMatch(/Save asks where/);
    await expect(help.openExample('nope')).rejects.toThrow(/no example "nope"/);
  });

  test('guides open from the installation; the clipboard gets a PNG of the picture', async () => {
    await help.openHelp('gpu');
    expect(opened).toEqual(['docs/models.md']);
    const pixels = new Uint8ClampedArray(8 * 8 * 4).fill(200);
    await help.copyImage({ width: 8, height: 8, pixels });
    const png = decodePng(clipboard[0], 'clipboard');
    expect([png.width, png.height, png.data[0]]).toEqual([8, 8, 200]);
    await expect(help.copyImage({ width: 8, height: 16, pixels })).rejects.toThrow(/not 8×16 RGBA/);
  });
});
