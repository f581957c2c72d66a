/**
 * How many physical cores this process may use: the engine's default intra-op thread count
 * (onnxruntime's own default is one thread per physical core too, but it also pins threads,
 * which fights other processes and taskset/cgroup limits). SMT siblings share one core's
 * arithmetic units, so a second thread on them only adds waiting (BENCHMARKS.md, threads).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** "0-3,8,10-11" → [0, 1, 2, 3, 8, 10, 11] (the kernel's cpulist format) */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map((s) => Number(s));
    if (!Number.isInteger(a) || (b !== undefined && !(Number.isInteger(b) && b >= a))) return [];
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/**
 * Distinct cores among the online logical CPUs, from Linux sysfs (`root` for tests); null where
 * that is not readable (other systems, containers hiding sysfs).
 */
export function linuxPhysicalCores(root = '/sys/devices/system/cpu'): number | null {
  try {
    const online = parseCpuList(fs.readFileSync(path.join(root, 'online'), 'utf8'));
    if (online.length === 0) return null;
    const cores = new Set<string>();
    for (const cpu of online) {
      const siblings = fs.readFileSync(path.join(root, `cpu${cpu}`, 'topology', 'thread_siblings_list'), 'utf8');
      cores.add(parseCpuList(siblings).join(','));
    }
    return cores.size;
  } catch {
    return null;
  }
}

/**
 * Physical cores available to this process, at least one: the distinct cores (Linux sysfs),
 * never more than the logical processors the process may run on (affinity, cgroups); elsewhere
 * the logical processors (Apple silicon has no SMT; Windows reports no topology to Node).
 */
export function physicalCores(): number {
  const logical = os.availableParallelism();
  // the topology does not change while we run: read sysfs once (every session creation asks)
  if (sysfsCores === undefined) sysfsCores = process.platform === 'linux' ? linuxPhysicalCores() : null;
  return Math.max(1, Math.min(logical, sysfsCores ?? logical));
}

let sysfsCores: number | null | undefined;

/**
 * Intra-op threads for the app's live engine: one core is left to the rest of the app. While the
 * artist paints, the renderer and the main process are busy exactly when frames are made, and a
 * pool with a thread per core then waits for whichever thread the OS descheduled
 * (BENCHMARKS.md, threads: on 2 cores with one busy neighbour 1 thread beats 2). Renders without
 * a UI (the CLI, benchmarks) use every physical core (defaultIntraOpThreads()).
 */
export function interactiveThreads(): number {
  return Math.max(1, physicalCores() - 1);
}
