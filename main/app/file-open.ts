/**
 * .palette files handed to the app by the OS: on the command line (first or second instance)
 * or by macOS's open-file event, possibly before the window exists. They are queued until the
 * renderer has loaded, then sent as `document:openRequest` (the renderer decides, after its
 * unsaved-changes check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** what the app opens when the OS hands it a file: its own documents and OpenRaster images */
export const DOCUMENT_EXTENSIONS = ['.palette', '.ora'];

/** the document paths in an argv (skips flags, the executable and the app folder) */
export function documentsInArgv(argv: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (!DOCUMENT_EXTENSIONS.includes(path.extname(arg).toLowerCase())) continue;
    const file = path.resolve(cwd, arg);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) out.push(file);
  }
  return out;
}

export class OpenRequestQueue {
  private pending: string[] = [];
  private deliver: ((file: string) => void) | null = null;

  add(file: string): void {
    if (this.deliver) this.deliver(file);
    else if (!this.pending.includes(file)) this.pending.push(file);
  }

  /** the renderer is ready: flush what waited, then deliver directly */
  ready(deliver: (file: string) => void): void {
    this.deliver = deliver;
    const waiting = this.pending;
    this.pending = [];
    for (const file of waiting) deliver(file);
  }

  /** the renderer went away (reload, closed window): queue again */
  notReady(): void {
    this.deliver = null;
  }
}
