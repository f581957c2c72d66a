/**
 * Frame delivery as the app does it, under load: the engine worker (a pattern pipeline that
 * never goes idle, faster than the renderer) writes into the ring, EngineHost + FrameForwarder
 * copy the newest into main's one reused buffer and post it over a real MessagePort, and the
 * preload's palette.frames.onFrame hands it to a renderer that takes longer to paint than the
 * engine takes to render. Every pixel of every frame is checked.
 */
import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { FrameForwarder } from '../../../main/frames/forwarder';
import { EngineHost } from '../../../main/engine/engine-host';
import { createPaletteApi, type IpcEventLike, type IpcLike } from '../../../preload/api';
import { FRAMES_PORT_EVENT } from '../../../shared/ipc/channels';
import type { RendererFrame } from '../../../shared/ipc/api';
import { patternErrors } from './pattern-pipeline';

/** the preload's API over a fake ipcRenderer whose frames:connect makes a real MessageChannel */
function connectRenderer(forwarder: FrameForwarder) {
  const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
  const ports: MessageChannel[] = [];
  const ipc: IpcLike = {
    async invoke(channel) {
      if (channel === 'frames:connect') {
        const channelPair = new MessageChannel();
        ports.push(channelPair);
        const { port1, port2 } = channelPair;
        forwarder.attach({ postMessage: (m) => port1.postMessage(m), onMessage: (l) => port1.on('message', l), close: () => port1.close() });
        setImmediate(() => listeners.get(FRAMES_PORT_EVENT)?.({ ports: [port2] }));
      }
      return { ok: true, value: undefined };
    },
    on: (channel, l) => listeners.set(channel, l),
    removeListener: (channel) => listeners.delete(channel),
  };
  return { api: createPaletteApi(ipc), close: () => ports.forEach((p) => (p.port1.close(), p.port2.close())) };
}

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the renderer painting: main's event loop (and the forwarder) wait, the engine thread does not
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 60000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('frame delivery under load', () => {
  let host: EngineHost | null = null;
  afterEach(async () => {
    await host?.close();
    host = null;
  });

  test('a renderer slower than the engine never gets a torn, overwritten or stale-size frame through 512² → 1024² → 768×512 → 512²', async () => {
    host = new EngineHost({
      models: [{ id: 'pattern', name: 'Pattern', dir: '/nonexistent/pattern' }],
      pipelineModule: path.join(__dirname, 'pattern-pipeline'),
      canvas: { width: 512, height: 512 },
    });
    await host.setModel('pattern');
    const forwarder = new FrameForwarder(host);
    const renderer = connectRenderer(forwarder);

    const delivered: Array<{ width: number; height: number; index: number }> = [];
    let torn = 0;
    let overwritten = 0;
    let painting: RendererFrame | null = null;
    renderer.api.frames.onFrame((frame) => {
      // the frame painted before this one is still whole: it was never main's buffer
      if (painting) overwritten += patternErrors(painting.rgba, painting.width, painting.height, painting.index);
      torn += patternErrors(frame.rgba, frame.width, frame.height, frame.index);
      delivered.push({ width: frame.width, height: frame.height, index: frame.index });
      painting = frame;
      busyWait(8);
    });
    await host.start();

    const sizes: Array<[number, number]> = [
      [512, 512],
      [1024, 1024],
      [768, 512],
      [512, 512],
    ];
    for (const [w, h] of sizes) {
      await host.setCanvas(w, h);
      const from = delivered.length;
      await until(`6 frames of ${w}×${h}`, () => delivered.slice(from).filter((f) => f.width === w && f.height === h).length >= 6);
    }
    await host.pause();
    const engineFrames = host.status().frameIndex;
    await new Promise((r) => setTimeout(r, 50));

    expect(torn).toBe(0);
    expect(overwritten).toBe(0);
    // newest only, in order: frame numbers only go up
    expect(delivered.every((f, i) => i === 0 || f.index > delivered[i - 1].index)).toBe(true);
    // sizes follow the canvas: once a new size is shown, the old one never comes back
    const runs = delivered.map((f) => `${f.width}×${f.height}`).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(runs).toEqual(['512×512', '1024×1024', '768×512', '512×512']);
    // the engine was faster than the renderer: frames were skipped, not queued
    expect(delivered.length).toBeLessThan(engineFrames);
    // main copied every frame into one buffer, re-sized once per canvas size, never per frame
    expect(forwarder.pixels.allocations).toBe(4);
    expect(forwarder.sent).toBeGreaterThanOrEqual(delivered.length);
    forwarder.close();
    renderer.close();
  });
});
