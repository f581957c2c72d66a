/**
 * Sends the engine's newest frame to the renderer over a MessagePort, one at a time: a frame
 * is sent only after the renderer acknowledged the previous one (preload/api.ts posts
 * `{ type: 'ack' }`), and then it is the newest frame, whatever was published meanwhile. So
 * a slow renderer skips frames instead of building a queue.
 *
 * Pixels: the ring read is the one copy main makes (FrameRingReader.readNewest); the port
 * then serializes that buffer across the process boundary. Pure: the port is an interface
 * (Electron's MessagePortMain in the app, worker_threads' MessagePort in tests, page.evaluate
 * in the end-to-end bridge).
 */
import type { FrameMessage } from '../../shared/ipc/channels';
import type { RingFrame } from './ring';

export interface FramePort {
  postMessage(message: FrameMessage): void;
  /** called with whatever the renderer posts back */
  onMessage(listener: (data: unknown) => void): void;
  close(): void;
}

export interface FrameSource {
  latestFrame(): RingFrame | null;
  onFrameAvailable(listener: () => void): () => void;
}

/** how long a frame may stay unacknowledged before we assume it lost (renderer reloaded, …) */
const ACK_TIMEOUT_MS = 1000;

export class FrameForwarder {
  private port: FramePort | null = null;
  private inFlightSince = 0;
  private lastSent: RingFrame | null = null;
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
    const frame = this.source.latestFrame();
    if (!frame || frame === this.lastSent) return;
    const { width, height, index, ms, pixels } = frame;
    this.lastSent = frame;
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
