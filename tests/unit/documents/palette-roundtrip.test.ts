import * as fc from 'fast-check';
import { unzipSync } from 'fflate';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { documentsEqual, PALETTE_FORMAT_VERSION, type PaletteDocument } from '../../../shared/document';
import { decodePalette, decodePaletteDetailed, decodePng, encodePalette, readPalette, readPaletteDetailed, writePalette } from '../../../main/documents';
import { buildExamples, EXAMPLES_DIR } from '../../../scripts/make-examples';
import { documentArb, editManifest, sampleDocument } from './support/fixtures';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-rt-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function expectSame(actual: PaletteDocument, expected: PaletteDocument): void {
  // field-by-field first, for a readable failure; then the byte-exact check
  expect({ ...actual, layers: actual.layers.map((l) => ({ ...l, mask: l.mask.length })), background: { ...actual.background, image: actual.background.image?.length ?? null } }).toEqual({
    ...expected,
    layers: expected.layers.map((l) => ({ ...l, mask: l.mask.length })),
    background: { ...expected.background, image: expected.background.image?.length ?? null },
  });
  expect(documentsEqual(actual, expected)).toBe(true);
}

describe('.palette round trip', () => {
  test('random documents survive encode → decode unchanged, mask bytes included', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const back = decodePalette(encodePalette(doc));
        expectSame(back, doc);
      }),
      { numRuns: 60 },
    );
  });

  test('save → open through the file system, with a .bak of the previous save', async () => {
    const file = path.join(dir, 'a.palette');
    const first = sampleDocument();
    const second = sampleDocument();
    second.seed = 99;
    second.layers[0].mask[5] = 17;
    await writePalette(file, first);
    await expect(fs.access(`${file}.bak`)).rejects.toThrow();
    await writePalette(file, second);
    expectSame(await readPalette(file), second);
    expectSame(await readPalette(`${file}.bak`), first);
    // nothing else left behind (temporary files are gone)
    expect((await fs.readdir(dir)).sort()).toEqual(['a.palette', 'a.palette.bak']);
  });

  test('saving the same document twice gives the same bytes (reviewable, reproducible files)', () => {
    expect(Buffer.from(encodePalette(sampleDocument())).equals(Buffer.from(encodePalette(sampleDocument())))).toBe(true);
  });

  test('the rendered output becomes mergedimage.png', () => {
    const doc = sampleDocument(16, 8);
    const rendered = new Uint8Array(16 * 8 * 4).fill(77);
    const merged = decodePng(unzipSync(encodePalette(doc, { rendered }))['mergedimage.png'], 'mergedimage.png');
    expect(Buffer.from(merged.data).equals(Buffer.from(rendered))).toBe(true);
  });

  test('a version 0 file (prototype draft) migrates to version 1', () => {
    const doc = sampleDocument();
    const v1 = encodePalette(doc);
    const v0 = editManifest(v1, (m) => {
      const c = m.canvas as { width: number; height: number };
      const s = m.settings as Record<string, unknown>;
      const bg = m.background as Record<string, unknown>;
      const layers = m.layers as Array<Record<string, unknown>>;
      for (const k of Object.keys(m)) delete m[k];
      Object.assign(m, {
        format: 'semantic-palette',
        version: 0,
        width: c.width,
        height: c.height,
        model: doc.modelId,
        seed: doc.seed,
        settings: { t_index_list: s.tIndexList, mask_type: s.maskType, guidance: s.guidance, guidance_scale: s.guidanceScale },
        background: { prompt: bg.prompt, negative_prompt: bg.negativePrompt, image: bg.image },
        layers: layers.map((l) => ({
          id: l.id, name: l.name, color: l.color, prompt: l.prompt, negative_prompt: l.negativePrompt,
          prompt_strength: l.promptStrength, mask_strength: l.maskStrength, mask_std: l.maskBlur, visible: l.visible, src: l.mask,
        })),
      });
    });
    const { document, fromVersion } = decodePaletteDetailed(v0);
    expect(fromVersion).toBe(0);
    expectSame(document, doc);
  });

  test('a version 1 file migrates to version 2: its guidance scale 1 (the old default) becomes "model default", a chosen one stays', () => {
    const doc = sampleDocument();
    const v1 = (scale: number) => editManifest(encodePalette(doc), (m) => {
      m.version = 1;
      (m.settings as Record<string, unknown>).guidanceScale = scale;
    });
    const old = decodePaletteDetailed(v1(1));
    expect(old.fromVersion).toBe(1);
    expect(old.document.settings.guidanceScale).toBeNull();
    expect(decodePaletteDetailed(v1(4.5)).document.settings.guidanceScale).toBe(4.5);
    // written back as version 2, null survives the round trip
    const again = decodePaletteDetailed(encodePalette(old.document));
    expect([again.fromVersion, again.document.settings.guidanceScale]).toEqual([2, null]);
  });
});

describe('example palettes (resources/examples)', () => {
  const examples = buildExamples();
  test.each(Object.keys(examples))('%s is committed, opens, and matches what its generator builds now', async (name) => {
    const file = path.join(EXAMPLES_DIR, name);
    const { document, fromVersion } = await readPaletteDetailed(file);
    expect(fromVersion).toBe(PALETTE_FORMAT_VERSION);
    expectSame(document, examples[name]);
    // palette.json byte for byte; the PNGs' bytes depend on the zlib build, so they are compared decoded (above)
    const manifest = (bytes: Uint8Array): string => new TextDecoder().decode(unzipSync(bytes)['palette.json']);
    expect(manifest(await fs.readFile(file))).toBe(manifest(encodePalette(examples[name])));
  });

  test('the set includes the README fox and a 1024×512 panorama; prompts use the tiny model’s colour words', () => {
    expect(examples['fox-in-snow.palette'].canvas).toEqual({ width: 512, height: 512 });
    expect(examples['panorama.palette'].canvas).toEqual({ width: 1024, height: 512 });
    const colourWords = /\b(white|black|gray|grey|red|orange|yellow|green|cyan|blue|purple|pink|brown|sky|grass|sand|sea)\b/;
    for (const doc of Object.values(examples)) {
      expect(doc.background.prompt).toMatch(colourWords);
      for (const l of doc.layers) {
        expect(l.prompt).toMatch(colourWords);
        expect(l.mask.some((v) => v > 0)).toBe(true);
      }
    }
  });
});
