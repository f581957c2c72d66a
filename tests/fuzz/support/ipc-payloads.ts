/**
 * Payloads for the IPC fuzz: one valid request per invoke channel (the table must list every
 * channel, or this file stops compiling), and generators of payloads that break the channel's
 * contract by construction, drawn from the valid one with fast-check.
 */
import * as fc from 'fast-check';
import type { InvokeChannel } from '../../../shared/ipc/channels';

const mask = () => new Uint8Array(64 * 64);
const settings = { tIndexList: [0, 4, 12, 25, 37], maskType: 'continuous', coverAlpha: 0.3, bootstrapSteps: 1, bootstrapMixSteps: 1, guidance: 'none', guidanceScale: 1, noise: 'fixed' };
const layer = () => ({ id: 'sky', prompt: 'blue sky', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 4, visible: true, mask: mask() });
const doc = () => ({
  canvas: { width: 64, height: 64 },
  modelId: 'palette-colors',
  seed: 7,
  settings,
  background: { prompt: 'white snow', negativePrompt: '', image: null },
  layers: [{ ...layer(), name: 'Sky', color: '#78beff' }],
});

/** a valid request per channel (undefined: the channel takes none) */
export const VALID_REQUESTS: Record<InvokeChannel, unknown> = {
  'engine:start': undefined,
  'engine:pause': undefined,
  'engine:renderOnce': undefined,
  'engine:setSettings': { ...settings },
  'engine:setSeed': { seed: 42 },
  'engine:setCanvas': { width: 512, height: 256 },
  'engine:listModels': undefined,
  'engine:setModel': { modelId: 'palette-colors' },
  'engine:setBackground': { prompt: 'white', negativePrompt: '', image: new Uint8Array(64 * 64 * 4) },
  'engine:setLayers': { layers: [layer(), { ...layer(), id: 'fox' }] },
  'engine:updateLayerMask': { id: 'sky', mask: mask() },
  'engine:status': undefined,
  'document:new': { width: 512, height: 512 },
  'document:open': { path: '/home/me/fox.palette' },
  'document:save': { document: doc() },
  'document:saveAs': { document: doc() },
  'document:exportPng': { document: doc() },
  'document:exportPsd': { document: doc() },
  'document:recent': undefined,
  'document:setDirty': { dirty: true },
  'document:confirmUnsaved': { action: 'open' },
  'document:autosave': { document: doc() },
  'document:recoverable': undefined,
  'document:restoreAutosave': { id: 'abc-123' },
  'document:discardAutosave': { id: 'abc-123' },
  'document:closeWindow': undefined,
  'settings:get': undefined,
  'settings:set': { brushSize: 12, theme: 'dark' },
  'models:list': undefined,
  'models:addFolder': { path: '/models/sd' },
  'models:remove': { id: 'owner--name' },
  'models:download': { repo: 'owner/name', revision: 'main' },
  'models:pause': { downloadId: 'owner--name' },
  'models:resume': { downloadId: 'owner--name' },
  'models:cancel': { downloadId: 'owner--name' },
  'frames:connect': undefined,
  'engine:countTokens': { texts: ['a red fox', ''] },
  'document:exportFrame': { document: doc(), image: { width: 64, height: 64, pixels: new Uint8ClampedArray(64 * 64 * 4) } },
  'document:readOraMasks': { canvas: { width: 64, height: 64 }, path: '/home/me/krita.ora' },
  'models:catalogue': undefined,
  'app:copyImage': { width: 64, height: 64, pixels: new Uint8ClampedArray(64 * 64 * 4) },
  'app:examples': undefined,
  'app:openExample': { id: 'fox-in-snow' },
  'app:openHelp': { topic: 'guide' },
};

export interface BadPayload {
  kind: string;
  payload: unknown;
}

type Path = Array<string | number>;

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

function leaves(v: unknown, at: Path = []): Array<{ path: Path; value: unknown }> {
  const here = [{ path: at, value: v }];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => leaves(x, [...at, i]))];
  if (isPlain(v)) return [...here, ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]))];
  return here;
}

function clone(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return (v as Uint8Array).slice();
  if (Array.isArray(v)) return v.map(clone);
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** an own property, as a structured clone (or JSON.parse) of a hostile object has it */
function withOwnKey(root: unknown, path: Path, key: string, value: unknown): unknown {
  const copy = clone(root);
  const target = path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], copy);
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : ArrayBuffer.isView(v) ? 'bytes' : typeof v);

