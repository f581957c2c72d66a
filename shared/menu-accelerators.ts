/**
 * The application menu's accelerators, in one place: main/menu.ts puts them on the menu
 * items and the renderer's shortcuts sheet lists them (renderer/src/shortcuts.ts).
 */
import type { MenuCommand } from './ipc/channels';

export const ACCELERATORS: Partial<Record<MenuCommand, string>> = {
  new: 'CmdOrCtrl+N',
  open: 'CmdOrCtrl+O',
  save: 'CmdOrCtrl+S',
  saveAs: 'Shift+CmdOrCtrl+S',
  exportPng: 'CmdOrCtrl+E',
  exportPsd: 'Shift+CmdOrCtrl+E',
  undo: 'CmdOrCtrl+Z',
  redo: 'Shift+CmdOrCtrl+Z',
  zoomIn: 'CmdOrCtrl+=',
  zoomOut: 'CmdOrCtrl+-',
  zoomFit: 'CmdOrCtrl+0',
  toggleLive: 'CmdOrCtrl+L',
  generateOnce: 'CmdOrCtrl+Enter',
  useAsBackground: 'Shift+CmdOrCtrl+B',
  copyOutput: 'Shift+CmdOrCtrl+C',
};

/** What each menu command is called in the menu (and in the shortcuts sheet). */
export const MENU_LABELS: Partial<Record<MenuCommand, string>> = {
  new: 'New document',
  open: 'Open…',
  save: 'Save',
  saveAs: 'Save As…',
  exportPng: 'Export PNG…',
  exportPsd: 'Export PSD…',
  toggleLive: 'Toggle live generation',
  useAsBackground: 'Use output as background',
  copyOutput: 'Copy output',
};
