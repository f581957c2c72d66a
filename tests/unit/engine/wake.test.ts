/**
 * What wakes the stream (ENGINE-SPEC §10), over EVERY field of the document: with live mode on
 * and fixed noise converged (idle), one field changes in the document store; the renderer's
 * EngineSync sends it through the real EngineHost and engine worker, and new frames must come
 * at once and show what the palette-colors oracle (ORACLE-MODEL.md) says. A field that does
 * not affect the picture (a brush's name or colour) must not wake it, and re-sending equal
 * values is no change.
 *
 * The table is keyed by the document's fields as shared/document declares them, both in the
 * type (a new field does not compile without a row) and at run time (the fields of a real
 * document are compared with the table's keys).
 */
// onnxruntime's addon stays loaded by this thread, so terminating engine workers is safe
import 'onnxruntime-node';
import * as path from 'node:path';
import type { Draft } from 'immer';
import { EngineHost } from '../../../main/engine/engine-host';
import { loadPipeline, type PalettePipeline } from '../../../main/engine/pipeline';
import type { RingFrame } from '../../../main/frames/ring';
import {
  createPaletteDocument,
  engineFieldsOf,
  toLayerId,
  type CanvasSize,
  type DocumentBackground,
  type GenerationSettings,
  type PaletteDocument,
  type SemanticBrush,
} from '../../../shared/document';
import { EngineSync, type EngineApi } from '../../../renderer/src/engine/engine-sync';
import { DocumentStore } from '../../../renderer/src/store/document-store';
import { resampleMask } from '../../../renderer/src/store/document';
import { promptColour, removeModelVariants, writeModelVariant } from '../../support/model-variants';

type Rgb = [number, number, number];

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MODEL_DIR = path.join(ROOT, 'models', 'palette-colors');
const BUILTIN = 'palette-colors';
/** a second model: same oracle, other files and code path (float16 weights and I/O) */
const OTHER_MODEL = 'palette-colors-float16';

const W = 64;
const H = 64;
/** the slowest a frame may take to show up on a busy machine; idle is waited for as long */
const PATIENCE_MS = 60_000;

// ------------------------------------------------------------------ the scene

function rect(x0: number, y0: number, x1: number, y1: number, width = W, height = H): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) m.fill(255, y * width + x0, y * width + x1);
  return m;
}

/**
 * Two brushes on a white creation background: "red" (bottom) on the left half, "blue" (top)
 * on a box that overlaps it. Regions are whole latent blocks, so each probe sees one mix.
 */
function baseDocument(): PaletteDocument {
  return createPaletteDocument({
    canvas: { width: W, height: H },
    background: { prompt: 'white', negativePrompt: 'gray' },
    layers: [
      { id: toLayerId('brush-a'), name: 'A', color: '#e6194b', prompt: 'red', mask: rect(0, 0, 32, H) },
      { id: toLayerId('brush-b'), name: 'B', color: '#4363d8', prompt: 'blue', mask: rect(24, 8, 56, 32) },
    ],
  });
}

/** probes (canvas pixels): A only, B only, where B covers A, none */
const P_A: [number, number] = [8, 48];
const P_B: [number, number] = [48, 16];
const P_AB: [number, number] = [28, 16];
const P_OUT: [number, number] = [48, 48];

/** classifier-free guidance as the exact denoiser gives it: neg + g·(pos − neg), clipped */
function cfg(pos: string, neg: string, g: number): Rgb {
  const p = promptColour(pos);
  const n = promptColour(neg);
  return p.map((v, c) => Math.max(0, Math.min(255, n[c] + g * (v - n[c])))) as Rgb;
}

function lerp(a: Rgb, b: Rgb, s: number): Rgb {
  return a.map((v, c) => v + s * (b[c] - v)) as Rgb;
}

// ------------------------------------------------------------------ the table

type Doc = Draft<PaletteDocument>;
type Layer = Draft<SemanticBrush>;
const layerA = (d: Doc): Layer => d.layers.find((l) => l.id === 'brush-a')!;
const layerB = (d: Doc): Layer => d.layers.find((l) => l.id === 'brush-b')!;

interface Probe {
  at: [number, number];
  /** the oracle's colour there */
  rgb: Rgb;
}

