import { PNG } from 'pngjs';
import { PaletteError } from '../../shared/errors';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA8, row-major */
  data: Uint8Array;
}

/** Size from the IHDR chunk, read before decoding so a huge PNG is refused without inflating it. */
export function readPngSize(bytes: Uint8Array, name: string): { width: number; height: number } {
  const ok = bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b) && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  if (!ok) throw new PaletteError('E_PNG_CORRUPT', `"${name}" is not a PNG image`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function decodePng(bytes: Uint8Array, name: string): RgbaImage {
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } catch (e) {
    throw new PaletteError('E_PNG_CORRUPT', `"${name}" is not a decodable PNG image: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * `flat`: the Sub filter, fast and as small as any for masks and flat colour fields.
 * `photo`: pngjs's adaptive per-row filter choice, smaller for rendered pictures but ~10× slower.
 */
export type PngContent = 'flat' | 'photo';

export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, content: PngContent = 'photo'): Buffer {
  const png = new PNG({ width, height, colorType: 6, inputColorType: 6, inputHasAlpha: true });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, inputHasAlpha: true, filterType: content === 'flat' ? 1 : -1 });
}
