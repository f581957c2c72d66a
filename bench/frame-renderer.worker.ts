// The renderer end of the frame delivery benchmark, in its own thread (its own V8 heap and
// garbage collector, as the renderer process has): the preload's createPaletteApi over the
// frames MessagePort, and palette.frames.onFrame timing each frame from the worker's write.
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createPaletteApi, type IpcEventLike, type IpcLike } from '../preload/api';
import { FRAMES_PORT_EVENT } from '../shared/ipc/channels';

const { port } = workerData as { port: MessagePort };
let onPort: ((e: IpcEventLike) => void) | null = null;
const ipc: IpcLike = {
  invoke: async () => ({ ok: true, value: undefined }),
  on: (channel, l) => {
    if (channel === FRAMES_PORT_EVENT) onPort = l;
  },
  removeListener: () => undefined,
};
const latencies: number[] = [];
// start from a clean heap (the thread's start-up garbage is not delivery's); needs --expose-gc
(globalThis as { gc?: () => void }).gc?.();
let gcs = 0;
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
});
gc.observe({ entryTypes: ['gc'] });
createPaletteApi(ipc).frames.onFrame((f) => latencies.push(Number(process.hrtime.bigint()) / 1e6 - f.ms));
onPort!({ ports: [port] });
parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'finish') return;
  // let the observer see the last GCs
  setTimeout(() => {
    gc.disconnect();
    parentPort!.postMessage({ latencies, gcs, gcMs });
  }, 20);
});
parentPort!.postMessage({ ready: true });
