/**
 * The multi-prompt stream batch (ENGINE-SPEC §4–6): T slots at timesteps t_0 > … > t_{T-1},
 * every visible layer (plus the background prompt in creation mode) denoised at every slot in
 * one UNet batch, the clean estimates pre-averaged by the quantized masks, re-noised into the
 * next slot. Latents live in the scaled latent space; the caller decodes the output.
 *
 * Setters only record what changed; a frame applies them at its start, so a frame in flight
 * always sees one consistent palette. Buffers are reused across frames.
 *
 * What wakes the stream (ENGINE-SPEC §10) is decided in one place: the input revision. Every
 * setter that changes something the output depends on (equal values are no change; the mask
 * compositor reports its own) bumps it; a frame records the revision it rendered, and the
 * stream is converged once T fixed-noise frames have rendered the current revision.
 */
import { PaletteError } from '../../../shared/errors';
import { checkMask, MaskCompositor } from '../masks/compositor';
import type { CanvasMask } from '../masks/compositor';
import { RandomStream, Xoshiro128 } from '../random';
import { createStreamSchedule, SD15_SCHEDULER, type SchedulerConfig, type StreamSchedule } from '../schedule/lcm-schedule';
import type { UNetRunner } from '../types';
import { DEFAULT_UNET_BATCH_MIB, samplesPerCall } from './batch-chunks';
import { BatchPlan, type PlanLayer } from './batch-plan';
import { latentPreAverage, noisyBootstrapBackground, renoise } from './batch-math';
import { checkEmbedding, checkLayerConditioning, layerConditioning, lerpEmbedding, lerpPooled, sameArray, sameEmbedding, sameLayerConditioning, type LayerConditioning } from './conditioning';
import { checkSettings, DEFAULT_STREAM_SETTINGS, type StreamBackground, type StreamGeometry, type StreamLayer, type StreamSettings } from './settings';
import { planTiles, type Tile } from './tiling';

export interface StreamBatchOptions extends StreamGeometry {
  readonly unet: UNetRunner;
  readonly scheduler?: SchedulerConfig;
  readonly settings?: Partial<StreamSettings>;
  readonly seed?: number;
  /**
   * memory cap of one UNet call, MiB (default DEFAULT_UNET_BATCH_MIB): a stream batch larger
   * than this runs as several calls through the same buffers (batch-chunks.ts)
   */
  readonly unetBatchMiB?: number;
}

export interface FrameOptions {
  /** slot-0 latent for this frame with `fresh` noise (traces); otherwise drawn from the seed */
  readonly slot0Noise?: Float32Array;
}

export interface FrameStats {
  /** samples in the UNet batch (incl. CFG doubling) and calls made */
  samples: number;
  unetCalls: number;
  /** time inside predictNoise and the whole frame, ms */
  unetMs: number;
  totalMs: number;
}

export class StreamBatch {
  readonly unet: UNetRunner;
  private readonly schedulerConfig: SchedulerConfig;
  private readonly unetBatchMiB: number;
  private settingsValue: StreamSettings;
  private scheduleValue: StreamSchedule;
  private geometryValue!: Required<StreamGeometry>;
  private tilesValue: Tile[] = [];
  private compositor!: MaskCompositor;
  private seedValue: number;
  private layerOrder: string[] = [];
  private readonly layerRecords = new Map<string, LayerConditioning>();
  private backgroundValue: StreamBackground | null = null;
  private whiteLatent: Float32Array | null = null;
  private injectedNoise: Float32Array[] | null = null;
  private slotNoise: Float32Array[] = [];
  private freshRng: Xoshiro128;

  // state and buffers
  /** X_0..X_{T-1}; X_0 is pointed at this frame's slot-0 latent */
  private slots: Float32Array[] = [];
  private slot0 = new Float32Array(0);
  private acc: Float64Array[] = [];
  private noisyBackground: Float32Array[] = [];
  private outputBuffer = new Float32Array(0);
  private plan: BatchPlan | null = null;

  private planDirty = true;
  private resetPending = false;
  private busy = false;
  /** revision of the stream's inputs; bumped by changed() only */
  private revision = 0;
  /** the revision the last frame rendered, and frames rendered of it */
  private renderedRevision = -1;
  private sinceChange = 0;
  private stats: FrameStats = { samples: 0, unetCalls: 0, unetMs: 0, totalMs: 0 };

