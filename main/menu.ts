/**
 * The application menu as a template (pure: only electron *types*), built into a Menu by
 * main/index.ts. Document and canvas commands go to the renderer as `menu:command` events:
 * it owns the document, the undo history and the unsaved-changes check.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ExampleEntry, HelpTopic, MenuCommand, RecentEntry } from '../shared/ipc/channels';
import { ACCELERATORS } from '../shared/menu-accelerators';

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly RecentEntry[];
  command: (command: MenuCommand, path?: string) => void;
  clearRecent: () => void;
  /** Help → Examples */
  examples?: readonly ExampleEntry[];
  /** Help → the guides, opened by main in the user's viewer */
  openHelp?: (topic: HelpTopic) => void;
}

/** accelerators, in one place so the renderer's shortcuts sheet shows the same */
export { ACCELERATORS };

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = o.platform === 'darwin';
  const item = (label: string, command: MenuCommand): MenuItemConstructorOptions => ({
    label,
    accelerator: ACCELERATORS[command],
    click: () => o.command(command),
  });
  const recentItems: MenuItemConstructorOptions[] =
    o.recent.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : [
          ...o.recent.map((r) => ({ label: r.name, toolTip: r.path, click: () => o.command('openRecent', r.path) })),
          { type: 'separator' as const },
          { label: 'Clear Recent', click: () => o.clearRecent() },
        ];

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ label: o.appName, role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        item('New', 'new'),
        item('Open…', 'open'),
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        item('Update Masks from OpenRaster…', 'updateMasksFromOra'),
        { type: 'separator' },
        item('Save', 'save'),
        item('Save As…', 'saveAs'),
        { type: 'separator' },
        item('Export PNG…', 'exportPng'),
        item('Export PSD…', 'exportPsd'),
        ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo'),
        item('Redo', 'redo'),
        // Windows and Linux users also expect Ctrl+Y
        ...(isMac ? [] : [{ ...item('Redo', 'redo'), accelerator: 'Ctrl+Y', visible: false, acceleratorWorksWhenHidden: true }]),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        item('Zoom In', 'zoomIn'),
        item('Zoom Out', 'zoomOut'),
        item('Fit to Window', 'zoomFit'),
        { type: 'separator' },
        item('Toggle Live', 'toggleLive'),
        item('Generate Once', 'generateOnce'),
        { type: 'separator' },
        item('Use Output as Background', 'useAsBackground'),
        item('Copy Output', 'copyOutput'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Window', role: 'windowMenu' },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        item('Getting Started', 'help:guide'),
        { label: 'Keyboard Shortcuts', accelerator: 'Shift+/', registerAccelerator: false, click: () => o.command('help:shortcuts') },
        {
          label: 'Examples',
          submenu: (o.examples ?? []).length
            ? (o.examples ?? []).map((e) => ({ label: e.name, click: () => o.command('openExample', e.id) }))
            : [{ label: 'No Examples Installed', enabled: false }],
        },
        { type: 'separator' },
        { label: 'User Guide', click: () => o.openHelp?.('guide') },
        { label: 'Models and GPU', click: () => o.openHelp?.('models') },
      ],
    },
  );
  return template;
}
