/**
 * The mask compositor: turns the layers' painted masks into the quantized latent masks Q_ik,
 * count_k and bg_k (ENGINE-SPEC §3), and keeps them. An edit re-does only what it can reach:
 * the edited layer within blur radius of the changed pixels, the layers below it only where
 * the edit changed what covers them, and count/bg (latent-sized, cheap) in full.
 *
 * Per layer it keeps only the raw mask (1 byte a pixel for alpha masks) and Q_k (latent-sized);
 * every recompute blurs its window the full way, tile by tile (tile-blur.ts), so a window gives
 * the same bits as the whole canvas and nothing canvas-sized in float is ever held.
 */
import { PaletteError } from '../../../shared/errors';
import { gaussianKernel, kernelTails } from './blur';
import { diffAndCopy, nonzeroBounds, positiveBounds, type CanvasMask } from './blur-input';
import type { MaskType } from './quantize';
import { reachBlocks, unionRect, type Rect } from './rect';
import { blockSummary } from './coarse';
import { quantizeHeld, TileBlur, type BlurContext, type BlurStats, type HeldBlur, type LayerState } from './tile-blur';

export type { CanvasMask } from './blur-input';
export type { Rect } from './rect';
export type { BlurStats } from './tile-blur';

/**
 * Largest blur (in pixels) held for a strength slider: while one layer's strength is the only
 * thing changing, its blurred mask is kept (transiently, at most this many pixels × 8 bytes) so
 * each further change only quantizes again; any other edit drops it.
 */
export const HOLD_PIXELS = 8 * 2 ** 20;

/** latent pixel = 8×8 canvas pixels */
export const LATENT_FACTOR = 8;

export interface MaskLayerInput {
  readonly id: string;
  readonly mask: CanvasMask;
  readonly maskStrength: number;
  readonly maskBlur: number;
  readonly visible: boolean;
}

export interface MaskQuantization {
  /** n_0..n_T (length T + 1, n_T = 0) */
  readonly noiseLevels: Float64Array;
  readonly maskType: MaskType;
  readonly coverAlpha: number;
}

export function checkMask(id: string, mask: CanvasMask, height: number, width: number): void {
  if (!(mask instanceof Float32Array) && !(mask instanceof Uint8Array)) {
    throw new PaletteError('E_BAD_MASK', `layer ${id}: mask must be a Float32Array (0..1) or Uint8Array (alpha)`);
  }
  if (mask.length !== height * width) {
    throw new PaletteError('E_BAD_MASK_SIZE', `layer ${id}: mask has ${mask.length} pixels, canvas ${width}×${height} needs ${height * width}`);
  }
}

/** a copy of the mask in shared memory (the tile pool's workers read it in place) */
function sharedCopy(mask: CanvasMask): CanvasMask {
  const copy = mask instanceof Uint8Array ? new Uint8Array(new SharedArrayBuffer(mask.length)) : new Float32Array(new SharedArrayBuffer(4 * mask.length));
  copy.set(mask);
  return copy;
}

function checkUnit(id: string, name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new PaletteError('E_BAD_LAYER', `layer ${id}: ${name} ${v} is outside 0..1`);
}

function checkBlur(id: string, v: number): void {
  if (!(v >= 0 && v <= 1000)) throw new PaletteError('E_BAD_LAYER', `layer ${id}: mask blur ${v} is outside 0..1000 pixels`);
}

function checkLayerInput(l: MaskLayerInput, height: number, width: number): void {
  checkMask(l.id, l.mask, height, width);
  checkUnit(l.id, 'mask strength', l.maskStrength);
  checkBlur(l.id, l.maskBlur);
}

export class MaskCompositor {
  readonly height: number;
  readonly width: number;
  readonly latentHeight: number;
  readonly latentWidth: number;
  private quant: MaskQuantization;
  private layers: LayerState[] = [];
  private countK: Float32Array[] = [];
  private bgK: Float32Array[] = [];
  private countDirty = true;
  /** latent blocks whose count/bg may differ (null: all of them) */
  private readonly blur: TileBlur;
  /** the layer whose strength changed last, and its held blur (see HOLD_PIXELS) */
  private holdFor: LayerState | null = null;
  private held: HeldBlur | null = null;
  /** one latent row of count_k in float64 (recomputeCount) */
  private countRow = new Float64Array(0);

