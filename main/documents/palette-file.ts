/** .palette files on disk: open with full validation, save atomically with a .bak of the previous version. */
import { promises as fs } from 'node:fs';
import type { PaletteDocument } from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { cleanStaleTemps, writeFileAtomic } from './atomic-write';
import { decodePaletteDetailed, type DecodedPalette } from './palette-decode';
import { encodePalette, type EncodeOptions } from './palette-encode';
import { DEFAULT_ARCHIVE_LIMITS } from './zip-archive';

/** Reads the whole file into memory once its size is known to be sane. */
export async function readBounded(file: string): Promise<Uint8Array> {
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new PaletteError('E_FILE_READ', `"${file}" is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof PaletteError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PaletteError('E_FILE_NOT_FOUND', `"${file}" does not exist`, { cause: e });
    throw new PaletteError('E_FILE_READ', `cannot read "${file}": ${(e as Error).message}`, { cause: e });
  }
  if (size > DEFAULT_ARCHIVE_LIMITS.maxTotalBytes) {
    throw new PaletteError('E_FILE_TOO_LARGE', `"${file}" is ${size} bytes; a .palette file is at most ${DEFAULT_ARCHIVE_LIMITS.maxTotalBytes}`);
  }
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    throw new PaletteError('E_FILE_READ', `cannot read "${file}": ${(e as Error).message}`, { cause: e });
  }
}

/** Runs `decode` over the file's bytes; a PaletteError gets the file's name in front. */
export async function decodeFile<T>(file: string, decode: (bytes: Uint8Array) => T): Promise<T> {
  const bytes = await readBounded(file);
  // a save killed last time may have left its temporary file next to this one
  await cleanStaleTemps(file);
  try {
    return decode(bytes);
  } catch (e) {
    // name the file: the user may have several open
    if (e instanceof PaletteError) throw new PaletteError(e.code, `${file}: ${e.message}`, { cause: e });
    throw e;
  }
}

export async function readPaletteDetailed(file: string): Promise<DecodedPalette> {
  return decodeFile(file, (bytes) => decodePaletteDetailed(bytes));
}

/** Opens and validates a .palette file (any known version, migrated to the current one). */
export async function readPalette(file: string): Promise<PaletteDocument> {
  return (await readPaletteDetailed(file)).document;
}

export interface WritePaletteOptions extends EncodeOptions {
  /** keep the previous file as NAME.palette.bak (default true) */
  backup?: boolean;
}

/** Validates, encodes, then replaces `file` atomically. On any error the file on disk is untouched. */
export async function writePalette(file: string, doc: PaletteDocument, options: WritePaletteOptions = {}): Promise<void> {
  const bytes = encodePalette(doc, options);
  await writeFileAtomic(file, bytes, { backup: options.backup ?? true });
}
