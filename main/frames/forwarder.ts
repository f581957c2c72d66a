/**
 * Sends the engine's newest frame to the renderer over a MessagePort, one at a time: a frame
 * is sent only after the renderer acknowledged the previous one (preload/api.ts posts
 * `{ type: 'ack' }`), and then it is the newest frame, whatever was published meanwhile. So
 * a slow renderer skips frames instead of building a queue.
 *
 * Pixels: main copies the newest frame out of the ring into one buffer it reuses frame after
 * frame (re-sized only when the canvas size changes), and the port serializes that buffer
 * across the process boundary during postMessage. So main allocates nothing per frame: the
 * fresh 4 MB buffer per frame it used to allocate was half of the delivery tail (GC under
 * external memory pressure, page faults on new memory). The renderer always gets its own copy
 * (Electron's MessagePortMain cannot transfer an ArrayBuffer, and a SharedArrayBuffer cannot
 * cross to another process), so main may overwrite its buffer at the next frame while the
 * renderer still paints this one. Pure: the port is an interface
 * (Electron's MessagePortMain in the app, worker_threads' MessagePort in tests, page.evaluate
 * in the end-to-end bridge).
 */
import type { FrameMessage } from '../../shared/ipc/channels';
import { ReusedPixels, type CopiedFrame, type FrameStamp, type PixelTarget } from './ring';

export interface FramePort {
  /** must serialize (copy) `message.pixels` before it returns: the buffer is reused for the next frame */
  postMessage(message: FrameMessage): void;
  /** called with whatever the renderer posts back */
  onMessage(listener: (data: unknown) => void): void;
  close(): void;
}

export interface FrameSource {
  /** the newest frame unless it is `since`, its pixels copied into `target` (EngineHost.copyNewestFrame) */
  copyNewestFrame(since: FrameStamp | null, target: PixelTarget): CopiedFrame | null;
  onFrameAvailable(listener: () => void): () => void;
}

/** how long a frame may stay unacknowledged before we assume it lost (renderer reloaded, …) */
const ACK_TIMEOUT_MS = 1000;

export class FrameForwarder {
  private port: FramePort | null = null;
  private inFlightSince = 0;
  private lastSent: FrameStamp | null = null;
  /** the one buffer main copies frames into */
  readonly pixels = new ReusedPixels();
  private readonly unsubscribe: () => void;
  /** frames handed to the port */
  sent = 0;

  constructor(
    private readonly source: FrameSource,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = source.onFrameAvailable(() => this.pump());
  }

  /** a new renderer port replaces the old one; the newest frame goes out at once */
  attach(port: FramePort): void {
    this.port?.close();
    this.port = port;
    this.inFlightSince = 0;
    this.lastSent = null;
    port.onMessage((data) => {
      if (this.port !== port) return;
      if ((data as { type?: unknown } | null)?.type === 'ack') {
        this.inFlightSince = 0;
        this.pump();
      }
    });
    this.pump();
  }

  pump(): void {
    const port = this.port;
    if (!port) return;
    if (this.inFlightSince && this.now() - this.inFlightSince < ACK_TIMEOUT_MS) return;
    const frame = this.source.copyNewestFrame(this.lastSent, this.pixels.target);
    if (!frame) return;
    const { width, height, index, ms, pixels } = frame;
    this.lastSent = frame.stamp;
    this.inFlightSince = this.now() || 1;
    this.sent++;
    port.postMessage({ width, height, index, ms, pixels: pixels.buffer });
  }

  close(): void {
    this.unsubscribe();
    this.port?.close();
    this.port = null;
  }
}
