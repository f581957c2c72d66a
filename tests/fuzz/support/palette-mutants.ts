/**
 * Bad .palette files generated from the valid examples (resources/examples): cuts at every zip
 * boundary, byte flips, entry-level surgery, PNG chunk damage and schema-aware JSON mutations.
 * Every draw comes from fast-check with a fixed seed, so a run is reproducible by its seed.
 */
import * as fc from 'fast-check';
import { unzipSync } from 'fflate';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { decodePalette, encodePalette } from '../../../main/documents';
import { buildPng, buildZip, pngChunks, zipLayout, type RawEntry } from './zip-surgery';

export interface Mutant {
  /** the mutation family (truncate, flip, entries, png, json, json-text) */
  family: string;
  /** what was done, short enough for a file name or a test title */
  name: string;
  bytes: Uint8Array;
}

export const EXAMPLES_DIR = path.resolve(__dirname, '../../../resources/examples');

export interface Example {
  name: string;
  bytes: Uint8Array;
  /** the entries in archive order */
  entries: Array<{ name: string; data: Uint8Array }>;
  manifest: Record<string, unknown>;
}

function exampleOf(name: string, bytes: Uint8Array): Example {
  const files = unzipSync(bytes);
  const entries = Object.entries(files).map(([entry, data]) => ({ name: entry, data }));
  const manifest = JSON.parse(new TextDecoder().decode(files['palette.json'])) as Record<string, unknown>;
  return { name, bytes, entries, manifest };
}

export function loadExamples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.palette'))
    .sort()
    .map((file) => exampleOf(path.basename(file, '.palette'), new Uint8Array(readFileSync(path.join(EXAMPLES_DIR, file)))));
}

/**
 * The example at 1/8 of its size (nearest-neighbour masks): the manifest mutations concern
 * palette.json, and many of them leave a valid file whose save-and-reopen check costs a PNG
 * encode per layer, so they run on the small copy.
 */
export function shrinkExample(ex: Example): Example {
  const doc = decodePalette(ex.bytes);
  const { width, height } = doc.canvas;
  const w = Math.max(8, Math.round(width / 64) * 8);
  const h = Math.max(8, Math.round(height / 64) * 8);
  const sampleMask = (src: Uint8Array, channels: number) => {
    const out = new Uint8Array(w * h * channels);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = (Math.floor((y * height) / h) * width + Math.floor((x * width) / w)) * channels;
        for (let c = 0; c < channels; c++) out[(y * w + x) * channels + c] = src[from + c];
      }
    }
    return out;
  };
  const small = {
    ...doc,
    canvas: { width: w, height: h },
    background: { ...doc.background, image: doc.background.image && sampleMask(doc.background.image, 4) },
    layers: doc.layers.map((l) => ({ ...l, mask: sampleMask(l.mask, 1) })),
  };
  return exampleOf(`${ex.name}@${w}x${h}`, encodePalette(small));
}

const enc = new TextEncoder();
const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number, seed: number): T[] => fc.sample(arb, { numRuns, seed });

/** the example re-zipped with its entries changed; the mimetype stays stored as OpenRaster wants */
function rezip(ex: Example, edit: (entries: RawEntry[]) => RawEntry[]): Uint8Array {
  const entries = ex.entries.map((e) => ({ name: e.name, data: e.data, method: e.name === 'mimetype' || e.name.endsWith('.png') ? 0 : 8 }));
  return buildZip(edit(entries));
}

function withEntry(ex: Example, name: string, data: Uint8Array): Uint8Array {
  return rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, data } : e)));
}

function truncations(ex: Example): Mutant[] {
  const cuts = new Set<number>();
  for (const b of zipLayout(ex.bytes).boundaries) for (const d of [-1, 0, 1]) if (b + d >= 0 && b + d < ex.bytes.length) cuts.add(b + d);
  return [...cuts].sort((a, b) => a - b).map((n) => ({ family: 'truncate', name: `${ex.name} cut at ${n}`, bytes: ex.bytes.slice(0, n) }));
}

