/**
 * Help and the system edges the renderer may not reach itself: the bundled examples
 * (resources/examples, opened as unsaved copies), the guides (README, docs/models.md for the
 * GPU), and the clipboard. Plain Node: main/index.ts injects Electron's shell and clipboard,
 * the end-to-end bridge stand-ins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PaletteError } from '../../shared/errors';
import type { ExampleEntry, HelpTopic, OpenedDocument, RgbaImage } from '../../shared/ipc/channels';
import { encodePng } from '../documents';

export interface HelpDeps {
  /** folder of the bundled .palette examples */
  examplesDir: string;
  /** the package root: README.md and docs/ */
  rootDir: string;
  /** opens a .palette as an unsaved copy (FileDocumentService.open with asCopy) */
  openCopy(file: string): Promise<OpenedDocument | null>;
  /** opens a file in the user's default app (Electron's shell.openPath) */
  openPath(file: string): Promise<void>;
  /** puts a PNG on the system clipboard (Electron's clipboard.writeImage) */
  writeClipboardPng(png: Buffer): Promise<void> | void;
}

/** The example shown on a first launch: it paints with colour words, which the built-in model knows. */
export const FIRST_EXAMPLE_ID = 'seaside';

const TOPIC_FILES: Record<HelpTopic, string[]> = {
  guide: ['README.md'],
  models: ['docs', 'models.md'],
  // the GPU section of the models guide (CUDA, DirectML, CoreML; what the fallback means)
  gpu: ['docs', 'models.md'],
};

function titleOf(id: string): string {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export class AppHelp {
  constructor(private readonly deps: HelpDeps) {}

  examples(): ExampleEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.deps.examplesDir);
    } catch {
      return [];
    }
    const ids = names.filter((n) => n.endsWith('.palette')).map((n) => n.slice(0, -'.palette'.length)).filter((id) => /^[a-z0-9-]{1,64}$/.test(id));
    // the first-launch example first, the rest by name
    ids.sort((a, b) => (a === FIRST_EXAMPLE_ID ? -1 : b === FIRST_EXAMPLE_ID ? 1 : a.localeCompare(b)));
    return ids.map((id) => ({ id, name: titleOf(id) }));
  }

  async openExample(id: string): Promise<OpenedDocument> {
    if (!this.examples().some((e) => e.id === id)) throw new PaletteError('E_NOT_FOUND', `there is no example "${id}"`);
    const opened = await this.deps.openCopy(path.join(this.deps.examplesDir, `${id}.palette`));
    if (!opened) throw new PaletteError('E_NOT_FOUND', `the example "${id}" could not be opened`);
    return { ...opened, notes: [...opened.notes, `Opened the example "${titleOf(id)}": Save asks where to keep your copy.`] };
  }

  async openHelp(topic: HelpTopic): Promise<void> {
    const file = path.join(this.deps.rootDir, ...TOPIC_FILES[topic]);
    if (!fs.existsSync(file)) throw new PaletteError('E_NOT_FOUND', `the guide ${file} is missing from this installation`);
    await this.deps.openPath(file);
  }

  async copyImage(image: RgbaImage): Promise<void> {
    if (image.pixels.length !== image.width * image.height * 4) {
      throw new PaletteError('E_BAD_IMAGE_SIZE', `the picture has ${image.pixels.length} bytes, which is not ${image.width}×${image.height} RGBA`);
    }
    await this.deps.writeClipboardPng(encodePng(image.pixels, image.width, image.height));
  }
}
