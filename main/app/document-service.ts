/**
 * Save / open / export as the IPC handlers see them (the DocumentService interface in
 * main/ipc/document-handlers.ts), over main/documents and small edges injected by
 * main/index.ts: file dialogs, the settings store (recent list), the engine's newest frame,
 * the unsaved-changes question, autosave and crash recovery. No electron import, so it runs
 * in tests with fake dialogs and real files.
 */
import * as path from 'node:path';
import {
  createPaletteDocument,
  DEFAULT_CANVAS,
  validatePaletteDocument,
  type CanvasSize,
  type PaletteDocument,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import type {
  OpenedDocument,
  OraMasksWire,
  PaletteDocumentWire,
  RecentEntry,
  RecoverableAutosave,
  UnsavedDecisionWire,
} from '../../shared/ipc/channels';
import { importDemoFile, readOpenRaster, readOpenRasterMasks, readPaletteDetailed, writePalette, writePngExport, writePsdExport } from '../documents';
import type { DocumentService } from '../ipc/document-handlers';
import type { SettingsStore } from './settings-store';
import type { Autosaver } from './autosave';
import type { Recovery } from './autosave-recovery';
import { DirtyTracker, type UnsavedAction } from './dirty';
import { RecentFiles } from './recent';

export interface FileDialogs {
  /** a document to open (.palette, .ora, demo .json), or an .ora whose masks update the open document; null when cancelled */
  chooseOpen(kind?: 'document' | 'ora'): Promise<string | null>;
  chooseSave(kind: 'palette' | 'png' | 'psd', suggested: string): Promise<string | null>;
}

export interface NewestFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface DocumentServiceDeps {
  dialogs: FileDialogs;
  settings: Pick<SettingsStore, 'get' | 'addRecent' | 'recent'> & Partial<Pick<SettingsStore, 'removeRecent'>>;
  /** the engine's newest frame (EngineHost.latestFrame) */
  newestFrame: () => NewestFrame | null;
  /** the document's dirty state changed (window title, close prompt) */
  onDirtyChange?: (dirty: boolean, file: string | null) => void;
  /** saved/unsaved state and the Save / Don't Save / Cancel question (default: never asks) */
  tracker?: DirtyTracker;
  autosave?: Autosaver;
  recovery?: Recovery;
  /** closes the window once the save a close prompt asked for is done */
  closeWindow?: () => void;
  /** does this file exist (recent list pruning); default: the file system */
  exists?: (file: string) => boolean;
}

const EXT = { palette: '.palette', png: '.png', psd: '.psd' } as const;

function withExtension(file: string, ext: string): string {
  return path.extname(file).toLowerCase() === ext ? file : `${file}${ext}`;
}

function asDocument(wire: PaletteDocumentWire): PaletteDocument {
  validatePaletteDocument(wire);
  return wire;
}

export class FileDocumentService implements DocumentService {
  /** the file the current document was opened from or last saved to */
  currentPath: string | null = null;
  readonly tracker: DirtyTracker;
  private readonly recentFiles: RecentFiles | null;
  /** the file an unsaved import came from: Save As suggests its name */
  private importedName: string | null = null;

  constructor(private readonly deps: DocumentServiceDeps) {
    this.tracker = deps.tracker ?? new DirtyTracker(async () => 'discard');
    const { settings } = deps;
    this.recentFiles = settings.removeRecent
      ? new RecentFiles({ recent: () => settings.recent(), removeRecent: (f) => settings.removeRecent!(f) }, deps.exists)
      : null;
  }

  get dirty(): boolean {
    return this.tracker.dirty;
  }

  async create(canvas?: Partial<CanvasSize>): Promise<PaletteDocumentWire> {
    const size = { width: canvas?.width ?? DEFAULT_CANVAS.width, height: canvas?.height ?? DEFAULT_CANVAS.height };
    const lastModelId = this.deps.settings.get().lastModelId;
    const doc = createPaletteDocument({ canvas: size, ...(lastModelId ? { modelId: lastModelId } : {}) });
    await this.replaceDocument(null, false);
    return doc;
  }

  /** `asCopy`: a bundled example opens unsaved and untied to its file, so Save asks where (and never writes into the app) */
  async open(file?: string, options: { asCopy?: boolean } = {}): Promise<OpenedDocument | null> {
    const chosen = file ?? (await this.deps.dialogs.chooseOpen());
    if (!chosen) return null;
    const notes: string[] = [];
    let document: PaletteDocument;
    let documentPath: string | null;
    let importedName: string | null = null;
    // everything is read and checked before the current document is let go
    const extension = path.extname(chosen).toLowerCase();
    if (extension === '.json' || extension === '.ora') {
      // another program's file (the demo's JSON, any OpenRaster image): a new, unsaved document
      const imported = extension === '.json' ? await importDemoFile(chosen) : await readOpenRaster(chosen);
      document = imported.document;
      notes.push(...imported.notices);
      documentPath = null; // an import is saved as a new .palette
      importedName = path.basename(chosen, path.extname(chosen));
    } else {
      this.recentFiles?.checkOpen(chosen);
      const decoded = await readPaletteDetailed(chosen);
      document = decoded.document;
      if (decoded.fromVersion !== 1) notes.push(`Converted from format version ${decoded.fromVersion}; saving writes the current version.`);
      documentPath = options.asCopy ? null : chosen;
      if (!options.asCopy) this.deps.settings.addRecent(chosen);
    }
    // an import exists nowhere as a .palette yet: unsaved work from the start (an untouched example is not)
    const dirty = documentPath === null && !options.asCopy;
    await this.replaceDocument(documentPath, dirty);
    this.importedName = importedName;
    return { path: chosen, document, mergedImage: null, notes, documentPath, dirty };
  }

  /** Save / Don't Save / Cancel before `action` replaces an unsaved document. */
  confirmUnsaved(action: UnsavedAction): Promise<UnsavedDecisionWire> {
    return this.tracker.confirm(action);
  }

  /** the renderer's answer to an autosave request */
  async autosave(wire: PaletteDocumentWire): Promise<void> {
    await this.deps.autosave?.write(asDocument(wire));
  }

  recoverable(): RecoverableAutosave[] {
    return this.deps.recovery?.list() ?? [];
  }

  async restoreAutosave(id: string): Promise<OpenedDocument> {
    if (!this.deps.recovery) throw new PaletteError('E_AUTOSAVE_NOT_FOUND', 'there is no autosaved document to recover');
    const restored = await this.deps.recovery.restore(id);
    await this.replaceDocument(restored.originalPath, true, restored.id);
    const when = new Date(restored.savedAt).toLocaleString();
    return {
      path: restored.originalPath ?? 'Untitled',
      document: restored.document,
      mergedImage: null,
      notes: [`Restored the autosave of ${restored.originalPath ? path.basename(restored.originalPath) : 'Untitled'} from ${when}: save to keep it.`],
      documentPath: restored.originalPath,
      dirty: true,
    };
  }

  async discardAutosave(id: string): Promise<void> {
    await this.deps.recovery?.discard(id);
  }

  closeWindow(): void {
    this.deps.closeWindow?.();
  }

  async save(wire: PaletteDocumentWire, options: { saveAs: boolean }): Promise<{ path: string } | null> {
    const doc = asDocument(wire); // checked before any dialog: nothing to ask about a broken document
    let target = options.saveAs ? null : this.currentPath;
    if (!target) {
      const chosen = await this.deps.dialogs.chooseSave('palette', this.suggestedName(EXT.palette));
      if (!chosen) return null;
      target = withExtension(chosen, EXT.palette);
    }
    const frame = this.frameFor(doc, false);
    await writePalette(target, doc, frame ? { rendered: frame.pixels } : {});
    this.currentPath = target;
    this.deps.settings.addRecent(target);
    await this.setDirty(false); // also drops the autosave: the saved file is the truth now
    return { path: target };
  }

  async exportImage(wire: PaletteDocumentWire, kind: 'png' | 'psd'): Promise<{ path: string } | null> {
    const doc = asDocument(wire);
    const frame = this.frameFor(doc, true)!;
    const chosen = await this.deps.dialogs.chooseSave(kind, this.suggestedName(EXT[kind]));
    if (!chosen) return null;
    const target = withExtension(chosen, EXT[kind]);
    if (kind === 'png') await writePngExport(target, frame.pixels, frame.width, frame.height, doc);
    else await writePsdExport(target, doc, frame.pixels);
    return { path: target };
  }

  /** Update masks from OpenRaster: the file's layers as masks for the open document's canvas (nothing changes here). */
  async readOraMasks(canvas: CanvasSize, file?: string): Promise<OraMasksWire | null> {
    const chosen = file ?? (await this.deps.dialogs.chooseOpen('ora'));
    if (!chosen) return null;
    const ora = await readOpenRasterMasks(chosen, canvas);
    return { path: chosen, canvas: ora.canvas, layers: ora.layers, notes: ora.notices };
  }

  /** a picture the renderer holds (a frame of the history strip) as PNG, with the document's parameters */
  async exportFrame(wire: PaletteDocumentWire, image: { width: number; height: number; pixels: Uint8ClampedArray }): Promise<{ path: string } | null> {
    const doc = asDocument(wire);
    if (image.pixels.length !== image.width * image.height * 4) {
      throw new PaletteError('E_BAD_IMAGE_SIZE', `the picture has ${image.pixels.length} bytes, which is not ${image.width}×${image.height} RGBA`);
    }
    const chosen = await this.deps.dialogs.chooseSave('png', this.suggestedName(EXT.png));
    if (!chosen) return null;
    const target = withExtension(chosen, EXT.png);
    await writePngExport(target, image.pixels, image.width, image.height, doc);
    return { path: target };
  }

  /** the recent list with files that no longer exist pruned */
  recent(): RecentEntry[] {
    return this.recentFiles ? this.recentFiles.list().entries : this.deps.settings.recent();
  }

  /** resolves once the autosave has caught up (started, or removed for a clean document) */
  setDirty(dirty: boolean): Promise<void> {
    this.tracker.set(dirty, this.currentPath);
    this.deps.onDirtyChange?.(dirty, this.currentPath);
    return this.deps.autosave?.update(dirty, this.currentPath).catch((e: unknown) => console.error('[autosave]', e)) ?? Promise.resolve();
  }

  /** a new current document: the old one's autosave goes (it was saved or the user let it go) */
  private async replaceDocument(file: string | null, dirty: boolean, autosaveId: string | null = null): Promise<void> {
    await this.deps.autosave?.replaceDocument(autosaveId);
    this.importedName = null;
    this.currentPath = file;
    await this.setDirty(dirty);
  }

  /** the newest frame if it is at the document's canvas size */
  private frameFor(doc: PaletteDocument, required: boolean): NewestFrame | null {
    const frame = this.deps.newestFrame();
    const fits = frame && frame.width === doc.canvas.width && frame.height === doc.canvas.height;
    if (fits) return frame;
    if (!required) return null;
    throw new PaletteError(
      'E_NO_FRAME',
      frame
        ? `the newest picture is ${frame.width}×${frame.height} but the canvas is ${doc.canvas.width}×${doc.canvas.height}: render once, then export`
        : 'nothing has been rendered yet: render once, then export',
    );
  }

  private suggestedName(ext: string): string {
    const base = this.currentPath ? path.basename(this.currentPath, path.extname(this.currentPath)) : (this.importedName ?? 'Untitled');
    return `${base}${ext}`;
  }
}