function byteFlips(ex: Example, count: number, seed: number): Mutant[] {
  const { headers } = zipLayout(ex.bytes);
  const n = ex.bytes.length;
  // half the flips land in a zip header, where every byte means something
  const position = fc.oneof(
    fc.integer({ min: 0, max: n - 1 }),
    fc.integer({ min: 0, max: headers.length - 1 }).chain((h) => fc.integer({ min: headers[h][0], max: headers[h][1] - 1 })),
  );
  const flip = fc.record({ at: position, value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0xff, 0x7f, 0x80)) });
  return sample(fc.array(flip, { minLength: 1, maxLength: 4 }), count, seed).map((flips) => {
    const bytes = ex.bytes.slice();
    for (const f of flips) bytes[f.at] = bytes[f.at] === f.value ? f.value ^ 0x01 : f.value;
    return { family: 'flip', name: `${ex.name} flip ${flips.map((f) => `${f.at}=${f.value}`).join(',')}`, bytes };
  });
}

function entrySurgery(ex: Example, seed: number): Mutant[] {
  const out: Mutant[] = [];
  const m = (name: string, bytes: Uint8Array) => out.push({ family: 'entries', name: `${ex.name} ${name}`, bytes });
  const names = ex.entries.map((e) => e.name);
  for (const perm of sample(fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }), 12, seed)) {
    m(`order ${perm.map((p) => names.indexOf(p)).join('')}`, rezip(ex, (es) => perm.map((p) => es.find((e) => e.name === p)!)));
  }
  for (const [i, name] of names.entries()) {
    m(`duplicate ${name}`, rezip(ex, (es) => [...es.slice(0, i + 1), es[i], ...es.slice(i + 1)]));
    m(`drop ${name}`, rezip(ex, (es) => es.filter((e) => e.name !== name)));
    m(`empty ${name}`, withEntry(ex, name, new Uint8Array(0)));
    m(`declare ${name} 4 GiB`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, declaredSize: 0xffffffff } : e))));
    m(`declare ${name} 400 MiB`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, declaredSize: 400 * 1024 * 1024 } : e))));
    m(`declare ${name} short`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, method: 8, declaredSize: Math.max(0, e.data.length - 1) } : e))));
    m(`bad crc ${name}`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, crc: 0x12345678 } : e))));
    m(`method 12 ${name}`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, method: 12 } : e))));
    m(`deflated ${name}`, rezip(ex, (es) => es.map((e) => (e.name === name ? { ...e, method: 8 } : e))));
  }
  for (const bad of ['../evil.png', '/etc/passwd', 'C:/x.png', 'data\\x.png', 'data/\0.png', 'a/../../b', 'x'.repeat(600)]) {
    m(`extra entry ${JSON.stringify(bad.slice(0, 20))}`, rezip(ex, (es) => [...es, { name: bad, data: enc.encode('x'), method: 0 }]));
  }
  m('300 extra entries', rezip(ex, (es) => [...es, ...Array.from({ length: 300 }, (_, i) => ({ name: `junk/${i}`, data: enc.encode('x'), method: 0 }))]));
  m('a 1 MiB zero entry (compresses to 1 KiB)', rezip(ex, (es) => [...es, { name: 'junk/zeros', data: new Uint8Array(1 << 20), method: 8 }]));
  m('a folder entry', rezip(ex, (es) => [...es, { name: 'data/', data: new Uint8Array(0), method: 0 }]));
  m('zip inside', withEntry(ex, 'palette.json', ex.bytes));
  m('two archives back to back', concat(ex.bytes, ex.bytes));
  m('junk before the archive', concat(enc.encode('#!/bin/sh\nexit 0\n'), ex.bytes));
  m('junk after the archive', concat(ex.bytes, new Uint8Array(70000).fill(0x50)));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width >>> 0);
  v.setUint32(4, height >>> 0);
  d.set([depth, colorType, 0, 0, interlace], 8);
  return d;
}

