/**
 * A Hugging Face hub on 127.0.0.1 for the model manager tests: the tree API with sizes, git
 * blob ids and LFS sha256, `resolve` with Range requests, the hub's 401/404 answers and
 * X-Error-Code headers. Faults (a dropped connection, corrupted bytes, a slow link) are
 * switched on per test.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { buildPaletteColors, type PaletteColorsOptions } from '../../../models/generator/palette-colors';

export interface FakeRepo {
  /** revision → (path → content) */
  revisions: Map<string, Map<string, Buffer>>;
  /** resolve needs this token (listing stays public, as for a gated model on the hub) */
  gatedToken?: string;
}

export interface SeenRequest {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export interface Faults {
  /** cut the connection while sending this file: once per entry of dropPlan, after that fraction of the body */
  dropFile?: string;
  dropPlan?: number[];
  /** serve this file with one byte flipped */
  corruptFile?: string;
  /** send bodies in 4 KB pieces with this pause between them */
  slowMs?: number;
}

const LFS_FILE = /\.onnx$|_data$|\.data$|\.pb$/;

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function treeEntries(files: Map<string, Buffer>): object[] {
  const dirs = new Set<string>();
  const entries: object[] = [];
  for (const [p, content] of files) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (LFS_FILE.test(p)) {
      // For LFS files the hub's oid is the pointer file's blob id and lfs.oid the content's sha256.
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${content.length}\n`);
      entries.push({ type: 'file', path: p, size: content.length, oid: gitBlobId(pointer), lfs: { oid: sha256, size: content.length, pointerSize: pointer.length } });
    } else {
      entries.push({ type: 'file', path: p, size: content.length, oid: gitBlobId(content) });
    }
  }
  for (const d of dirs) entries.push({ type: 'directory', path: d, size: 0, oid: createHash('sha1').update(d).digest('hex') });
  return entries;
}

export class FakeHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly seen: SeenRequest[] = [];
  faults: Faults = {};
  private server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Body requests for a file (not the hub client's 1-byte probes). */
  bodyRequests(file: string): SeenRequest[] {
    return this.seen.filter((r) => r.url.endsWith(`/${file}`) && r.url.includes('/resolve/') && r.range !== 'bytes=0-0');
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-error-code': code });
    res.end(JSON.stringify({ error: message }));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.seen.push({ method: req.method ?? 'GET', url: url.pathname, range: req.headers.range, authorization: req.headers.authorization });
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)\/?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const match = tree ?? resolve;
    if (!match) return this.error(res, 404, 'RepoNotFound', 'Not found');
    const repo = this.repos.get(match[1]);
    if (!repo) return this.error(res, 404, 'RepoNotFound', 'Repository not found');
    const files = repo.revisions.get(decodeURIComponent(match[2]));
    if (!files) return this.error(res, 404, 'RevisionNotFound', 'Invalid rev id');
    if (tree) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(treeEntries(files)));
      return;
    }
    if (repo.gatedToken && req.headers.authorization !== `Bearer ${repo.gatedToken}`) {
      return this.error(res, 401, 'GatedRepo', 'Access to model is restricted. You must have access to it and be authenticated to access it. Please log in.');
    }
    const filePath = decodeURIComponent(resolve![3]);
    let content = files.get(filePath);
    if (!content) return this.error(res, 404, 'EntryNotFound', 'Entry not found');
    if (this.faults.corruptFile === filePath) {
      content = Buffer.from(content);
      content[content.length >> 1] ^= 0xff;
    }
    this.sendBody(req, res, filePath, content);
  }

  private sendBody(req: http.IncomingMessage, res: http.ServerResponse, filePath: string, content: Buffer): void {
    let start = 0;
    let end = content.length - 1;
    const headers: http.OutgoingHttpHeaders = {
      'accept-ranges': 'bytes',
      etag: `"${createHash('sha256').update(content).digest('hex')}"`,
      'content-type': 'application/octet-stream',
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
      if (start >= content.length) {
        res.writeHead(416, { 'content-range': `bytes */${content.length}` });
        res.end();
        return;
      }
      headers['content-range'] = `bytes ${start}-${end}/${content.length}`;
    }
    const body = content.subarray(start, end + 1);
    headers['content-length'] = body.length;
    res.writeHead(range ? 206 : 200, headers);
    const isProbe = range && start === 0 && end === 0;
    const cutAt = !isProbe && this.faults.dropFile === filePath ? this.faults.dropPlan?.shift() : undefined;
    if (cutAt !== undefined) {
      const sent = Math.floor(body.length * cutAt);
      if (sent === 0) res.flushHeaders();
      res.write(body.subarray(0, sent), () => res.socket?.destroy());
      return;
    }
    const slow = this.faults.slowMs;
    if (!slow || isProbe) {
      res.end(body);
      return;
    }
    let at = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (at >= body.length) return void res.end();
      const piece = body.subarray(at, at + 4096);
      at += piece.length;
      res.write(piece, () => setTimeout(next, slow));
    };
    next();
  }
}

/**
 * The files the fake hub serves: the repository's palette-colors model (as generated into
 * models/palette-colors, or built by its generator when that folder is absent or a variant is
 * asked for), plus files a real repository has and a download must skip.
 */
export async function paletteRepoFiles(repoRoot: string, variant?: PaletteColorsOptions): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const modelDir = path.join(repoRoot, 'models', 'palette-colors');
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
      else files.set(rel, await fsp.readFile(path.join(dir, entry.name)));
    }
  };
  let onDisk = !variant;
  if (onDisk) {
    try {
      await fsp.access(path.join(modelDir, 'unet', 'model.onnx'));
    } catch {
      onDisk = false;
    }
  }
  if (onDisk) await walk(modelDir, '');
  else for (const [rel, bytes] of buildPaletteColors(variant)) files.set(rel, Buffer.from(bytes));
  files.set('README.md', Buffer.from('# palette-colors\n'));
  files.set('unet/diffusion_pytorch_model.safetensors', Buffer.alloc(50_000, 7));
  files.set('safety_checker/model.onnx', Buffer.alloc(20_000, 9));
  return files;
}
