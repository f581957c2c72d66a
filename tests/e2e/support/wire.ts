/**
 * Values crossing the Playwright binding between the page and the test process. Bindings
 * carry JSON, so typed arrays and ArrayBuffers travel as tagged base64 and come back as the
 * same types on the other side (what Electron's structured clone would have given).
 */

type BytesKind = 'u8' | 'u8c' | 'ab';
interface Tagged {
  __paletteBytes: string;
  kind: BytesKind;
}

const CHUNK = 0x8000;

function toBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') {
    const buf = Buffer.from(b64, 'base64');
    const out = new Uint8Array(buf.length);
    out.set(buf);
    return out;
  }
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function isTagged(v: unknown): v is Tagged {
  return !!v && typeof v === 'object' && typeof (v as Tagged).__paletteBytes === 'string';
}

export function encodeWire(value: unknown): unknown {
  if (value instanceof Uint8ClampedArray) return { __paletteBytes: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)), kind: 'u8c' };
  if (value instanceof Uint8Array) return { __paletteBytes: toBase64(value), kind: 'u8' };
  if (value instanceof ArrayBuffer) return { __paletteBytes: toBase64(new Uint8Array(value)), kind: 'ab' };
  if (Array.isArray(value)) return value.map(encodeWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeWire(v);
    return out;
  }
  return value;
}

export function decodeWire(value: unknown): unknown {
  if (isTagged(value)) {
    const bytes = fromBase64(value.__paletteBytes);
    if (value.kind === 'u8c') return new Uint8ClampedArray(bytes.buffer);
    if (value.kind === 'ab') return bytes.buffer;
    return bytes;
  }
  if (Array.isArray(value)) return value.map(decodeWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeWire(v);
    return out;
  }
  return value;
}
