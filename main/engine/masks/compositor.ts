/**
 * The mask compositor: turns the layers' painted masks into the quantized latent masks Q_ik,
 * count_k and bg_k (ENGINE-SPEC §3), and keeps them. An edit re-does only what it can reach:
 * the edited layer within blur radius of the changed pixels, the layers below it only where
 * the edit changed what covers them, and count/bg (latent-sized, cheap) in full.
 */
import { PaletteError } from '../../../shared/errors';
import { blurScratch, convolveRowsTransposed, gaussianKernel, kernelTails, type BlurScratch, type GaussianKernel } from './blur';
import { quantizeBlocks, type MaskType } from './quantize';

/** latent pixel = 8×8 canvas pixels */
export const LATENT_FACTOR = 8;

/** A canvas mask: Float32Array with values 0..1, or Uint8Array alpha 0..255. */
export type CanvasMask = Float32Array | Uint8Array;

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

/** half-open pixel rectangle */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface LayerState {
  id: string;
  raw: CanvasMask;
  /** 1/255 for alpha masks, 1 for float masks */
  rawScale: number;
  strength: number;
  kernel: GaussianKernel;
  /** kernelTails(kernel) */
  tails: Float64Array;
  visible: boolean;
  /** Q_k, latent-sized, one per step */
  quantized: Float32Array[];
  /** canvas rectangle of the blur input (cover × raw) that changed since the last update */
  dirty: Rect | null;
}

function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

export function checkMask(id: string, mask: CanvasMask, height: number, width: number): void {
  if (!(mask instanceof Float32Array) && !(mask instanceof Uint8Array)) {
    throw new PaletteError('E_BAD_MASK', `layer ${id}: mask must be a Float32Array (0..1) or Uint8Array (alpha)`);
  }
  if (mask.length !== height * width) {
    throw new PaletteError('E_BAD_MASK_SIZE', `layer ${id}: mask has ${mask.length} pixels, canvas ${width}×${height} needs ${height * width}`);
  }
}

function checkUnit(id: string, name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new PaletteError('E_BAD_LAYER', `layer ${id}: ${name} ${v} is outside 0..1`);
}