  constructor(options: StreamBatchOptions) {
    this.unet = options.unet;
    this.unetBatchMiB = options.unetBatchMiB ?? DEFAULT_UNET_BATCH_MIB;
    samplesPerCall(1, this.unetBatchMiB, 1); // refuses a bad cap now, not at the first frame
    this.schedulerConfig = options.scheduler ?? SD15_SCHEDULER;
    this.settingsValue = { ...DEFAULT_STREAM_SETTINGS, ...options.settings };
    checkSettings(this.settingsValue);
    this.scheduleValue = createStreamSchedule(this.settingsValue.tIndexList, this.schedulerConfig);
    this.seedValue = options.seed ?? 0;
    this.freshRng = new Xoshiro128(this.seedValue, RandomStream.freshNoise);
    this.setCanvas(options);
  }

  get settings(): Readonly<StreamSettings> { return this.settingsValue; }
  get schedule(): StreamSchedule { return this.scheduleValue; }
  get geometry(): Readonly<Required<StreamGeometry>> { return this.geometryValue; }
  get latentHeight(): number { return this.geometryValue.height / 8; }
  get latentWidth(): number { return this.geometryValue.width / 8; }
  get latentChannels(): number { return this.geometryValue.latentChannels; }
  /** values in one latent: channels × h × w */
  get latentSize(): number { return this.latentChannels * this.latentHeight * this.latentWidth; }
  get steps(): number { return this.scheduleValue.timesteps.length; }
  get seed(): number { return this.seedValue; }
  get tiles(): readonly Tile[] { return this.tilesValue; }
  get mode(): 'creation' | 'inpainting' { return this.backgroundValue?.latent ? 'inpainting' : 'creation'; }
  get lastFrameStats(): Readonly<FrameStats> { return this.stats; }
  /** the revision of the stream's inputs: changes exactly when the output may change */
  get inputRevision(): number { return this.revision; }
  /** frames run since the last change to anything that affects the output */
  get framesSinceChange(): number { return this.renderedRevision === this.revision ? this.sinceChange : 0; }
  /**
   * With fixed noise, T frames after the last change the output is final: further frames
   * would return the same latent, so live mode can go idle.
   */
  get isConverged(): boolean { return this.settingsValue.noise === 'fixed' && this.framesSinceChange >= this.steps; }

  /**
   * Canvas size / native size change: drops layers, background and white latent and resets
   * (all are size-bound). The same geometry again changes nothing.
   */
  setCanvas(geometry: StreamGeometry): void {
    this.assertIdle('setCanvas');
    const { height, width, nativeLatentSize } = geometry;
    const channels = geometry.latentChannels ?? 4;
    const g = this.geometryValue as Required<StreamGeometry> | undefined;
    if (g && g.height === height && g.width === width && g.nativeLatentSize === nativeLatentSize && g.latentChannels === channels) return;
    if (!(Number.isInteger(height) && Number.isInteger(width) && height >= 8 && width >= 8 && height % 8 === 0 && width % 8 === 0 && height * width <= 8192 * 8192)) {
      throw new PaletteError('E_BAD_CANVAS_SIZE', `canvas ${width}×${height}: sides must be multiples of 8, at least 8 and at most 8192×8192 pixels in all`);
    }
    if (!(Number.isInteger(nativeLatentSize) && nativeLatentSize >= 2)) {
      throw new PaletteError('E_BAD_CANVAS_SIZE', `native latent size ${nativeLatentSize} must be an integer ≥ 2`);
    }
    if (!(Number.isInteger(channels) && channels >= 1)) {
      throw new PaletteError('E_BAD_CANVAS_SIZE', `latent channels ${channels} must be a positive integer`);
    }
    this.geometryValue = { height, width, nativeLatentSize, latentChannels: channels };
    this.tilesValue = planTiles(height / 8, width / 8, nativeLatentSize);
    this.compositor = new MaskCompositor(height, width, this.maskQuantization());
    this.layerOrder = [];
    this.layerRecords.clear();
    this.backgroundValue = null;
    this.whiteLatent = null;
    this.injectedNoise = null;
    this.allocateState();
  }

