/**
 * main/index.ts wired up against a stand-in for the `electron` module (the binary cannot run
 * here; the Electron end-to-end spec runs where it can). This checks our own wiring: the
 * hardened window, every channel bound and guarded, network and permissions refused, the menu,
 * and a clean quit with the real engine worker, model registry and settings behind it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import 'onnxruntime-node'; // keep the addon loaded by this thread while the engine worker comes and goes
import { invokeChannelNames } from '../../../shared/ipc/channels';
import { RENDERER_ENTRY_URL } from '../../../main/app/security';

type Handler = (...args: unknown[]) => unknown;

class MockEmitter {
  readonly handlers = new Map<string, Handler[]>();
  on(event: string, fn: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Handler): this {
    return this.on(event, fn);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

const mockState = {
  userData: fs.mkdtempSync(path.join(os.tmpdir(), 'palette-main-wiring-')),
  ipc: new Map<string, Handler>(),
  windows: [] as Array<MockEmitter & { options: Record<string, unknown>; url?: string; webContents: MockEmitter & { id: number; openHandler?: Handler } }>,
  menu: null as unknown,
  schemes: [] as unknown[],
  permission: null as Handler | null,
  beforeRequest: null as Handler | null,
  app: new MockEmitter(),
  quit: jest.fn(),
};

jest.mock('electron', () => {
  class BrowserWindow extends MockEmitter {
    options: Record<string, unknown>;
    url?: string;
    webContents: MockEmitter & { id: number; openHandler?: Handler; setWindowOpenHandler: (fn: Handler) => void; isDestroyed: () => boolean; postMessage: () => void; send: () => void };
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      const wc = Object.assign(new MockEmitter(), {
        id: 41,
        openHandler: undefined as Handler | undefined,
        setWindowOpenHandler(fn: Handler) { wc.openHandler = fn; },
        isDestroyed: () => false,
        postMessage: () => undefined,
        send: () => undefined,
      });
      this.webContents = wc;
      mockState.windows.push(this);
    }
    static getAllWindows() { return mockState.windows; }
    loadURL(url: string) { this.url = url; return Promise.resolve(); }
    show() {}
    isDestroyed() { return false; }
    isMinimized() { return false; }
    getSize() { return [1200, 800]; }
    setTitle() {}
    setDocumentEdited() {}
    focus() {}
    close() {}
  }
  return {
    app: Object.assign(mockState.app, {
      requestSingleInstanceLock: () => true,
      quit: mockState.quit,
      setName: () => undefined,
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => path.join(mockState.userData, name),
      addRecentDocument: () => undefined,
    }),
    BrowserWindow,
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => mockState.schemes.push(...s) },
    session: {
      defaultSession: {
        protocol: { handle: () => undefined },
        setPermissionRequestHandler: (fn: Handler) => { mockState.permission = fn; },
        setPermissionCheckHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined, onBeforeRequest: (fn: Handler) => { mockState.beforeRequest = fn; } },
      },
    },
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
      showMessageBox: async () => ({ response: 2 }),
    },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: (m: unknown) => { mockState.menu = m; } },
    ipcMain: { handle: (channel: string, fn: Handler) => mockState.ipc.set(channel, fn), removeHandler: () => undefined, on: () => undefined },
    MessageChannelMain: class { port1 = new MockEmitter(); port2 = new MockEmitter(); },
  };
});

jest.mock('electron-store', () => class {
  private data = new Map<string, unknown>();
  get(k: string) { return this.data.get(k); }
  set(k: string, v: unknown) { this.data.set(k, v); }
});

async function until(what: string, check: () => boolean, ms = 20000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const trusted = { sender: { id: 41 }, senderFrame: { url: RENDERER_ENTRY_URL } };

describe('the Electron main process, wired', () => {
  beforeAll(async () => {
    // main/index.ts starts the app when it is loaded
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => { require('../../../main/index'); });
    await until('the window', () => mockState.windows.length === 1);
    await until('the IPC handlers', () => mockState.ipc.has('engine:status'));
  });

  afterAll(async () => {
    mockState.app.emit('before-quit', { preventDefault: () => undefined });
    await until('the app to quit', () => mockState.quit.mock.calls.length > 0);
    fs.rmSync(mockState.userData, { recursive: true, force: true });
  });

  test('one hardened window loading the renderer over app://', () => {
    const win = mockState.windows[0];
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/dist[\\/]preload[\\/]bundle\.cjs$/);
    expect(win.url).toBe(RENDERER_ENTRY_URL);
    expect(win.webContents.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const navigate = { preventDefault: jest.fn() };
    win.webContents.emit('will-navigate', navigate, 'https://example.com');
    expect(navigate.preventDefault).toHaveBeenCalled();
  });

  test('permissions are refused and nothing is fetched from the network', () => {
    const answer = jest.fn();
    mockState.permission?.({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    const network = jest.fn();
    mockState.beforeRequest?.({ url: 'https://example.com/x.js' }, network);
    expect(network).toHaveBeenCalledWith({ cancel: true });
    const own = jest.fn();
    mockState.beforeRequest?.({ url: `${RENDERER_ENTRY_URL}` }, own);
    expect(own).toHaveBeenCalledWith({ cancel: false });
  });

  test('every channel of the map is bound; a foreign sender or a bad payload never reaches a handler', async () => {
    expect([...mockState.ipc.keys()].sort()).toEqual([...invokeChannelNames].sort());
    const setSeed = mockState.ipc.get('engine:setSeed')!;
    const foreign = await setSeed({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example' } }, { seed: 3 });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'E_IPC_FOREIGN_SENDER' } });
    const bad = await setSeed(trusted, { seed: 'three' });
    expect(bad).toMatchObject({ ok: false, error: { field: 'seed' } });
  });

  test('the engine loads the built-in model in its worker and reports the provider per component', async () => {
    type Status = { ok: boolean; value: { modelId: string | null; loading: boolean; providers: Record<string, string>; error: unknown } };
    let status: Status | null = null;
    await until('the model to load', () => {
      void (mockState.ipc.get('engine:status')!(trusted, undefined) as Promise<Status>).then((s) => { status = s; });
      return status !== null && (status as Status).value.modelId === 'palette-colors' && !(status as Status).value.loading;
    });
    const s = status as unknown as Status;
    expect(s.value.error).toBeNull();
    expect(s.value.providers.unet).toBe('cpu');
  });

  test('the built-in model is listed and the menu has the document and edit commands', async () => {
    const models = (await mockState.ipc.get('models:list')!(trusted, undefined)) as { ok: boolean; value: { models: Array<{ id: string; complete: boolean }> } };
    expect(models.ok).toBe(true);
    expect(models.value.models.find((m) => m.id === 'palette-colors')?.complete).toBe(true);
    const labels = JSON.stringify(mockState.menu);
    for (const label of ['Open…', 'Save', 'Export PSD…', 'Undo', 'Redo']) expect(labels).toContain(label);
    expect(mockState.schemes).toEqual([expect.objectContaining({ scheme: 'app' })]);
  });
});