/** the damage done to the merged image (each opening costs a full save-and-reopen check) */
const PREVIEW_DAMAGE = ['bad IDAT crc', 'no IEND', 'IHDR 1x1', 'not a PNG', 'IDAT truncated (crc fixed)', 'IHDR 65536x65536'];

function pngDamage(ex: Example, seed: number): Mutant[] {
  const out: Mutant[] = [];
  const { width, height } = ex.manifest.canvas as { width: number; height: number };
  // the full set on the first layer mask (decoded and checked), and on the merged image (a
  // preview the reader does not need: the file must still open)
  const masks = ex.entries.filter((e) => e.name.startsWith('data/') && e.name.endsWith('.png'));
  for (const entry of ex.entries.filter((e) => e === masks[0] || e.name === 'mergedimage.png')) {
    const chunks = pngChunks(entry.data);
    const m = (name: string, png: Uint8Array) => {
      if (entry !== masks[0] && !PREVIEW_DAMAGE.includes(name)) return;
      out.push({ family: 'png', name: `${ex.name} ${entry.name} ${name}`, bytes: withEntry(ex, entry.name, png) });
    };
    const header = chunks.find((c) => c.type === 'IHDR')!.data;
    const [depth, colorType] = [header[8], header[9]];
    const withIhdr = (d: Uint8Array) => buildPng(chunks.map((c) => (c.type === 'IHDR' ? { ...c, data: d } : c)));
    for (const [w, h] of [[0, height], [width, 0], [width + 1, height], [width, height - 1], [1, 1], [0x7fffffff, 0x7fffffff], [0xffffffff, 1], [65536, 65536]]) {
      m(`IHDR ${w}x${h}`, withIhdr(ihdr(w, h, depth, colorType)));
    }
    for (const [d, t] of [[3, colorType], [16, colorType], [8, 5], [8, 1], [1, 6], [8, 3]]) m(`IHDR depth ${d} type ${t}`, withIhdr(ihdr(width, height, d, t)));
    m('interlace 2', withIhdr(ihdr(width, height, depth, colorType, 2)));
    m('interlace 1 (Adam7 claimed, data not)', withIhdr(ihdr(width, height, depth, colorType, 1)));
    m('bad IHDR crc', buildPng(chunks.map((c) => (c.type === 'IHDR' ? { ...c, crc: 0 } : c))));
    m('bad IDAT crc', buildPng(chunks.map((c) => (c.type === 'IDAT' ? { ...c, crc: 1 } : c))));
    m('IDAT length 2^31', buildPng(chunks.map((c) => (c.type === 'IDAT' ? { ...c, length: 0x80000000 } : c))));
    m('no IEND', buildPng(chunks.filter((c) => c.type !== 'IEND')));
    m('no IDAT', buildPng(chunks.filter((c) => c.type !== 'IDAT')));
    m('IEND first', buildPng([...chunks.filter((c) => c.type === 'IEND'), ...chunks.filter((c) => c.type !== 'IEND')]));
    m('two IHDR', buildPng([chunks[0], ...chunks]));
    m('IDAT truncated (crc fixed)', buildPng(chunks.map((c) => (c.type === 'IDAT' ? { ...c, data: c.data.slice(0, c.data.length >> 1) } : c))));
    m('IDAT empty', buildPng(chunks.map((c) => (c.type === 'IDAT' ? { ...c, data: new Uint8Array(0) } : c))));
    m('signature only', buildPng([]));
    m('not a PNG', enc.encode('GIF89a'));
    m('PNG cut in IHDR', entry.data.slice(0, 20));
    m('huge tEXt chunk', buildPng([chunks[0], { type: 'tEXt', data: new Uint8Array(2 << 20).fill(0x41) }, ...chunks.slice(1)]));
    m('unknown critical chunk', buildPng([chunks[0], { type: 'ABCD', data: enc.encode('x') }, ...chunks.slice(1)]));
    // bytes flipped inside the compressed pixel data, CRC recomputed: zlib or filter errors,
    // or, when the stream survives, a valid picture that must then open and round-trip
    for (const flips of sample(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }), 4, seed + entry.name.length)) {
      m(`IDAT flip ${flips.map((f) => `${f.at}=${f.value}`).join(',')}`, buildPng(chunks.map((c) => {
        if (c.type !== 'IDAT' || c.data.length === 0) return c;
        const data = c.data.slice();
        for (const f of flips) data[f.at % data.length] = f.value;
        return { ...c, data };
      })));
    }
  }
  return out;
}

