/**
 * The one channel map between main and the renderer. Main's router (main/ipc/router.ts) and
 * the preload API (preload/api.ts) both take their types from here; the schemas validate
 * every payload at runtime in main before a handler runs.
 *
 * Naming: `domain:method`. The preload turns every invoke channel into
 * `window.palette.<domain>.<method>(request)` (e.g. `palette.engine.setSeed({ seed: 7 })`),
 * except the internal `frames:*` channels, which back `palette.frames.onFrame`.
 *
 * Stability: other code is written against this file. Change it additively only.
 */
import { z } from 'zod';
import * as p from './payloads';

const none = z.undefined();

function invoke<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const invokeChannels = {
  // ------------------------------------------------------------ engine
  /** live mode on: render while something changes; idles when nothing can change */
  'engine:start': invoke(none, p.engineStatus),
  'engine:pause': invoke(none, p.engineStatus),
  /** reset + flush + one frame; the pixels arrive on the frames port like any frame */
  'engine:renderOnce': invoke(none, p.frameInfo),
  'engine:setSettings': invoke(p.engineSettingsPatch, z.void()),
  'engine:setSeed': invoke(z.object({ seed: p.seed }), z.void()),
  'engine:setCanvas': invoke(p.canvasSize, z.void()),
  'engine:listModels': invoke(none, z.array(p.modelDescriptor)),
  /** loads (or switches to) a model from the list; progress arrives as engine:modelProgress */
  'engine:setModel': invoke(z.object({ modelId: p.modelId }), p.engineStatus),
  'engine:setBackground': invoke(p.engineBackground, z.void()),
  /** the full layer list bottom → top; unchanged layers cost the engine nothing */
  'engine:setLayers': invoke(z.object({ layers: z.array(p.engineLayer).max(64) }), z.void()),
  /** one layer's mask changed (a stroke); at most one per frame */
  'engine:updateLayerMask': invoke(p.layerMaskUpdate, z.void()),
  'engine:status': invoke(none, p.engineStatus),
  /** each prompt's token count in the loaded model's tokenizer, and what is dropped past its limit */
  'engine:countTokens': invoke(z.object({ texts: z.array(z.string().max(4000)).max(130) }), z.array(p.promptTokenCount)),

  // ------------------------------------------------------------ document
  /** a fresh document with the app's defaults (last model, default settings) */
  'document:new': invoke(p.canvasSize.partial().optional(), p.paletteDocument),
  /** no path → the Open dialog; null result → the user cancelled */
  'document:open': invoke(z.object({ path: p.filePath.optional() }).optional(), p.openedDocument.nullable()),
  /** saves to the current path (or asks, for a never-saved document) */
  'document:save': invoke(z.object({ document: p.paletteDocument }), p.savedTo),
  'document:saveAs': invoke(z.object({ document: p.paletteDocument }), p.savedTo),
  /** the engine's newest frame at canvas resolution, with the generation parameters as text */
  'document:exportPng': invoke(z.object({ document: p.paletteDocument }), p.savedTo),
  'document:exportPsd': invoke(z.object({ document: p.paletteDocument }), p.savedTo),
  /** a picture the renderer holds (a frame from the history strip) as PNG, with the document's parameters */
  'document:exportFrame': invoke(z.object({ document: p.paletteDocument, image: p.rgbaImage }), p.savedTo),
  'document:recent': invoke(none, z.array(p.recentEntry)),
  /** main asks before closing a dirty document */
  'document:setDirty': invoke(z.object({ dirty: z.boolean() }), z.void()),
  /** before New/Open/Open Recent/Restore: main asks Save / Don't Save / Cancel if the document is unsaved */
  'document:confirmUnsaved': invoke(z.object({ action: p.unsavedAction }), p.unsavedDecision),
  /** the renderer's answer to document:autosaveRequest */
  'document:autosave': invoke(z.object({ document: p.paletteDocument }), z.void()),
  /** autosaves a crash left behind (empty after a clean exit) */
  'document:recoverable': invoke(none, z.array(p.recoverableAutosave)),
  /** opens an autosave as an unsaved document tied to its original file */
  'document:restoreAutosave': invoke(z.object({ id: p.recoverableAutosave.shape.id }), p.openedDocument),
  'document:discardAutosave': invoke(z.object({ id: p.recoverableAutosave.shape.id }), z.void()),
  /** closes the window after the save a close prompt asked for (document:saveRequest) */
  'document:closeWindow': invoke(none, z.void()),
  /**
   * Update masks from OpenRaster: no path → the Open dialog for an .ora; null → cancelled.
   * The file's layers come back as masks for a canvas of this size (the renderer matches names).
   */
  'document:readOraMasks': invoke(z.object({ canvas: p.canvasSize, path: p.filePath.optional() }), p.oraMasks.nullable()),

  // ------------------------------------------------------------ settings
  'settings:get': invoke(none, p.appSettings),
  'settings:set': invoke(p.appSettingsPatch, p.appSettings),

  // ------------------------------------------------------------ models (the model manager)
  /** installed models (built-in, downloaded, added folders) and this session's downloads */
  'models:list': invoke(none, p.modelsOverview),
  /** recommended models per family, few-step first, each with whether it is installed */
  'models:catalogue': invoke(none, z.array(p.catalogueEntry)),
  /** no path → the folder dialog; null → cancelled. Refused with every problem when the folder cannot run */
  'models:addFolder': invoke(z.object({ path: p.filePath.optional() }).optional(), p.installedModel.nullable()),
  /** a download is deleted, an added folder only forgotten; the built-in model stays */
  'models:remove': invoke(z.object({ id: z.string().min(1).max(4200) }), z.void()),
  /** starts a download from the Hugging Face hub; progress arrives as models:downloadProgress */
  'models:download': invoke(p.modelDownloadRequest, p.downloadProgress),
  'models:pause': invoke(z.object({ downloadId: p.downloadId }), z.void()),
  /** continues a paused download, or restarts a failed one where its files stopped */
  'models:resume': invoke(z.object({ downloadId: p.downloadId }), z.void()),
  /** stops and deletes what was fetched */
  'models:cancel': invoke(z.object({ downloadId: p.downloadId }), z.void()),

  // ------------------------------------------------------------ app (clipboard, examples, help)
  /** puts the picture on the system clipboard as an image */
  'app:copyImage': invoke(p.rgbaImage, z.void()),
  'app:examples': invoke(none, z.array(p.exampleEntry)),
  /** opens a bundled example as an unsaved copy (Save asks where) */
  'app:openExample': invoke(z.object({ id: p.exampleEntry.shape.id }), p.openedDocument),
  'app:openHelp': invoke(z.object({ topic: p.helpTopic }), z.void()),

  // ------------------------------------------------------------ frames (internal, see FRAMES_PORT_EVENT)
  /** asks main to (re)send the frames MessagePort */
  'frames:connect': invoke(none, z.void()),
} as const;