  /** Changes settings; values equal to the current ones are not a change. */
  setSettings(patch: Partial<StreamSettings>): void {
    const before = this.settingsValue;
    const next: StreamSettings = { ...before, ...patch };
    checkSettings(next);
    const stepsChanged = next.tIndexList.length !== before.tIndexList.length ||
      next.tIndexList.some((v, i) => v !== before.tIndexList[i]);
    const anyChange = stepsChanged || (Object.keys(next) as (keyof StreamSettings)[])
      .some((key) => key !== 'tIndexList' && next[key] !== before[key]);
    if (!anyChange) return;
    if (stepsChanged) this.assertIdle('changing the steps');
    const schedule = stepsChanged ? createStreamSchedule(next.tIndexList, this.schedulerConfig) : this.scheduleValue;
    this.settingsValue = { ...next, tIndexList: [...next.tIndexList] };
    this.scheduleValue = schedule;
    this.compositor.setQuantization(this.maskQuantization());
    if (stepsChanged) {
      if (this.injectedNoise && this.injectedNoise.length !== this.steps) this.injectedNoise = null;
      this.allocateState();
    }
    if (before.guidance !== next.guidance || before.guidanceScale !== next.guidanceScale ||
      before.bootstrapSteps !== next.bootstrapSteps) {
      this.planDirty = true;
    }
    if (before.noise !== next.noise) this.resetPending = true;
    this.changed();
  }

  /** New seed: new slot noise and fresh-noise sequence, stream reset. The same seed is no change. */
  setSeed(seed: number): void {
    if (seed === this.seedValue) return;
    const rng = new Xoshiro128(seed, RandomStream.slotNoise);
    this.seedValue = seed;
    if (!this.injectedNoise) this.drawSlotNoise(rng);
    this.resetPending = true;
    this.changed();
  }

  /** Inject N_0..N_{T-1} (traces, tests); null goes back to noise drawn from the seed. */
  setSlotNoise(noise: readonly Float32Array[] | null): void {
    if (noise) {
      if (noise.length !== this.steps || noise.some((n) => n.length !== this.latentSize)) {
        throw new PaletteError('E_BAD_NOISE', `slot noise must be ${this.steps} latents of ${this.latentSize} values`);
      }
      this.injectedNoise = noise.map((n) => n.slice());
      this.slotNoise = this.injectedNoise;
    } else {
      this.injectedNoise = null;
      this.drawSlotNoise(new Xoshiro128(this.seedValue, RandomStream.slotNoise));
    }
    this.resetPending = true;
    this.changed();
  }

  /** Background prompt and B (null: creation mode); equal values are no change. */
  setBackground(background: StreamBackground): void {
    checkEmbedding('background', background.embedding);
    if (background.negativeEmbedding) checkEmbedding('background negative', background.negativeEmbedding, background.embedding);
    if (background.latent && background.latent.length !== this.latentSize) {
      throw new PaletteError('E_BAD_LATENT', `background latent has ${background.latent.length} values, the canvas needs ${this.latentSize}`);
    }
    const prev = this.backgroundValue;
    if (prev && sameEmbedding(prev.embedding, background.embedding) &&
      sameEmbedding(prev.negativeEmbedding ?? null, background.negativeEmbedding ?? null) &&
      sameArray(prev.latent, background.latent)) return;
    this.backgroundValue = {
      embedding: background.embedding,
      negativeEmbedding: background.negativeEmbedding ?? null,
      latent: background.latent ? background.latent.slice() : null,
    };
    this.planDirty = true;
    this.changed();
  }

  /** W = scale · VAE_encode(white image), used by bootstrapping; equal values are no change */
  setWhiteLatent(latent: Float32Array): void {
    if (latent.length !== this.latentSize) {
      throw new PaletteError('E_BAD_LATENT', `white latent has ${latent.length} values, the canvas needs ${this.latentSize}`);
    }
    if (sameArray(this.whiteLatent, latent)) return;
    this.whiteLatent = latent.slice();
    this.changed();
  }