type Expectation =
  /** frames come at once, converge, equal a cold render of the new palette; probes hold */
  | { wakes: true; probes: Probe[]; /** the change shows in the picture (false: the oracle model cannot show it) */ visible: boolean; why?: string }
  /** fresh noise: frames come and keep coming */
  | { wakes: 'forever'; probes: Probe[] }
  /** not a picture input: no frame */
  | { wakes: false };

interface Row {
  /** document state the change starts from (applied to the base, then waited idle) */
  setup?: (d: Doc) => void;
  change: (d: Doc) => void;
  /** how the app applies it, when it is not a document edit alone (a model switch) */
  via?: 'switchModel';
  expect: Expectation;
}

/** Every field of the document, spelled as the table keys it; derived from shared/document's types. */
type DocumentField =
  | `canvas.${keyof CanvasSize & string}`
  | `settings.${keyof GenerationSettings & string}`
  | `background.${keyof DocumentBackground & string}`
  | `layers[].${keyof SemanticBrush & string}`
  | Exclude<keyof PaletteDocument, 'canvas' | 'settings' | 'background' | 'layers'>
  | 'layers (order)';

const RED = promptColour('red');
const BLUE = promptColour('blue');
const WHITE = promptColour('white');
const guided = (scale: number) => (d: Doc) => {
  d.settings.guidance = 'full';
  d.settings.guidanceScale = scale;
  layerA(d).prompt = 'gray red';
  layerA(d).negativePrompt = 'gray';
};
/** bootstrapping only changes the UNet's input, and the oracle's clean estimate does not depend on it */
const BOOTSTRAP_UNSEEN = 'the exact denoiser ignores the noisy input that bootstrapping replaces';
/** a faint A (strength 0.1): its last step is a partial mask, so the noise levels and mask type show */
const faintA = (d: Doc) => void (layerA(d).maskStrength = 0.1);

