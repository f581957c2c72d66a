/**
 * The preload: exposes `window.palette` (task-shaped, typed from shared/ipc) and nothing else.
 * With `sandbox: true` a preload may only require 'electron' and a few builtins, so this file
 * and everything it imports are bundled into one file by vite.preload.config.mts
 * (dist/preload/bundle.cjs), which main/window.ts loads.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPaletteApi } from './api';

contextBridge.exposeInMainWorld('palette', createPaletteApi(ipcRenderer));
