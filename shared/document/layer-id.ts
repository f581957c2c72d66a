import { PaletteError, quoteValue } from '../errors';

declare const layerIdBrand: unique symbol;
/** Identity of a semantic brush; stable across renames, reorders, saves and undo. */
export type LayerId = string & { readonly [layerIdBrand]: true };

/** ids end up in file names, XML attributes and IPC payloads: keep them boring */
export const LAYER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isLayerId(value: unknown): value is LayerId {
  return typeof value === 'string' && LAYER_ID_PATTERN.test(value);
}

export function toLayerId(value: string): LayerId {
  if (!isLayerId(value)) {
    throw new PaletteError('E_BAD_LAYER_ID', `layer id ${quoteValue(value)} is not 1–64 letters, digits, '-' or '_'`);
  }
  return value;
}

/** Random, collision-free in practice (80 bits); works in Node and in the renderer. */
export function createLayerId(): LayerId {
  const bytes = new Uint8Array(10);
  globalThis.crypto.getRandomValues(bytes);
  let id = 'layer-';
  for (const b of bytes) id += b.toString(16).padStart(2, '0');
  return id as LayerId;
}
