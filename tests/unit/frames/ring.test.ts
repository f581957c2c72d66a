import * as path from 'node:path';
import { FrameRing, FrameRingReader, FrameRingWriter, ReusedPixels, type FrameStamp } from '../../../main/frames/ring';
import { startWorker } from '../../../main/app/start-worker';

function frameOf(seq: number, width: number, height: number) {
  const rgba = new Uint8Array(width * height * 4);
  new Uint32Array(rgba.buffer).fill(seq);
  return { rgba, width, height, index: seq, ms: 1 };
}

/** every word of a frame must be its own sequence number, else it is torn */
function tornWords(pixels: Uint8Array, seq: number): number {
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.byteLength / 4);
  let bad = 0;
  for (let i = 0; i < words.length; i++) if (words[i] !== seq) bad++;
  return bad;
}

describe('FrameRing in one thread', () => {
  test('the reader gets only the newest frame; older ones are dropped, never queued', () => {
    const ring = FrameRing.create(8 * 8 * 4, 3);
    const writer = FrameRingWriter.attach(ring.buffer);
    const reader = FrameRingReader.attach(ring.buffer);
    expect(reader.readNewest()).toBeNull();
    for (let s = 1; s <= 5; s++) writer.write(frameOf(s, 8, 8));
    const frame = reader.readNewest();
    expect(frame?.seq).toBe(5);
    expect(frame?.index).toBe(5);
    expect(tornWords(frame!.pixels, 5)).toBe(0);
    expect(reader.dropped).toBe(4);
    expect(reader.readNewest()).toBeNull(); // nothing newer
    writer.write(frameOf(6, 4, 2)); // smaller frames fit too
    const small = reader.readNewest();
    expect([small?.seq, small?.width, small?.height, small?.pixels.byteLength]).toEqual([6, 4, 2, 32]);
  });

  test('copyNewer copies into the caller\'s buffer, re-sized only when the frame size changes; a stamp of another ring is no frame of this one', () => {
    const ring = FrameRing.create(8 * 8 * 4);
    const writer = FrameRingWriter.attach(ring.buffer);
    const reader = FrameRingReader.attach(ring.buffer);
    const reused = new ReusedPixels();
    expect(reader.copyNewer(null, reused.target)).toBeNull();
    writer.write(frameOf(1, 8, 8));
    const a = reader.copyNewer(null, reused.target)!;
    expect([a.seq, a.width, a.height, a.pixels.buffer.byteLength, tornWords(a.pixels, 1)]).toEqual([1, 8, 8, 256, 0]);
    expect(reader.copyNewer(a.stamp, reused.target)).toBeNull();
    const bufferOfA = a.pixels.buffer;
    writer.write(frameOf(2, 8, 8));
    const b = reader.copyNewer(a.stamp, reused.target)!;
    expect(b.pixels.buffer).toBe(bufferOfA); // same size: the same buffer again
    writer.write(frameOf(3, 4, 2)); // a smaller canvas in the same ring
    const c = reader.copyNewer(b.stamp, reused.target)!;
    expect([c.seq, c.width, c.height, c.pixels.buffer.byteLength, tornWords(c.pixels, 3)]).toEqual([3, 4, 2, 32, 0]);
    expect(reused.allocations).toBe(2);
    // a new ring numbers from 1 again: a stamp from the old one does not hide its frames
    const next = FrameRing.create(16 * 16 * 4);
    FrameRingWriter.attach(next.buffer).write(frameOf(1, 16, 16));
    const stale: FrameStamp = c.stamp;
    const d = FrameRingReader.attach(next.buffer).copyNewer(stale, reused.target)!;
    expect([d.seq, d.width, tornWords(d.pixels, 1)]).toEqual([1, 16, 0]);
    expect(() => reader.copyNewer(null, () => new Uint8Array(3))).toThrow(/E_FRAME_SIZE|frame target/);
    expect(reader.lastSeq).toBe(0);
  });

  test('a frame larger than a slot, or with the wrong byte count, is refused with a named error', () => {
    const ring = FrameRing.create(8 * 8 * 4);
    const writer = FrameRingWriter.attach(ring.buffer);
    expect(() => writer.write(frameOf(1, 16, 16))).toThrow(/16×16 does not fit/);
    expect(() => writer.write({ ...frameOf(1, 8, 8), width: 7 })).toThrow(/needs 224 bytes, got 256/);
    expect(FrameRingReader.attach(ring.buffer).readNewest()).toBeNull(); // nothing half-written
  });

  test('attach refuses a buffer that is not a ring', () => {
    expect(() => FrameRingReader.attach(new SharedArrayBuffer(64))).toThrow(/not a frame ring/);
  });

  test('waitForNewer resolves on publish and times out without one', async () => {
    const ring = FrameRing.create(16);
    const writer = FrameRingWriter.attach(ring.buffer);
    const reader = FrameRingReader.attach(ring.buffer);
    expect(await reader.waitForNewer(20)).toBe(false);
    const waiting = reader.waitForNewer(5000);
    setTimeout(() => writer.write(frameOf(1, 2, 2)), 10);
    expect(await waiting).toBe(true);
  });
});

