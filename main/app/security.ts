/**
 * The window's security policy as plain data and functions (no electron), so it can be read
 * in one place and tested: the app:// origin the renderer is served from, its CSP, which
 * senders and URLs count as ours, and how app:// URLs map to files (never outside the
 * renderer's folder).
 */
import * as path from 'node:path';

export const APP_SCHEME = 'app';
export const RENDERER_HOST = 'renderer';
export const RENDERER_ORIGIN = `${APP_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * Nothing from the network, no eval, no inline code, no plugins, no framing. (React and
 * Fabric set styles through the CSSOM, which style-src does not restrict.) The renderer's
 * index.html carries the same policy in a <meta>; both apply.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A URL of our renderer (the only one allowed to call IPC or be navigated to). */
export function isRendererUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === RENDERER_HOST;
  } catch {
    return false;
  }
}

/** The router's sender check: our window's webContents, showing our renderer. */
export function trustedSenderCheck(windowId: () => number | null): (sender: { id: number; url: string }) => boolean {
  return (sender) => sender.id === windowId() && isRendererUrl(sender.url);
}

/**
 * app://renderer/<path> → a file inside `rendererDir`, or null for anything that would leave
 * it (`..`, encoded separators, other hosts). `/` serves index.html.
 */
export function resolveRendererFile(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== RENDERER_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${rel}`);
  return file.startsWith(root + path.sep) ? file : null;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