/** values of another kind than the original (never undefined or null: an optional or nullable field takes those) */
const wrongKind = (original: unknown): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant([]),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.constant({}),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
    fc.constant(new Float64Array(4)),
    fc.constant(new ArrayBuffer(8)),
    fc.constant(Symbol.for('x').description),
    fc.bigInt(),
    fc.constant(new Date(0)),
  ).filter((v) => kindOf(v) !== kindOf(original) && !(kindOf(original) === 'bytes' && v instanceof Uint8Array));

const NOT_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'extra', 'isAdmin', ''];

/** sizes no field allows: canvas sides, seeds, strengths, thresholds all stay far inside these */
const ENORMOUS = [2 ** 32 + 8, 2 ** 53, 1e15, 1e308, -(2 ** 31), -1e308, -8, -1];

/** fields whose numbers are bounded on both sides (a negative or enormous value must be refused) */
const BOUNDED_NUMBER_FIELDS = new Set([
  'width', 'height', 'seed', 'promptStrength', 'maskStrength', 'maskBlur', 'coverAlpha', 'bootstrapSteps', 'bootstrapMixSteps',
  'guidanceScale', 'brushSize', 'eraserSize', 'brushHardness', 'autosaveSeconds', 'engineThreads',
]);

export function badPayloads(channel: InvokeChannel, count: number, seed: number): BadPayload[] {
  const valid = VALID_REQUESTS[channel];
  const all = leaves(valid);
  const objects = all.filter((l) => isPlain(l.value));
  const numbers = all.filter((l) => typeof l.value === 'number');
  const bounded = numbers.filter((l) => BOUNDED_NUMBER_FIELDS.has(String(l.path[l.path.length - 1])) || typeof l.path[l.path.length - 2] === 'string' && l.path[l.path.length - 2] === 'tIndexList');
  const strings = all.filter((l) => typeof l.value === 'string');
  const arrays = all.filter((l) => Array.isArray(l.value));
  const pick = <T>(xs: T[]) => fc.constantFrom(...xs);

  const gens: Array<fc.Arbitrary<BadPayload>> = [
    // the whole payload replaced by something else; a channel without a request takes only undefined
    (valid === undefined ? fc.anything().filter((v) => v !== undefined) : wrongKind(valid)).map((payload) => ({ kind: 'whole', payload })),
  ];
  const fields = all.filter((l) => l.path.length > 0);
  if (fields.length > 0) gens.push(
    pick(fields).chain((l) => wrongKind(l.value).map((v) => ({ kind: `wrong type at ${l.path.join('.')}`, payload: setAt(valid, l.path, v) }))),
  );
  if (objects.length > 0) {
    gens.push(
      fc.tuple(pick(objects), fc.constantFrom(...EXTRA_KEYS), fc.anything({ maxDepth: 1 })).map(([o, key, v]) => ({
        kind: `extra field ${JSON.stringify(key)} at ${o.path.join('.') || 'top'}`,
        payload: withOwnKey(valid, o.path, key, key === '__proto__' || key === 'constructor' ? { polluted: true } : v),
      })),
    );
  }
  if (numbers.length > 0) {
    gens.push(fc.tuple(pick(numbers), fc.constantFrom(...NOT_FINITE)).map(([l, v]) => ({ kind: `${v} at ${l.path.join('.')}`, payload: setAt(valid, l.path, v) })));
  }
  if (bounded.length > 0) {
    gens.push(fc.tuple(pick(bounded), fc.constantFrom(...ENORMOUS)).map(([l, v]) => ({ kind: `${v} at ${l.path.join('.')}`, payload: setAt(valid, l.path, v) })));
  }
  if (strings.length > 0) {
    // strings every field caps: ids 64, prompts 4000, paths 4096, names 200
    gens.push(pick(strings).map((l) => ({ kind: `a 100 000-character string at ${l.path.join('.')}`, payload: setAt(valid, l.path, 'x'.repeat(100_000)) })));
  }
  if (arrays.length > 0) {
    gens.push(pick(arrays).map((l) => ({ kind: `a 10 000-item array at ${l.path.join('.')}`, payload: setAt(valid, l.path, Array.from({ length: 10_000 }, () => (l.value as unknown[])[0])) })));
  }
  return fc.sample(fc.oneof(...gens), { numRuns: count, seed });
}