/**
 * A writer thread (ring-writer.worker) writing 20 000 frames of 128² into a 3-slot ring, started
 * and released once ready (its startup compiles TypeScript), so the caller races it at once.
 */
async function racingWriter() {
  const width = 128;
  const height = 128;
  const frames = 20000;
  const ring = FrameRing.create(width * height * 4, 3);
  const reader = FrameRingReader.attach(ring.buffer);
  const done = new SharedArrayBuffer(12);
  const doneFlag = new Int32Array(done);
  const worker = startWorker(path.join(__dirname, 'ring-writer.worker'), {
    workerData: { buffer: ring.buffer, done, frames, width, height },
  });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  while (Atomics.load(doneFlag, 2) === 0) await new Promise((r) => setTimeout(r, 2));
  Atomics.store(doneFlag, 1, 1);
  Atomics.notify(doneFlag, 1);
  return { width, height, frames, ring, reader, doneFlag, exited };
}

describe('FrameRing across real threads', () => {
  test('a reader copying into one reused buffer (the forwarder) never sees a torn frame either', async () => {
    const { width, height, frames, reader, doneFlag, exited } = await racingWriter();

    const reused = new ReusedPixels();
    let since: FrameStamp | null = null;
    let reads = 0;
    let torn = 0;
    let outOfOrder = 0;
    let previous = 0;
    while (Atomics.load(doneFlag, 0) === 0) {
      const frame = reader.copyNewer(since, reused.target);
      if (!frame) continue;
      reads++;
      torn += tornWords(frame.pixels, frame.seq) > 0 ? 1 : 0;
      if (frame.seq <= previous || frame.index !== frame.seq || frame.pixels.buffer.byteLength !== width * height * 4) outOfOrder++;
      previous = frame.seq;
      since = frame.stamp;
    }
    expect(await exited).toBe(0);
    const last = reader.copyNewer(since, reused.target);
    if (last) expect(tornWords(last.pixels, frames)).toBe(0);
    expect(last?.seq ?? previous).toBe(frames);
    expect(reader.copyNewer(last?.stamp ?? since, reused.target)).toBeNull(); // nothing newer than the newest
    expect(reads).toBeGreaterThan(10);
    expect(torn).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(reused.allocations).toBe(1); // one buffer for all of them
    expect(reader.lastSeq).toBe(0); // readNewest's cursor is not moved by copies
  });

  test('a reader racing a writer thread never sees a torn frame, and the newest wins', async () => {
    const { frames, reader, doneFlag, exited } = await racingWriter();

    let reads = 0;
    let torn = 0;
    let previous = 0;
    let outOfOrder = 0;
    // busy-read on this thread while the worker writes on its own
    while (Atomics.load(doneFlag, 0) === 0) {
      const frame = reader.readNewest();
      if (!frame) continue;
      reads++;
      torn += tornWords(frame.pixels, frame.seq) > 0 ? 1 : 0;
      if (frame.seq <= previous || frame.index !== frame.seq) outOfOrder++;
      previous = frame.seq;
    }
    expect(await exited).toBe(0);
    const last = reader.readNewest() ?? { seq: previous, pixels: null };
    expect(last.seq).toBe(frames); // the newest frame is the one left
    if (last.pixels) expect(tornWords(last.pixels, frames)).toBe(0);
    expect(reads).toBeGreaterThan(10); // the race really happened
    expect(torn).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(reader.dropped + reads + (last.pixels ? 1 : 0)).toBe(frames);
  });
});
