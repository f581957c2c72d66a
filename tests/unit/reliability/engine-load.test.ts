/**
 * Load through the renderer's path (IpcRouter → engine handlers → EngineHost → engine worker,
 * palette-colors): a flood of mask updates, and a compressed soak of live painting.
 * PALETTE_FLOOD_UPDATES (default 10 000 in PALETTE_FLOOD_SECONDS, default 10) and
 * PALETTE_SOAK_FRAMES (default 2000; the long run is 50 000) change the sizes. Numbers are
 * printed (BENCHMARKS.md, "Reliability under load"); only generous bounds are asserted.
 */
// onnxruntime's addon stays loaded by this thread, so terminating engine workers is safe
import 'onnxruntime-node';
import * as path from 'node:path';
import { EngineHost } from '../../../main/engine/engine-host';
import type { RingFrame } from '../../../main/frames/ring';
import { engineHandlers } from '../../../main/ipc/engine-handlers';
import { IpcRouter, type IpcSender } from '../../../main/ipc/router';

const MODEL_DIR = path.resolve(__dirname, '..', '..', '..', 'models', 'palette-colors');
const W = 128;
const H = 128;
const UPDATES = Number(process.env.PALETTE_FLOOD_UPDATES ?? 10_000);
const SECONDS = Number(process.env.PALETTE_FLOOD_SECONDS ?? 10);
const SOAK_FRAMES = Number(process.env.PALETTE_SOAK_FRAMES ?? 2000);
const OURS: IpcSender = { id: 1, url: 'app://renderer/index.html' };

jest.setTimeout(60 * 60_000);

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** columns [from, to) painted, plus a varying dot so each update really differs */
function bar(from: number, to: number, dot: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) m.fill(255, y * W + from, y * W + to);
  m[(H - 1) * W + (dot % 8)] = 255;
  return m;
}
const red = (f: RingFrame, x: number, y: number) => {
  const i = (y * f.width + x) * 4;
  return f.pixels[i] > 180 && f.pixels[i + 1] < 80;
};

async function setUp() {
  const host = new EngineHost({ models: [{ id: 'palette-colors', name: 'Palette colors', dir: MODEL_DIR }], canvas: { width: W, height: H }, threads: 1 });
  const router = new IpcRouter({ isTrustedSender: (s) => s.id === OURS.id });
  router.handleAll(engineHandlers(host));
  const call = async (channel: Parameters<typeof router.dispatch>[0], payload: unknown) => {
    const r = await router.dispatch(channel, OURS, payload);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value;
  };
  await call('engine:setModel', { modelId: 'palette-colors' });
  await call('engine:setSettings', { noise: 'fixed' });
  await call('engine:setSeed', { seed: 3 });
  await call('engine:setBackground', { prompt: 'white', negativePrompt: '', image: null });
  await call('engine:setLayers', { layers: [{ id: 'fox', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: bar(0, W / 2, 0) }] });
  return { host, call };
}

test(`${UPDATES} mask updates in ${SECONDS} s: newest wins, frames keep coming, RSS stays bounded`, async () => {
  const { host, call } = await setUp();
  try {
    let frames = 0;
    let newest: RingFrame | null = null;
    host.onFrame((f) => {
      frames++;
      newest = f;
    });
    await call('engine:start', undefined);
    await sleep(500);
    const rss0 = rssMb();
    let rssMax = rss0;
    // phases of 250 ms: left half, then right half, …; latency = phase start → first frame showing it
    const phaseMs = 250;
    const latencies: number[] = [];
    let sent = 0;
    let refused = 0;
    const started = performance.now();
    const pending: Array<Promise<unknown>> = [];
    let phase = -1;
    let phaseStart = 0;
    let phaseSeen = true;
    const checker = setInterval(() => {
      const f = newest;
      if (!f || phaseSeen || phase < 0) return;
      const left = phase % 2 === 0;
      if (red(f, left ? 8 : W - 8, H / 2) && !red(f, left ? W - 8 : 8, H / 2)) {
        phaseSeen = true;
        latencies.push(performance.now() - phaseStart);
      }
    }, 2);
    while (sent < UPDATES) {
      const elapsed = performance.now() - started;
      const due = Math.min(UPDATES, Math.ceil((elapsed / (SECONDS * 1000)) * UPDATES));
      const p = Math.floor(elapsed / phaseMs);
      if (p !== phase) {
        phase = p;
        phaseStart = performance.now();
        phaseSeen = false;
      }
      const left = phase % 2 === 0;
      for (; sent < due; sent++) {
        pending.push(call('engine:updateLayerMask', { id: 'fox', mask: left ? bar(0, W / 2, sent) : bar(W / 2, W, sent) }).catch(() => refused++));
      }
      rssMax = Math.max(rssMax, rssMb());
      await sleep(5);
    }
    await Promise.all(pending);
    const floodMs = performance.now() - started;
    const framesDuringFlood = frames;
    // newest wins: the last update (this phase's shape) is what the picture ends up showing
    const lastLeft = phase % 2 === 0;
    const settle = performance.now();
    while (!(newest && red(newest, lastLeft ? 8 : W - 8, H / 2) && !red(newest, lastLeft ? W - 8 : 8, H / 2))) {
      if (performance.now() - settle > 60_000) throw new Error('the last mask never showed');
      await sleep(10);
    }
    clearInterval(checker);
    rssMax = Math.max(rssMax, rssMb());
    latencies.sort((a, b) => a - b);
    const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] ?? NaN;
    console.log(`mask flood: ${sent} updates in ${(floodMs / 1000).toFixed(1)} s (${refused} refused), ${framesDuringFlood} frames (${(framesDuringFlood / (floodMs / 1000)).toFixed(1)} fps), ` +
      `input-to-frame latency over ${latencies.length}/${phase + 1} phases: median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${q(1).toFixed(0)} ms; RSS ${rss0.toFixed(0)} → max ${rssMax.toFixed(0)} MB (+${(rssMax - rss0).toFixed(0)})`);
    expect(refused).toBe(0);
    expect(framesDuringFlood).toBeGreaterThan(10);
    expect(latencies.length).toBeGreaterThan((phase + 1) / 2);
    expect(rssMax - rss0).toBeLessThan(100);
  } finally {
    await host.close();
  }
});

