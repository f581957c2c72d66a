/**
 * Runtime schemas of everything that crosses the main ↔ renderer boundary. The TypeScript
 * types are inferred from these (see channels.ts), so a payload is described exactly once.
 *
 * Typed arrays cross as typed arrays (structured clone keeps them), so masks and images are
 * `Uint8Array` / `Uint8ClampedArray`, never number lists.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- primitives

/** Bytes of a mask or image. Buffer is a Uint8Array too, so Node callers may pass one. */
// z.custom keeps the plain `Uint8Array` type (z.instanceof would narrow it to Uint8Array<ArrayBuffer>)
export const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected a Uint8Array' });
export const rgbaPixels = z.custom<Uint8ClampedArray>((v) => v instanceof Uint8ClampedArray, {
  message: 'expected a Uint8ClampedArray',
});

/** SD works on 8×8 pixel latents; the documents cap canvases at 8192 px a side. */
export const canvasSide = z
  .number()
  .int()
  .min(8)
  .max(8192)
  .refine((n) => n % 8 === 0, { message: 'must be a multiple of 8' });

export const canvasSize = z.object({ width: canvasSide, height: canvasSide });

export const seed = z.number().int().min(0).max(0xffffffff);

/** a model id: a catalogue name or a folder path */
export const modelId = z.string().min(1).max(4200);

const layerId = z.string().min(1).max(64);
const promptText = z.string().max(4000);
const unit = z.number().min(0).max(1);

// ---------------------------------------------------------------- engine

export const maskType = z.enum(['continuous', 'semi-continuous', 'discrete']);
export const guidanceMode = z.enum(['none', 'full']);
export const noiseMode = z.enum(['fixed', 'fresh']);

/** Mirrors EngineSettings in main/engine/pipeline-api.ts (checked at compile time in main/ipc/contract.ts). */
export const engineSettings = z.object({
  /** indices into the 50-step LCM schedule, strictly increasing */
  tIndexList: z
    .array(z.number().int().min(0).max(49))
    .min(1)
    .max(50)
    .refine((l) => l.every((v, i) => i === 0 || v > l[i - 1]), { message: 'must be strictly increasing' }),
  maskType,
  coverAlpha: unit,
  bootstrapSteps: z.number().int().min(0).max(50),
  bootstrapMixSteps: z.number().int().min(0).max(50),
  guidance: guidanceMode,
  /** null: the model's default */
  guidanceScale: z.number().min(0).max(30).nullable(),
  noise: noiseMode,
});
export const engineSettingsPatch = engineSettings.partial().strict();

/** One semantic brush as the engine needs it (EngineLayer). */
export const engineLayer = z.object({
  id: layerId,
  prompt: promptText,
  negativePrompt: promptText,
  promptStrength: unit,
  maskStrength: unit,
  maskBlur: z.number().min(0).max(1024),
  visible: z.boolean(),
  /** alpha mask, canvas-sized (height × width), 0..255 */
  mask: bytes,
});

export const engineBackground = z.object({
  prompt: promptText,
  negativePrompt: promptText,
  /** RGBA8 canvas-sized image → inpainting mode; null → creation mode */
  image: bytes.nullable(),
});

export const layerMaskUpdate = z.object({ id: layerId, mask: bytes });

/** A model the engine can load, as listed to the model picker. */
export const modelDescriptor = z.object({
  id: z.string(),
  name: z.string(),
  /** native canvas side in pixels (palette-colors: small; SD 1.5: 512) */
  nativeSize: z.number().int().positive().optional(),
});

/** the loaded model's defaults (ModelSettingsDefaults) */
export const modelSettingsDefaults = z.object({
  family: z.string(),
  familyLabel: z.string(),
  tIndexList: z.array(z.number().int().min(0).max(49)),
  guidance: guidanceMode,
  guidanceScale: z.number(),
  nativeSize: z.number().int().positive(),
});

export const engineStatus = z.object({
  /** live mode on: the engine renders frames while something changes */
  live: z.boolean(),
  /** fixed noise and nothing changed: no inference until the next change */
  idle: z.boolean(),
  /** a model is being loaded */
  loading: z.boolean(),
  modelId: z.string().nullable(),
  /** execution provider actually used per component, e.g. { unet: 'cpu' } */
  providers: z.record(z.string(), z.string()),
  /** per component, the providers tried before the one used and why each failed */
  skippedProviders: z.record(z.string(), z.array(z.object({ provider: z.string(), reason: z.string() }))).optional(),
  canvas: z.object({ width: z.number().int(), height: z.number().int() }),
  /** frames per second over the last second of live rendering */
  fps: z.number(),
  /** wall time of the newest frame in ms (inference + compositing + decode) */
  latencyMs: z.number(),
  frameIndex: z.number().int(),
  /** the loaded model's family defaults (steps, guidance, native size); null without a model */
  modelDefaults: modelSettingsDefaults.nullable().optional(),
  /** the last error that stopped the engine, if any (e.g. model failed to load) */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** A non-blocking message for the user: model failed to load, provider fell back to CPU, … */
export const engineNotice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  message: z.string(),
});

