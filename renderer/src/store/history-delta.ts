/**
 * Compact undo steps for raster edits. A stroke replaces a layer's whole mask (one Uint8Array
 * in the state), so its history entry would keep a full copy of the mask before it: 4 MB per
 * stroke on a 2048² canvas. Instead the entry keeps only the bytes that differ, as runs along
 * the array (a dab changes a few short row segments), before and after; undo and redo write
 * them back into a copy of the current array. Pure data, no DOM.
 */
import type { Patch } from 'immer';

/** the bytes of one array that an edit changed: runs `starts[i] .. starts[i] + lengths[i] - 1` */
export interface ArrayDelta {
  readonly length: number;
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

/** A patch value standing for a full array rebuilt from the current one (never leaves history). */
export interface DeltaValue {
  readonly delta: ArrayDelta;
  readonly side: 'before' | 'after';
}

export function isDeltaValue(v: unknown): v is DeltaValue {
  return typeof v === 'object' && v !== null && 'delta' in v && 'side' in v && (v as DeltaValue).delta?.starts instanceof Int32Array;
}

/** Differences shorter than this apart join one run (a run costs 8 bytes of bookkeeping). */
const JOIN_GAP = 8;

/**
 * The runs where `a` and `b` differ (same length), or null when they hold more than `limit`
 * changed bytes (then keeping the arrays themselves is cheaper).
 */
export function diffArrays(a: Uint8Array, b: Uint8Array, limit: number): ArrayDelta | null {
  const n = a.length;
  const starts: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  let i = 0;
  while (i < n) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1; // one past the last differing byte; a difference within JOIN_GAP extends it
    for (let j = end; j < n && j - end < JOIN_GAP; j++) if (a[j] !== b[j]) end = j + 1;
    starts.push(start);
    lengths.push(end - start);
    total += end - start;
    if (total > limit) return null;
    i = end;
  }
  const before = new Uint8Array(total);
  const after = new Uint8Array(total);
  let at = 0;
  for (let r = 0; r < starts.length; r++) {
    before.set(a.subarray(starts[r], starts[r] + lengths[r]), at);
    after.set(b.subarray(starts[r], starts[r] + lengths[r]), at);
    at += lengths[r];
  }
  return { length: n, starts: Int32Array.from(starts), lengths: Int32Array.from(lengths), before, after };
}

/** `current` with one side of the delta written over its runs (a new array; `current` is untouched) */
export function applyDelta(current: Uint8Array, value: DeltaValue): Uint8Array {
  const { delta, side } = value;
  if (current.length !== delta.length) {
    throw new Error(`history: a mask of ${current.length} values cannot take an undo step recorded on ${delta.length}`);
  }
  const out = current.slice();
  const bytes = delta[side];
  let at = 0;
  for (let r = 0; r < delta.starts.length; r++) {
    out.set(bytes.subarray(at, at + delta.lengths[r]), delta.starts[r]);
    at += delta.lengths[r];
  }
  return out;
}

export function deltaBytes(d: ArrayDelta): number {
  return d.before.byteLength + d.after.byteLength + d.starts.byteLength + d.lengths.byteLength;
}

const samePath = (a: Patch['path'], b: Patch['path']): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Rewrites an entry's patches in place: a Uint8Array replaced once (one forward and one inverse
 * patch on that path) becomes a delta when the changed bytes are under a quarter of the array.
 */
export function compressArrayPatches(patches: Patch[], inversePatches: Patch[]): void {
  for (const p of patches) {
    if (p.op !== 'replace' || !(p.value instanceof Uint8Array)) continue;
    const forward = patches.filter((x) => samePath(x.path, p.path));
    const inverse = inversePatches.filter((x) => samePath(x.path, p.path));
    if (forward.length !== 1 || inverse.length !== 1) continue;
    const q = inverse[0];
    if (q.op !== 'replace' || !(q.value instanceof Uint8Array) || q.value.length !== p.value.length) continue;
    const delta = diffArrays(q.value, p.value, p.value.length / 4);
    if (!delta) continue;
    p.value = { delta, side: 'after' } satisfies DeltaValue;
    q.value = { delta, side: 'before' } satisfies DeltaValue;
  }
}

/** the value at `path` in a plain state tree */
export function valueAt(state: unknown, path: Patch['path']): unknown {
  let v: unknown = state;
  for (const key of path) v = (v as Record<string | number, unknown>)?.[key];
  return v;
}

/**
 * Bytes an entry keeps alive beyond the state (typed arrays it references and its deltas),
 * counted once each. Arrays still in the state are shared and cost nothing; a history-only
 * array is counted where it is met, an over-estimate for arrays shared by neighbouring entries.
 */
export function heldBytes(patches: readonly Patch[], inversePatches: readonly Patch[]): number {
  const seen = new Set<unknown>();
  let bytes = 0;
  const visit = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (isDeltaValue(v)) {
      if (!seen.has(v.delta)) bytes += deltaBytes(v.delta);
      seen.add(v.delta);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      return;
    }
    if (depth > 3) return;
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  // inverse values are what the history alone keeps; forward values of deltas too
  for (const p of inversePatches) visit(p.value, 0);
  for (const p of patches) if (isDeltaValue(p.value)) visit(p.value, 0);
  return bytes;
}
