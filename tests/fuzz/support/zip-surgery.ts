/**
 * Zip archives taken apart and put back together by hand, so the fuzzer can write what no
 * zip library would: duplicated names, lying sizes, odd methods, any entry order.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  data: Uint8Array;
  /** 0 stored, 8 deflate; any other number is written as is (the data then stays stored) */
  method?: number;
  /** the uncompressed size written in both headers (default: the real one) */
  declaredSize?: number;
  /** the CRC written in both headers (default: the real one) */
  crc?: number;
}

const enc = new TextEncoder();

/** a zip with the entries in the given order, each with its local header, then the central directory */
export function buildZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const method = e.method ?? 8;
    const body = method === 8 ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc >>> 0, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size >>> 0, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc >>> 0, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size >>> 0, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, body);
    central.push(cd);
    offset += local.length + body.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, eocd]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

export interface ZipLayout {
  /** every offset where one zip structure or field group ends and the next begins */
  boundaries: number[];
  /** [start, end) of each header (local, central, end of directory): the bytes a flip hurts most */
  headers: Array<[number, number]>;
}

/** the structure of a well-formed archive (the valid examples), for cuts and targeted flips */
export function zipLayout(bytes: Uint8Array): ZipLayout {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boundaries = new Set<number>([0, bytes.length]);
  const headers: Array<[number, number]> = [];
  let eocd = bytes.length - 22;
  while (eocd > 0 && v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  for (let i = 0; i < count; i++) {
    const nameLength = v.getUint16(p + 28, true);
    const extra = v.getUint16(p + 30, true);
    const comment = v.getUint16(p + 32, true);
    const local = v.getUint32(p + 42, true);
    const compressed = v.getUint32(p + 20, true);
    const lName = v.getUint16(local + 26, true);
    const lExtra = v.getUint16(local + 28, true);
    const dataStart = local + 30 + lName + lExtra;
    for (const b of [local, local + 4, local + 14, local + 26, local + 30, local + 30 + lName, dataStart, dataStart + compressed]) boundaries.add(b);
    for (const b of [p, p + 4, p + 16, p + 28, p + 42, p + 46, p + 46 + nameLength, p + 46 + nameLength + extra + comment]) boundaries.add(b);
    headers.push([local, local + 30 + lName + lExtra], [p, p + 46 + nameLength + extra + comment]);
    p += 46 + nameLength + extra + comment;
  }
  for (const b of [eocd, eocd + 8, eocd + 12, eocd + 16, eocd + 20, eocd + 22]) boundaries.add(b);
  headers.push([eocd, eocd + 22]);
  return { boundaries: [...boundaries].sort((a, b) => a - b), headers };
}

/** PNG chunks, for chunk-level surgery */
export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunks(png: Uint8Array): PngChunk[] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: PngChunk[] = [];
  for (let p = 8; p + 12 <= png.length; ) {
    const length = v.getUint32(p);
    out.push({ type: String.fromCharCode(...png.subarray(p + 4, p + 8)), data: png.slice(p + 8, p + 8 + length) });
    p += 12 + length;
  }
  return out;
}

/** chunks back to a PNG; `crc` and `length` override what is written for a chunk */
export function buildPng(chunks: ReadonlyArray<PngChunk & { crc?: number; length?: number }>): Uint8Array {
  const size = 8 + chunks.reduce((n, c) => n + 12 + c.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set(PNG_SIGNATURE, 0);
  let p = 8;
  for (const c of chunks) {
    v.setUint32(p, (c.length ?? c.data.length) >>> 0);
    const typed = new Uint8Array(4 + c.data.length);
    typed.set(enc.encode(c.type.padEnd(4).slice(0, 4)), 0);
    typed.set(c.data, 4);
    out.set(typed, p + 4);
    v.setUint32(p + 8 + c.data.length, (c.crc ?? crc32(typed)) >>> 0);
    p += 12 + c.data.length;
  }
  return out;
}