export const modelProgress = z.object({
  modelId: z.string(),
  /** 0..1 */
  fraction: unit,
  phase: z.string(),
});

/** What a frame is, without its pixels (the pixels travel over the frames MessagePort). */
export const frameInfo = z.object({
  width: z.number().int(),
  height: z.number().int(),
  /** frames produced since the pipeline was created */
  index: z.number().int(),
  /** wall time of this frame in ms */
  ms: z.number(),
});

/** One message on the frames port: pixels as a transferred ArrayBuffer (RGBA8, h × w × 4). */
export const frameMessage = frameInfo.extend({ pixels: z.instanceof(ArrayBuffer) });

// ---------------------------------------------------------------- document

/** One semantic brush as the document keeps it: the engine's fields plus name and colour. */
export const documentLayer = engineLayer.extend({
  name: z.string().max(200),
  /** '#rrggbb' */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: "must be a colour like '#ff0000'" }),
});

/** The whole document as the renderer hands it to main for save/export (palette.json + masks). */
export const paletteDocument = z.object({
  canvas: canvasSize,
  modelId: modelId,
  seed,
  settings: engineSettings,
  background: engineBackground,
  /** bottom → top */
  layers: z.array(documentLayer).max(64),
});

/** A document as opened from disk. */
export const openedDocument = z.object({
  path: z.string(),
  document: paletteDocument,
  /** the newest merged image stored in the file, if any (RGBA8 canvas-sized) */
  mergedImage: rgbaPixels.nullable(),
  /** one-line notes for the user, e.g. "imported JSON has no masks" */
  notes: z.array(z.string()),
  /** where Save writes: the opened file, a restored autosave's original file, null for an import (Save asks) */
  documentPath: z.string().nullable().optional(),
  /** opened with unsaved changes (a restored autosave, an import not yet saved as .palette) */
  dirty: z.boolean().optional(),
});

/** One layer of an OpenRaster file, placed on the open document's canvas (Update masks from OpenRaster). */
export const oraLayer = z.object({
  /** the layer's name as the file has it (matched against brush names) */
  name: promptText,
  /** canvas-sized alpha, 0..255 */
  mask: bytes,
  /** '#rrggbb' mean colour of the layer's pixels; null for an empty layer */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).nullable(),
  opacity: unit,
  visible: z.boolean(),
});

/** The masks of an OpenRaster file for the open document: layers bottom → top. */
export const oraMasks = z.object({
  path: z.string(),
  canvas: canvasSize,
  layers: z.array(oraLayer).max(64),
  /** one-line notes for the user (clipped layers, a canvas of another size, the paper layer) */
  notes: z.array(z.string()),
});

/** What would replace the current document (closing the window asks in main itself). */
export const unsavedAction = z.enum(['new', 'open', 'openRecent', 'restore']);
/** proceed: nothing to lose or the user said Don't Save; save: save first, go on if it saved; cancel: stay */
export const unsavedDecision = z.enum(['proceed', 'save', 'cancel']);

/** An autosave a crash left behind, offered for recovery. */
export const recoverableAutosave = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  originalPath: z.string().nullable(),
  name: z.string(),
  savedAt: z.number(),
});

/** A message about documents from main (e.g. recent files that moved). */
export const documentNotice = z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() });

export const filePath = z.string().min(1).max(4096);

export const recentEntry = z.object({ path: z.string(), name: z.string(), openedAt: z.number() });

/** null when the user cancelled the dialog. */
export const savedTo = z.object({ path: z.string() }).nullable();

// ---------------------------------------------------------------- settings & menu

export const appSettings = z.object({
  lastModelId: z.string().nullable(),
  brushSize: z.number().min(1).max(1024),
  eraserSize: z.number().min(1).max(1024),
  brushHardness: unit,
  theme: z.enum(['system', 'light', 'dark']),
  window: z.object({ width: z.number().int().min(200), height: z.number().int().min(200) }),
  recent: z.array(recentEntry).max(20),
  /** seconds between autosaves of an unsaved document */
  autosaveSeconds: z.number().int().min(5).max(3600),
  /** 'auto' tries the platform's providers in order (GPU first, CPU last); a name forces that one (CPU as fallback) */
  executionProvider: z.enum(['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu']),
  /** onnxruntime threads inside one operator; 0 = automatic: one per physical core, less one left to the UI (main/engine/runtime/cpu-cores.ts) */
  engineThreads: z.number().int().min(0).max(256),
  /** the first-launch guide was dismissed: later launches open a new document instead of an example */
  guideDismissed: z.boolean(),
});
export const appSettingsPatch = appSettings.omit({ recent: true, window: true }).partial().strict();

