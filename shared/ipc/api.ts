/**
 * The shape of `window.palette`, derived from the channel map: every invoke channel
 * `domain:method` becomes `palette.<domain>.<method>(request?) → Promise<response>`.
 * The renderer declares `window.palette: PaletteApi`; the preload builds it (preload/api.ts).
 */
import type {
  EventChannel,
  EventPayload,
  FrameInfo,
  InvokeArgs,
  InvokeChannel,
  InvokeResponse,
  IpcErrorPayload,
} from './channels';

type DomainOf<C> = C extends `${infer D}:${string}` ? D : never;

/** `frames:*` channels are plumbing behind palette.frames, not methods of their own. */
export type ApiDomain = Exclude<DomainOf<InvokeChannel>, 'frames'>;

export type DomainApi<D extends string> = {
  [C in InvokeChannel as C extends `${D}:${infer M}` ? M : never]: (
    ...args: InvokeArgs<C>
  ) => Promise<InvokeResponse<C>>;
};

export type Unsubscribe = () => void;

/** A frame as the renderer receives it: RGBA8, height × width × 4. */
export interface RendererFrame extends FrameInfo {
  /** this frame's own buffer (a new one per frame, never reused by main): keep it, never write it */
  rgba: Uint8ClampedArray;
}

export interface FramesApi {
  /** newest frames only: frames that arrive while the callback is busy are replaced, never queued */
  onFrame(callback: (frame: RendererFrame) => void): Unsubscribe;
}

export interface EventsApi {
  on<C extends EventChannel>(channel: C, callback: (payload: EventPayload<C>) => void): Unsubscribe;
}

export type PaletteApi = { [D in ApiDomain]: DomainApi<D> } & {
  frames: FramesApi;
  events: EventsApi;
};

/**
 * Errors crossing contextBridge keep only their message, so the code travels inside it:
 * `E_CODE: one-line message`. parseIpcError gets it back on the renderer side.
 */
export function formatIpcErrorMessage(error: IpcErrorPayload): string {
  return `${error.code}: ${error.message}`;
}

export function parseIpcError(e: unknown): IpcErrorPayload {
  const withCode = e as { code?: unknown; message?: unknown; field?: unknown } | null;
  if (withCode && typeof withCode.code === 'string' && typeof withCode.message === 'string') {
    const message = withCode.message.startsWith(`${withCode.code}: `)
      ? withCode.message.slice(withCode.code.length + 2)
      : withCode.message;
    return { code: withCode.code, message, ...(typeof withCode.field === 'string' ? { field: withCode.field } : {}) };
  }
  const text = e instanceof Error ? e.message : String(e);
  // Electron prefixes rejected invoke messages with "Error invoking remote method '…': "
  const m = /(E_[A-Z0-9_]+): (.*)$/s.exec(text);
  return m ? { code: m[1], message: m[2] } : { code: 'E_INTERNAL', message: text };
}
