/**
 * The blur input of a layer (ENGINE-SPEC §3.1): its raw mask, times cover_alpha where a visible
 * layer above has raw > 0. Window-wise, so an edit only touches what it changed.
 */
import type { Rect } from './rect';

/** A canvas mask: Float32Array with values 0..1, or Uint8Array alpha 0..255. */
export type CanvasMask = Float32Array | Uint8Array;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** index of the lowest set bit of a nonzero 32-bit word */
function lowestBit(w: number): number {
  return 31 - Math.clz32(w & -w);
}

/** 0x80 in each byte of w that is zero, 0 elsewhere (exact, no borrow between bytes) */
function zeroBytes(w: number): number {
  return ~(((w & 0x7f7f7f7f) + 0x7f7f7f7f) | w | 0x7f7f7f7f);
}

/** rows compared at once by diffAndCopy before it looks at words */
const DIFF_BAND = 16;

/**
 * Copies `next` into `raw`; returns the bounding boxes of changed pixels and of pixels whose
 * (> 0) status changed. Bands of rows are compared natively first (memcmp), then 32-bit words:
 * a stroke touches few of them.
 */
export function diffAndCopy(raw: CanvasMask, next: CanvasMask, width: number, height: number): { changed: Rect | null; coverChanged: Rect | null } {
  const W = width;
  const perWord = raw instanceof Uint8Array ? 4 : 1;
  const aligned = raw.byteOffset % 4 === 0 && next.byteOffset % 4 === 0;
  const a32 = aligned ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length / perWord) : null;
  const b32 = aligned ? new Uint32Array(next.buffer, next.byteOffset, next.length / perWord) : null;
  const wordsPerRow = W / perWord;
  const bytewise = perWord === 4 && LITTLE_ENDIAN;
  let cx0 = W, cy0 = height, cx1 = -1, cy1 = -1;
  let px0 = W, py0 = height, px1 = -1, py1 = -1;
  const bytesPerRow = W * raw.BYTES_PER_ELEMENT;
  const bufA = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const bufB = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
  for (let y = 0; y < height; y++) {
    if (y % DIFF_BAND === 0) {
      const end = Math.min(height, y + DIFF_BAND) * bytesPerRow;
      if (bufA.subarray(y * bytesPerRow, end).equals(bufB.subarray(y * bytesPerRow, end))) {
        y += DIFF_BAND - 1;
        continue;
      }
    }
    const off = y * W;
    for (let wi = 0; wi < wordsPerRow; wi++) {
      if (a32 && b32 && a32[y * wordsPerRow + wi] === b32[y * wordsPerRow + wi]) continue;
      if (bytewise && a32 && b32) {
        // four alpha bytes: the first and last that differ, and those whose (> 0) changed
        const i = y * wordsPerRow + wi;
        const a = a32[i], b = b32[i];
        const d = a ^ b;
        const x = wi * 4;
        const first = x + (lowestBit(d) >> 3), last = x + ((31 - Math.clz32(d)) >> 3);
        if (first < cx0) cx0 = first;
        if (last > cx1) cx1 = last;
        if (y < cy0) cy0 = y;
        cy1 = y;
        const p = zeroBytes(a) ^ zeroBytes(b);
        if (p !== 0) {
          const pf = x + (lowestBit(p) >> 3), pl = x + ((31 - Math.clz32(p)) >> 3);
          if (pf < px0) px0 = pf;
          if (pl > px1) px1 = pl;
          if (y < py0) py0 = y;
          py1 = y;
        }
        a32[i] = b;
        continue;
      }
      for (let x = wi * perWord; x < (wi + 1) * perWord; x++) {
        const a = raw[off + x];
        const b = next[off + x];
        if (a === b) continue;
        if (x < cx0) cx0 = x;
        if (x > cx1) cx1 = x;
        if (y < cy0) cy0 = y;
        cy1 = y;
        if ((a > 0) !== (b > 0)) {
          if (x < px0) px0 = x;
          if (x > px1) px1 = x;
          if (y < py0) py0 = y;
          py1 = y;
        }
        raw[off + x] = b;
      }
    }
  }
  return {
    changed: cx1 < 0 ? null : { x0: cx0, y0: cy0, x1: cx1 + 1, y1: cy1 + 1 },
    coverChanged: px1 < 0 ? null : { x0: px0, y0: py0, x1: px1 + 1, y1: py1 + 1 },
  };
}