export const menuCommand = z.enum([
  'new',
  'open',
  'openRecent',
  'save',
  'saveAs',
  'exportPng',
  'exportPsd',
  'undo',
  'redo',
  'zoomIn',
  'zoomOut',
  'zoomFit',
  'toggleLive',
  'updateMasksFromOra',
  // keeping results (renderer/src/results.ts)
  'generateOnce',
  'useAsBackground',
  'copyOutput',
  // Help: `path` carries the example's id for openExample
  'openExample',
  'help:guide',
  'help:shortcuts',
]);

/** `path` is set for openRecent (the file) and openExample (the example's id). */
export const menuCommandEvent = z.object({ command: menuCommand, path: z.string().optional() });

// ---------------------------------------------------------------- model manager

/** "owner/name" as on the Hugging Face hub */
export const hubRepoId = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: "must be a Hugging Face repository id like 'owner/name'" });
/** branch, tag or commit */
export const hubRevision = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._/-]+$/, { message: 'must be a branch, tag or commit id' })
  .refine((r) => !r.split('/').includes('..'), { message: "must not contain '..'" });

/** a download's id: the folder it installs into (owner--name[@rev]) */
export const downloadId = z.string().min(1).max(300).regex(/^[A-Za-z0-9._@-]+$/, { message: 'not a download id' });

export const modelDownloadRequest = z.object({
  repo: hubRepoId,
  revision: hubRevision.optional(),
  /** a Hugging Face access token (hf_…) for gated or private models; never stored */
  token: z.string().min(1).max(512).optional(),
  /** a whole pipeline (default), or a preview decoder's vae_decoder/ only (catalogue entries) */
  layout: z.enum(['pipeline', 'preview-decoder']).optional(),
  // strict: where to download from is main's choice (HF_ENDPOINT), never the page's
}).strict();

export const downloadProgress = z.object({
  downloadId,
  repo: z.string(),
  revision: z.string(),
  state: z.enum(['listing', 'downloading', 'paused', 'installing', 'done', 'failed', 'cancelled']),
  file: z.string().nullable(),
  fileIndex: z.number().int(),
  fileCount: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesPerSecond: z.number(),
  /** null while the speed is unknown */
  secondsLeft: z.number().nullable(),
  /** why it stopped (state 'failed'), one line */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** the installed model's id once state is 'done' */
  modelId: z.string().nullable(),
});

/** An installed model as the Models panel lists it. */
export const installedModel = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  source: z.enum(['builtin', 'downloaded', 'user']),
  sizeBytes: z.number(),
  precision: z.string(),
  /** false: files missing or invalid; listed so it can be removed, never offered to the engine */
  complete: z.boolean(),
  problems: z.array(z.string()),
  repo: z.string().optional(),
  revision: z.string().optional(),
  downloadedAt: z.string().optional(),
  /** whether the UNet takes the whole stream batch in one call, and why */
  streamBatch: z.object({ batchable: z.boolean(), note: z.string() }).optional(),
  /** a whole pipeline, or a tiny preview decoder serving one family's live frames */
  kind: z.enum(['pipeline', 'preview-decoder']).optional(),
  previewFamily: z.enum(['sd', 'sdxl']).optional(),
  /** the engine runs this model now */
  active: z.boolean(),
  /** for the running model: which provider runs each component, and the ones skipped with why */
  providers: z.record(z.string(), z.string()).optional(),
  skippedProviders: z.record(z.string(), z.array(z.object({ provider: z.string(), reason: z.string() }))).optional(),
});

export const modelsOverview = z.object({
  models: z.array(installedModel),
  /** downloads of this session that are running, paused or failed (resumable) */
  downloads: z.array(downloadProgress),
});

/** A recommended model (main/model-manager/catalogue.ts) and whether it is installed. */
export const catalogueEntry = z.object({
  id: z.string(),
  family: z.enum(['sd15', 'sd2', 'sdxl']),
  familyLabel: z.string(),
  kind: z.enum(['pipeline', 'preview-decoder']),
  name: z.string(),
  repo: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  precision: z.string(),
  licence: z.string(),
  settings: z.string(),
  note: z.string(),
  source: z.string(),
  unverified: z.array(z.string()),
  /** the installed model's id when this repository is installed */
  installedId: z.string().nullable(),
});

// ---------------------------------------------------------------- keeping results, help

/** How a prompt fares in the model's tokenizer: `dropped` is the text past the limit ('' when it fits). */
export const promptTokenCount = z.object({
  tokens: z.number().int().min(0),
  limit: z.number().int().min(1),
  dropped: z.string(),
});

/** A picture the renderer holds (a frame from the history strip): RGBA8, width × height × 4 bytes. */
export const rgbaImage = z.object({ width: canvasSide, height: canvasSide, pixels: rgbaPixels });

/** A bundled example palette (resources/examples). */
export const exampleEntry = z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/), name: z.string() });

/** What Help → … opens: the user guide, the models/GPU guide. */
export const helpTopic = z.enum(['guide', 'models', 'gpu']);
