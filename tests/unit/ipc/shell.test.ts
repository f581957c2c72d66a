/** The Electron shell's pure parts: security policy, menu template, file-open queue, models. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  isRendererUrl,
  resolveRendererFile,
  trustedSenderCheck,
} from '../../../main/app/security';
import { buildMenuTemplate } from '../../../main/menu';
import { documentsInArgv, OpenRequestQueue } from '../../../main/app/file-open';
import type { MenuCommand } from '../../../shared/ipc/channels';

describe('security policy', () => {
  test('CSP: only our own scripts, no eval, nothing remote, no plugins or framing', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
  });

  test('only app://renderer URLs from our window are trusted senders', () => {
    let id: number | null = 3;
    const trusted = trustedSenderCheck(() => id);
    expect(trusted({ id: 3, url: 'app://renderer/index.html' })).toBe(true);
    expect(trusted({ id: 4, url: 'app://renderer/index.html' })).toBe(false);
    expect(trusted({ id: 3, url: 'app://other/index.html' })).toBe(false);
    expect(trusted({ id: 3, url: 'file:///work/renderer/dist/index.html' })).toBe(false);
    expect(trusted({ id: 3, url: '' })).toBe(false);
    id = null; // window closed
    expect(trusted({ id: 3, url: 'app://renderer/index.html' })).toBe(false);
    expect(isRendererUrl('not a url')).toBe(false);
  });

  test('app:// URLs map to files inside the renderer folder only', () => {
    const dir = '/srv/renderer/dist';
    expect(resolveRendererFile('app://renderer/', dir)).toBe('/srv/renderer/dist/index.html');
    expect(resolveRendererFile('app://renderer/assets/index-1a2b.js', dir)).toBe('/srv/renderer/dist/assets/index-1a2b.js');
    // traversal attempts: URL parsing folds `..` at the root, decoding can't climb out either
    for (const attempt of ['app://renderer/../../etc/passwd', 'app://renderer/%2e%2e/%2e%2e/etc/passwd', 'app://renderer/x/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc/passwd']) {
      const file = resolveRendererFile(attempt, dir);
      expect(file === null || file.startsWith(`${dir}/`)).toBe(true);
    }
    expect(resolveRendererFile('app://renderer/x/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc/passwd', dir)).toBeNull();
    expect(resolveRendererFile('app://renderer/a%5c..%5c..%5cx', dir)).toBeNull();
    expect(resolveRendererFile('app://renderer/%00', dir)).toBeNull();
    expect(resolveRendererFile('app://evil/index.html', dir)).toBeNull();
    expect(resolveRendererFile('https://renderer/index.html', dir)).toBeNull();
  });
});

describe('application menu', () => {
  function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
    return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  }

  test('has the document, edit, zoom and live items with their shortcuts; each sends its command', () => {
    const sent: [MenuCommand, string?][] = [];
    const template = buildMenuTemplate({
      platform: 'linux',
      appName: 'Semantic Palette',
      recent: [{ path: '/home/a/cat.palette', name: 'cat.palette', openedAt: 1 }],
      command: (c, p) => sent.push(p ? [c, p] : [c]),
      clearRecent: () => undefined,
    });
    const items = flatten(template).filter((i) => i.visible !== false);
    const byLabel = new Map(items.filter((i) => i.label).map((i) => [i.label!, i]));
    const expected: [string, string | undefined, MenuCommand][] = [
      ['New', 'CmdOrCtrl+N', 'new'],
      ['Open…', 'CmdOrCtrl+O', 'open'],
      ['Save', 'CmdOrCtrl+S', 'save'],
      ['Save As…', 'Shift+CmdOrCtrl+S', 'saveAs'],
      ['Export PNG…', 'CmdOrCtrl+E', 'exportPng'],
      ['Export PSD…', 'Shift+CmdOrCtrl+E', 'exportPsd'],
      ['Undo', 'CmdOrCtrl+Z', 'undo'],
      ['Redo', 'Shift+CmdOrCtrl+Z', 'redo'],
      ['Zoom In', 'CmdOrCtrl+=', 'zoomIn'],
      ['Zoom Out', 'CmdOrCtrl+-', 'zoomOut'],
      ['Fit to Window', 'CmdOrCtrl+0', 'zoomFit'],
      ['Toggle Live', 'CmdOrCtrl+L', 'toggleLive'],
      ['Keyboard Shortcuts', 'Shift+/', 'help:shortcuts'],
    ];
    for (const [label, accelerator, command] of expected) {
      const item = byLabel.get(label);
      expect(item?.accelerator).toBe(accelerator);
      (item!.click as () => void)();
      expect(sent.at(-1)).toEqual([command]);
    }
    (byLabel.get('cat.palette')!.click as () => void)();
    expect(sent.at(-1)).toEqual(['openRecent', '/home/a/cat.palette']);
    expect(byLabel.get('Open Recent')).toBeDefined();
    // Ctrl+Y also redoes on Windows/Linux (hidden item)
    expect(flatten(template).some((i) => i.accelerator === 'Ctrl+Y' && i.visible === false)).toBe(true);
  });

  test('an empty recent list shows a disabled placeholder; macOS gets the app menu', () => {
    const template = buildMenuTemplate({ platform: 'darwin', appName: 'Semantic Palette', recent: [], command: () => undefined, clearRecent: () => undefined });
    expect(template[0].role).toBe('appMenu');
    expect(flatten(template).find((i) => i.label === 'No Recent Files')?.enabled).toBe(false);
  });
});

describe('opening files from the OS', () => {
  test('argv: existing .palette files only, relative to the working directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-argv-'));
    fs.writeFileSync(path.join(dir, 'a.palette'), 'x');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const argv = ['/opt/Semantic Palette/palette', '--no-sandbox', 'a.palette', 'missing.palette', 'notes.txt', path.join(dir, 'a.palette')];
    expect(documentsInArgv(argv, dir)).toEqual([path.join(dir, 'a.palette'), path.join(dir, 'a.palette')]);
  });

  test('requests wait for the renderer, then go straight through; a reload queues again', () => {
    const q = new OpenRequestQueue();
    const got: string[] = [];
    q.add('/a.palette');
    q.add('/a.palette');
    q.add('/b.palette');
    q.ready((f) => got.push(f));
    expect(got).toEqual(['/a.palette', '/b.palette']);
    q.add('/c.palette');
    q.notReady();
    q.add('/d.palette');
    expect(got).toEqual(['/a.palette', '/b.palette', '/c.palette']);
    q.ready((f) => got.push(f));
    expect(got.at(-1)).toBe('/d.palette');
  });
});