let zeros = Buffer.alloc(0);
const bytesOf = new WeakMap<ArrayBufferLike, Buffer>();

/** whether raw[start .. start + len) are all zero bytes (+0), compared natively */
function zeroSpan(raw: CanvasMask, start: number, len: number): boolean {
  const bytes = len * raw.BYTES_PER_ELEMENT;
  if (zeros.length < bytes) zeros = Buffer.alloc(Math.max(bytes, 2 * zeros.length));
  let buf = bytesOf.get(raw.buffer);
  if (!buf) bytesOf.set(raw.buffer, (buf = Buffer.from(raw.buffer)));
  const at = raw.byteOffset + start * raw.BYTES_PER_ELEMENT;
  return zeros.compare(buf, at, at + bytes, 0, bytes) === 0;
}

/** bounding box of raw > 0 pixels within `r` (cover only changes those), or null */
export function positiveBounds(raw: CanvasMask, width: number, r: Rect): Rect | null {
  let x0 = r.x1, y0 = r.y1, x1 = -1, y1 = -1;
  for (let y = r.y0; y < r.y1; y++) {
    const off = y * width;
    if (zeroSpan(raw, off + r.x0, r.x1 - r.x0)) continue;
    for (let x = r.x0; x < r.x1; x++) {
      if (raw[off + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** bounding box of nonzero pixels within `r` (where the blur input can be nonzero), or null */
export function nonzeroBounds(raw: CanvasMask, width: number, r: Rect): Rect | null {
  let x0 = r.x1, y0 = r.y1, x1 = -1, y1 = -1;
  for (let y = r.y0; y < r.y1; y++) {
    const off = y * width;
    if (zeroSpan(raw, off + r.x0, r.x1 - r.x0)) continue;
    let first = -1;
    for (let x = r.x0; x < r.x1; x++) {
      if (raw[off + x] !== 0) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = r.x1 - 1; x > first; x--) {
      if (raw[off + x] !== 0) {
        last = x;
        break;
      }
    }
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (y < y0) y0 = y;
    y1 = y;
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** whether any pixel within `r` is nonzero */
export function anyNonzero(raw: CanvasMask, width: number, r: Rect): boolean {
  for (let y = r.y0; y < r.y1; y++) {
    const off = y * width;
    if (zeroSpan(raw, off + r.x0, r.x1 - r.x0)) continue;
    for (let x = r.x0; x < r.x1; x++) if (raw[off + x] !== 0) return true;
  }
  return false;
}

/** a layer's blur input as it is stored: raw · scale, times cover_alpha where a visible layer above has raw > 0 */
export interface RawInput {
  readonly raw: CanvasMask;
  readonly scale: number;
  readonly alpha: number;
  /** raw masks of the visible layers above */
  readonly above: readonly CanvasMask[];
}

/** whether a visible layer above has raw > 0 at canvas index i */
export function coveredAt(above: readonly CanvasMask[], i: number): boolean {
  for (const a of above) if (a[i] > 0) return true;
  return false;
}

/** ENGINE-SPEC §3.1 for one pixel: its scaled raw value, times cover_alpha where covered (0 stays 0) */
export function coverValue(v: number, covered: boolean, alpha: number): number {
  return covered && v !== 0 ? v * alpha : v;
}

/** the blur input at canvas index i (what blurInput writes there) */
export function blurInputAt(src: RawInput, i: number): number {
  return coverValue(src.raw[i] * src.scale, src.above.length > 0 && coveredAt(src.above, i), src.alpha);
}

/**
 * input (window-sized) = raw · scale · (cover_alpha where a visible layer above has raw > 0);
 * `cover` is scratch of at least the window's width.
 */
export function blurInput(raw: CanvasMask, scale: number, alpha: number, above: readonly CanvasMask[], width: number,
  win: Rect, input: Float64Array, cover: Uint8Array): void {
  const w = win.x1 - win.x0;
  const h = win.y1 - win.y0;
  for (let y = 0; y < h; y++) {
    const src = (y + win.y0) * width + win.x0;
    const dst = y * w;
    for (let x = 0; x < w; x++) input[dst + x] = raw[src + x] * scale;
    if (above.length === 0) continue;
    cover.fill(0, 0, w);
    for (const a of above) for (let x = 0; x < w; x++) if (a[src + x] > 0) cover[x] = 1;
    for (let x = 0; x < w; x++) input[dst + x] = coverValue(input[dst + x], cover[x] !== 0, alpha);
  }
}
