/**
 * The Electron app: one setupX() per concern, called in order once the app is ready.
 * Everything below the edge (router, engine host, documents, settings, menu template) is
 * plain Node and tested without Electron.
 */
import * as path from 'node:path';
import { app, BrowserWindow, clipboard, ClipboardItem, dialog, Menu, shell, type OpenDialogOptions, type WebContents } from 'electron';
import Store from 'electron-store';
import { FileDocumentService, type FileDialogs } from './app/document-service';
import { documentsInArgv, OpenRequestQueue } from './app/file-open';
import { AutosaveFolder, Autosaver } from './app/autosave';
import { cleanStaleTemps } from './documents';
import { Recovery } from './app/autosave-recovery';
import { choiceFromButton, DirtyTracker, UNSAVED_BUTTONS } from './app/dirty';
import { RecentFiles } from './app/recent';
import { trustedSenderCheck } from './app/security';
import { SettingsStore } from './app/settings-store';
import { EngineHost } from './engine/engine-host';
import { FrameForwarder } from './frames/forwarder';
import { handleAppChannels } from './ipc/app-handlers';
import { bindRouter, connectFramePort, webContentsSender } from './ipc/electron-adapter';
import { ModelService, runtimeFromSettings } from './ipc/model-handlers';
import { defaultModelDir, unpackedPath } from './engine/models/default-model';
import { AppHelp } from './app/help';
import { BUILTIN_MODEL_ID, ModelRegistry } from './model-manager';
import { createEventPublisher, forwardEngineEvents, type PublishEvent } from './ipc/events';
import { IpcRouter } from './ipc/router';
import { buildMenuTemplate } from './menu';
import { createMainWindow, registerAppScheme } from './window';
import { APP_NAME } from '../shared/window-title';

/** dist/main/index.js → the package root */
const ROOT = path.resolve(__dirname, '..', '..');

interface App {
  window: BrowserWindow | null;
  settings: SettingsStore;
  engine: EngineHost;
  models: ModelService;
  forwarder: FrameForwarder;
  documents: FileDocumentService;
  help: AppHelp;
  publish: PublishEvent;
  openQueue: OpenRequestQueue;
}

const openQueue = new OpenRequestQueue();

/** unsaved work across windows and quitting: autosave, recovery, and a close the user already agreed to */
const docSession = {
  autosave: null as Autosaver | null,
  recovery: null as Recovery | null,
  /** the prompt was answered (or the asked-for save happened): the next close goes through */
  allowClose: false,
  /** quitting waits for the window's unsaved-changes prompt */
  quitAfterClose: false,
};

function webContents(a: Pick<App, 'window'>): WebContents | null {
  return a.window && !a.window.isDestroyed() ? a.window.webContents : null;
}

