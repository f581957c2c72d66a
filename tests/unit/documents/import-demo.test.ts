import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodePalette, encodePalette, importDemoFile, importDemoJson, MASKS_NOTICE } from '../../../main/documents';
import { documentsEqual } from '../../../shared/document';
import { PaletteError } from '../../../shared/errors';

const demo = {
  prompt_names: ['🌄 Background', '👧 Girl', '🐶 Dog', '💐 Garden'],
  prompts: ['A cinematic photo of a sunrise', 'A girl smiling', 'A cute dog', 'A garden full of flowers'],
  neg_prompts: ['worst quality', 'ugly', '', 'weeds'],
  prompt_strengths: [1, 0.8, 1, 0.9],
  mask_strengths: [1, 1, 0.7, 1],
  mask_stds: [0, 8, 0, 16],
  seed: 2024,
  model_id: 'ironjr/BlazingDriveV11m',
};

describe('import of the Semantic Palette demo JSON', () => {
  test('index 0 becomes the background, the rest become brushes with empty masks, and the user is told', () => {
    const { document, notices } = importDemoJson(JSON.stringify(demo));
    expect(document.background).toEqual({ prompt: 'A cinematic photo of a sunrise', negativePrompt: 'worst quality', image: null });
    expect(document.layers.map((l) => [l.name, l.prompt, l.negativePrompt, l.promptStrength, l.maskStrength, l.maskBlur])).toEqual([
      ['👧 Girl', 'A girl smiling', 'ugly', 0.8, 1, 8],
      ['🐶 Dog', 'A cute dog', '', 1, 0.7, 0],
      ['💐 Garden', 'A garden full of flowers', 'weeds', 0.9, 1, 16],
    ]);
    expect(document.seed).toBe(2024);
    expect(document.modelId).toBe('ironjr/BlazingDriveV11m');
    expect(document.canvas).toEqual({ width: 512, height: 512 });
    for (const l of document.layers) expect(l.mask.every((v) => v === 0)).toBe(true);
    expect(new Set(document.layers.map((l) => l.color)).size).toBe(3);
    expect(notices[0]).toBe(MASKS_NOTICE);
    expect(notices[0]).toMatch(/masks are not in this file; paint them/i);
    expect(notices.some((n) => n.includes('ironjr/BlazingDriveV11m'))).toBe(true);
    // and it saves as a valid .palette
    expect(documentsEqual(decodePalette(encodePalette(document)), document)).toBe(true);
  });

  test('odd values are repaired with a notice for each, never silently', () => {
    const { document, notices } = importDemoJson(
      JSON.stringify({ ...demo, prompt_strengths: [1, '0.5', 3], mask_stds: [0, 'wide', 4, 2], seed: -1 }),
      { canvas: { width: 768, height: 512 } },
    );
    expect(document.canvas).toEqual({ width: 768, height: 512 });
    expect(document.layers.map((l) => l.promptStrength)).toEqual([0.5, 1, 1]);
    expect(document.layers.map((l) => l.maskBlur)).toEqual([0, 4, 2]);
    expect(document.seed).toBe(2024);
    expect(notices).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"prompt_strengths" has 3 entries for 4 prompts/),
        expect.stringMatching(/brush 2 prompt strength 3 is outside 0\.\.1; using 1/),
        expect.stringMatching(/brush 1 mask blur "wide" is not a number/),
        expect.stringMatching(/seed -1 is not an integer/),
      ]),
    );
  });

  test.each([
    ['not JSON', '{prompts:', 'E_IMPORT_JSON'],
    ['no prompts', JSON.stringify({ seed: 1 }), 'E_IMPORT_FORMAT'],
    ['empty prompts', JSON.stringify({ prompts: [] }), 'E_IMPORT_FORMAT'],
    ['a field that is not a list', JSON.stringify({ prompts: ['a', 'b'], neg_prompts: 'x' }), 'E_IMPORT_FORMAT'],
    ['too many brushes', JSON.stringify({ prompts: Array.from({ length: 66 }, () => 'red') }), 'E_TOO_MANY_LAYERS'],
  ])('%s is refused with %s', (_name, source, code) => {
    let error: unknown;
    try {
      importDemoJson(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaletteError);
    expect((error as PaletteError).code).toBe(code);
    expect((error as PaletteError).message).not.toContain('\n');
  });

  test('from a file; a missing file is named', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-import-'));
    try {
      const file = path.join(dir, 'demo.json');
      await fs.writeFile(file, JSON.stringify(demo));
      expect((await importDemoFile(file)).document.layers).toHaveLength(3);
      await expect(importDemoFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
