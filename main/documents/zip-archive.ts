/**
 * The zip container of a .palette file, read defensively: every name and every declared size
 * is checked before anything is inflated, so a hostile file can neither write outside the
 * archive's namespace nor make us allocate more than the limits below.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { crc32 } from 'node:zlib';
import { PaletteError, quoteValue } from '../../shared/errors';

export const ORA_MIMETYPE = 'image/openraster';

export interface ArchiveLimits {
  /** largest declared uncompressed size of one entry */
  maxEntryBytes: number;
  /** largest sum of declared uncompressed sizes (zip bombs) */
  maxTotalBytes: number;
  maxEntries: number;
}

/** An 8192² RGBA PNG that does not compress at all is 256 MiB; 1 GiB total covers any honest file. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntryBytes: 320 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntries: 256,
});

/** Why a name is unsafe, or null when it stays inside the archive. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.length > 512) return 'a name longer than 512 characters';
  if (name.includes('\\')) return 'a backslash';
  if (name.includes('\0')) return 'a NUL character';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((part) => part === '..')) return "a '..' segment";
  return null;
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;

/** OpenRaster: `mimetype` is the first entry, stored (not compressed), holding exactly the MIME type. */
function checkMimetypeEntry(bytes: Uint8Array): void {
  const isLocalHeader = bytes.length >= 30 && u32(bytes, 0) === 0x04034b50;
  const nameLength = isLocalHeader ? u16(bytes, 26) : 0;
  const name = isLocalHeader ? new TextDecoder().decode(bytes.subarray(30, 30 + nameLength)) : '';
  if (name !== 'mimetype') {
    throw new PaletteError('E_ZIP_MIMETYPE', `the first entry of the archive must be "mimetype" (OpenRaster), found ${quoteValue(name)}`);
  }
  if (u16(bytes, 8) !== 0) throw new PaletteError('E_ZIP_MIMETYPE', 'the "mimetype" entry must be stored uncompressed (OpenRaster)');
  const start = 30 + nameLength + u16(bytes, 28);
  const content = new TextDecoder().decode(bytes.subarray(start, start + u32(bytes, 18)));
  if (content !== ORA_MIMETYPE) {
    throw new PaletteError('E_ZIP_MIMETYPE', `the mimetype is ${quoteValue(content)}, expected "${ORA_MIMETYPE}"`);
  }
}

/**
 * CRC-32 of each entry, in central-directory order (the order fflate visits them). fflate does
 * not check them, and without the check a damaged or size-lying entry passes as a short one.
 */
function centralDirectoryCrcs(bytes: Uint8Array): number[] {
  let eocd = bytes.length - 22;
  while (eocd >= 0 && u32(bytes, eocd) !== 0x06054b50) {
    if (bytes.length - eocd > 65557) break;
    eocd--;
  }
  if (eocd < 0 || u32(bytes, eocd) !== 0x06054b50) throw new PaletteError('E_ZIP_CORRUPT', 'the file is not a zip archive (or it is truncated)');
  const count = u16(bytes, eocd + 10);
  let p = u32(bytes, eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new PaletteError('E_ZIP_UNSUPPORTED', 'zip64 archives are not supported');
  const crcs: number[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || u32(bytes, p) !== 0x02014b50) throw new PaletteError('E_ZIP_CORRUPT', 'the zip directory is damaged');
    crcs.push(u32(bytes, p + 16));
    p += 46 + u16(bytes, p + 28) + u16(bytes, p + 30) + u16(bytes, p + 32);
  }
  return crcs;
}

/** Entries by name (directories omitted). Throws PaletteError for anything off. */
export function readArchive(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Map<string, Uint8Array> {
  const declared = new Map<string, number>();
  const crcs = centralDirectoryCrcs(bytes);
  const crcOf = new Map<string, number>();
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(entry) {
        const why = unsafeEntryName(entry.name);
        if (why) throw new PaletteError('E_ZIP_UNSAFE_NAME', `archive entry ${quoteValue(entry.name)} has ${why}`);
        if (declared.has(entry.name)) throw new PaletteError('E_ZIP_DUPLICATE_ENTRY', `archive entry "${entry.name}" appears twice`);
        if (declared.size >= limits.maxEntries) {
          throw new PaletteError('E_ZIP_TOO_LARGE', `the archive has more than ${limits.maxEntries} entries`);
        }
        if (entry.compression !== 0 && entry.compression !== 8) {
          throw new PaletteError('E_ZIP_UNSUPPORTED', `archive entry "${entry.name}" uses compression method ${entry.compression}; only stored and deflate are supported`);
        }
        if (entry.originalSize > limits.maxEntryBytes) {
          throw new PaletteError('E_ZIP_TOO_LARGE', `archive entry "${entry.name}" would unpack to ${entry.originalSize} bytes (limit ${limits.maxEntryBytes})`);
        }
        total += entry.originalSize;
        if (total > limits.maxTotalBytes) {
          throw new PaletteError('E_ZIP_TOO_LARGE', `the archive would unpack to more than ${limits.maxTotalBytes} bytes (zip bomb?)`);
        }
        if (entry.compression === 0 && entry.size !== entry.originalSize) {
          throw new PaletteError('E_ZIP_CORRUPT', `archive entry "${entry.name}" is damaged (stored sizes disagree)`);
        }
        declared.set(entry.name, entry.originalSize);
        crcOf.set(entry.name, crcs[declared.size - 1]);
        return !entry.name.endsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof PaletteError) throw e;
    throw new PaletteError('E_ZIP_CORRUPT', `the file is not a readable zip archive (truncated or damaged): ${(e as Error).message}`, { cause: e });
  }
  checkMimetypeEntry(bytes);
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    // the inflater writes into a buffer of the declared size and never grows it, so a lie
    // about the size shows up here as a short entry, never as a large allocation
    if (data.length !== declared.get(name)) {
      throw new PaletteError('E_ZIP_CORRUPT', `archive entry "${name}" is damaged (${data.length} bytes, declared ${declared.get(name)})`);
    }
    if (crc32(data) !== crcOf.get(name)) throw new PaletteError('E_ZIP_CORRUPT', `archive entry "${name}" is damaged (checksum mismatch)`);
    out.set(name, data);
  }
  return out;
}

export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
  /** store instead of deflate (the mimetype must be stored; PNGs are already compressed) */
  stored?: boolean;
}

/** a fixed timestamp keeps saves of the same document byte-identical */
const FIXED_MTIME = new Date(2024, 0, 1, 0, 0, 0);

export function writeArchive(entries: readonly ArchiveEntry[]): Uint8Array {
  const input: Zippable = {};
  for (const e of entries) input[e.name] = [e.data, { level: e.stored ? 0 : 6, mtime: FIXED_MTIME }];
  return zipSync(input);
}