// dialogs are modal to the window while there is one
async function chooseOneOpen(parent: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

const PALETTE_FILTER = { name: 'Semantic Palette', extensions: ['palette'] };
const ORA_FILTER = { name: 'OpenRaster image (Krita, GIMP, MyPaint)', extensions: ['ora'] };

function setupSettings(): SettingsStore {
  const store = new Store({ name: 'settings' });
  return new SettingsStore({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
}

/** optimized models are cached here: the second load of a model skips graph optimization */
const optimizedModelCacheDir = () => path.join(app.getPath('userData'), 'onnx-cache');

function setupEngine(settings: SettingsStore): EngineHost {
  // the model list comes from the model manager (setupModels), complete models only
  return new EngineHost({ models: [], runtime: runtimeFromSettings(settings.get(), optimizedModelCacheDir()) });
}

async function setupModels(a: Pick<App, 'window' | 'settings' | 'engine' | 'publish'>): Promise<ModelService> {
  const registry = new ModelRegistry({ dataDir: app.getPath('userData'), builtinDir: defaultModelDir() /* already the unpacked path in a packaged app */ });
  const models = new ModelService({
    registry,
    engine: a.engine,
    publish: a.publish,
    // HF_ENDPOINT: the Hugging Face libraries' own variable for a mirror
    endpoint: process.env.HF_ENDPOINT || undefined,
    fallbackModelId: BUILTIN_MODEL_ID,
    chooseFolder: () => chooseOneOpen(a.window, { title: 'Add a model folder', properties: ['openDirectory'] }),
  });
  const installed = await models.refreshEngine().catch((e: unknown) => {
    console.error('[models] listing failed', e);
    return [];
  });
  const usable = installed.filter((m) => m.complete);
  const last = a.settings.get().lastModelId;
  const wanted = usable.some((m) => m.id === last) ? last : (usable[0]?.id ?? null);
  // the window opens at once; the model loads meanwhile and reports progress/errors as events
  if (wanted) void a.engine.setModel(wanted).catch(() => undefined);
  return models;
}

function setupDocuments(a: Pick<App, 'window' | 'settings' | 'engine' | 'publish'>): FileDocumentService {
  const dialogs: FileDialogs = {
    chooseOpen: (kind = 'document') =>
      chooseOneOpen(a.window, {
        properties: ['openFile'],
        ...(kind === 'ora'
          ? { title: 'Update masks from OpenRaster', filters: [ORA_FILTER, PALETTE_FILTER] }
          : { filters: [{ name: 'Semantic Palette or OpenRaster', extensions: ['palette', 'ora'] }, PALETTE_FILTER, ORA_FILTER, { name: 'Semantic Palette demo JSON', extensions: ['json'] }] }),
      }),
    async chooseSave(kind, suggested) {
      const w = a.window;
      const filters = { palette: [PALETTE_FILTER], png: [{ name: 'PNG image', extensions: ['png'] }], psd: [{ name: 'Photoshop document', extensions: ['psd'] }] }[kind];
      const options = { defaultPath: path.join(app.getPath('documents'), suggested), filters };
      const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
  const folder = new AutosaveFolder(path.join(app.getPath('userData'), 'autosave'));
  // temporary files of an autosave killed mid-write (the next start cleans them)
  void cleanStaleTemps(folder.dir, { all: true });
  const autosave = new Autosaver({
    folder,
    intervalMs: () => a.settings.get().autosaveSeconds * 1000,
    // the renderer owns the document: it answers with document:autosave
    requestSnapshot: () => a.publish('document:autosaveRequest', {}),
    onError: (e) => console.error('[autosave]', e),
  });
  const recovery = new Recovery(folder);
  docSession.autosave = autosave;
  docSession.recovery = recovery;
  const tracker = new DirtyTracker(async (q) => {
    const w = a.window;
    const options = { type: 'warning' as const, buttons: UNSAVED_BUTTONS.map((b) => b.label), defaultId: 0, cancelId: 2, noLink: true, message: q.message, detail: q.detail };
    const r = w ? await dialog.showMessageBox(w, options) : await dialog.showMessageBox(options);
    return choiceFromButton(r.response);
  });
  tracker.onChange((dirty) => {
    const w = a.window;
    if (!w || w.isDestroyed()) return;
    w.setDocumentEdited(dirty);
    w.setTitle(tracker.title);
  });
  return new FileDocumentService({
    dialogs,
    settings: a.settings,
    newestFrame: () => a.engine.latestFrame(),
    tracker,
    autosave,
    recovery,
    closeWindow: () => {
      docSession.allowClose = true;
      a.window?.close();
    },
  });
}

function setupHelp(a: Pick<App, 'documents'>): AppHelp {
  return new AppHelp({
    examplesDir: path.join(ROOT, 'resources', 'examples'),
    // the guides open in the user's own viewer, which can't read inside app.asar
    rootDir: unpackedPath(`${ROOT}${path.sep}`).slice(0, -1),
    openCopy: (file) => a.documents.open(file, { asCopy: true }),
    openPath: async (file) => {
      const failed = await shell.openPath(file);
      if (failed) throw new Error(`could not open ${file}: ${failed}`);
    },
    writeClipboardPng: (png) => clipboard.write([new ClipboardItem({ 'image/png': new Blob([new Uint8Array(png)], { type: 'image/png' }) })]),
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
  docSession.allowClose = false;
  win.on('close', (event) => {
    if (docSession.allowClose || !a.documents.dirty) return;
    event.preventDefault();
    void a.documents.tracker.confirm('close').then((decision) => {
      if (decision === 'proceed') {
        docSession.allowClose = true;
        win.close();
      } else if (decision === 'save') {
        // the renderer saves (Save As if never saved) and calls document:closeWindow if it did
        a.publish('document:saveRequest', { then: 'close' });
      } else {
        docSession.quitAfterClose = false;
      }
    });
  });
  win.webContents.on('did-finish-load', () => openQueue.ready((file) => a.publish('document:openRequest', { path: file })));
  win.webContents.on('did-start-loading', () => openQueue.notReady());
  win.on('closed', () => {
    openQueue.notReady();
    a.window = null;
    // the document went with the window (saved, or the user said Don't Save)
    void a.documents.setDirty(false);
    if (docSession.quitAfterClose) app.quit();
  });
  return win;
}

function setupIpc(a: App): void {
  const router = new IpcRouter({
    isTrustedSender: trustedSenderCheck(() => webContents(a)?.id ?? null),
    logError: (channel, e) => console.error(`[ipc] ${channel}`, e),
  });
  handleAppChannels(router, { ...a, optimizedModelCacheDir: optimizedModelCacheDir() })
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
          examples: a.help.examples(),
          openHelp: (topic) => void a.help.openHelp(topic).catch((e: unknown) => a.publish('document:notice', { level: 'error', message: (e as Error).message })),
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

  void app.whenReady().then(async () => {
    const settings = setupSettings();
    const engine = setupEngine(settings);
    const a: App = {
      window: null,
      settings,
      engine,
      models: null as unknown as ModelService,
      forwarder: new FrameForwarder(engine),
      documents: null as unknown as FileDocumentService,
      help: null as unknown as AppHelp,
      publish: createEventPublisher(webContentsSender(() => webContents(a))),
      openQueue,
    };
    a.documents = setupDocuments(a);
    a.help = setupHelp(a);
    a.models = await setupModels(a);
    const recoverable = await docSession.recovery?.start().catch((e: unknown) => {
      console.error('[recovery]', e);
      return [];
    });
    if (recoverable?.length) console.log(`[recovery] ${recoverable.length} autosaved document(s) from a crash`);
    setupIpc(a);
    setupMenu(a);
    setupFileOpen(a);
    setupWindow(a);
    const pruned = new RecentFiles(settings).list().message;
    if (pruned) a.window?.webContents.once('did-finish-load', () => a.publish('document:notice', { level: 'info', message: pruned }));

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
      const w = a.window;
      if (w && !w.isDestroyed() && a.documents.dirty && !docSession.allowClose) {
        // the window asks first; its 'closed' quits again, a Cancel keeps everything running
        docSession.quitAfterClose = true;
        w.close();
        return;
      }
      quitting = true;
      a.forwarder.close();
      a.models.pauseAll();
      // a clean exit: no autosave left, and the marker that says so for the next start
      const cleanExit = async () => {
        await docSession.autosave?.close();
        await docSession.recovery?.finish();
      };
      void cleanExit()
        .catch((e: unknown) => console.error('[autosave]', e))
        .then(() => a.engine.close())
        .finally(() => app.quit());
    });
  });
}

main();
