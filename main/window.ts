/**
 * The one window, hardened: context isolation, sandbox, no Node in the page, strict CSP
 * (header on every app:// response and a <meta> in renderer/index.html), no window.open, no
 * navigation, no permissions. The renderer is served from renderer/dist through the app://
 * protocol, so nothing is loaded from the network or from arbitrary file:// paths.
 */
import * as fs from 'node:fs';
import { BrowserWindow, protocol, session, type Session } from 'electron';
import {
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  RENDERER_ENTRY_URL,
  isRendererUrl,
  mimeType,
  resolveRendererFile,
} from './app/security';

/** must run before app `ready` */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

const prepared = new WeakSet<Session>();

function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveRendererFile(request.url, rendererDir);
    const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
    if (!file) return new Response('forbidden', { status: 403, headers });
    try {
      const body = await fs.promises.readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': mimeType(file) } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  });
}

function lockDownSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // belt and braces: the CSP also on anything that is not served by our protocol handler
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // nothing from the network
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRendererUrl(details.url) || details.url.startsWith('devtools://') || details.url.startsWith('data:') || details.url.startsWith('blob:');
    callback({ cancel: !allowed });
  });
}

export interface MainWindowOptions {
  preload: string;
  rendererDir: string;
  width: number;
  height: number;
  title: string;
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  const ses = session.defaultSession;
  if (!prepared.has(ses)) {
    // once per session: a second window (macOS re-activation) reuses it
    serveRenderer(ses, o.rendererDir);
    lockDownSession(ses);
    prepared.add(ses);
  }

  const win = new BrowserWindow({
    width: o.width,
    height: o.height,
    minWidth: 800,
    minHeight: 560,
    title: o.title,
    show: false,
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const wc = win.webContents;
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (event) => event.preventDefault());
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(RENDERER_ENTRY_URL);
  return win;
}
