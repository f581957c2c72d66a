/**
 * Worker threads that blur tiles beside the calling thread. Tiles are independent given the raw
 * masks (held in SharedArrayBuffers), so each worker claims tiles from a shared counter, blurs
 * and quantizes them with its own tile memory, and sends the latent block back; the caller
 * claims tiles too, then waits (synchronously: update() is synchronous) and copies the blocks
 * in. The same code per tile gives the same bits whichever thread ran it. One pool per thread,
 * started on first need and used once its workers are ready (and, by default, while a core is
 * to spare: see poolThreads); a worker that dies or stalls only costs its tiles being redone
 * by the caller.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../../app/start-worker';
import type { CanvasMask } from './blur-input';
import type { MaskType } from './quantize';
import type { Rect } from './rect';

/** one layer of a TileJob */
export interface TileLayer {
  readonly raw: CanvasMask;
  readonly rawScale: number;
  readonly sigma: number;
  readonly strength: number;
  /** raw masks of the visible layers above */
  readonly above: readonly CanvasMask[];
}

/** what a worker needs to blur tiles of some layers */
export interface TileJob {
  readonly layers: readonly TileLayer[];
  readonly coverAlpha: number;
  readonly noiseLevels: Float64Array;
  readonly maskType: MaskType;
  readonly width: number;
  readonly height: number;
  readonly factor: number;
  /** TileBlur.coarse of the caller */
  readonly coarse: boolean;
  /** tiles of the layers (layer = index into layers) */
  readonly tiles: readonly (Rect & { readonly layer: number })[];
}

export interface TileMessage {
  seq: number;
  index: number;
  /** T blocks of the tile's latent rectangle, row-major, one after the other */
  q: Float32Array;
  /** what blurring the tile did (BlurStats counts) */
  pixels: number;
  coarseBlocks: number;
  pixelBlocks: number;
  empty: boolean;
}

interface Member {
  worker: Worker;
  port: MessagePort;
  alive: boolean;
}

/** how long the caller waits for the workers before redoing their tiles itself */
const STALL_MS = 10_000;

/**
 * Extra threads: PALETTE_MASK_THREADS when set (then always used), else one fewer than the
 * logical processors (at most 3), used only while other processes leave a core to spare
 * (coreToSpare): on a busy machine a worker waits for a core and the caller waits for the
 * worker, so one thread is faster.
 */
export function poolThreads(): { threads: number; always: boolean } {
  const env = process.env.PALETTE_MASK_THREADS;
  if (env !== undefined && env !== '') return { threads: Math.max(0, Math.min(8, Math.floor(Number(env)) || 0)), always: true };
  return { threads: Math.max(0, Math.min(3, os.availableParallelism() - 1)), always: false };
}

/** how often (ms) the spare-core test looks again */
const SPARE_INTERVAL_MS = 250;

/** busy milliseconds of all processors and of this process, at a time (ms) */
export interface CpuSample { at: number; busy: number; ours: number }

