/** .palette bytes → PaletteDocument, validating everything (docs/palette-format.md, "Reading"). */
import {
  brushPropertiesOf,
  MAX_LAYERS,
  migrateManifest,
  toLayerId,
  validateCanvasSize,
  validatePaletteDocument,
  validateSettings,
  type PaletteDocument,
  type PaletteManifest,
  type SemanticBrush,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import { validateManifestSchema } from './manifest-schema';
import { MANIFEST_ENTRY, STACK_ENTRY } from './palette-encode';
import { decodePng, readPngSize } from './png-codec';
import { alphaChannel } from './raster';
import { DEFAULT_ARCHIVE_LIMITS, readArchive, type ArchiveLimits } from './zip-archive';

export interface DecodedPalette {
  document: PaletteDocument;
  /** the file's format version before migration (1 = current) */
  fromVersion: number;
}

/** a real manifest is 4 levels deep; anything far deeper is refused before code that recurses sees it */
const MAX_MANIFEST_DEPTH = 32;

function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_MANIFEST_DEPTH) break;
    if (value !== null && typeof value === 'object') for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function parseManifest(bytes: Uint8Array | undefined): unknown {
  if (!bytes) throw new PaletteError('E_MANIFEST_MISSING', 'the file has no palette.json (is it a plain OpenRaster image?)');
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new PaletteError('E_MANIFEST_JSON', `palette.json is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (nestingDepth(manifest) > MAX_MANIFEST_DEPTH) {
    throw new PaletteError('E_MANIFEST_SCHEMA', `palette.json is nested more than ${MAX_MANIFEST_DEPTH} levels deep`);
  }
  return manifest;
}

/** the limits get their own codes so the message can say "too large", not "schema" */
function checkLimits(m: Record<string, unknown>): void {
  const c = m.canvas as Record<string, unknown> | undefined;
  if (c && typeof c.width === 'number' && typeof c.height === 'number') validateCanvasSize(c, 'the canvas');
  if (Array.isArray(m.layers) && m.layers.length > MAX_LAYERS) {
    throw new PaletteError('E_TOO_MANY_LAYERS', `the file has ${m.layers.length} layers; at most ${MAX_LAYERS} are allowed`);
  }
}

function readPicture(archive: Map<string, Uint8Array>, name: string, width: number, height: number): Uint8Array {
  const bytes = archive.get(name);
  if (!bytes) throw new PaletteError('E_PNG_MISSING', `palette.json refers to "${name}", which is not in the file`);
  const size = readPngSize(bytes, name);
  if (size.width !== width || size.height !== height) {
    throw new PaletteError('E_PNG_SIZE', `"${name}" is ${size.width}×${size.height}; the canvas is ${width}×${height}`);
  }
  const png = decodePng(bytes, name);
  if (png.width !== width || png.height !== height) throw new PaletteError('E_PNG_SIZE', `"${name}" does not decode to ${width}×${height}`);
  return png.data;
}

export function decodePaletteDetailed(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): DecodedPalette {
  return decodePaletteArchive(readArchive(bytes, limits));
}

/** The entries of an archive already read (and checked) by readArchive. */
export function decodePaletteArchive(archive: Map<string, Uint8Array>): DecodedPalette {
  if (!archive.has(STACK_ENTRY)) throw new PaletteError('E_ORA_STACK_MISSING', 'the file has no stack.xml (not an OpenRaster archive)');
  const { manifest: migrated, fromVersion } = migrateManifest(parseManifest(archive.get(MANIFEST_ENTRY)));
  checkLimits(migrated);
  validateManifestSchema(migrated);
  const m: PaletteManifest = migrated;
  try {
    validateSettings(m.settings);
  } catch (e) {
    throw new PaletteError('E_MANIFEST_SCHEMA', `palette.json ${(e as Error).message}`, { cause: e });
  }
  const { width, height } = m.canvas;
  const referenced = new Set<string>();
  const ids = new Set<string>();
  for (const [i, l] of m.layers.entries()) {
    if (ids.has(l.id)) throw new PaletteError('E_DUPLICATE_LAYER_ID', `palette.json /layers/${i}/id "${l.id}" is used by two layers`);
    if (referenced.has(l.mask) || l.mask === m.background.image) {
      throw new PaletteError('E_MANIFEST_SCHEMA', `palette.json /layers/${i}/mask "${l.mask}" is used twice`);
    }
    ids.add(l.id);
    referenced.add(l.mask);
  }
  const layers: SemanticBrush[] = m.layers.map((l) => ({
    id: toLayerId(l.id),
    ...brushPropertiesOf(l),
    mask: alphaChannel(readPicture(archive, l.mask, width, height)),
  }));
  const document: PaletteDocument = {
    canvas: { width, height },
    modelId: m.modelId,
    seed: m.seed,
    settings: { ...m.settings, tIndexList: [...m.settings.tIndexList] },
    background: {
      prompt: m.background.prompt,
      negativePrompt: m.background.negativePrompt,
      image: m.background.image === null ? null : readPicture(archive, m.background.image, width, height),
    },
    layers,
  };
  validatePaletteDocument(document);
  return { document, fromVersion };
}

export function decodePalette(bytes: Uint8Array, limits?: ArchiveLimits): PaletteDocument {
  return decodePaletteDetailed(bytes, limits).document;
}
