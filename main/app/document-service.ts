/**
 * Save / open / export as the IPC handlers see them (the DocumentService interface in
 * main/ipc/document-handlers.ts), over main/documents and three small edges injected by
 * main/index.ts: file dialogs, the settings store (recent list), and the engine's newest
 * frame. No electron import, so it runs in tests with fake dialogs and real files.
 */
import * as path from 'node:path';
import {
  createPaletteDocument,
  validatePaletteDocument,
  type CanvasSize,
  type PaletteDocument,
} from '../../shared/document';
import { PaletteError } from '../../shared/errors';
import type { OpenedDocument, PaletteDocumentWire, RecentEntry } from '../../shared/ipc/channels';
import { importDemoFile, readPaletteDetailed, writePalette, writePngExport, writePsdExport } from '../documents';
import type { DocumentService } from '../ipc/document-handlers';
import type { SettingsStore } from './settings-store';

export interface FileDialogs {
  /** .palette (or demo .json) to open; null when cancelled */
  chooseOpen(): Promise<string | null>;
  chooseSave(kind: 'palette' | 'png' | 'psd', suggested: string): Promise<string | null>;
}

export interface NewestFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface DocumentServiceDeps {
  dialogs: FileDialogs;
  settings: Pick<SettingsStore, 'get' | 'addRecent' | 'recent'>;
  /** the engine's newest frame (EngineHost.latestFrame) */
  newestFrame: () => NewestFrame | null;
  /** the document's dirty state changed (window title, close prompt) */
  onDirtyChange?: (dirty: boolean, file: string | null) => void;
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
  dirty = false;

  constructor(private readonly deps: DocumentServiceDeps) {}

  async create(canvas?: Partial<CanvasSize>): Promise<PaletteDocumentWire> {
    const size = { width: canvas?.width ?? 512, height: canvas?.height ?? 512 };
    const lastModelId = this.deps.settings.get().lastModelId;
    const doc = createPaletteDocument({ canvas: size, ...(lastModelId ? { modelId: lastModelId } : {}) });
    this.currentPath = null;
    this.setDirty(false);
    return doc;
  }

  async open(file?: string): Promise<OpenedDocument | null> {
    const chosen = file ?? (await this.deps.dialogs.chooseOpen());
    if (!chosen) return null;
    const notes: string[] = [];
    let document: PaletteDocument;
    if (path.extname(chosen).toLowerCase() === '.json') {
      const imported = await importDemoFile(chosen);
      document = imported.document;
      notes.push(...imported.notices);
      this.currentPath = null; // an import is saved as a new .palette
    } else {
      const decoded = await readPaletteDetailed(chosen);
      document = decoded.document;
      if (decoded.fromVersion !== 1) notes.push(`Converted from format version ${decoded.fromVersion}; saving writes the current version.`);
      this.currentPath = chosen;
      this.deps.settings.addRecent(chosen);
    }
    this.setDirty(false);
    return { path: chosen, document, mergedImage: null, notes };
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
    this.setDirty(false);
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

  recent(): RecentEntry[] {
    return this.deps.settings.recent();
  }

  setDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.deps.onDirtyChange?.(dirty, this.currentPath);
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
    const base = this.currentPath ? path.basename(this.currentPath, path.extname(this.currentPath)) : 'Untitled';
    return `${base}${ext}`;
  }
}