export const eventChannels = {
  'engine:status': p.engineStatus,
  'engine:notice': p.engineNotice,
  'engine:modelProgress': p.modelProgress,
  /** a new frame was published (the pixels go over the frames port) */
  'frames:available': p.frameInfo,
  'menu:command': p.menuCommandEvent,
  /** a .palette was opened from the command line or the OS: the renderer decides (dirty check) */
  'document:openRequest': z.object({ path: z.string() }),
  /** main wants the document for an autosave: answer with document:autosave */
  'document:autosaveRequest': z.object({}),
  /** the user chose Save in the close prompt: save, then document:closeWindow if it saved */
  'document:saveRequest': z.object({ then: z.literal('close') }),
  'document:notice': p.documentNotice,
  'models:downloadProgress': p.downloadProgress,
} as const;

/** ipcRenderer event that carries the frames MessagePort in `event.ports[0]`. */
export const FRAMES_PORT_EVENT = 'frames:port';

// ---------------------------------------------------------------- derived types

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventPayload<C extends EventChannel> = z.output<(typeof eventChannels)[C]>;

/** `[]` for channels without a request, `[request]` otherwise. */
export type InvokeArgs<C extends InvokeChannel> = [InvokeRequest<C>] extends [undefined]
  ? []
  : undefined extends InvokeRequest<C>
    ? [request?: InvokeRequest<C>]
    : [request: InvokeRequest<C>];

/** Why a call failed, as the renderer sees it. `field` names the bad payload field, e.g. `layers[0].mask`. */
export interface IpcErrorPayload {
  code: string;
  message: string;
  field?: string;
}

/** What travels back over ipcMain.handle: never a thrown error, always this envelope. */
export type InvokeResult<C extends InvokeChannel> =
  | { ok: true; value: InvokeResponse<C> }
  | { ok: false; error: IpcErrorPayload };

export const IPC_ERROR = {
  foreignSender: 'E_IPC_FOREIGN_SENDER',
  badPayload: 'E_IPC_BAD_PAYLOAD',
  unknownChannel: 'E_IPC_UNKNOWN_CHANNEL',
  noHandler: 'E_IPC_NO_HANDLER',
  internal: 'E_INTERNAL',
} as const;

export const invokeChannelNames = Object.keys(invokeChannels) as InvokeChannel[];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

// ---------------------------------------------------------------- payload types (named for readers)

export type EngineStatus = z.output<typeof p.engineStatus>;
export type EngineNotice = z.output<typeof p.engineNotice>;
export type ModelProgress = z.output<typeof p.modelProgress>;
export type ModelDescriptor = z.output<typeof p.modelDescriptor>;
export type FrameInfo = z.output<typeof p.frameInfo>;
export type FrameMessage = z.output<typeof p.frameMessage>;
export type EngineSettingsWire = z.output<typeof p.engineSettings>;
export type EngineLayerWire = z.output<typeof p.engineLayer>;
export type EngineBackgroundWire = z.output<typeof p.engineBackground>;
export type PaletteDocumentWire = z.output<typeof p.paletteDocument>;
export type DocumentLayerWire = z.output<typeof p.documentLayer>;
export type OpenedDocument = z.output<typeof p.openedDocument>;
export type RecentEntry = z.output<typeof p.recentEntry>;
export type AppSettings = z.output<typeof p.appSettings>;
export type AppSettingsPatch = z.output<typeof p.appSettingsPatch>;
export type MenuCommand = z.output<typeof p.menuCommand>;
export type MenuCommandEvent = z.output<typeof p.menuCommandEvent>;
export type UnsavedDecisionWire = z.output<typeof p.unsavedDecision>;
export type RecoverableAutosave = z.output<typeof p.recoverableAutosave>;
export type OraMasksWire = z.output<typeof p.oraMasks>;
export type OraLayerWire = z.output<typeof p.oraLayer>;
export type InstalledModelWire = z.output<typeof p.installedModel>;
export type CatalogueEntryWire = z.output<typeof p.catalogueEntry>;
export type DownloadProgressWire = z.output<typeof p.downloadProgress>;
export type ModelsOverview = z.output<typeof p.modelsOverview>;
export type ModelDownloadRequest = z.output<typeof p.modelDownloadRequest>;
export type PromptTokenCount = z.output<typeof p.promptTokenCount>;
export type RgbaImage = z.output<typeof p.rgbaImage>;
export type ExampleEntry = z.output<typeof p.exampleEntry>;
export type HelpTopic = z.output<typeof p.helpTopic>;
