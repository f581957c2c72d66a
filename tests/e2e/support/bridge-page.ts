/**
 * The page half of the test bridge, bundled into one script and injected before the
 * renderer loads. It builds `window.palette` with the preload's own createPaletteApi over an
 * ipcRenderer stand-in whose invoke goes, through a Playwright binding, to the real router in
 * the test process. Frames come the way Electron sends them: on a MessagePort, acked.
 */
import { createPaletteApi, type IpcEventLike, type IpcLike } from '../../../preload/api';
import { FRAMES_PORT_EVENT } from '../../../shared/ipc/channels';
import { decodeWire, encodeWire } from './wire';

type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

interface BridgeWindow {
  __paletteIpcInvoke(channel: string, payload: unknown): Promise<unknown>;
  __paletteFrameAck(index: number): Promise<void>;
  __paletteBridge: {
    emit(channel: string, payload: unknown): void;
    connectFrames(): void;
    frame(message: unknown): boolean;
  };
  palette: unknown;
}

const w = window as unknown as BridgeWindow;
const listeners = new Map<string, Set<Listener>>();

const ipc: IpcLike = {
  async invoke(channel, payload) {
    return decodeWire(await w.__paletteIpcInvoke(channel, encodeWire(payload)));
  },
  on(channel, listener) {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
  },
  removeListener(channel, listener) {
    listeners.get(channel)?.delete(listener);
  },
};

function dispatch(channel: string, event: IpcEventLike, payload?: unknown): void {
  for (const l of [...(listeners.get(channel) ?? [])]) l(event, payload);
}

let mainSide: MessagePort | null = null;

w.__paletteBridge = {
  emit(channel, payload) {
    dispatch(channel, {}, decodeWire(payload));
  },
  connectFrames() {
    mainSide?.close();
    const channel = new MessageChannel();
    mainSide = channel.port2;
    mainSide.onmessage = (e: MessageEvent<{ type?: string; index?: number }>) => {
      if (e.data?.type === 'ack' && typeof e.data.index === 'number') void w.__paletteFrameAck(e.data.index);
    };
    dispatch(FRAMES_PORT_EVENT, { ports: [channel.port1] });
  },
  frame(message) {
    if (!mainSide) return false;
    const m = decodeWire(message) as { pixels: ArrayBuffer };
    mainSide.postMessage(m, [m.pixels]);
    return true;
  },
};

w.palette = createPaletteApi(ipc);
