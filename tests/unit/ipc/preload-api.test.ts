import { createPaletteApi, IpcCallError, type FramePortLike, type IpcEventLike, type IpcLike } from '../../../preload/api';
import { parseIpcError, type RendererFrame } from '../../../shared/ipc/api';
import { FRAMES_PORT_EVENT, invokeChannelNames, type EventPayload } from '../../../shared/ipc/channels';

type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

/** ipcRenderer stand-in: records invokes, answers from `replies`, lets the test emit events */
class FakeIpc implements IpcLike {
  invokes: { channel: string; args: unknown[] }[] = [];
  replies = new Map<string, unknown>();
  listeners = new Map<string, Set<Listener>>();
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invokes.push({ channel, args });
    return Promise.resolve(this.replies.get(channel) ?? { ok: true, value: undefined });
  }
  on(channel: string, listener: Listener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, event: IpcEventLike, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
  count(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}

class FakePort implements FramePortLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  posted: unknown[] = [];
  closed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  close(): void {
    this.closed = true;
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
}

function frameMessage(index: number, width = 2, height = 1, fill = 200) {
  const pixels = new ArrayBuffer(width * height * 4);
  new Uint8Array(pixels).fill(fill);
  return { width, height, index, ms: 5, pixels };
}

describe('window.palette built by createPaletteApi', () => {
  test('every invoke channel is a task-shaped method palette.<domain>.<method>, frames plumbing excepted', () => {
    const api = createPaletteApi(new FakeIpc()) as unknown as Record<string, Record<string, unknown>>;
    for (const channel of invokeChannelNames) {
      const [domain, method] = channel.split(':');
      if (domain === 'frames') expect(api.frames[method]).toBeUndefined();
      else expect(typeof api[domain][method]).toBe('function');
    }
    expect(Object.keys(api).sort()).toEqual(['app', 'document', 'engine', 'events', 'frames', 'models', 'settings']);
  });

  test('a call invokes its channel with exactly one payload and resolves with the value', async () => {
    const ipc = new FakeIpc();
    const api = createPaletteApi(ipc);
    ipc.replies.set('engine:listModels', { ok: true, value: [{ id: 'palette-colors', name: 'Palette colors' }] });
    const mask = new Uint8Array([0, 255]);
    await api.engine.updateLayerMask({ id: 'sky', mask });
    await api.engine.setSeed({ seed: 3 });
    await (api.engine.start as (...a: unknown[]) => Promise<unknown>)('smuggled', 'args');
    const models = await api.engine.listModels();
    expect(models).toEqual([{ id: 'palette-colors', name: 'Palette colors' }]);
    expect(ipc.invokes).toEqual([
      { channel: 'engine:updateLayerMask', args: [{ id: 'sky', mask }] },
      { channel: 'engine:setSeed', args: [{ seed: 3 }] },
      { channel: 'engine:start', args: ['smuggled'] }, // one payload at most; main's schema refuses it
      { channel: 'engine:listModels', args: [undefined] },
    ]);
    expect(ipc.invokes[0].args[0]).toMatchObject({ mask }); // typed array passed through as is
  });

  test('an error envelope rejects with the code in the message, so it survives contextBridge', async () => {
    const ipc = new FakeIpc();
    const api = createPaletteApi(ipc);
    ipc.replies.set('engine:setLayers', {
      ok: false,
      error: { code: 'E_IPC_BAD_PAYLOAD', message: 'engine:setLayers: invalid layers[0].mask: expected a Uint8Array', field: 'layers[0].mask' },
    });
    const failure = await api.engine.setLayers({ layers: [] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcCallError);
    expect(failure).toMatchObject({ code: 'E_IPC_BAD_PAYLOAD', field: 'layers[0].mask' });
    expect((failure as Error).message).toBe('E_IPC_BAD_PAYLOAD: engine:setLayers: invalid layers[0].mask: expected a Uint8Array');
    // what the renderer gets back after contextBridge dropped the custom fields
    expect(parseIpcError(new Error((failure as Error).message))).toEqual({
      code: 'E_IPC_BAD_PAYLOAD',
      message: 'engine:setLayers: invalid layers[0].mask: expected a Uint8Array',
    });
    ipc.replies.set('engine:status', 'garbage');
    await expect(api.engine.status()).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  test('events: subscribe gets only the payload (never the IPC event and its sender), unsubscribe stops it', () => {
    const ipc = new FakeIpc();
    const api = createPaletteApi(ipc);
    const got: EventPayload<'menu:command'>[] = [];
    const off = api.events.on('menu:command', (p) => got.push(p));
    expect(ipc.count('menu:command')).toBe(1);
    ipc.emit('menu:command', { sender: ipc } as IpcEventLike, { command: 'undo' });
    expect(got).toEqual([{ command: 'undo' }]);
    off();
    off(); // twice is harmless
    expect(ipc.count('menu:command')).toBe(0);
    ipc.emit('menu:command', {}, { command: 'redo' });
    expect(got).toHaveLength(1);
    expect(() => api.events.on('ipc:raw' as 'menu:command', () => undefined)).toThrow(/unknown event "ipc:raw"/);
  });

  test('nothing reachable from window.palette is ipcRenderer or one of its methods', () => {
    const ipc = new FakeIpc();
    const api = createPaletteApi(ipc);
    const forbidden = new Set<unknown>([ipc, ipc.invoke, ipc.on, ipc.removeListener, ipc.emit]);
    const seen = new Set<unknown>();
    const walk = (value: unknown, where: string): void => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
      seen.add(value);
      if (forbidden.has(value)) throw new Error(`ipcRenderer leaked at ${where}`);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (typeof value === 'function' && ['prototype', 'caller', 'arguments'].includes(key)) continue;
        walk((value as Record<string, unknown>)[key], `${where}.${key}`);
      }
    };
    expect(() => walk(api, 'palette')).not.toThrow();
  });

  test('frames: subscribing asks main for the port once; frames arrive newest-first with an ack per frame', async () => {
    const ipc = new FakeIpc();
    const api = createPaletteApi(ipc);
    const frames: RendererFrame[] = [];
    const off = api.frames.onFrame((f) => frames.push(f));
    api.frames.onFrame(() => undefined);
    await Promise.resolve();
    expect(ipc.invokes.filter((i) => i.channel === 'frames:connect')).toHaveLength(1);

    const port = new FakePort();
    ipc.emit(FRAMES_PORT_EVENT, { ports: [port] });
    port.deliver(frameMessage(1));
    port.deliver({ width: 2, height: 1, index: 2, ms: 1, pixels: new ArrayBuffer(3) }); // wrong size: ignored
    port.deliver('hello'); // not a frame: ignored
    port.deliver(frameMessage(3, 1, 1, 7));
    expect(frames.map((f) => [f.index, f.width, f.height, f.rgba.constructor.name, [...f.rgba]])).toEqual([
      [1, 2, 1, 'Uint8ClampedArray', [200, 200, 200, 200, 200, 200, 200, 200]],
      [3, 1, 1, 'Uint8ClampedArray', [7, 7, 7, 7]],
    ]);
    expect(port.posted).toEqual([
      { type: 'ack', index: 1 },
      { type: 'ack', index: 3 },
    ]);

    // a new port (renderer reload, main restart) replaces the old one
    const next = new FakePort();
    ipc.emit(FRAMES_PORT_EVENT, { ports: [next] });
    expect(port.closed).toBe(true);
    off();
    next.deliver(frameMessage(4));
    expect(frames).toHaveLength(2);
    expect(next.posted).toEqual([{ type: 'ack', index: 4 }]); // still acked: main must not stall
  });
});
