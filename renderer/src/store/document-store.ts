/**
 * The document store: immutable state changed only through immer recipes. Every change is
 * recorded as patches + inverse patches, so undo/redo is plain data (tldraw-style history).
 *
 * One undo step per gesture: between `beginGesture()` and `commitGesture()` all changes
 * merge into one history entry (a whole stroke, a whole slider drag). Outside a gesture,
 * consecutive changes with the same `coalesce` key merge too (typing into one prompt field).
 *
 * A stroke's step keeps only the mask bytes it changed (history-delta.ts), and the history is
 * capped by steps and by bytes: the oldest steps go first, and `onTrim` tells the user.
 */
import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';
import { applyDelta, compressArrayPatches, heldBytes, isDeltaValue, valueAt } from './history-delta';

enablePatches();

export interface HistoryEntry {
  /** what the user did, e.g. 'stroke', 'prompt' (the mark shown in menus) */
  label: string;
  patches: Patch[];
  inversePatches: Patch[];
  /** bytes the step keeps alive beyond the state (set when it enters the history) */
  bytes?: number;
}

export interface HistoryOptions {
  /** most undo steps kept (default 500) */
  maxSteps?: number;
  /** most bytes the steps may keep alive beyond the document (default 128 MB) */
  maxBytes?: number;
  /** the oldest steps were dropped to stay under the caps */
  onTrim?: (info: { dropped: number; kept: number; bytes: number }) => void;
}

export const DEFAULT_HISTORY_STEPS = 500;
export const DEFAULT_HISTORY_BYTES = 128 * 1024 * 1024;

export interface ChangeEvent<T> {
  state: T;
  previous: T;
  /** 'edit' for a recipe, 'undo'/'redo' for history moves, 'reset' for a new document */
  cause: 'edit' | 'undo' | 'redo' | 'reset';
}

export interface UpdateOptions {
  /** history label; defaults to 'edit' */
  label?: string;
  /** consecutive updates with the same key (and no gesture open) become one undo step */
  coalesce?: string;
  /** change the state without recording history (e.g. a document opened from disk) */
  skipHistory?: boolean;
}

type Listener<T> = (event: ChangeEvent<T>) => void;