function cpuSample(): CpuSample {
  let busy = 0;
  for (const c of os.cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  const u = process.cpuUsage();
  return { at: performance.now(), busy, ours: (u.user + u.system) / 1000 };
}

/** the test of coreToSpare between two samples: other processes' cores in use leave ≥ 1.5 of `cores` */
export function spareBetween(before: CpuSample, after: CpuSample, cores: number): boolean {
  const ms = after.at - before.at;
  if (!(ms > 0)) return false;
  const others = Math.max(0, (after.busy - before.busy) - (after.ours - before.ours)) / ms;
  return cores - others >= 1.5;
}

let lastSample: CpuSample | null = null;
let spare = false;

/**
 * Whether a core is free for a worker: over the last quarter second, the processors' busy time
 * minus this process's own leaves at least 1.5 cores (one for the caller, most of one for the
 * worker). This process's own work (the UNet between mask updates) does not count: it never
 * runs beside an update.
 */
export function coreToSpare(): boolean {
  const now = performance.now();
  if (lastSample && now - lastSample.at < SPARE_INTERVAL_MS) return spare;
  const next = cpuSample();
  if (lastSample) {
    spare = spareBetween(lastSample, next, os.availableParallelism());
  } else {
    spare = os.loadavg()[0] < os.availableParallelism() - 0.5;
  }
  lastSample = next;
  return spare;
}

export class TilePool {
  private static shared: TilePool | null | undefined;
  private readonly members: Member[] = [];
  /** ready[i] = 1 once worker i runs */
  private readonly ready: Int32Array;
  private seq = 0;

  /** the thread's pool (null when no extra threads are wanted); started, maybe not ready yet */
  static get(): TilePool | null {
    if (TilePool.shared === undefined) {
      const { threads, always } = poolThreads();
      TilePool.shared = threads > 0 ? new TilePool(threads, always) : null;
    }
    return TilePool.shared;
  }

  private constructor(threads: number, private readonly always: boolean) {
    this.ready = new Int32Array(new SharedArrayBuffer(4 * threads));
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = startWorker(path.join(__dirname, 'tile-worker'), {
        workerData: { port: port2, ready: this.ready, index: i }, transferList: [port2],
      });
      worker.unref();
      port1.unref();
      const m: Member = { worker, port: port1, alive: true };
      worker.on('error', () => { m.alive = false; });
      worker.on('exit', () => { m.alive = false; });
      this.members.push(m);
    }
  }

  /** Stops the thread's pool; the next get() starts one from the settings then (tests). */
  static async shutdown(): Promise<void> {
    const pool = TilePool.shared;
    TilePool.shared = undefined;
    if (pool) await Promise.all(pool.members.map((m) => m.worker.terminate()));
  }

  /** workers ready to take tiles now */
  private available(): Member[] {
    return this.members.filter((m, i) => m.alive && Atomics.load(this.ready, i) === 1);
  }

  /** resolves once every worker runs (tests) */
  async whenReady(): Promise<void> {
    while (this.members.some((m, i) => m.alive && Atomics.load(this.ready, i) !== 1)) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Runs the job's tiles on the ready workers and `local` (the caller's own tile function, given
   * the tile's index); `write` receives each worker tile's latent blocks. Returns false (nothing done) when no
   * worker is ready.
   */
  run(job: TileJob, local: (index: number) => void, write: (index: number, msg: TileMessage) => void): boolean {
    if (!this.always && !coreToSpare()) return false;
    const workers = this.available();
    if (workers.length === 0) return false;
    const seq = ++this.seq;
    // [next tile, tiles a worker is on]: a worker counts itself busy before it claims, so once
    // the caller finds no tile left it waits only for tiles in flight, never for a late worker
    const sync = new Int32Array(new SharedArrayBuffer(8));
    for (const m of workers) m.port.postMessage({ seq, job, sync });
    const doneLocally = new Uint8Array(job.tiles.length);
    for (;;) {
      const i = Atomics.add(sync, 0, 1);
      if (i >= job.tiles.length) break;
      local(i);
      doneLocally[i] = 1;
    }
    const deadline = Date.now() + STALL_MS;
    for (;;) {
      const busy = Atomics.load(sync, 1);
      if (busy === 0) break;
      if (Date.now() > deadline || workers.some((m) => !m.alive)) break;
      Atomics.wait(sync, 1, busy, 50);
    }
    const received = doneLocally;
    for (const m of workers) {
      for (let msg = receiveMessageOnPort(m.port); msg; msg = receiveMessageOnPort(m.port)) {
        const t = msg.message as TileMessage;
        if (t.seq !== seq) continue;
        write(t.index, t);
        received[t.index] = 1;
      }
    }
    // tiles a dead or stalled worker claimed
    for (let i = 0; i < job.tiles.length; i++) if (!received[i]) local(i);
    return true;
  }
}
