/**
 * Builds `window.palette` from the channel map over anything shaped like ipcRenderer. Pure
 * (no electron import) so tests drive it with a fake; preload/index.ts passes the real one.
 *
 * What never reaches the page: ipcRenderer itself, IPC event objects (their `sender` *is*
 * ipcRenderer), raw channel names outside the map, the frames MessagePort.
 */
import {
  FRAMES_PORT_EVENT,
  invokeChannelNames,
  isEventChannel,
  type EventChannel,
  type EventPayload,
  type FrameMessage,
  type InvokeChannel,
  type InvokeResult,
  type IpcErrorPayload,
} from '../shared/ipc/channels';
import { formatIpcErrorMessage, type PaletteApi, type RendererFrame, type Unsubscribe } from '../shared/ipc/api';

/** The part of a MessagePort the preload uses (DOM MessagePort in Electron, a fake in tests). */
export interface FramePortLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

export interface IpcEventLike {
  ports?: readonly unknown[];
}

/** The part of ipcRenderer the preload uses. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

/** A failed call, as the renderer sees it. Over contextBridge only `message` survives (`E_CODE: text`). */
export class IpcCallError extends Error {
  readonly code: string;
  readonly field?: string;
  constructor(error: IpcErrorPayload) {
    super(formatIpcErrorMessage(error));
    this.name = 'IpcCallError';
    this.code = error.code;
    if (error.field !== undefined) this.field = error.field;
  }
}

/** Message the preload sends back on the frames port once a frame is handed over (main's flow control). */
export interface FrameAck {
  type: 'ack';
  index: number;
}

function isFrameMessage(data: unknown): data is FrameMessage {
  const m = data as Partial<FrameMessage> | null;
  return (
    !!m &&
    typeof m.width === 'number' &&
    typeof m.height === 'number' &&
    typeof m.index === 'number' &&
    typeof m.ms === 'number' &&
    m.pixels instanceof ArrayBuffer &&
    m.pixels.byteLength === m.width * m.height * 4
  );
}

export function createPaletteApi(ipc: IpcLike): PaletteApi {
  async function call(channel: InvokeChannel, args: unknown[]): Promise<unknown> {
    // exactly one payload argument: extra arguments from the page are dropped, not forwarded
    const result = (await ipc.invoke(channel, args[0])) as InvokeResult<InvokeChannel> | undefined;
    if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
      throw new IpcCallError({ code: 'E_INTERNAL', message: `${channel}: malformed reply from main` });
    }
    if (!result.ok) throw new IpcCallError(result.error);
    return result.value;
  }

  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of invokeChannelNames) {
    const [domain, method] = channel.split(':');
    if (domain === 'frames') continue;
    domains[domain] ??= {};
    domains[domain][method] = (...args: unknown[]) => call(channel, args);
  }

  // ---- frames: main sends a MessagePort once asked; frames arrive on it newest-only
  const frameListeners = new Set<(frame: RendererFrame) => void>();
  let port: FramePortLike | null = null;
  let connecting = false;

  const onPort = (event: IpcEventLike): void => {
    const next = event.ports?.[0] as FramePortLike | undefined;
    if (!next) return;
    port?.close();
    port = next;
    next.onmessage = (message) => {
      if (!isFrameMessage(message.data)) return;
      const { pixels, width, height, index, ms } = message.data;
      const frame: RendererFrame = { rgba: new Uint8ClampedArray(pixels), width, height, index, ms };
      for (const listener of [...frameListeners]) {
        try {
          listener(frame);
        } catch (e) {
          console.error('palette.frames listener failed', e);
        }
      }
      // tells main this frame is consumed, so it may send the newest one (never a queue)
      next.postMessage({ type: 'ack', index } satisfies FrameAck);
    };
  };
  ipc.on(FRAMES_PORT_EVENT, onPort);

  const frames: PaletteApi['frames'] = {
    onFrame(callback) {
      if (typeof callback !== 'function') throw new TypeError('palette.frames.onFrame needs a function');
      frameListeners.add(callback);
      if (!port && !connecting) {
        connecting = true;
        call('frames:connect', []).then(
          () => (connecting = false),
          (e: unknown) => {
            connecting = false;
            console.error('palette.frames: could not connect', e);
          },
        );
      }
      return () => {
        frameListeners.delete(callback);
      };
    },
  };

  const events: PaletteApi['events'] = {
    on<C extends EventChannel>(channel: C, callback: (payload: EventPayload<C>) => void): Unsubscribe {
      if (!isEventChannel(channel)) throw new TypeError(`palette.events.on: unknown event "${String(channel)}"`);
      if (typeof callback !== 'function') throw new TypeError('palette.events.on needs a function');
      // the IPC event object stays here: its `sender` is ipcRenderer
      const listener = (_event: IpcEventLike, payload: unknown) => callback(payload as EventPayload<C>);
      ipc.on(channel, listener);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, listener);
      };
    },
  };

  return { ...(domains as unknown as Omit<PaletteApi, 'frames' | 'events'>), frames, events } as PaletteApi;
}