/** JSON paths of every value in the manifest */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

function setAt(root: unknown, at: Array<string | number>, value: unknown, remove = false): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** deep nesting is spliced into the JSON text (JSON.stringify itself recurses) */
const DEEP = { '"@@deep-array"': `${'['.repeat(5000)}0${']'.repeat(5000)}`, '"@@deep-object"': `${'{"a":'.repeat(5000)}0${'}'.repeat(5000)}` };
const manifestText = (manifest: unknown): string =>
  Object.entries(DEEP).reduce((t, [marker, deep]) => t.split(marker).join(deep), JSON.stringify(manifest));

/** strings that break naive code: lone surrogates, controls, bidi overrides, huge, NUL, separators */
export const NASTY_STRINGS = [
  '', ' ', '\u0000', '\ud800', '\udfff', '🦊🌨️', 'e\u0301\u0301\u0301', '\u202eevil\u202c', '\u2028\u2029', '\ufeff', '\uffff',
  'a'.repeat(100_000), '"quoted" \\ back', '<stack/>', '../../etc/passwd', '%2e%2e%2f', 'ﷺ'.repeat(500), '\r\n\t',
];

const NASTY_PER_STRING = 6;

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0.5, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 5e-324, 0xffffffff, 2 ** 32, 8192, 8193, -8, '', '0', [], {}, [1], { x: 1 }),
  fc.constantFrom<unknown>(...NASTY_STRINGS),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom<unknown>('@@deep-array', '@@deep-object', Array.from({ length: 100_000 }, () => 0), Array.from({ length: 200 }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 3 }),
);

function manifestMutants(ex: Example, count: number, seed: number): Mutant[] {
  const out: Mutant[] = [];
  const all = paths(ex.manifest).filter((p) => p.length > 0);
  const m = (name: string, manifest: unknown) =>
    out.push({ family: 'json', name: `${ex.name} ${name}`, bytes: withEntry(ex, 'palette.json', enc.encode(manifestText(manifest))) });
  // every value: removed, and every string: each nasty string (the "unicode in every string" pass)
  // (each string gets NASTY_PER_STRING of them, in rotation, so every one is used on every kind of field)
  let rotation = 0;
  for (const p of all) {
    m(`delete /${p.join('/')}`, setAt(ex.manifest, p, undefined, true));
    const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], ex.manifest);
    if (typeof v !== 'string') continue;
    for (let j = 0; j < NASTY_PER_STRING; j++) {
      const i = rotation++ % NASTY_STRINGS.length;
      m(`/${p.join('/')} = nasty string ${i}`, setAt(ex.manifest, p, NASTY_STRINGS[i]));
    }
  }
  // extra fields everywhere an object is, including prototype-polluting names
  for (const p of [[], ...all].filter((p) => {
    const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], ex.manifest);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  })) {
    for (const key of ['__proto__', 'constructor', 'prototype', 'extra']) {
      const text = JSON.stringify(setAt(ex.manifest, [...p, `@@${key}`], { polluted: true })).replace(`"@@${key}"`, JSON.stringify(key));
      out.push({ family: 'json', name: `${ex.name} /${p.join('/')} + ${key}`, bytes: withEntry(ex, 'palette.json', enc.encode(text)) });
    }
  }
  // random replacements drawn by fast-check
  for (const { p, v } of sample(fc.record({ p: fc.constantFrom(...all), v: jsonValue }), count, seed)) {
    m(`/${p.join('/')} = ${JSON.stringify(v)?.slice(0, 40)}`, setAt(ex.manifest, p, v));
  }
  // consistent renames: the mask entry and its reference both become a unicode name (a valid file)
  const layers = ex.manifest.layers as Array<{ mask: string }>;
  if (layers.length > 0) {
    const renamed = 'data/layers/🦊 «renard» ü.png';
    const manifest = setAt(ex.manifest, ['layers', 0, 'mask'], renamed);
    out.push({
      family: 'json',
      name: `${ex.name} mask renamed to unicode (valid)`,
      bytes: rezip(ex, (es) => es.map((e) => (e.name === layers[0].mask ? { ...e, name: renamed } : e.name === 'palette.json' ? { ...e, data: enc.encode(JSON.stringify(manifest)) } : e))),
    });
  }
  return out;
}