function checkBlur(id: string, v: number): void {
  if (!(v >= 0 && v <= 1000)) throw new PaletteError('E_BAD_LAYER', `layer ${id}: mask blur ${v} is outside 0..1000 pixels`);
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
  // scratch, sized for the whole canvas once
  private readonly input: Float64Array;
  private readonly covered: Uint8Array;
  private readonly pass1: Float64Array;
  private readonly blurred: Float64Array;
  private readonly scratch: BlurScratch;

  constructor(height: number, width: number, quantization: MaskQuantization) {
    if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0 && height % LATENT_FACTOR === 0 && width % LATENT_FACTOR === 0)) {
      throw new PaletteError('E_BAD_CANVAS_SIZE', `canvas ${width}×${height}: both sides must be positive multiples of ${LATENT_FACTOR}`);
    }
    this.height = height;
    this.width = width;
    this.latentHeight = height / LATENT_FACTOR;
    this.latentWidth = width / LATENT_FACTOR;
    const n = height * width;
    this.input = new Float64Array(n);
    this.covered = new Uint8Array(n);
    this.pass1 = new Float64Array(n);
    this.blurred = new Float64Array(n);
    this.scratch = blurScratch(Math.max(height, width));
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

  /**
   * Replaces all layers (bottom to top); masks are copied. With the same ids in the same order
   * only what differs is redone (a re-sent unchanged palette costs one comparison pass).
   */
  setLayers(layers: readonly MaskLayerInput[]): void {
    if (layers.length === this.layers.length && layers.every((l, i) => l.id === this.layers[i].id)) {
      for (const l of layers) {
        checkMask(l.id, l.mask, this.height, this.width);
        checkUnit(l.id, 'mask strength', l.maskStrength);
        checkBlur(l.id, l.maskBlur);
      }
      for (const l of layers) this.setLayerOptions(l.id, l);
      for (const l of layers) this.setLayerMask(l.id, l.mask);
      return;
    }
    this.replaceLayers(layers);
  }

  private replaceLayers(layers: readonly MaskLayerInput[]): void {
    const seen = new Set<string>();
    for (const l of layers) {
      if (seen.has(l.id)) throw new PaletteError('E_BAD_LAYER', `layer id ${l.id} appears twice`);
      seen.add(l.id);
      checkMask(l.id, l.mask, this.height, this.width);
      checkUnit(l.id, 'mask strength', l.maskStrength);
      checkBlur(l.id, l.maskBlur);
    }
    const old = new Map(this.layers.map((l) => [l.id, l]));
    this.layers = layers.map((l) => {
      const prev = old.get(l.id);
      const quantized = prev && prev.quantized.length === this.steps ? prev.quantized : this.newStepMasks();
      return {
        id: l.id,
        raw: l.mask.slice(),
        rawScale: l.mask instanceof Uint8Array ? 1 / 255 : 1,
        strength: l.maskStrength,
        kernel: gaussianKernel(l.maskBlur),
        tails: kernelTails(gaussianKernel(l.maskBlur)),
        visible: l.visible,
        quantized,
        dirty: null,
      };
    });
    this.markAllDirty();
  }

  /**
   * Replaces one layer's mask. Only the pixels that differ from the previous mask are
   * re-processed (plus blur reach), and layers below only where coverage changed.
   */
  setLayerMask(id: string, mask: CanvasMask): void {
    checkMask(id, mask, this.height, this.width);
    const index = this.layers.findIndex((l) => l.id === id);
    if (index < 0) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    const layer = this.layers[index];
    const newScale = mask instanceof Uint8Array ? 1 / 255 : 1;
    if (newScale !== layer.rawScale || mask.constructor !== layer.raw.constructor) {
      layer.raw = mask.slice();
      layer.rawScale = newScale;
      this.markAllDirty();
      return;
    }
    const { changed, coverChanged } = this.diffAndCopy(layer.raw, mask);
    if (!changed || !layer.visible) return;
    layer.dirty = unionRect(layer.dirty, changed);
    if (coverChanged) {
      for (let i = 0; i < index; i++) {
        const below = this.layers[i];
        const reach = below.visible ? this.positiveBounds(below, coverChanged) : null;
        if (reach) below.dirty = unionRect(below.dirty, reach);
      }
    }
    this.countDirty = true;
  }

  /** Changes a layer's strength, blur or visibility; unchanged values cost nothing. */
  setLayerOptions(id: string, options: { maskStrength?: number; maskBlur?: number; visible?: boolean }): void {
    const layer = this.layer(id);
    const full: Rect = { x0: 0, y0: 0, x1: this.width, y1: this.height };
    if (options.maskStrength !== undefined && options.maskStrength !== layer.strength) {
      checkUnit(id, 'mask strength', options.maskStrength);
      layer.strength = options.maskStrength;
      layer.dirty = full;
      this.countDirty = true;
    }
    if (options.maskBlur !== undefined && options.maskBlur !== layer.kernel.sigma) {
      checkBlur(id, options.maskBlur);
      layer.kernel = gaussianKernel(options.maskBlur);
      layer.tails = kernelTails(layer.kernel);
      layer.dirty = full;
      this.countDirty = true;
    }
    if (options.visible !== undefined && options.visible !== layer.visible) {
      layer.visible = options.visible;
      // coverage of every layer below may change; simplest exact answer is a full redo
      this.markAllDirty();
    }
  }

  setQuantization(quantization: MaskQuantization): void {
    const q = this.quant;
    const same = q.maskType === quantization.maskType && q.coverAlpha === quantization.coverAlpha &&
      q.noiseLevels.length === quantization.noiseLevels.length &&
      q.noiseLevels.every((v, i) => v === quantization.noiseLevels[i]);
    if (same) return;
    const stepsChanged = q.noiseLevels.length !== quantization.noiseLevels.length;
    this.quant = quantization;
    if (stepsChanged) {
      this.allocateSteps();
      for (const l of this.layers) l.quantized = this.newStepMasks();
    }
    this.markAllDirty();
  }

  /** true when an update() would change anything */
  get needsUpdate(): boolean {
    return this.countDirty || this.layers.some((l) => l.dirty !== null);
  }

  /** Brings every quantized mask, count and bg up to date. */
  update(): boolean {
    let any = false;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      if (!layer.dirty) continue;
      const rect = layer.dirty;
      layer.dirty = null;
      if (!layer.visible) {
        for (const q of layer.quantized) q.fill(0);
      } else {
        this.recomputeLayer(i, rect);
      }
      any = true;
    }
    if (this.countDirty) {
      this.recomputeCount();
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

  private markAllDirty(): void {
    const full: Rect = { x0: 0, y0: 0, x1: this.width, y1: this.height };
    for (const l of this.layers) l.dirty = full;
    this.countDirty = true;
  }

  /**
   * Copies `next` into `raw`; returns the bounding boxes of changed pixels and of pixels whose
   * (> 0) status changed. Compares 32-bit words first: a stroke touches few of them.
   */
  private diffAndCopy(raw: CanvasMask, next: CanvasMask): { changed: Rect | null; coverChanged: Rect | null } {
    const W = this.width;
    const perWord = raw instanceof Uint8Array ? 4 : 1;
    const aligned = raw.byteOffset % 4 === 0 && next.byteOffset % 4 === 0;
    const a32 = aligned ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length / perWord) : null;
    const b32 = aligned ? new Uint32Array(next.buffer, next.byteOffset, next.length / perWord) : null;
    const wordsPerRow = W / perWord;
    let cx0 = W, cy0 = this.height, cx1 = -1, cy1 = -1;
    let px0 = W, py0 = this.height, px1 = -1, py1 = -1;
    for (let y = 0; y < this.height; y++) {
      const off = y * W;
      for (let wi = 0; wi < wordsPerRow; wi++) {
        if (a32 && b32 && a32[y * wordsPerRow + wi] === b32[y * wordsPerRow + wi]) continue;
        for (let x = wi * perWord; x < (wi + 1) * perWord; x++) {
          const a = raw[off + x];
          const b = next[off + x];
          if (a === b) continue;
          if (x < cx0) cx0 = x;
          if (x > cx1) cx1 = x;
          if (y < cy0) cy0 = y;
          cy1 = y;
          if ((a > 0) !== (b > 0)) {
            if (x < px0) px0 = x;
            if (x > px1) px1 = x;
            if (y < py0) py0 = y;
            py1 = y;
          }
          raw[off + x] = b;
        }
      }
    }
    return {
      changed: cx1 < 0 ? null : { x0: cx0, y0: cy0, x1: cx1 + 1, y1: cy1 + 1 },
      coverChanged: px1 < 0 ? null : { x0: px0, y0: py0, x1: px1 + 1, y1: py1 + 1 },
    };
  }

  /** bounding box of the layer's raw > 0 pixels within `r` (cover only changes those), or null */
  private positiveBounds(layer: LayerState, r: Rect): Rect | null {
    const raw = layer.raw;
    let x0 = r.x1, y0 = r.y1, x1 = -1, y1 = -1;
    for (let y = r.y0; y < r.y1; y++) {
      const off = y * this.width;
      for (let x = r.x0; x < r.x1; x++) {
        if (raw[off + x] > 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          y1 = y;
        }
      }
    }
    return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
  }

  /**
   * Recomputes layer i's quantized masks on the latent blocks that blur can carry a change
   * in `changed` (canvas pixels of the blur input) to.
   */
  private recomputeLayer(index: number, changed: Rect): void {
    const layer = this.layers[index];
    const H = this.height;
    const W = this.width;
    const r = layer.kernel.radius;
    const F = LATENT_FACTOR;
    // output window: reach of the change, widened to whole latent blocks
    const ox0 = Math.floor(Math.max(0, changed.x0 - r) / F) * F;
    const oy0 = Math.floor(Math.max(0, changed.y0 - r) / F) * F;
    const ox1 = Math.ceil(Math.min(W, changed.x1 + r) / F) * F;
    const oy1 = Math.ceil(Math.min(H, changed.y1 + r) / F) * F;
    // input window: what the blur of the output window reads (edges replicate)
    const ix0 = Math.max(0, ox0 - r);
    const iy0 = Math.max(0, oy0 - r);
    const ix1 = Math.min(W, ox1 + r);
    const iy1 = Math.min(H, oy1 + r);
    const iw = ix1 - ix0;
    const ih = iy1 - iy0;
    const ow = ox1 - ox0;
    const oh = oy1 - oy0;

    this.buildBlurInput(index, ix0, iy0, iw, ih);
    let m: Float64Array;
    let mStride: number;
    let mx0: number;
    let my0: number;
    if (r === 0) {
      m = this.input;
      mStride = iw;
      mx0 = ix0;
      my0 = iy0;
    } else {
      // rows: input rows × output columns, transposed to output columns × input rows
      convolveRowsTransposed(this.input, ih, iw, ix0, W, ox0, ow, layer.kernel, layer.tails, this.scratch, this.pass1);
      // columns: back to output rows × output columns
      convolveRowsTransposed(this.pass1, ow, ih, iy0, H, oy0, oh, layer.kernel, layer.tails, this.scratch, this.blurred);
      m = this.blurred;
      mStride = ow;
      mx0 = ox0;
      my0 = oy0;
    }
    quantizeBlocks(m, mStride, mx0, my0, { x0: ox0, y0: oy0, x1: ox1, y1: oy1 }, layer.strength,
      this.quant.noiseLevels, this.quant.maskType, layer.quantized, this.latentWidth, F);
  }

  /** input = raw · (cover_alpha where a visible layer above has raw > 0) over a window */
  private buildBlurInput(index: number, x0: number, y0: number, w: number, h: number): void {
    const layer = this.layers[index];
    const W = this.width;
    const input = this.input;
    const covered = this.covered;
    covered.fill(0, 0, w * h);
    let anyAbove = false;
    for (let j = index + 1; j < this.layers.length; j++) {
      const above = this.layers[j];
      if (!above.visible) continue;
      anyAbove = true;
      const raw = above.raw;
      for (let y = 0; y < h; y++) {
        const src = (y + y0) * W + x0;
        const dst = y * w;
        for (let x = 0; x < w; x++) if (raw[src + x] > 0) covered[dst + x] = 1;
      }
    }
    const raw = layer.raw;
    const scale = layer.rawScale;
    const alpha = this.quant.coverAlpha;
    for (let y = 0; y < h; y++) {
      const src = (y + y0) * W + x0;
      const dst = y * w;
      if (anyAbove) {
        for (let x = 0; x < w; x++) {
          const v = raw[src + x] * scale;
          input[dst + x] = covered[dst + x] ? v * alpha : v;
        }
      } else {
        for (let x = 0; x < w; x++) input[dst + x] = raw[src + x] * scale;
      }
    }
  }

  private recomputeCount(): void {
    const size = this.latentHeight * this.latentWidth;
    for (let k = 0; k < this.steps; k++) {
      const c = this.countK[k];
      const bg = this.bgK[k];
      c.fill(0);
      for (const l of this.layers) {
        if (!l.visible) continue;
        const q = l.quantized[k];
        for (let i = 0; i < size; i++) c[i] += q[i];
      }
      for (let i = 0; i < size; i++) {
        const b = 1 - c[i];
        bg[i] = b <= 0 ? 0 : b >= 1 ? 1 : b;
      }
    }
  }
}
