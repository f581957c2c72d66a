/**
 * Keeps the engine's copy of the palette in step with the document, sending only what
 * changed: a stroke is one `updateLayerMask`, a brush field change one `setLayers`. Changes
 * are collected and flushed at most once per animation frame, and never while the previous
 * flush is still in flight, so a fast stroke cannot queue up work behind the engine.
 */
import type { PaletteDocument, SemanticBrush } from '../store/document';
import { ENGINE_BRUSH_FIELDS, engineFieldsOf } from '../../../shared/document';
import type { IpcErrorPayload } from '../../../shared/ipc/channels';
import { parseIpcError, type PaletteApi } from '../../../shared/ipc/api';

export type EngineApi = Pick<
  PaletteApi['engine'],
  'setCanvas' | 'setSettings' | 'setSeed' | 'setBackground' | 'setLayers' | 'updateLayerMask'
>;

export interface EngineSyncOptions {
  /** runs the flush on the next frame (requestAnimationFrame in the app, a manual queue in tests) */
  schedule(flush: () => void): void;
  onError(error: IpcErrorPayload): void;
}

function sameEngineFields(a: readonly SemanticBrush[], b: readonly SemanticBrush[]): boolean {
  if (a.length !== b.length) return false;
  // a change in any field the engine reads, besides the mask, needs setLayers
  return a.every((l, i) => ENGINE_BRUSH_FIELDS.every((f) => l[f] === b[i][f]));
}

export class EngineSync {
  private sent: PaletteDocument | null = null;
  private wanted: PaletteDocument | null = null;
  /** masks of strokes in progress, newest working copy per layer */
  private readonly strokes = new Map<string, Uint8Array>();
  /** the mask array (by identity) the engine last received for each layer */
  private readonly sentMasks = new Map<string, Uint8Array>();
  private scheduled = false;
  private inFlight: Promise<void> | null = null;
  private again = false;
  /** calls made, by channel (read by tests and the status bar) */
  readonly counts = { setCanvas: 0, setSettings: 0, setSeed: 0, setBackground: 0, setLayers: 0, updateLayerMask: 0 };

  constructor(
    private readonly api: EngineApi,
    private readonly options: EngineSyncOptions,
  ) {}

  /** The document changed (any edit, undo, redo or a new document). */
  documentChanged(doc: PaletteDocument): void {
    this.wanted = doc;
    this.request();
  }

  /** A stroke in progress changed `layerId`'s working mask. */
  strokeChanged(layerId: string, working: Uint8Array): void {
    this.strokes.set(layerId, working);
    this.request();
  }

  /** A stroke on `layerId` was abandoned: the engine gets the document's own mask of it again. */
  strokeCancelled(layerId: string): void {
    this.strokes.delete(layerId);
    this.sentMasks.delete(layerId);
    this.request();
  }

  /** Forget what the engine has (after a model switch or an engine restart): the next flush sends everything. */
  resendAll(): void {
    this.sent = null;
    this.sentMasks.clear();
    this.request();
  }

  /** Resolves when everything requested so far has reached the engine. */
  async settled(): Promise<void> {
    while (this.inFlight || this.scheduled) {
      if (this.inFlight) await this.inFlight;
      else await new Promise((r) => setTimeout(r, 0));
    }
  }

  private request(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    this.options.schedule(() => {
      this.scheduled = false;
      this.inFlight = this.flush()
        .catch((e: unknown) => this.options.onError(parseIpcError(e)))
        .finally(() => {
          this.inFlight = null;
          if (this.again) {
            this.again = false;
            this.request();
          }
        });
    });
  }

  private async flush(): Promise<void> {
    const doc = this.wanted;
    if (!doc) return;
    const prev = this.sent;
    const strokes = new Map(this.strokes);
    this.strokes.clear();
    this.sent = doc;

    const canvasChanged = !prev || prev.canvas.width !== doc.canvas.width || prev.canvas.height !== doc.canvas.height;
    if (canvasChanged) {
      this.counts.setCanvas += 1;
      await this.api.setCanvas({ width: doc.canvas.width, height: doc.canvas.height });
    }
    if (canvasChanged || prev.settings !== doc.settings) {
      this.counts.setSettings += 1;
      await this.api.setSettings({ ...doc.settings, tIndexList: [...doc.settings.tIndexList] });
    }
    if (canvasChanged || prev.seed !== doc.seed) {
      this.counts.setSeed += 1;
      await this.api.setSeed({ seed: doc.seed });
    }
    if (canvasChanged || prev.background !== doc.background) {
      this.counts.setBackground += 1;
      const bg = doc.background;
      await this.api.setBackground({ prompt: bg.prompt, negativePrompt: bg.negativePrompt, image: bg.image ? bg.image.slice() : null });
    }

    const size = doc.canvas.width * doc.canvas.height;
    if (canvasChanged || !sameEngineFields(prev.layers, doc.layers)) {
      this.counts.setLayers += 1;
      this.sentMasks.clear();
      const layers = doc.layers.map((l) => {
        const stroke = strokes.get(l.id);
        const mask = stroke && stroke.length === size ? stroke : l.mask;
        this.sentMasks.set(l.id, mask);
        // a copy of the mask: the payload may be transferred, and the store's array must stay intact
        return { ...engineFieldsOf(l), mask: mask.slice() };
      });
      await this.api.setLayers({ layers });
      return;
    }

    for (const l of doc.layers) {
      const stroke = strokes.get(l.id);
      const mask = stroke && stroke.length === size ? stroke : l.mask;
      // a stroke's working array becomes the store's mask on commit: same array, already sent
      if (!stroke && this.sentMasks.get(l.id) === mask) continue;
      this.sentMasks.set(l.id, mask);
      this.counts.updateLayerMask += 1;
      await this.api.updateLayerMask({ id: l.id, mask: mask.slice() });
    }
  }
}
