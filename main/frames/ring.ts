/**
 * The frame ring: a SharedArrayBuffer with a few fixed-size slots, written by the engine
 * worker and read by main, with no copy between them except the reader's own.
 *
 * Protocol (a seqlock per slot, one publish word for the ring):
 * - the writer puts frame number `seq` (1, 2, 3, …) into slot `(seq - 1) % slots`: it makes
 *   the slot's version odd, writes metadata and pixels, makes the version even again, then
 *   publishes `seq` and wakes waiters;
 * - the reader loads the published `seq`, reads that slot's version, copies the frame out,
 *   and re-reads the version: if it was odd or changed, the writer lapped the slot mid-copy
 *   and the reader retries with the newer published frame. So it never returns a torn frame,
 *   and it returns only the newest: frames published in between are dropped, never queued.
 *
 * Copies out: `readNewest()` gives each frame its own buffer (for consumers that keep it, e.g.
 * an export); `copyNewer()` copies into a buffer the caller reuses (the frame forwarder, whose
 * port serializes the pixels at once: a fresh 4 MB buffer per frame is what made the delivery
 * tail, see BENCHMARKS.md "Where the costs are").
 */
import { PaletteError } from '../../shared/errors';

const HEADER_INTS = 4; // published seq, slot count, slot capacity, reserved
const PUBLISHED = 0;
const META_FIELDS = 5; // seq, width, height, index, ms
const MAX_RETRIES = 1000;

export interface RingFrameInput {
  rgba: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** engine's frame counter */
  index: number;
  /** wall time to produce the frame */
  ms: number;
}

export interface RingFrame {
  /** ring sequence number (1 = first frame written into this ring) */
  seq: number;
  width: number;
  height: number;
  index: number;
  ms: number;
  /** RGBA8, exactly width × height × 4 bytes, backed by its own ArrayBuffer (transferable) */
  pixels: Uint8Array<ArrayBuffer>;
}

/** Which frame of which ring: a ring replaced (bigger canvas, restarted worker) numbers again from 1. */
export interface FrameStamp {
  ring: SharedArrayBuffer;
  seq: number;
}

/** A frame copied into the caller's buffer: `pixels` is a view of exactly width × height × 4 bytes of it. */
export interface CopiedFrame extends Omit<RingFrame, 'pixels'> {
  stamp: FrameStamp;
  pixels: Uint8Array<ArrayBuffer>;
}

/** Where a copy goes: a view of exactly `bytes` bytes (called once the frame's size is known). */
export type PixelTarget = (bytes: number) => Uint8Array<ArrayBuffer>;

/** A buffer reused frame after frame; it is re-sized only when the frame size changes. */
export class ReusedPixels {
  private buffer = new ArrayBuffer(0);
  /** times the buffer was (re)allocated */
  allocations = 0;

  /** a PixelTarget whose view spans the whole buffer, so `view.buffer` is exactly the frame */
  readonly target: PixelTarget = (bytes) => {
    if (this.buffer.byteLength !== bytes) {
      this.buffer = new ArrayBuffer(bytes);
      this.allocations++;
    }
    return new Uint8Array(this.buffer);
  };
}

const freshPixels: PixelTarget = (bytes) => new Uint8Array(new ArrayBuffer(bytes));

type WaitResult = 'ok' | 'not-equal' | 'timed-out';
/** Atomics.waitAsync (Node 16+, Chromium) is ES2024; our lib setting stops at ES2022 */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: WaitResult | Promise<WaitResult> };
  }
).waitAsync;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The shared memory plus typed views on it; the same layout in every thread. */
export class FrameRing {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  /** bytes per slot: the largest frame this ring takes */
  readonly slotBytes: number;
  protected readonly header: Int32Array;
  protected readonly versions: Int32Array;
  protected readonly meta: Float64Array;
  protected readonly pixelBase: number;

  /** A new ring for frames of up to `slotBytes` bytes (width × height × 4). */
  static create(slotBytes: number, slots = 3): FrameRing {
    if (!Number.isInteger(slotBytes) || slotBytes <= 0) {
      throw new PaletteError('E_FRAME_RING_SIZE', `frame ring slot size must be a positive integer, got ${slotBytes}`);
    }
    if (!Number.isInteger(slots) || slots < 2 || slots > 16) {
      throw new PaletteError('E_FRAME_RING_SIZE', `frame ring needs 2..16 slots, got ${slots}`);
    }
    const layout = FrameRing.layout(slots, slotBytes);
    const buffer = new SharedArrayBuffer(layout.total);
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    header[1] = slots;
    header[2] = slotBytes;
    return new FrameRing(buffer);
  }

  /** A view on a ring created elsewhere (e.g. the buffer posted to the worker). */
  static attach(buffer: SharedArrayBuffer): FrameRing {
    return new FrameRing(buffer);
  }

  private static layout(slots: number, slotBytes: number) {
    const versionsOffset = HEADER_INTS * 4;
    const metaOffset = align8(versionsOffset + slots * 4);
    const pixelOffset = align8(metaOffset + slots * META_FIELDS * 8);
    return { versionsOffset, metaOffset, pixelOffset, total: pixelOffset + slots * slotBytes };
  }