function manifestTextMutants(ex: Example): Mutant[] {
  const text = JSON.stringify(ex.manifest, null, 2);
  const m = (name: string, t: string | Uint8Array) => ({ family: 'json-text', name: `${ex.name} ${name}`, bytes: withEntry(ex, 'palette.json', typeof t === 'string' ? enc.encode(t) : t) });
  const cuts = [1, 10, text.length >> 1, text.length - 1].map((n) => m(`cut at ${n}`, text.slice(0, n)));
  return [
    ...cuts,
    // values that once broke the messages (kept by name in the regression corpus)
    m('format with a line separator', text.replace('"semantic-palette"', '"semantic\u2028palette"')),
    m('format of 100 000 characters', text.replace('"semantic-palette"', `"${'a'.repeat(100_000)}"`)),
    m('format 5000 objects deep', text.replace('"semantic-palette"', DEEP['"@@deep-object"'])),
    m('NaN seed', text.replace(/"seed": \d+/, '"seed": NaN')),
    m('Infinity seed', text.replace(/"seed": \d+/, '"seed": Infinity')),
    m('1e400 seed', text.replace(/"seed": \d+/, '"seed": 1e400')),
    m('-0 seed', text.replace(/"seed": \d+/, '"seed": -0')),
    m('a 400-digit seed', text.replace(/"seed": \d+/, `"seed": ${'9'.repeat(400)}`)),
    m('trailing comma', text.replace(/}\s*$/, ',}')),
    m('comment', `// palette\n${text}`),
    m('BOM', `\ufeff${text}`),
    m('UTF-16', new Uint8Array(Buffer.from(text, 'utf16le'))),
    m('invalid UTF-8', concat(enc.encode(text.slice(0, 20)), Uint8Array.from([0xc3, 0x28, 0xff]), enc.encode(text.slice(20)))),
    m('a NUL byte', text.replace('"format"', '"for\u0000mat"')),
    m('duplicate key (last wins)', text.replace('"seed":', '"seed": "x", "seed":')),
    m('200 000 nested arrays', '['.repeat(200_000) + ']'.repeat(200_000)),
    m('200 000 nested objects', '{"a":'.repeat(200_000) + '0' + '}'.repeat(200_000)),
    m('a 20 MB string', `{"format": "${'x'.repeat(20_000_000)}"}`),
    m('empty', ''),
    m('null', 'null'),
    m('a number', '12'),
  ];
}

/** all mutants of one example; `scale` multiplies the random draws (PALETTE_FUZZ_SCALE) */
export function* mutantsOf(ex: Example, seed: number, scale = 1): Generator<Mutant> {
  yield* truncations(ex);
  yield* byteFlips(ex, Math.round(120 * scale), seed);
  yield* entrySurgery(ex, seed + 1);
  yield* pngDamage(ex, seed + 2);
  const small = shrinkExample(ex);
  yield* manifestMutants(small, Math.round(150 * scale), seed + 3);
  yield* manifestTextMutants(small);
}