  /** Full layer list, bottom to top. Unchanged layers (same fields, embeddings, mask) cost nothing. */
  setLayers(layers: readonly StreamLayer[]): void {
    for (const l of layers) this.checkLayer(l);
    const masksChanged = this.compositor.setLayers(layers);
    const order = layers.map((l) => l.id);
    let condChanged = order.length !== this.layerOrder.length || order.some((id, i) => id !== this.layerOrder[i]);
    const records = new Map<string, LayerConditioning>();
    for (const l of layers) {
      const rec = layerConditioning(l);
      const prev = this.layerRecords.get(l.id);
      if (!prev || !sameLayerConditioning(prev, rec)) condChanged = true;
      records.set(l.id, rec);
    }
    this.layerOrder = order;
    this.layerRecords.clear();
    for (const [id, rec] of records) this.layerRecords.set(id, rec);
    if (condChanged) this.planDirty = true;
    if (condChanged || masksChanged) this.changed();
  }

  /** Changes some fields of one layer. */
  updateLayer(id: string, patch: Partial<Omit<StreamLayer, 'id'>>): void {
    const rec = this.layerRecords.get(id);
    if (!rec) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    const nextRec: LayerConditioning = {
      embedding: patch.embedding ?? rec.embedding,
      negativeEmbedding: patch.negativeEmbedding === undefined ? rec.negativeEmbedding : patch.negativeEmbedding,
      promptStrength: patch.promptStrength ?? rec.promptStrength,
      visible: patch.visible ?? rec.visible,
    };
    checkLayerConditioning(`layer ${id}`, nextRec);
    if (patch.mask) checkMask(id, patch.mask, this.geometryValue.height, this.geometryValue.width);
    let masksChanged = this.compositor.setLayerOptions(id, { maskStrength: patch.maskStrength, maskBlur: patch.maskBlur, visible: patch.visible });
    if (patch.mask) masksChanged = this.compositor.setLayerMask(id, patch.mask) || masksChanged;
    const condChanged = !sameLayerConditioning(rec, nextRec);
    if (condChanged) {
      this.layerRecords.set(id, nextRec);
      this.planDirty = true;
    }
    if (condChanged || masksChanged) this.changed();
  }

  /** One layer's mask changed (a stroke): only what it reaches is recomputed. */
  updateLayerMask(id: string, mask: CanvasMask): void {
    if (!this.layerRecords.has(id)) throw new PaletteError('E_UNKNOWN_LAYER', `no layer with id ${id}`);
    if (this.compositor.setLayerMask(id, mask)) this.changed();
  }

  /** X_1..X_{T-1} ← 0 at the start of the next frame (and the fresh-noise sequence restarts) */
  reset(): void {
    this.resetPending = true;
    this.changed();
  }

  /**
   * Applies pending changes now: masks, count/bg, batch plan. frame() does this itself; call it
   * to read up-to-date quantized masks.
   */
  prepare(): void {
    this.assertIdle('prepare');
    this.applyPending();
  }

  private applyPending(): void {
    if (this.resetPending) {
      for (let k = 1; k < this.slots.length; k++) this.slots[k].fill(0);
      this.freshRng = new Xoshiro128(this.seedValue, RandomStream.freshNoise);
      this.resetPending = false;
    }
    const masksChanged = this.compositor.update();
    if (this.planDirty) {
      this.buildPlan();
      this.planDirty = false;
    } else if (masksChanged) {
      this.plan?.computeShifts();
    }
  }

  /** Q_ik of a layer, latent-sized, one per step (after prepare() or a frame) */
  quantizedMasks(id: string): readonly Float32Array[] { return this.compositor.quantizedMasks(id); }
  get count(): readonly Float32Array[] { return this.compositor.count; }
  get backgroundMasks(): readonly Float32Array[] { return this.compositor.background; }

  /** runs T−1 frames so the next frame reflects the current palette through all T steps */
  async flush(): Promise<void> {
    for (let k = 1; k < this.steps; k++) await this.frame();
  }

  /** one-shot render: reset, flush, one frame */
  async render(): Promise<Float32Array> {
    this.reset();
    await this.flush();
    return this.frame();
  }