export class DocumentStore<T extends object> {
  private state: T;
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];
  private gesture: HistoryEntry | null = null;
  /** state before the open gesture, restored by cancelGesture() */
  private gestureStart: T | null = null;
  private lastCoalesceKey: string | null = null;
  private readonly listeners = new Set<Listener<T>>();

  private readonly maxSteps: number;
  private readonly maxBytes: number;
  private readonly onTrim: HistoryOptions['onTrim'];

  constructor(initial: T, history: HistoryOptions = {}) {
    this.state = initial;
    this.maxSteps = history.maxSteps ?? DEFAULT_HISTORY_STEPS;
    this.maxBytes = history.maxBytes ?? DEFAULT_HISTORY_BYTES;
    this.onTrim = history.onTrim;
  }

  getState = (): T => this.state;

  subscribe = (listener: Listener<T>): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(recipe: (draft: Draft<T>) => void, options: UpdateOptions = {}): void {
    const [next, patches, inversePatches] = produceWithPatches(this.state, recipe);
    if (patches.length === 0) return;
    const previous = this.state;
    this.state = next;
    if (!options.skipHistory) this.record({ label: options.label ?? 'edit', patches, inversePatches }, options.coalesce);
    this.emit({ state: next, previous, cause: 'edit' });
  }

  /** Start one undoable gesture; a gesture already open is committed first. */
  beginGesture(label: string): void {
    if (this.gesture) this.commitGesture();
    this.gesture = { label, patches: [], inversePatches: [] };
    this.gestureStart = this.state;
    this.lastCoalesceKey = null;
  }

  get inGesture(): boolean {
    return this.gesture !== null;
  }

  /** Close the open gesture as one history entry (nothing is recorded if nothing changed). */
  commitGesture(): void {
    const g = this.gesture;
    this.gesture = null;
    this.gestureStart = null;
    if (g && g.patches.length > 0) this.push(g);
  }

  /** Drop the open gesture and return to the state before it. */
  cancelGesture(): void {
    const start = this.gestureStart;
    this.gesture = null;
    this.gestureStart = null;
    if (start && start !== this.state) {
      const previous = this.state;
      this.state = start;
      this.emit({ state: start, previous, cause: 'undo' });
    }
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** bytes the undo and redo steps keep alive beyond the document */
  get historyBytes(): number {
    let sum = 0;
    for (const e of this.undoStack) sum += e.bytes ?? 0;
    for (const e of this.redoStack) sum += e.bytes ?? 0;
    return sum;
  }

  get historyLabels(): { undo: string[]; redo: string[] } {
    return { undo: this.undoStack.map((e) => e.label), redo: this.redoStack.map((e) => e.label) };
  }

  undo(): boolean {
    if (this.gesture) this.commitGesture();
    const entry = this.undoStack.pop();
    if (!entry) return false;
    this.redoStack.push(entry);
    this.lastCoalesceKey = null;
    this.move(entry.inversePatches, 'undo');
    return true;
  }

  redo(): boolean {
    if (this.gesture) this.commitGesture();
    const entry = this.redoStack.pop();
    if (!entry) return false;
    this.undoStack.push(entry);
    this.lastCoalesceKey = null;
    this.move(entry.patches, 'redo');
    return true;
  }

  /** A new document (opened, or File → New): history starts over. */
  reset(state: T): void {
    const previous = this.state;
    this.state = state;
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.gesture = null;
    this.gestureStart = null;
    this.lastCoalesceKey = null;
    this.emit({ state, previous, cause: 'reset' });
  }

  private record(entry: HistoryEntry, coalesce: string | undefined): void {
    if (this.gesture) {
      merge(this.gesture, entry);
      return;
    }
    const top = this.undoStack[this.undoStack.length - 1];
    if (coalesce && top && this.lastCoalesceKey === coalesce && this.redoStack.length === 0) {
      merge(top, entry);
      top.bytes = heldBytes(top.patches, top.inversePatches);
      return;
    }
    this.lastCoalesceKey = coalesce ?? null;
    this.push(entry);
  }

  private push(entry: HistoryEntry): void {
    compressArrayPatches(entry.patches, entry.inversePatches);
    entry.bytes = heldBytes(entry.patches, entry.inversePatches);
    this.undoStack.push(entry);
    // a new edit makes the undone future unreachable
    this.redoStack.length = 0;
    let bytes = this.historyBytes;
    let dropped = 0;
    // the newest step always stays, however big
    while (this.undoStack.length > 1 && (this.undoStack.length > this.maxSteps || bytes > this.maxBytes)) {
      bytes -= this.undoStack.shift()?.bytes ?? 0;
      dropped++;
    }
    if (dropped > 0) this.onTrim?.({ dropped, kept: this.undoStack.length, bytes });
  }

  /** applies history patches in order; a delta is rebuilt on the array its path holds at that point */
  private move(patches: Patch[], cause: 'undo' | 'redo'): void {
    const previous = this.state;
    let state = this.state;
    let plain: Patch[] = [];
    for (const p of patches) {
      if (!isDeltaValue(p.value)) {
        plain.push(p);
        continue;
      }
      if (plain.length) state = applyPatches(state, plain);
      plain = [];
      const current = valueAt(state, p.path);
      if (!(current instanceof Uint8Array)) throw new Error(`history: ${p.path.join('/')} is not a mask any more`);
      state = applyPatches(state, [{ ...p, value: applyDelta(current, p.value) }]);
    }
    if (plain.length) state = applyPatches(state, plain);
    this.state = state;
    this.emit({ state: this.state, previous, cause });
  }

  private emit(event: ChangeEvent<T>): void {
    for (const l of [...this.listeners]) l(event);
  }
}

/** Append `next` to `into`: forward patches run in order, inverse patches in reverse order. */
function merge(into: HistoryEntry, next: HistoryEntry): void {
  into.patches.push(...next.patches);
  into.inversePatches.unshift(...next.inversePatches);
}
