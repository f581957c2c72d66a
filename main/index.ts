/**
 * The Electron app: one setupX() per concern, called in order once the app is ready.
 * Everything below the edge (router, engine host, documents, settings, menu template) is
 * plain Node and tested without Electron.
 */
import * as path from 'node:path';
import { app, BrowserWindow, dialog, Menu, type WebContents } from 'electron';
import Store from 'electron-store';
import { FileDocumentService, type FileDialogs } from './app/document-service';
import { documentsInArgv, OpenRequestQueue } from './app/file-open';
import { findModels } from './app/models';
import { trustedSenderCheck } from './app/security';
import { SettingsStore } from './app/settings-store';
import { EngineHost } from './engine/engine-host';
import { FrameForwarder } from './frames/forwarder';
import { documentHandlers, settingsHandlers } from './ipc/document-handlers';
import { bindRouter, connectFramePort, webContentsSender } from './ipc/electron-adapter';
import { engineHandlers } from './ipc/engine-handlers';
import { createEventPublisher, forwardEngineEvents, type PublishEvent } from './ipc/events';
import { IpcRouter } from './ipc/router';
import { buildMenuTemplate } from './menu';
import { createMainWindow, registerAppScheme } from './window';

const APP_NAME = 'Semantic Palette';
/** dist/main/index.js → the package root */
const ROOT = path.resolve(__dirname, '..', '..');
/** onnxruntime reads model files with native I/O, which can't see inside app.asar */
const unpacked = (p: string) => p.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);

interface App {
  window: BrowserWindow | null;
  settings: SettingsStore;
  engine: EngineHost;
  forwarder: FrameForwarder;
  documents: FileDocumentService;
  publish: PublishEvent;
  openQueue: OpenRequestQueue;
}

const openQueue = new OpenRequestQueue();

function webContents(a: Pick<App, 'window'>): WebContents | null {
  return a.window && !a.window.isDestroyed() ? a.window.webContents : null;
}

function setupSettings(): SettingsStore {
  const store = new Store({ name: 'settings' });
  return new SettingsStore({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
}

function setupEngine(settings: SettingsStore): EngineHost {
  const models = findModels([unpacked(path.join(ROOT, 'models')), path.join(app.getPath('userData'), 'models')]);
  const engine = new EngineHost({ models });
  const wanted = settings.get().lastModelId ?? models[0]?.id;
  // the window opens at once; the model loads meanwhile and reports progress/errors as events
  if (wanted && models.some((m) => m.id === wanted)) void engine.setModel(wanted).catch(() => undefined);
  return engine;
}

function setupDocuments(a: Pick<App, 'window' | 'settings' | 'engine'>): FileDocumentService {
  const parent = () => a.window ?? undefined;
  const dialogs: FileDialogs = {
    async chooseOpen() {
      const w = parent();
      const options = {
        properties: ['openFile' as const],
        filters: [
          { name: 'Semantic Palette', extensions: ['palette'] },
          { name: 'Semantic Palette demo JSON', extensions: ['json'] },
        ],
      };
      const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async chooseSave(kind, suggested) {
      const w = parent();
      const filters = { palette: [{ name: 'Semantic Palette', extensions: ['palette'] }], png: [{ name: 'PNG image', extensions: ['png'] }], psd: [{ name: 'Photoshop document', extensions: ['psd'] }] }[kind];
      const options = { defaultPath: path.join(app.getPath('documents'), suggested), filters };
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
  return new FileDocumentService({
    dialogs,
    settings: a.settings,
    newestFrame: () => a.engine.latestFrame(),
    onDirtyChange: (dirty, file) => {
      const w = a.window;
      if (!w || w.isDestroyed()) return;
      w.setDocumentEdited(dirty);
      w.setTitle(`${file ? path.basename(file) : 'Untitled'}${dirty ? ' •' : ''} — ${APP_NAME}`);
    },
  });
}

function setupWindow(a: App): BrowserWindow {
  const { width, height } = a.settings.get().window;
  const win = createMainWindow({
    preload: path.join(ROOT, 'dist', 'preload', 'bundle.cjs'),
    rendererDir: path.join(ROOT, 'renderer', 'dist'),
    width,
    height,
    title: APP_NAME,
  });
  a.window = win;
  win.on('resized', () => {
    const [w, h] = win.getSize();
    a.settings.setWindowSize(w, h);
  });
  win.on('close', (event) => {
    if (!a.documents.dirty) return;
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Cancel', 'Discard Changes'],
      defaultId: 0,
      cancelId: 0,
      message: 'The document has unsaved changes.',
      detail: 'Close anyway and lose them?',
    });
    if (choice === 0) event.preventDefault();
  });
  win.webContents.on('did-finish-load', () => openQueue.ready((file) => a.publish('document:openRequest', { path: file })));
  win.webContents.on('did-start-loading', () => openQueue.notReady());
  win.on('closed', () => {
    openQueue.notReady();
    a.window = null;
  });
  return win;
}

function setupIpc(a: App): void {
  const router = new IpcRouter({
    isTrustedSender: trustedSenderCheck(() => webContents(a)?.id ?? null),
    logError: (channel, e) => console.error(`[ipc] ${channel}`, e),
  });
  router
    .handleAll(engineHandlers(a.engine))
    .handleAll(documentHandlers(a.documents))
    .handleAll(settingsHandlers(a.settings))
    .handle('frames:connect', (_request, sender) => {
      const wc = webContents(a);
      if (wc && wc.id === sender.id) connectFramePort(wc, a.forwarder);
    });
  bindRouter(router);
  forwardEngineEvents(a.engine, a.publish);
  a.engine.onStatus((s) => {
    if (s.modelId && s.modelId !== a.settings.get().lastModelId) a.settings.set({ lastModelId: s.modelId });
  });
}

function setupMenu(a: App): void {
  const build = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          appName: APP_NAME,
          recent: a.settings.recent(),
          command: (command, file) => a.publish('menu:command', file ? { command, path: file } : { command }),
          clearRecent: () => a.settings.clearRecent(),
        }),
      ),
    );
  build();
  a.settings.onRecentChange((recent) => {
    build();
    if (recent[0]) app.addRecentDocument(recent[0].path);
  });
}

function setupFileOpen(a: App): void {
  for (const file of documentsInArgv(process.argv)) openQueue.add(file);
  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const file of documentsInArgv(argv, workingDirectory)) openQueue.add(file);
    const w = a.window;
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  });
}

function main(): void {
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    // another instance is running: it receives our argv through 'second-instance'
    app.quit();
    return;
  }
  // macOS sends open-file before 'ready' when the app is launched by a double-click
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openQueue.add(file);
  });
  app.setName(APP_NAME);

  void app.whenReady().then(() => {
    const settings = setupSettings();
    const engine = setupEngine(settings);
    const a: App = {
      window: null,
      settings,
      engine,
      forwarder: new FrameForwarder(engine),
      documents: null as unknown as FileDocumentService,
      publish: createEventPublisher(webContentsSender(() => webContents(a))),
      openQueue,
    };
    a.documents = setupDocuments(a);
    setupIpc(a);
    setupMenu(a);
    setupFileOpen(a);
    setupWindow(a);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) setupWindow(a);
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      event.preventDefault();
      quitting = true;
      a.forwarder.close();
      void a.engine.close().finally(() => app.quit());
    });
  });
}

main();