  /**
   * One stream step. Returns L_{T-1} (NCHW, scaled latent space) in a buffer the next frame
   * overwrites: decode or copy it before calling frame() again.
   */
  async frame(options: FrameOptions = {}): Promise<Float32Array> {
    this.assertIdle('frame');
    this.busy = true;
    const started = performance.now();
    try {
      this.applyPending();
      if (this.renderedRevision !== this.revision) {
        this.renderedRevision = this.revision;
        this.sinceChange = 0;
      }
      const background = this.backgroundValue;
      if (!background) throw new PaletteError('E_NO_BACKGROUND', 'the stream has no background prompt yet (setBackground)');
      const s = this.settingsValue;
      const x0 = this.slotZero(options);
      const T = this.steps;
      const boot = Math.min(s.bootstrapSteps, T);
      if (boot > 0) this.prepareBootstrap(boot, background.latent);
      const plan = this.plan as BatchPlan;
      const scale = s.guidanceScale;
      this.slots[0] = x0;
      const io = { slotLatents: this.slots, noisyBackground: this.noisyBackground, schedule: this.scheduleValue, guidanceScale: scale, acc: this.acc };
      const { calls, ms } = await plan.run(this.unet, io, this.samplesPerCall(plan));
      this.finishFrame(background.latent);
      this.sinceChange++;
      this.stats = { samples: plan.total, unetCalls: calls, unetMs: ms, totalMs: performance.now() - started };
      return this.outputBuffer;
    } finally {
      this.busy = false;
    }
  }

  /** most samples one UNet call of the batch takes: the batch limit or the memory cap (after prepare() or a frame) */
  samplesPerCall(plan: BatchPlan | null = this.plan): number {
    return plan ? samplesPerCall(plan.valuesPerSample * Float32Array.BYTES_PER_ELEMENT, this.unetBatchMiB, this.settingsValue.batchLimit) : 0;
  }

  /** bytes of the stream's buffers: its latent state (slots, noise, accumulators) and the UNet call buffers */
  bufferBytes(): { state: number; batch: number } {
    const arrays = [...this.slots, this.slot0, ...this.acc, ...this.noisyBackground, this.outputBuffer, ...this.slotNoise, this.whiteLatent];
    // X_0 points at a noise buffer: count each buffer once
    const buffers = new Set(arrays.filter((a) => a !== null).map((a) => (a as Float32Array | Float64Array).buffer));
    return { state: [...buffers].reduce((s, b) => s + b.byteLength, 0), batch: this.plan?.bufferBytes ?? 0 };
  }

  // ---- internals ----

  private assertIdle(what: string): void {
    if (this.busy) throw new PaletteError('E_FRAME_BUSY', `${what}: a frame is still running (await it first)`);
  }

  /** the one place that records a change of the stream's inputs */
  private changed(): void {
    this.revision++;
  }

  private maskQuantization() {
    return { noiseLevels: this.scheduleValue.noiseLevels, maskType: this.settingsValue.maskType, coverAlpha: this.settingsValue.coverAlpha };
  }

  private checkLayer(l: StreamLayer): void {
    if (typeof l.id !== 'string' || l.id.length === 0) throw new PaletteError('E_BAD_LAYER', 'a layer has no id');
    checkLayerConditioning(`layer ${l.id}`, l);
    checkMask(l.id, l.mask, this.geometryValue.height, this.geometryValue.width);
  }

  private drawSlotNoise(rng: Xoshiro128): void {
    this.slotNoise = [];
    for (let k = 0; k < this.steps; k++) this.slotNoise.push(rng.fillGaussian(new Float32Array(this.latentSize)));
  }

  private allocateState(): void {
    const T = this.steps;
    const n = this.latentSize;
    this.slots = [];
    this.acc = [];
    for (let k = 0; k < T; k++) {
      this.slots.push(new Float32Array(n));
      this.acc.push(new Float64Array(n));
    }
    this.slot0 = new Float32Array(n);
    this.outputBuffer = new Float32Array(n);
    this.noisyBackground = [];
    if (!this.injectedNoise) this.drawSlotNoise(new Xoshiro128(this.seedValue, RandomStream.slotNoise));
    this.planDirty = true;
    this.resetPending = true;
    this.changed();
  }

