/**
 * OpenRaster's `stack.xml` as a flat list of layers, top to bottom, the way a paint program
 * composites them: nested stacks (groups) are expanded in place, their offsets added and
 * their opacity and visibility passed down to their children. Spec: openraster.org
 * "Stack.xml" (image → stack → stack | layer). Parsed with saxes: strict XML, no DTD, no
 * external entities.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { PaletteError } from '../../shared/errors';
import { unsafeEntryName } from './zip-archive';

export interface OraStackLayer {
  name: string;
  /** archive entry of the pixels */
  src: string;
  /** canvas position of the PNG's top-left pixel (group offsets included) */
  x: number;
  y: number;
  /** 0..1, the product of the layer's and its groups' opacity */
  opacity: number;
  /** false when the layer or any group around it is hidden */
  visible: boolean;
  compositeOp: string;
  /** names of the groups around the layer, outermost first (the root stack is not one) */
  groups: string[];
}

export interface OraStack {
  width: number;
  height: number;
  /** top → bottom, groups flattened in place */
  layers: OraStackLayer[];
}

/** stack.xml of a 64-layer file is a few KB; anything this large is not an honest file */
export const MAX_STACK_XML_BYTES = 4 * 1024 * 1024;
/** groups inside groups; deeper than this is not a drawing */
export const MAX_STACK_DEPTH = 64;
/** layer elements before skipping anything (the document's own limit applies after) */
export const MAX_STACK_LAYERS = 1024;

const bad = (message: string, cause?: unknown): PaletteError => new PaletteError('E_ORA_STACK_XML', `stack.xml: ${message}`, cause ? { cause } : undefined);

function number(tag: SaxesTagPlain, key: string, fallback: number): number {
  const raw = tag.attributes[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw bad(`<${tag.name} name=${JSON.stringify(tag.attributes.name ?? '')}> has ${key}=${JSON.stringify(raw.slice(0, 40))}, which is not a number`);
  return n;
}

/** Integer canvas offsets; OpenRaster writes integers, other values are rounded. */
const offset = (tag: SaxesTagPlain, key: 'x' | 'y'): number => Math.round(number(tag, key, 0));
const opacityOf = (tag: SaxesTagPlain): number => Math.min(1, Math.max(0, number(tag, 'opacity', 1)));
const hidden = (tag: SaxesTagPlain): boolean => tag.attributes.visibility === 'hidden';

interface Frame {
  x: number;
  y: number;
  opacity: number;
  visible: boolean;
  groups: string[];
}

export function parseStackXml(bytes: Uint8Array): OraStack {
  if (bytes.length > MAX_STACK_XML_BYTES) throw bad(`is ${bytes.length} bytes; at most ${MAX_STACK_XML_BYTES} are read`);
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw bad('is not UTF-8 text', e);
  }
  const parser = new SaxesParser({ xmlns: false, position: true });
  let image: { width: number; height: number } | null = null;
  let rootStackSeen = false;
  const frames: Frame[] = [];
  const layers: OraStackLayer[] = [];
  let depth = 0;
  /** per open element: whether it pushed a frame (a stack that is part of the picture) */
  const pushed: boolean[] = [];
  let failure: PaletteError | null = null;

  parser.on('opentag', (tag) => {
    depth += 1;
    pushed.push(false);
    if (depth === 1) {
      if (tag.name !== 'image') throw bad(`the root element is <${tag.name}>, expected <image>`);
      const w = number(tag, 'w', NaN);
      const h = number(tag, 'h', NaN);
      if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0) {
        throw bad(`<image> needs positive integer w and h, got w=${JSON.stringify(tag.attributes.w ?? null)} h=${JSON.stringify(tag.attributes.h ?? null)}`);
      }
      image = { width: w, height: h };
      return;
    }
    const parent = frames[frames.length - 1];
    if (tag.name === 'stack') {
      if (depth === 2) {
        if (rootStackSeen) throw bad('<image> has more than one root <stack>');
        rootStackSeen = true;
      } else if (!parent || depth !== frames.length + 2) {
        return; // a stack inside something that is not a stack: not part of the picture
      }
      if (frames.length >= MAX_STACK_DEPTH) throw bad(`groups are nested more than ${MAX_STACK_DEPTH} deep`);
      const base = parent ?? { x: 0, y: 0, opacity: 1, visible: true, groups: [] };
      frames.push({
        x: base.x + offset(tag, 'x'),
        y: base.y + offset(tag, 'y'),
        opacity: base.opacity * opacityOf(tag),
        visible: base.visible && !hidden(tag),
        // the root stack is the image itself, not a group
        groups: depth === 2 ? [] : [...base.groups, tag.attributes.name ?? ''],
      });
      pushed[pushed.length - 1] = true;
      return;
    }
    if (tag.name === 'layer' && parent && depth === frames.length + 2) {
      if (layers.length >= MAX_STACK_LAYERS) throw bad(`has more than ${MAX_STACK_LAYERS} layers`);
      const name = tag.attributes.name ?? '';
      const src = tag.attributes.src;
      if (!src) throw bad(`layer ${JSON.stringify(name)} has no src`);
      const why = unsafeEntryName(src);
      if (why) throw new PaletteError('E_ZIP_UNSAFE_NAME', `stack.xml: layer ${JSON.stringify(name)} has src ${JSON.stringify(src.slice(0, 200))} with ${why}`);
      layers.push({
        name,
        src,
        x: parent.x + offset(tag, 'x'),
        y: parent.y + offset(tag, 'y'),
        opacity: parent.opacity * opacityOf(tag),
        visible: parent.visible && !hidden(tag),
        compositeOp: tag.attributes['composite-op'] ?? 'svg:src-over',
        groups: parent.groups,
      });
    }
    // other elements (<text>, <filter>, extensions) carry no pixels we can use
  });
  parser.on('closetag', () => {
    depth -= 1;
    if (pushed.pop()) frames.pop();
  });
  parser.on('error', (e) => {
    failure ??= bad(`is not well-formed XML: ${e.message.split('\n')[0]}`, e);
    throw failure;
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof PaletteError) throw e;
    throw bad(`is not well-formed XML: ${(e as Error).message.split('\n')[0]}`, e);
  }
  if (!image) throw bad('has no <image> element');
  if (!rootStackSeen) throw bad('<image> has no <stack>');
  const { width, height } = image;
  return { width, height, layers };
}