  protected constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.slots = this.header[1];
    this.slotBytes = this.header[2];
    const layout = FrameRing.layout(this.slots, this.slotBytes);
    if (this.slots < 2 || buffer.byteLength !== layout.total) {
      throw new PaletteError('E_FRAME_RING_LAYOUT', 'shared buffer is not a frame ring');
    }
    this.versions = new Int32Array(buffer, layout.versionsOffset, this.slots);
    this.meta = new Float64Array(buffer, layout.metaOffset, this.slots * META_FIELDS);
    this.pixelBase = layout.pixelOffset;
  }

  /** sequence number of the newest complete frame (0: none yet) */
  get published(): number {
    return Atomics.load(this.header, PUBLISHED);
  }

  protected slotPixels(slot: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, this.pixelBase + slot * this.slotBytes, length);
  }

  /** true if a frame of this size fits a slot */
  fits(width: number, height: number): boolean {
    return width * height * 4 <= this.slotBytes;
  }
}

/** The worker's end. One writer per ring. */
export class FrameRingWriter extends FrameRing {
  private seq: number;

  static override attach(buffer: SharedArrayBuffer): FrameRingWriter {
    return new FrameRingWriter(buffer);
  }

  protected constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.seq = this.published;
  }

  /** Writes a frame into the next slot and publishes it; returns its sequence number. */
  write(frame: RingFrameInput): number {
    const bytes = frame.width * frame.height * 4;
    if (frame.rgba.byteLength !== bytes) {
      throw new PaletteError(
        'E_FRAME_SIZE',
        `frame of ${frame.width}×${frame.height} needs ${bytes} bytes, got ${frame.rgba.byteLength}`,
      );
    }
    if (bytes > this.slotBytes) {
      throw new PaletteError('E_FRAME_TOO_LARGE', `frame of ${frame.width}×${frame.height} does not fit the frame ring`);
    }
    const seq = this.seq + 1;
    const slot = (seq - 1) % this.slots;
    Atomics.add(this.versions, slot, 1); // odd: slot being written
    const m = slot * META_FIELDS;
    this.meta[m] = seq;
    this.meta[m + 1] = frame.width;
    this.meta[m + 2] = frame.height;
    this.meta[m + 3] = frame.index;
    this.meta[m + 4] = frame.ms;
    const src = frame.rgba instanceof Uint8Array ? frame.rgba : new Uint8Array(frame.rgba.buffer, frame.rgba.byteOffset, bytes);
    this.slotPixels(slot, bytes).set(src);
    Atomics.add(this.versions, slot, 1); // even: slot complete
    this.seq = seq;
    Atomics.store(this.header, PUBLISHED, seq);
    Atomics.notify(this.header, PUBLISHED);
    return seq;
  }
}

/** Main's end: takes only the newest complete frame. */
export class FrameRingReader extends FrameRing {
  /** sequence number of the last frame returned by readNewest */
  lastSeq = 0;
  /** frames published but never read because a newer one came first */
  dropped = 0;

  static override attach(buffer: SharedArrayBuffer): FrameRingReader {
    return new FrameRingReader(buffer);
  }

  /** true when a frame newer than the last one read is published */
  get hasNewer(): boolean {
    return this.published > this.lastSeq;
  }

  /**
   * The newest complete frame newer than the last one read, or null if there is none.
   * Copies it out of the ring into a fresh ArrayBuffer (the caller may keep it).
   */
  readNewest(): RingFrame | null {
    const frame = this.copyStable(this.lastSeq, freshPixels);
    if (!frame) return null;
    this.dropped += Math.max(0, frame.seq - this.lastSeq - 1);
    this.lastSeq = frame.seq;
    return frame;
  }

  /**
   * The newest complete frame unless it is `since` or older (a stamp of this ring), copied into
   * `target`; null when there is nothing newer. Leaves readNewest's cursor alone, so two
   * consumers (the forwarder, an export) do not take frames from each other.
   */
  copyNewer(since: FrameStamp | null, target: PixelTarget): CopiedFrame | null {
    const after = since && since.ring === this.buffer ? since.seq : 0;
    const frame = this.copyStable(after, target);
    return frame && { ...frame, stamp: { ring: this.buffer, seq: frame.seq } };
  }

  /** the seqlock read: the newest frame with seq > after, never torn */
  private copyStable(after: number, target: PixelTarget): RingFrame | null {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const seq = Atomics.load(this.header, PUBLISHED);
      if (seq <= after) return null;
      const slot = (seq - 1) % this.slots;
      const before = Atomics.load(this.versions, slot);
      if (before & 1) continue; // the writer already lapped onto this slot: a newer frame is coming
      const m = slot * META_FIELDS;
      const frameSeq = this.meta[m];
      const width = this.meta[m + 1];
      const height = this.meta[m + 2];
      const index = this.meta[m + 3];
      const ms = this.meta[m + 4];
      const bytes = width * height * 4;
      if (!(bytes > 0 && bytes <= this.slotBytes)) continue;
      const pixels = target(bytes);
      if (pixels.byteLength !== bytes) throw new PaletteError('E_FRAME_SIZE', `frame target gave ${pixels.byteLength} bytes for ${bytes}`);
      pixels.set(this.slotPixels(slot, bytes));
      if (Atomics.load(this.versions, slot) !== before) continue; // torn: overwritten during the copy
      if (frameSeq <= after) return null;
      return { seq: frameSeq, width, height, index, ms, pixels };
    }
    throw new PaletteError('E_FRAME_RING_STARVED', 'frame ring reader could not get a stable frame (writer too fast)');
  }

  /** Resolves when a frame newer than `lastSeq` is published, or after `timeoutMs` (false). */
  async waitForNewer(timeoutMs: number): Promise<boolean> {
    const seen = Atomics.load(this.header, PUBLISHED);
    if (seen > this.lastSeq) return true;
    const r = waitAsync(this.header, PUBLISHED, seen, timeoutMs);
    const outcome = await r.value;
    return outcome !== 'timed-out' || this.hasNewer;
  }
}
