/**
 * Checking a downloaded file against the repository's metadata: SHA-256 of the content for
 * LFS/Xet files (the `lfs.oid` of the tree API), and for small git files the git blob id
 * (sha1 of "blob <size>\0" + content), which is what their `oid` is.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PaletteError } from '../../shared/errors';
import type { HubFile } from './hub-client';

export class FileVerifier {
  private hash: Hash;
  private readonly gitBlob: boolean;
  /** bytes fed so far */
  fed = 0;

  constructor(private readonly file: HubFile) {
    this.gitBlob = !file.sha256;
    this.hash = this.fresh();
  }

  private fresh(): Hash {
    const h = createHash(this.gitBlob ? 'sha1' : 'sha256');
    if (this.gitBlob) h.update(`blob ${this.file.size}\0`);
    return h;
  }

  reset(): void {
    this.hash = this.fresh();
    this.fed = 0;
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.fed += chunk.byteLength;
  }

  /** Feed bytes [fed, end) of a file already on disk (a `.part` left by a pause or a drop). */
  async catchUp(file: string, end: number): Promise<void> {
    if (end <= this.fed) return;
    const stream = createReadStream(file, { start: this.fed, end: end - 1 });
    for await (const chunk of stream) this.update(chunk as Buffer);
  }

  /** Throws E_DOWNLOAD_HASH naming the file when the content is not the repository's. */
  check(): void {
    const { file } = this;
    if (this.fed !== file.size) {
      throw new PaletteError(
        'E_DOWNLOAD_HASH',
        `${file.path}: downloaded ${this.fed} bytes, the repository says ${file.size}; the file was discarded`,
      );
    }
    const expected = (this.gitBlob ? file.oid : file.sha256 ?? '').toLowerCase();
    // Without an id in the listing the size is all we can check.
    if (!expected) return;
    const actual = this.hash.digest('hex');
    if (actual !== expected) {
      const algo = this.gitBlob ? 'git blob id' : 'SHA-256';
      throw new PaletteError(
        'E_DOWNLOAD_HASH',
        `${file.path}: ${algo} does not match the repository (expected ${expected.slice(0, 12)}…, got ${actual.slice(0, 12)}…); the file was discarded`,
      );
    }
  }
}
