/**
 * Engine faults with EngineHost, the real engine worker and palette-colors: a UNet that throws
 * mid-stream, a provider failing at run time, an uncaught error in the engine thread and the
 * thread exiting. Each time the host starts a new worker, tells the user (notices, which the
 * renderer shows as toasts), restores the model, prompts and masks, and live mode goes on with
 * the newest mask. A model that fails every frame stops the restarts with a clear message.
 */
// onnxruntime's addon stays loaded by this thread, so terminating engine workers is safe
import 'onnxruntime-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineHost } from '../../../main/engine/engine-host';
import type { EngineLayer } from '../../../main/engine/pipeline-api';
import type { RingFrame } from '../../../main/frames/ring';
import type { EngineNotice } from '../../../shared/ipc/channels';
import { FAULT_PLAN } from './support/faulty-pipeline';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MODEL_DIR = path.join(ROOT, 'models', 'palette-colors');
const FAULTY = path.join(__dirname, 'support', 'faulty-pipeline');
const W = 64;
const H = 64;

jest.setTimeout(240_000);

const half = (side: 'left' | 'right'): Uint8Array => {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) m.fill(255, y * W + (side === 'left' ? 0 : W / 2), y * W + (side === 'left' ? W / 2 : W));
  return m;
};
const brush = (mask: Uint8Array): EngineLayer => ({ id: 'fox', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask });
const isRed = (f: RingFrame, x: number, y: number) => {
  const i = (y * f.width + x) * 4;
  return f.pixels[i] > 200 && f.pixels[i + 1] < 60 && f.pixels[i + 2] < 60;
};
const isWhite = (f: RingFrame, x: number, y: number) => {
  const i = (y * f.width + x) * 4;
  return f.pixels[i] > 200 && f.pixels[i + 1] > 200 && f.pixels[i + 2] > 200;
};

async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 90_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dir: string;
let plan: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-faults-'));
  fs.cpSync(MODEL_DIR, dir, { recursive: true });
  plan = path.join(dir, FAULT_PLAN);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function newHost(extra: Partial<ConstructorParameters<typeof EngineHost>[0]> = {}) {
  const host = new EngineHost({ models: [{ id: 'palette-colors', name: 'Palette colors', dir }], canvas: { width: W, height: H }, threads: 1, pipelineModule: FAULTY, ...extra });
  const notices: EngineNotice[] = [];
  host.onNotice((n) => notices.push(n));
  let newest: RingFrame | null = null;
  host.onFrame((f) => (newest = f));
  return { host, notices, frame: () => newest };
}

test.each(['unet-throws', 'provider-fails', 'uncaught', 'exit'] as const)('%s: the worker is restarted, the user told, live mode resumes with the newest mask', async (fault) => {
  const { host, notices, frame } = newHost();
  try {
    await host.setModel('palette-colors');
    await host.setSeed(11);
    await host.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await host.setLayers([brush(half('left'))]);
    await host.start();
    await until('a red left half', () => { const f = frame(); return f && isRed(f, 8, 32) && isWhite(f, 56, 32); });

    fs.writeFileSync(plan, JSON.stringify({ fault }));
    // the stroke that meets the fault: the right half instead of the left
    await host.updateLayerMask('fox', half('right')).catch(() => undefined);
    await until('the restart notice', () => notices.some((n) => n.code === 'E_ENGINE_RESTARTED'), 60_000);
    expect(fs.existsSync(plan)).toBe(false); // the fault was really taken
    expect(host.restarts).toBe(1);
    const restarting = notices.find((n) => n.code === 'E_ENGINE_RESTARTING')!;
    expect(restarting.level).toBe('warning');
    expect(restarting.message).toMatch(fault === 'exit' ? /exited \(code 7\)/ : fault === 'uncaught' ? /uncaught error/ : /injected/);
    expect(notices.find((n) => n.code === 'E_ENGINE_RESTARTED')!.message).toMatch(/live mode resumed/);

    // live mode resumed with the state the old worker had: the newest mask, red on the right
    await until('a red right half after the restart', () => { const f = frame(); return f && isRed(f, 56, 32) && isWhite(f, 8, 32); });
    expect(host.status().live).toBe(true);
    // and it keeps working: the next stroke shows
    await host.updateLayerMask('fox', half('left'));
    await until('a red left half again', () => { const f = frame(); return f && isRed(f, 8, 32) && isWhite(f, 56, 32); });
  } finally {
    fs.rmSync(plan, { force: true });
    await host.close();
  }
});

test('a model that fails every frame is restarted a few times, then stopped with a clear message', async () => {
  const { host, notices } = newHost({ maxRestarts: 2 });
  try {
    await host.setModel('palette-colors');
    await host.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await host.setLayers([brush(half('left'))]);
    fs.writeFileSync(plan, JSON.stringify({ fault: 'unet-throws', persistent: true }));
    await host.start();
    const last = await until('giving up', () => notices.find((n) => n.code === 'E_ENGINE_CRASHED'), 60_000);
    expect(host.restarts).toBe(2);
    expect(last.level).toBe('error');
    expect(last.message).toMatch(/failed 3 times in a row and was not restarted again; your document is safe/);
    expect(host.status()).toMatchObject({ live: false, error: { code: 'E_ENGINE_CRASHED' } });
    await expect(host.setSeed(3)).rejects.toMatchObject({ code: 'E_ENGINE_CLOSED' });
  } finally {
    fs.rmSync(plan, { force: true });
    await host.close();
  }
});