const TABLE: Record<DocumentField, Row> = {
  'canvas.width': {
    change: (d) => resize(d, 96, H),
    expect: { wakes: true, visible: true, probes: [{ at: [8, 48], rgb: RED }, { at: [88, 48], rgb: WHITE }] },
  },
  'canvas.height': {
    change: (d) => resize(d, W, 96),
    expect: { wakes: true, visible: true, probes: [{ at: [8, 88], rgb: RED }, { at: [48, 88], rgb: WHITE }] },
  },
  modelId: {
    change: (d) => void (d.modelId = OTHER_MODEL),
    via: 'switchModel',
    expect: { wakes: true, visible: false, why: 'every palette-colors export paints the same colours', probes: [{ at: P_A, rgb: RED }, { at: P_B, rgb: BLUE }] },
  },
  seed: {
    change: (d) => void (d.seed = 7),
    expect: { wakes: true, visible: false, why: 'the oracle UNet is an exact denoiser: the noise never shows', probes: [{ at: P_A, rgb: RED }] },
  },
  'settings.tIndexList': {
    setup: faintA,
    change: (d) => void (d.settings.tIndexList = [0, 16, 32]),
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: WHITE }] },
  },
  'settings.maskType': {
    setup: faintA,
    change: (d) => void (d.settings.maskType = 'discrete'),
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: WHITE }] },
  },
  'settings.coverAlpha': {
    change: (d) => void (d.settings.coverAlpha = 0.9),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: RED }, { at: P_B, rgb: BLUE }] },
  },
  'settings.bootstrapSteps': {
    setup: faintA,
    change: (d) => void (d.settings.bootstrapSteps = 3),
    expect: { wakes: true, visible: false, why: BOOTSTRAP_UNSEEN, probes: [{ at: P_B, rgb: BLUE }] },
  },
  'settings.bootstrapMixSteps': {
    setup: (d) => {
      faintA(d);
      d.settings.bootstrapSteps = 3;
    },
    change: (d) => void (d.settings.bootstrapMixSteps = 3),
    expect: { wakes: true, visible: false, why: BOOTSTRAP_UNSEEN, probes: [{ at: P_B, rgb: BLUE }] },
  },
  'settings.guidance': {
    setup: (d) => {
      guided(1.5)(d);
      d.settings.guidance = 'none';
    },
    change: (d) => void (d.settings.guidance = 'full'),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: cfg('gray red', 'gray', 1.5) }, { at: P_OUT, rgb: cfg('white', 'gray', 1.5) }] },
  },
  'settings.guidanceScale': {
    setup: guided(1.5),
    change: (d) => void (d.settings.guidanceScale = 1.25),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: cfg('gray red', 'gray', 1.25) }] },
  },
  'settings.noise': {
    change: (d) => void (d.settings.noise = 'fresh'),
    expect: { wakes: 'forever', probes: [{ at: P_A, rgb: RED }, { at: P_B, rgb: BLUE }, { at: P_OUT, rgb: WHITE }] },
  },
  'background.prompt': {
    change: (d) => void (d.background.prompt = 'yellow'),
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: promptColour('yellow') }, { at: P_A, rgb: RED }] },
  },
  'background.negativePrompt': {
    setup: (d) => {
      guided(1.5)(d);
      d.background.prompt = 'gray white';
    },
    change: (d) => void (d.background.negativePrompt = 'white'),
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: cfg('gray white', 'white', 1.5) }] },
  },
  'background.image': {
    change: (d) => void (d.background.image = solidImage(W, H, [0, 170, 0])),
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: [0, 170, 0] }, { at: P_A, rgb: RED }] },
  },
  'layers[].id': {
    change: (d) => void (layerA(d).id = toLayerId('brush-a2')),
    expect: { wakes: true, visible: false, why: 'a new identity for the same brush: the engine swaps the layer, the picture stays', probes: [{ at: P_A, rgb: RED }] },
  },
  'layers[].name': { change: (d) => void (layerA(d).name = 'Sunset'), expect: { wakes: false } },
  'layers[].color': { change: (d) => void (layerA(d).color = '#00ff00'), expect: { wakes: false } },
  'layers[].prompt': {
    change: (d) => void (layerA(d).prompt = 'green'),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: promptColour('green') }, { at: P_B, rgb: BLUE }] },
  },
  'layers[].negativePrompt': {
    setup: guided(1.5),
    change: (d) => void (layerA(d).negativePrompt = 'white gray'),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: cfg('gray red', 'white gray', 1.5) }] },
  },
  'layers[].promptStrength': {
    change: (d) => void (layerA(d).promptStrength = 0.5),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: lerp(WHITE, RED, 0.5) }] },
  },
  'layers[].maskStrength': {
    change: faintA,
    expect: { wakes: true, visible: true, probes: [{ at: P_B, rgb: BLUE }, { at: P_OUT, rgb: WHITE }] },
  },
  'layers[].maskBlur': {
    change: (d) => void (layerA(d).maskBlur = 8),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: RED }, { at: P_B, rgb: BLUE }] },
  },
  'layers[].visible': {
    change: (d) => void (layerB(d).visible = false),
    expect: { wakes: true, visible: true, probes: [{ at: P_B, rgb: WHITE }, { at: P_AB, rgb: RED }] },
  },
  'layers[].mask': {
    // a stroke: only the mask changes, so EngineSync sends updateLayerMask
    change: (d) => {
      const a = layerA(d);
      const m = a.mask.slice();
      for (let y = 40; y < H; y++) m.fill(255, y * W + 32, y * W + 56);
      a.mask = m;
    },
    expect: { wakes: true, visible: true, probes: [{ at: P_OUT, rgb: RED }, { at: P_B, rgb: BLUE }] },
  },
  'layers (order)': {
    change: (d) => void d.layers.reverse(),
    expect: { wakes: true, visible: true, probes: [{ at: P_A, rgb: RED }, { at: P_B, rgb: BLUE }] },
  },
};

function resize(d: Doc, width: number, height: number): void {
  // as the Width/Height fields do (GlobalPanel): masks resampled to the new size
  const from = { ...d.canvas };
  d.canvas = { width, height };
  for (const l of d.layers) l.mask = resampleMask(l.mask, from, { width, height });
  d.background.image = null;
}

function solidImage(width: number, height: number, [r, g, b]: Rgb): Uint8Array {
  const img = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) img.set([r, g, b, 255], i * 4);
  return img;
}

/** The document's fields as a real document has them (nested records one level deep). */
function fieldsOf(doc: PaletteDocument): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'layers') {
      out.push('layers (order)');
      for (const f of Object.keys(doc.layers[0])) out.push(`layers[].${f}`);
    } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      for (const f of Object.keys(value)) out.push(`${key}.${f}`);
    } else {
      out.push(key);
    }
  }
  return out.sort();
}

