// Writer thread for the frame delivery benchmark: stands in for the engine worker, writing a
// frame into the ring every `intervalMs` with its write time (process-wide hrtime, in ms) as
// `ms`, and telling main, as the engine worker does.
import { parentPort, workerData } from 'node:worker_threads';
import { FrameRingWriter } from '../main/frames/ring';

const { ring, width, height, frames, intervalMs } = workerData as { ring: SharedArrayBuffer; width: number; height: number; frames: number; intervalMs: number };
const writer = FrameRingWriter.attach(ring);
const rgba = new Uint8Array(width * height * 4).fill(128);
let n = 0;
const tick = () => {
  n++;
  const sentAt = Number(process.hrtime.bigint()) / 1e6;
  const seq = writer.write({ rgba, width, height, index: n, ms: sentAt });
  parentPort!.postMessage({ seq });
  if (n < frames) setTimeout(tick, intervalMs);
  else parentPort!.postMessage({ done: true });
};
setTimeout(tick, intervalMs);
