/** document:* and settings:* channels. Payloads arrive already validated by the router. */
import type { CanvasSize } from '../../shared/document';
import type {
  AppSettings,
  AppSettingsPatch,
  OpenedDocument,
  OraMasksWire,
  PaletteDocumentWire,
  RecentEntry,
  RecoverableAutosave,
  RgbaImage,
  UnsavedDecisionWire,
} from '../../shared/ipc/channels';
import type { InvokeHandlers } from './router';

/** What the document channels need; main/app/document-service.ts implements it over main/documents. */
export interface DocumentService {
  create(canvas?: Partial<CanvasSize>): Promise<PaletteDocumentWire>;
  /** no path → ask with the Open dialog; null → cancelled */
  open(path?: string): Promise<OpenedDocument | null>;
  save(document: PaletteDocumentWire, options: { saveAs: boolean }): Promise<{ path: string } | null>;
  exportImage(document: PaletteDocumentWire, kind: 'png' | 'psd'): Promise<{ path: string } | null>;
  exportFrame(document: PaletteDocumentWire, image: RgbaImage): Promise<{ path: string } | null>;
  recent(): RecentEntry[] | Promise<RecentEntry[]>;
  setDirty(dirty: boolean): void;
  /** an .ora's layers as masks for a canvas of this size; no path → ask; null → cancelled */
  readOraMasks(canvas: CanvasSize, path?: string): Promise<OraMasksWire | null>;
}

/** Unsaved work: the prompt before it is replaced, autosave, and recovery after a crash. */
export interface DocumentSessionService {
  confirmUnsaved(action: 'new' | 'open' | 'openRecent' | 'restore'): Promise<UnsavedDecisionWire>;
  autosave(document: PaletteDocumentWire): Promise<void>;
  recoverable(): RecoverableAutosave[];
  restoreAutosave(id: string): Promise<OpenedDocument>;
  discardAutosave(id: string): Promise<void>;
  closeWindow(): void;
}

export interface SettingsService {
  get(): AppSettings;
  set(patch: AppSettingsPatch): AppSettings;
}

export function documentHandlers(documents: DocumentService): InvokeHandlers {
  return {
    'document:new': (canvas) => documents.create(canvas),
    'document:open': (request) => documents.open(request?.path),
    'document:save': ({ document }) => documents.save(document, { saveAs: false }),
    'document:saveAs': ({ document }) => documents.save(document, { saveAs: true }),
    'document:exportPng': ({ document }) => documents.exportImage(document, 'png'),
    'document:exportPsd': ({ document }) => documents.exportImage(document, 'psd'),
    'document:exportFrame': ({ document, image }) => documents.exportFrame(document, image),
    'document:recent': () => documents.recent(),
    'document:setDirty': ({ dirty }) => documents.setDirty(dirty),
    'document:readOraMasks': ({ canvas, path }) => documents.readOraMasks(canvas, path),
  };
}

export function documentSessionHandlers(session: DocumentSessionService): InvokeHandlers {
  return {
    'document:confirmUnsaved': ({ action }) => session.confirmUnsaved(action),
    'document:autosave': ({ document }) => session.autosave(document),
    'document:recoverable': () => session.recoverable(),
    'document:restoreAutosave': ({ id }) => session.restoreAutosave(id),
    'document:discardAutosave': ({ id }) => session.discardAutosave(id),
    'document:closeWindow': () => session.closeWindow(),
  };
}

export function settingsHandlers(settings: SettingsService): InvokeHandlers {
  return {
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
  };
}