// ------------------------------------------------------------------ pixels

function at(f: { width: number; pixels: Uint8Array }, [x, y]: [number, number]): Rgb {
  const i = (y * f.width + x) * 4;
  return [f.pixels[i], f.pixels[i + 1], f.pixels[i + 2]];
}

function near(a: Rgb, b: Rgb, tolerance: number): boolean {
  return a.every((v, c) => Math.abs(v - b[c]) <= tolerance);
}

/** largest channel difference between two frames of one size */
function maxDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 255;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m) m = d;
  }
  return m;
}

/** the probes that do not show the oracle's colour (each channel within 4), described */
function wrongProbes(f: { width: number; pixels: Uint8Array }, probes: readonly Probe[]): string[] {
  return probes
    .filter((p) => !near(at(f, p.at), p.rgb, 4))
    .map((p) => `(${at(f, p.at).join(', ')}) at ${p.at.join(',')}, the oracle says (${p.rgb.map((v) => v.toFixed(1)).join(', ')})`);
}

async function until(what: string, test: () => boolean, ms = PATIENCE_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ------------------------------------------------------------------ the test

describe('what wakes the stream (ENGINE-SPEC §10), field by field, through EngineHost and the engine worker', () => {
  let host: EngineHost;
  let store: DocumentStore<PaletteDocument>;
  let sync: EngineSync;
  const frames: RingFrame[] = [];
  const references = new Map<string, PalettePipeline>();
  const models: Record<string, string> = { [BUILTIN]: MODEL_DIR, [OTHER_MODEL]: '' };

  beforeAll(async () => {
    models[OTHER_MODEL] = writeModelVariant('float16');
    host = new EngineHost({
      models: Object.entries(models).map(([id, dir]) => ({ id, name: id, dir })),
      canvas: { width: W, height: H },
      threads: 1,
    });
    host.onFrame((f) => frames.push(f));
    // the renderer's own sync, over the same calls the IPC handlers make (main/ipc/engine-handlers.ts)
    const api: EngineApi = {
      setCanvas: ({ width, height }) => host.setCanvas(width, height),
      setSettings: (settings) => host.setSettings(settings),
      setSeed: ({ seed }) => host.setSeed(seed),
      setBackground: (background) => host.setBackground(background),
      setLayers: ({ layers }) => host.setLayers(layers),
      updateLayerMask: ({ id, mask }) => host.updateLayerMask(id, mask),
    } as EngineApi;
    sync = new EngineSync(api, { schedule: (flush) => setImmediate(flush), onError: (e) => { throw new Error(e.message); } });
    store = new DocumentStore<PaletteDocument>(baseDocument());
    store.subscribe((e) => sync.documentChanged(e.state));
    await host.setModel(BUILTIN);
    sync.documentChanged(store.getState());
    await sync.settled();
    await host.start();
  });

  afterAll(async () => {
    await host?.close();
    for (const p of references.values()) await p.release();
    removeModelVariants();
  });

  /** what a cold one-shot render of `doc` gives (its own pipeline; render() resets the stream) */
  async function reference(doc: PaletteDocument): Promise<{ width: number; pixels: Uint8Array }> {
    let p = references.get(doc.modelId);
    if (!p) {
      p = await loadPipeline(models[doc.modelId], { width: doc.canvas.width, height: doc.canvas.height, providers: ['cpu'], intraOpNumThreads: 1 });
      references.set(doc.modelId, p);
    }
    await p.setCanvas(doc.canvas.width, doc.canvas.height);
    p.setSettings(doc.settings);
    p.setSeed(doc.seed);
    await p.setBackground({ ...doc.background, image: doc.background.image?.slice() ?? null });
    await p.setLayers(doc.layers.map((l) => ({ ...engineFieldsOf(l), mask: l.mask.slice() })));
    const f = await p.render();
    return { width: f.width, pixels: Uint8Array.from(f.rgba) };
  }

  async function useModel(id: string): Promise<void> {
    if (host.status().modelId === id) return;
    // as the Model picker does (renderer/src/editor.ts switchModel): load, then resend everything
    await host.setModel(id);
    store.update((d) => void (d.modelId = id), { label: 'model' });
    sync.resendAll();
    await sync.settled();
  }

  /** live, converged and idle on `doc`; returns the idle frame */
  async function settleOn(recipe: (d: Doc) => void): Promise<RingFrame> {
    await useModel(BUILTIN);
    store.reset(baseDocument());
    store.update(recipe, { label: 'setup' });
    sync.documentChanged(store.getState());
    await sync.settled();
    await until('the stream to go idle on the setup', () => host.status().live && host.status().idle && frames.length > 0);
    return host.latestFrame()!;
  }

  test('the table covers every field of a document', () => {
    expect(Object.keys(TABLE).sort()).toEqual(fieldsOf(baseDocument()));
  });

  test.each(Object.entries(TABLE) as [DocumentField, Row][])('%s: a change while idle', async (_field, row) => {
    const before = await settleOn(row.setup ?? (() => undefined));
    const count = frames.length;
    const previousIndex = before.index;

    if (row.via === 'switchModel') {
      const next = { ...store.getState() };
      row.change(next as Doc);
      await useModel(next.modelId);
    } else {
      store.update(row.change, { label: 'change' });
      await sync.settled();
    }
    const doc = store.getState();
    const exp = row.expect;

    if (exp.wakes === false) {
      // the change reached the worker (settled); give a woken loop ample time to show a frame
      await new Promise((r) => setTimeout(r, 1500));
      expect(frames.length).toBe(count);
      expect(host.status().idle).toBe(true);
      expect(host.latestFrame()!.index).toBe(previousIndex);
      return;
    }

    // frames come at once: nothing else happens, so only this change can bring them
    await until('a frame after the change', () => frames.length > count);
    if (exp.wakes === 'forever') {
      const seen = frames.length;
      await until('frames to keep coming with fresh noise', () => frames.length >= seen + 2 * doc.settings.tIndexList.length);
      expect(host.status().idle).toBe(false);
      const f = host.latestFrame()!;
      expect(wrongProbes(f, exp.probes)).toEqual([]);
      return;
    }

    await until('the stream to converge and go idle again', () => host.status().idle);
    const after = host.latestFrame()!;
    // a new model restarts the engine's frame numbering: tell frames apart by identity
    expect(after).not.toBe(before);
    expect([after.width, after.height]).toEqual([doc.canvas.width, doc.canvas.height]);
    // the idle picture is the new palette's, exactly as a cold render of it
    const ref = await reference(doc);
    expect(maxDiff(after.pixels, ref.pixels)).toBeLessThanOrEqual(2);
    expect(wrongProbes(after, exp.probes)).toEqual([]);
    const differs = maxDiff(after.pixels, before.pixels) > 2;
    expect({ visible: differs }).toEqual({ visible: exp.visible });
    if (doc.modelId !== BUILTIN) expect(host.status().modelId).toBe(doc.modelId);
  });

  test('a hidden brush painted, weakened and blurred changes nothing until shown; shown, it shows all of it', async () => {
    await settleOn((d) => void (layerB(d).visible = false));
    const count = frames.length;
    store.update((d) => {
      const b = layerB(d);
      const m = b.mask.slice();
      for (let y = 40; y < H; y++) m.fill(255, y * W + 40, y * W + W);
      b.mask = m;
    }, { label: 'stroke on a hidden brush' });
    await sync.settled();
    store.update((d) => void (layerB(d).maskBlur = 4), { label: 'blur' });
    await sync.settled();
    await new Promise((r) => setTimeout(r, 1500));
    expect(frames.length).toBe(count);
    expect(host.status().idle).toBe(true);

    store.update((d) => void (layerB(d).visible = true), { label: 'show' });
    await sync.settled();
    await until('a frame after showing the brush', () => frames.length > count);
    await until('idle again', () => host.status().idle);
    const after = host.latestFrame()!;
    const ref = await reference(store.getState());
    expect(maxDiff(after.pixels, ref.pixels)).toBeLessThanOrEqual(2);
    // the stroke made while hidden is there: blue where only it paints
    expect(wrongProbes(after, [{ at: [56, 56], rgb: BLUE }, { at: [8, 48], rgb: RED }])).toEqual([]);
  });

  test('re-sending the whole, unchanged palette is no change', async () => {
    await settleOn(() => undefined);
    const count = frames.length;
    sync.resendAll();
    await sync.settled();
    await new Promise((r) => setTimeout(r, 1500));
    expect(frames.length).toBe(count);
    expect(host.status().idle).toBe(true);
  });
});
