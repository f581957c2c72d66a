import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { FrameForwarder, type FramePort, type FrameSource } from '../../../main/frames/forwarder';
import { FrameRing, FrameRingReader, FrameRingWriter } from '../../../main/frames/ring';
import { EngineHost } from '../../../main/engine/engine-host';
import { createPaletteApi, type IpcEventLike, type IpcLike } from '../../../preload/api';
import { FRAMES_PORT_EVENT, type FrameMessage } from '../../../shared/ipc/channels';
import type { RendererFrame } from '../../../shared/ipc/api';

/** a ring plus the two methods the forwarder needs */
function ringSource() {
  const ring = FrameRing.create(4 * 4 * 4);
  const writer = FrameRingWriter.attach(ring.buffer);
  const reader = FrameRingReader.attach(ring.buffer);
  const listeners = new Set<() => void>();
  const source: FrameSource = {
    copyNewestFrame: (since, target) => reader.copyNewer(since, target),
    onFrameAvailable: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
  const publish = (index: number) => {
    writer.write({ rgba: new Uint8Array(64).fill(index), width: 4, height: 4, index, ms: 1 });
    listeners.forEach((l) => l());
  };
  return { source, publish, listeners };
}

class RecordingPort implements FramePort {
  sent: FrameMessage[] = [];
  closed = false;
  private listener: ((data: unknown) => void) | null = null;
  postMessage(message: FrameMessage): void {
    // a port serializes the message before postMessage returns (the forwarder reuses its buffer)
    this.sent.push({ ...message, pixels: message.pixels.slice(0) });
  }
  onMessage(listener: (data: unknown) => void): void {
    this.listener = listener;
  }
  close(): void {
    this.closed = true;
  }
  ack(): void {
    this.listener?.({ type: 'ack' });
  }
}

describe('FrameForwarder', () => {
  test('one frame in flight; after the ack only the newest is sent, stale ones are dropped', () => {
    const { source, publish } = ringSource();
    const forwarder = new FrameForwarder(source);
    const port = new RecordingPort();
    forwarder.attach(port);
    expect(port.sent).toHaveLength(0); // nothing rendered yet
    publish(1);
    publish(2);
    publish(3);
    expect(port.sent.map((m) => m.index)).toEqual([1]); // waiting for the renderer
    port.ack();
    expect(port.sent.map((m) => m.index)).toEqual([1, 3]); // 2 was stale: dropped
    expect([...new Uint8Array(port.sent[1].pixels)].every((b) => b === 3)).toBe(true);
    port.ack();
    expect(port.sent).toHaveLength(2); // nothing newer: nothing sent
    publish(4);
    expect(port.sent.map((m) => m.index)).toEqual([1, 3, 4]);
    forwarder.close();
    expect(port.closed).toBe(true);
  });

  test('a lost ack does not stall delivery forever, and a new port gets the newest frame at once', () => {
    const { source, publish } = ringSource();
    let now = 1000;
    const forwarder = new FrameForwarder(source, () => now);
    const port = new RecordingPort();
    forwarder.attach(port);
    publish(1);
    publish(2);
    expect(port.sent).toHaveLength(1);
    now += 5000; // the renderer never answered (reloaded)
    publish(3);
    expect(port.sent.map((m) => m.index)).toEqual([1, 3]);
    const reloaded = new RecordingPort();
    forwarder.attach(reloaded);
    expect(port.closed).toBe(true);
    expect(reloaded.sent.map((m) => m.index)).toEqual([3]);
    port.ack(); // the old port's late ack changes nothing
    publish(4);
    expect(reloaded.sent).toHaveLength(1);
  });
});

describe('frames from the engine worker to the renderer API over a real MessagePort', () => {
  let host: EngineHost | null = null;
  afterEach(async () => host?.close());

  test('a rendered frame reaches palette.frames.onFrame with its pixels', async () => {
    // STAND-IN pipeline (tests/unit/ipc/fake-pipeline.ts) until main/engine/pipeline.ts exists
    host = new EngineHost({
      models: [{ id: 'palette-colors', name: 'Palette colors', dir: '/nonexistent/palette-colors' }],
      pipelineModule: path.join(__dirname, '..', 'ipc', 'fake-pipeline'),
      canvas: { width: 16, height: 16 },
    });
    await host.setModel('palette-colors');
    await host.setBackground({ prompt: 'green', negativePrompt: '', image: null });
    const forwarder = new FrameForwarder(host);

    // preload side, with a fake ipcRenderer whose frames:connect makes a real MessageChannel
    const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
    const ipc: IpcLike = {
      async invoke(channel) {
        if (channel === 'frames:connect') {
          const { port1, port2 } = new MessageChannel();
          forwarder.attach({
            postMessage: (m) => port1.postMessage(m),
            onMessage: (l) => port1.on('message', l),
            close: () => port1.close(),
          });
          setImmediate(() => listeners.get(FRAMES_PORT_EVENT)?.({ ports: [port2] }));
        }
        return { ok: true, value: undefined };
      },
      on: (channel, l) => listeners.set(channel, l),
      removeListener: (channel) => listeners.delete(channel),
    };
    const api = createPaletteApi(ipc);
    const got = new Promise<RendererFrame>((resolve) => api.frames.onFrame(resolve));
    await new Promise((r) => setTimeout(r, 20)); // port connected
    await host.renderOnce();
    const frame = await got;
    expect([frame.width, frame.height, frame.rgba.length]).toEqual([16, 16, 16 * 16 * 4]);
    expect([...frame.rgba.subarray(0, 4)]).toEqual([0, 170, 0, 255]);
    forwarder.close();
  });
});