/** a reproducible edit script: strokes, prompt changes, strength and blur edits */
function editAt(i: number): { kind: 'mask'; from: number; to: number } | { kind: 'layers'; prompt: string; blur: number } {
  const r = (Math.imul(i + 1, 2654435761) >>> 0) % 1000;
  if (r < 900) return { kind: 'mask', from: r % (W / 2), to: W / 2 + (r % (W / 2)) };
  return { kind: 'layers', prompt: ['red', 'blue', 'green', 'a red fox'][r % 4], blur: r % 9 };
}

/** one edit per frame, as a painting hand gives: the same script (not the same timing) every run */
async function soak(frames: number): Promise<{ final: Uint8Array; rss: number[]; seen: number; ms: number }> {
  const { host, call } = await setUp();
  try {
    let seen = 0;
    host.onFrame(() => seen++);
    await call('engine:start', undefined);
    const rss: number[] = [];
    const started = performance.now();
    let mask = bar(0, W / 2, 0);
    const every = Math.max(1, Math.floor(frames / 50));
    for (let edits = 1; edits <= frames; edits++) {
      const e = editAt(edits);
      if (e.kind === 'mask') {
        mask = bar(e.from, e.to, edits);
        await call('engine:updateLayerMask', { id: 'fox', mask: mask.slice() });
      } else {
        await call('engine:setLayers', { layers: [{ id: 'fox', prompt: e.prompt, negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: e.blur, visible: true, mask: mask.slice() }] });
      }
      if (edits % every === 0) rss.push(rssMb());
      const before = seen;
      const waited = performance.now();
      while (seen === before && performance.now() - waited < 100) await sleep(1);
    }
    const ms = performance.now() - started;
    await call('engine:pause', undefined);
    await call('engine:renderOnce', undefined);
    const final = host.latestFrame()!.pixels.slice();
    return { final, rss, seen, ms };
  } finally {
    await host.close();
  }
}

test(`soak: ${SOAK_FRAMES} frames of live painting with random edits, twice: same picture at the end, no memory trend, no handle leak`, async () => {
  const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  const a = await soak(SOAK_FRAMES);
  const handlesBetween = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  const b = await soak(SOAK_FRAMES);
  const handlesAfter = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  const quarter = Math.max(1, Math.floor(a.rss.length / 4));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const early = mean(a.rss.slice(quarter, 2 * quarter));
  const late = mean(a.rss.slice(-quarter));
  console.log(`soak: ${SOAK_FRAMES} frames in ${(a.ms / 1000).toFixed(1)} s (${(SOAK_FRAMES / (a.ms / 1000)).toFixed(0)} fps); ${a.seen} frames seen; RSS every ${Math.max(1, Math.floor(SOAK_FRAMES / 50))} edits: ${a.rss.map((x) => x.toFixed(0)).join(' ')} MB; ` +
    `second quarter mean ${early.toFixed(0)} MB, last quarter ${late.toFixed(0)} MB; active handles ${handlesBefore} → ${handlesBetween} → ${handlesAfter}; final frames equal: ${Buffer.compare(Buffer.from(a.final), Buffer.from(b.final)) === 0}`);
  expect(Buffer.from(a.final).equals(Buffer.from(b.final))).toBe(true);
  expect(late - early).toBeLessThan(50);
  expect(handlesAfter).toBeLessThanOrEqual(handlesBetween);
});