  /** `pool`: share large windows with the thread's tile pool (tile-pool.ts) when it is ready */
  constructor(height: number, width: number, quantization: MaskQuantization, pool = true) {
    if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0 && height % LATENT_FACTOR === 0 && width % LATENT_FACTOR === 0)) {
      throw new PaletteError('E_BAD_CANVAS_SIZE', `canvas ${width}×${height}: both sides must be positive multiples of ${LATENT_FACTOR}`);
    }
    this.height = height;
    this.width = width;
    this.latentHeight = height / LATENT_FACTOR;
    this.latentWidth = width / LATENT_FACTOR;
    this.blur = new TileBlur(height, width, LATENT_FACTOR, undefined, pool);
    this.quant = quantization;
    this.allocateSteps();
  }

  get steps(): number {
    return this.quant.noiseLevels.length - 1;
  }

  /** count_k, latent-sized */
  get count(): readonly Float32Array[] {
    return this.countK;
  }

  /** bg_k = clip(1 - count_k, 0, 1), latent-sized */
  get background(): readonly Float32Array[] {
    return this.bgK;
  }

  /** visible layer ids, bottom to top */
  visibleLayerIds(): string[] {
    return this.layers.filter((l) => l.visible).map((l) => l.id);
  }

  /** Q_ik of a layer (latent-sized, one per step); all zero while the layer is hidden */
  quantizedMasks(id: string): readonly Float32Array[] {
    return this.layer(id).quantized;
  }

  /** windows, tiles and pixels blurred so far */
  get blurStats(): Readonly<BlurStats> {
    return this.blur.stats;
  }

  /** whether the blur's vertical pass runs as WebAssembly SIMD (else plain JavaScript, same bits) */
  get simd(): boolean {
    return this.blur.simd;
  }

  /** bytes this compositor holds: per layer (raw mask, Q_k), shared (count/bg) and the tile scratch */
  get memoryUse(): { layers: number; shared: number; scratch: number; held: number } {
    let layers = 0;
    let shared = 0;
    for (const q of [...this.countK, ...this.bgK]) shared += q.byteLength;
    for (const l of this.layers) {
      layers += l.raw.byteLength;
      for (const q of l.quantized) layers += q.byteLength;
    }
    return { layers, shared, scratch: this.blur.scratchBytes, held: this.held?.values.byteLength ?? 0 };
  }

  /**
   * Replaces all layers (bottom to top); masks are copied. With the same ids in the same order
   * only what differs is redone (a re-sent unchanged palette costs one comparison pass).
   * Returns whether the masks' output (Q_ik, count, bg) can differ: the stream's input
   * revision hears of every change here (ENGINE-SPEC §10).
   */
  setLayers(layers: readonly MaskLayerInput[]): boolean {
    if (layers.length === this.layers.length && layers.every((l, i) => l.id === this.layers[i].id)) {
      for (const l of layers) checkLayerInput(l, this.height, this.width);
      let changed = false;
      for (const l of layers) changed = this.setLayerOptions(l.id, l) || changed;
      for (const l of layers) changed = this.setLayerMask(l.id, l.mask) || changed;
      return changed;
    }
    this.replaceLayers(layers);
    return true;
  }

  private replaceLayers(layers: readonly MaskLayerInput[]): void {
    const seen = new Set<string>();
    for (const l of layers) {
      if (seen.has(l.id)) throw new PaletteError('E_BAD_LAYER', `layer id ${l.id} appears twice`);
      seen.add(l.id);
      checkLayerInput(l, this.height, this.width);
    }
    const old = new Map(this.layers.map((l) => [l.id, l]));
    this.layers = layers.map((l) => {
      const prev = old.get(l.id);
      const quantized = prev && prev.quantized.length === this.steps ? prev.quantized : this.newStepMasks();
      const kernel = gaussianKernel(l.maskBlur);
      return {
        id: l.id,
        raw: sharedCopy(l.mask),
        rawScale: l.mask instanceof Uint8Array ? 1 / 255 : 1,
        strength: l.maskStrength,
        kernel,
        tails: kernelTails(kernel),
        visible: l.visible,
        quantized,
        dirty: null,
        recompute: true,
        requantize: false,
      };
    });
    this.dropHeld();
    this.countDirty = true;
  }

  /**
   * Replaces one layer's mask. Only the pixels that differ from the previous mask are
   * re-processed (plus blur reach), and layers below only where coverage changed.
   * Returns whether the output can differ (equal pixels, or a hidden layer's, are no change).
   */
  setLayerMask(id: string, mask: CanvasMask): boolean {
    checkMask(id, mask, this.height, this.width);
    const index = this.layers.findIndex((l) => l.id === id);
    if (index < 0) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    const layer = this.layers[index];
    const newScale = mask instanceof Uint8Array ? 1 / 255 : 1;
    if (newScale !== layer.rawScale || mask.constructor !== layer.raw.constructor) {
      layer.raw = sharedCopy(mask);
      layer.rawScale = newScale;
      this.dropHeld();
      this.markAllDirty();
      return true;
    }
    const { changed, coverChanged } = diffAndCopy(layer.raw, mask, this.width, this.height);
    if (!changed) return false;
    this.dropHeld();
    if (!layer.visible) return false;
    layer.dirty = unionRect(layer.dirty, changed);
    if (coverChanged) {
      for (let i = 0; i < index; i++) {
        const below = this.layers[i];
        const reach = below.visible ? positiveBounds(below.raw, this.width, coverChanged) : null;
        if (reach) below.dirty = unionRect(below.dirty, reach);
      }
    }
    this.countDirty = true;
    return true;
  }

  /**
   * Changes a layer's strength, blur or visibility; unchanged values cost nothing. Returns
   * whether the output can differ (a hidden layer's strength or blur shows only once shown).
   */
  setLayerOptions(id: string, options: { maskStrength?: number; maskBlur?: number; visible?: boolean }): boolean {
    const layer = this.layer(id);
    const wasVisible = layer.visible;
    let changed = false;
    if (options.maskStrength !== undefined && options.maskStrength !== layer.strength) {
      checkUnit(id, 'mask strength', options.maskStrength);
      layer.strength = options.maskStrength;
      if (this.holdFor === layer && this.held) layer.requantize = true;
      else {
        this.dropHeld();
        this.holdFor = layer;
        layer.recompute = true;
      }
      this.countDirty = true;
      changed = true;
    }
    if (options.maskBlur !== undefined && options.maskBlur !== layer.kernel.sigma) {
      checkBlur(id, options.maskBlur);
      layer.kernel = gaussianKernel(options.maskBlur);
      layer.tails = kernelTails(layer.kernel);
      layer.recompute = true;
      this.dropHeld();
      this.countDirty = true;
      changed = true;
    }
    if (options.visible !== undefined && options.visible !== layer.visible) {
      layer.visible = options.visible;
      // coverage of every layer below may change; simplest exact answer is a full redo
      this.markAllDirty();
      return true;
    }
    return changed && wasVisible;
  }

  /** New noise levels, mask type or cover alpha; returns whether anything differs. */
  setQuantization(quantization: MaskQuantization): boolean {
    const q = this.quant;
    const sameLevels = q.maskType === quantization.maskType && q.noiseLevels.length === quantization.noiseLevels.length &&
      q.noiseLevels.every((v, i) => v === quantization.noiseLevels[i]);
    const sameAlpha = q.coverAlpha === quantization.coverAlpha;
    if (sameLevels && sameAlpha) return false;
    const stepsChanged = q.noiseLevels.length !== quantization.noiseLevels.length;
    this.quant = quantization;
    if (stepsChanged) {
      this.allocateSteps();
      for (const l of this.layers) l.quantized = this.newStepMasks();
    }
    this.markAllDirty();
    return true;
  }

  /** true when an update() would change anything */
  get needsUpdate(): boolean {
    return this.countDirty || this.layers.some((l) => l.dirty !== null || l.recompute || l.requantize);
  }

  /** Brings every quantized mask, count and bg up to date. */
  update(): boolean {
    let any = false;
    const F = LATENT_FACTOR;
    // count/bg are redone on the union of the latent windows quantized, or in full
    let whole = false;
    let partial: Rect | null = null;
    // windows blurred together once every layer is looked at (the tile pool shares them all)
    const windows: { layer: LayerState; ctx: BlurContext; win: Rect }[] = [];
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      if (!layer.dirty && !layer.recompute && !layer.requantize) continue;
      any = true;
      const r = this.blur.reach(layer.kernel);
      if (!layer.visible) {
        for (const q of layer.quantized) q.fill(0);
      } else if (layer.recompute) {
        // only the input's reach can be nonzero
        for (const q of layer.quantized) q.fill(0);
        const support = nonzeroBounds(layer.raw, this.width, { x0: 0, y0: 0, x1: this.width, y1: this.height });
        const win = support ? reachBlocks(support, r, this.width, this.height, F) : null;
        const area = win ? (win.x1 - win.x0) * (win.y1 - win.y0) : 0;
        const keep = win && this.holdFor === layer && area <= HOLD_PIXELS
          ? { win, values: new Float64Array(area), summary: this.blur.usesCoarse(layer.kernel) ? blockSummary(area / (F * F)) : undefined }
          : undefined;
        if (win && keep) this.blur.run(layer, this.context(i), win, keep);
        else if (win) windows.push({ layer, ctx: this.context(i), win });
        if (keep) this.held = keep;
      } else if (layer.requantize && this.held) {
        quantizeHeld(this.held, layer.strength, this.quant.noiseLevels, this.quant.maskType,
          layer.quantized, this.latentWidth, F);
      } else if (layer.dirty) {
        const win = reachBlocks(layer.dirty, r, this.width, this.height, F);
        windows.push({ layer, ctx: this.context(i), win });
        partial = unionRect(partial, { x0: win.x0 / F, y0: win.y0 / F, x1: win.x1 / F, y1: win.y1 / F });
      }
      if (!layer.dirty || layer.recompute || !layer.visible) whole = true;
      layer.dirty = null;
      layer.recompute = false;
      layer.requantize = false;
      this.countDirty = true;
    }
    if (windows.length) this.blur.runAll(windows);
    if (this.countDirty) {
      this.recomputeCount(whole ? null : partial);
      this.countDirty = false;
      any = true;
    }
    return any;
  }

  private layer(id: string): LayerState {
    const l = this.layers.find((x) => x.id === id);
    if (!l) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    return l;
  }

  private newStepMasks(): Float32Array[] {
    const out: Float32Array[] = [];
    for (let k = 0; k < this.steps; k++) out.push(new Float32Array(this.latentHeight * this.latentWidth));
    return out;
  }

  private allocateSteps(): void {
    this.countK = this.newStepMasks();
    this.bgK = this.newStepMasks();
    this.countDirty = true;
  }

  private dropHeld(): void {
    if (this.held) for (const l of this.layers) if (l.requantize) l.recompute = true;
    this.holdFor = null;
    this.held = null;
  }

  private markAllDirty(): void {
    this.dropHeld();
    for (const l of this.layers) l.recompute = true;
    this.countDirty = true;
  }

  private context(index: number): BlurContext {
    const q = this.quant;
    const above = this.layers.slice(index + 1).filter((l) => l.visible).map((l) => l.raw);
    return { above, coverAlpha: q.coverAlpha, noiseLevels: q.noiseLevels, maskType: q.maskType };
  }

  /** count_k and bg_k on a latent rectangle (null: everywhere) */
  private recomputeCount(rect: Rect | null): void {
    const lw = this.latentWidth;
    const r = rect ?? { x0: 0, y0: 0, x1: lw, y1: this.latentHeight };
    const visible = this.layers.filter((l) => l.visible);
    // summed in float64 (layers bottom to top), rounded to float32 once
    const row = this.countRow.length >= r.x1 - r.x0 ? this.countRow : (this.countRow = new Float64Array(lw));
    for (let k = 0; k < this.steps; k++) {
      const c = this.countK[k];
      const bg = this.bgK[k];
      for (let y = r.y0; y < r.y1; y++) {
        const a = y * lw + r.x0;
        const n = r.x1 - r.x0;
        row.fill(0, 0, n);
        for (const l of visible) {
          const q = l.quantized[k];
          for (let i = 0; i < n; i++) row[i] += q[a + i];
        }
        for (let i = 0; i < n; i++) {
          const s = row[i];
          c[a + i] = s;
          const v = 1 - s;
          bg[a + i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
        }
      }
    }
  }
}