  /** Which samples the batch holds and their conditioning (on palette changes only). */
  private buildPlan(): void {
    const bg = this.backgroundValue;
    const layers: PlanLayer[] = [];
    if (bg) {
      const size = bg.embedding.data.length;
      if (!bg.latent) {
        layers.push({
          id: '<background>', masks: this.compositor.background, cond: bg.embedding.data, negative: bg.negativeEmbedding?.data ?? null,
          pooled: bg.embedding.pooled ?? null, negativePooled: bg.negativeEmbedding?.pooled ?? null,
        });
      }
      for (const id of this.layerOrder) {
        const rec = this.layerRecords.get(id);
        if (!rec || !rec.visible) continue;
        checkEmbedding(`layer ${id}`, rec.embedding, bg.embedding);
        const cond = new Float32Array(size);
        lerpEmbedding(bg.embedding, rec.embedding, rec.promptStrength, cond);
        let negative: Float32Array | null = null;
        let negativePooled: Float32Array | null = null;
        if (bg.negativeEmbedding) {
          negative = new Float32Array(size);
          const own = rec.negativeEmbedding ?? bg.negativeEmbedding;
          lerpEmbedding(bg.negativeEmbedding, own, rec.promptStrength, negative);
          negativePooled = lerpPooled(bg.negativeEmbedding, own, rec.promptStrength);
        }
        const pooled = lerpPooled(bg.embedding, rec.embedding, rec.promptStrength);
        layers.push({ id, masks: this.compositor.quantizedMasks(id), cond, negative, pooled, negativePooled });
      }
    }
    const s = this.settingsValue;
    const condWidth = this.unet.timestepCondWidth;
    this.plan = new BatchPlan({
      layers,
      tiles: this.tilesValue,
      timesteps: this.scheduleValue.timesteps,
      channels: this.latentChannels,
      latentHeight: this.latentHeight,
      latentWidth: this.latentWidth,
      tokens: bg?.embedding.tokens ?? 0,
      embeddingWidth: bg?.embedding.width ?? 0,
      bootstrapSteps: s.bootstrapSteps,
      guidanceCopies: s.guidance === 'full' && condWidth === 0 ? 2 : 1,
      timestepCond: condWidth > 0 ? { width: condWidth, scale: s.guidanceScale } : null,
      pooledWidth: this.unet.pooledWidth ?? 0,
    }, this.plan ?? undefined);
  }

  private slotZero(options: FrameOptions): Float32Array {
    if (this.settingsValue.noise === 'fixed') return this.slotNoise[0];
    if (options.slot0Noise) {
      if (options.slot0Noise.length !== this.latentSize) {
        throw new PaletteError('E_BAD_NOISE', `slot-0 noise has ${options.slot0Noise.length} values, the canvas needs ${this.latentSize}`);
      }
      return options.slot0Noise;
    }
    return this.freshRng.fillGaussian(this.slot0);
  }

  /** add_noise(G_k, S, t_k) for the bootstrapped slots */
  private prepareBootstrap(boot: number, latentB: Float32Array | null): void {
    const white = this.whiteLatent;
    if (!white) throw new PaletteError('E_NO_WHITE_LATENT', 'bootstrapping needs the white latent (setWhiteLatent)');
    while (this.noisyBackground.length < boot) this.noisyBackground.push(new Float32Array(this.latentSize));
    for (let k = 0; k < boot; k++) {
      noisyBootstrapBackground(this.scheduleValue, k, this.settingsValue.bootstrapMixSteps, white, latentB, this.slotNoise[0], this.noisyBackground[k]);
    }
  }

  /** finish the pre-averaging, output L_{T-1}, shift X_{k+1} = add_noise(L_k, N_{k+1}, t_{k+1}) */
  private finishFrame(latentB: Float32Array | null): void {
    const T = this.steps;
    const plane = this.latentHeight * this.latentWidth;
    for (let k = 0; k < T; k++) {
      latentPreAverage(this.acc[k], this.compositor.count[k], this.compositor.background[k], latentB, plane, this.latentChannels);
    }
    this.outputBuffer.set(this.acc[T - 1]);
    for (let k = 0; k + 1 < T; k++) renoise(this.scheduleValue, k + 1, this.acc[k], this.slotNoise[k + 1], this.slots[k + 1]);
  }

  /** X_{k+1} buffers as they stand (tests, traces): index k-1 holds X_k */
  slotLatents(): readonly Float32Array[] {
    return this.slots.slice(1);
  }
}
