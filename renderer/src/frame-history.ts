/**
 * The stream's timeline: the last 32 distinct frames the engine delivered, newest last.
 * "Distinct" by content: a converged stream repeats the same picture, and a picture seen
 * again (undo back to it) moves to the end instead of taking a second place.
 */
import { Observable } from './store/ui-store';

export const FRAME_HISTORY_SIZE = 32;

export interface HistoryFrame {
  /** stable id for the strip (not the engine's frame index, which restarts with the stream) */
  id: number;
  /** the engine's frame index */
  index: number;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  hash: number;
  /** delivered mid-stroke: the next frame takes its place, so a stroke leaves one entry, not one per dab */
  transient: boolean;
}

export interface FrameLike {
  index: number;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** FNV-1a over the pixels as 32-bit words: cheap enough per frame, and checked byte for byte on a match */
export function pixelHash(rgba: Uint8ClampedArray, width: number, height: number): number {
  let h = 0x811c9dc5 ^ width ^ (height << 16);
  const words = rgba.byteOffset % 4 === 0 ? new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.byteLength >> 2) : new Uint32Array(rgba.slice().buffer);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

function samePixels(a: HistoryFrame, b: { width: number; height: number; rgba: Uint8ClampedArray }): boolean {
  if (a.width !== b.width || a.height !== b.height || a.rgba.length !== b.rgba.length) return false;
  for (let i = 0; i < a.rgba.length; i++) if (a.rgba[i] !== b.rgba[i]) return false;
  return true;
}

export class FrameHistory extends Observable<{ frames: HistoryFrame[] }> {
  private nextId = 1;

  constructor(private readonly size = FRAME_HISTORY_SIZE) {
    super({ frames: [] });
  }

  /**
   * Record a delivered frame; returns the entry that holds it. Its pixels are copied, unless
   * `adopt`: a frame from palette.frames.onFrame has a buffer of its own that nobody writes
   * (RendererFrame), so the live stream keeps it instead of copying 4 MB per frame at 1024².
   */
  add(frame: FrameLike, options: { transient?: boolean; adopt?: boolean } = {}): HistoryFrame {
    const transient = options.transient ?? false;
    const hash = pixelHash(frame.rgba, frame.width, frame.height);
    let frames = this.getState().frames;
    const newest = frames[frames.length - 1];
    if (newest && newest.hash === hash && samePixels(newest, frame)) {
      if (newest.transient && !transient) this.set({ frames: [...frames.slice(0, -1), { ...newest, transient: false }] });
      return this.newest!;
    }
    if (newest?.transient) frames = frames.slice(0, -1);
    const seen = frames.find((f) => f.hash === hash && samePixels(f, frame));
    const entry: HistoryFrame = seen
      ? { ...seen, index: frame.index, transient }
      : { id: this.nextId++, index: frame.index, width: frame.width, height: frame.height, rgba: options.adopt ? frame.rgba : frame.rgba.slice(), hash, transient };
    const kept = frames.filter((f) => f !== seen);
    this.set({ frames: [...kept, entry].slice(-this.size) });
    return entry;
  }

  /**
   * The stroke ended: a picture delivered during it stays (it is what the stroke left when the
   * engine had converged before the pen lifted, and no frame follows to take its place).
   */
  settle(): void {
    const frames = this.getState().frames;
    const newest = frames[frames.length - 1];
    if (newest?.transient) this.set({ frames: [...frames.slice(0, -1), { ...newest, transient: false }] });
  }

  get(id: number): HistoryFrame | undefined {
    return this.getState().frames.find((f) => f.id === id);
  }

  get newest(): HistoryFrame | undefined {
    const f = this.getState().frames;
    return f[f.length - 1];
  }
}
