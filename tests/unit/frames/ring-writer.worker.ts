// Writer thread for ring.test.ts: writes `frames` frames whose every 32-bit word is the
// frame's sequence number, as fast as it can, then raises the `done` flag
// (done[0]); done[2] says it is ready, done[1] is the reader's go signal.
import { workerData } from 'node:worker_threads';
import { FrameRingWriter } from '../../../main/frames/ring';

const { buffer, done, frames, width, height } = workerData as {
  buffer: SharedArrayBuffer;
  done: SharedArrayBuffer;
  frames: number;
  width: number;
  height: number;
};

const flag = new Int32Array(done);
// start together with the reader: flag[1] becomes 1 when it is ready to race
Atomics.store(flag, 2, 1);
Atomics.notify(flag, 2);
Atomics.wait(flag, 1, 0);
const writer = FrameRingWriter.attach(buffer);
const rgba = new Uint8Array(width * height * 4);
const words = new Uint32Array(rgba.buffer);
for (let n = 1; n <= frames; n++) {
  const seq = writer.published + 1;
  words.fill(seq);
  writer.write({ rgba, width, height, index: seq, ms: n });
}
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
