import {
  createLayerId,
  createPaletteDocument,
  DEFAULT_SETTINGS,
  documentsEqual,
  isLayerId,
  LAYER_ID_PATTERN,
  toLayerId,
  validatePaletteDocument,
  type PaletteDocument,
} from '../../../shared/document';
import { PaletteError } from '../../../shared/errors';
import type { EngineBackground, EngineLayer, EngineSettings } from '../../../main/engine/pipeline-api';
import { sampleDocument } from './support/fixtures';

function codeOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PaletteError);
    expect((e as Error).message).not.toContain('\n');
    return (e as PaletteError).code;
  }
  throw new Error('expected a PaletteError');
}

describe('document records', () => {
  test('defaults follow ENGINE-SPEC §8, with the guidance scale left to the model (§9)', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      tIndexList: [0, 4, 12, 25, 37],
      maskType: 'continuous',
      coverAlpha: 0.3,
      bootstrapSteps: 1,
      bootstrapMixSteps: 1.0,
      guidance: 'none',
      guidanceScale: null,
      noise: 'fixed',
    });
    const doc = createPaletteDocument({ layers: [{ prompt: 'red' }] });
    expect(doc.canvas).toEqual({ width: 512, height: 512 });
    const brush = doc.layers[0];
    expect([brush.maskStrength, brush.maskBlur, brush.promptStrength, brush.visible]).toEqual([1, 0, 1, true]);
    expect(brush.mask).toHaveLength(512 * 512);
    expect(brush.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(doc.background.image).toBeNull();
    validatePaletteDocument(doc);
  });

  test('defaults are copies: editing one document does not change the next', () => {
    const a = createPaletteDocument();
    a.settings.tIndexList.push(45);
    expect(createPaletteDocument().settings.tIndexList).toEqual([0, 4, 12, 25, 37]);
  });

  test('layer ids are random, file-safe and branded', () => {
    const ids = new Set(Array.from({ length: 200 }, () => createLayerId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(LAYER_ID_PATTERN);
    expect(isLayerId('../x')).toBe(false);
    expect(codeOf(() => toLayerId('a b'))).toBe('E_BAD_LAYER_ID');
  });

  const broken: Array<[string, (d: PaletteDocument) => void, string]> = [
    ['mask of the wrong size', (d) => (d.layers[0].mask = new Uint8Array(10)), 'E_BAD_MASK_SIZE'],
    ['mask that is not bytes', (d) => ((d.layers[0] as unknown as { mask: number[] }).mask = [1, 2]), 'E_BAD_MASK_SIZE'],
    ['prompt strength above 1', (d) => (d.layers[0].promptStrength = 1.5), 'E_BAD_DOCUMENT'],
    ['negative blur', (d) => (d.layers[0].maskBlur = -1), 'E_BAD_DOCUMENT'],
    ['NaN mask strength', (d) => (d.layers[0].maskStrength = NaN), 'E_BAD_DOCUMENT'],
    ['colour name instead of hex', (d) => (d.layers[0].color = 'red'), 'E_BAD_DOCUMENT'],
    ['duplicate ids', (d) => (d.layers[1].id = d.layers[0].id), 'E_DUPLICATE_LAYER_ID'],
    ['canvas not a multiple of 8', (d) => (d.canvas = { width: 63, height: 48 }), 'E_BAD_CANVAS'],
    ['canvas over 8192', (d) => (d.canvas = { width: 8200, height: 48 }), 'E_CANVAS_TOO_LARGE'],
    ['background image of the wrong size', (d) => (d.background.image = new Uint8Array(4)), 'E_BAD_IMAGE_SIZE'],
    ['decreasing t_index_list', (d) => (d.settings.tIndexList = [12, 4]), 'E_BAD_SETTINGS'],
    ['unknown mask type', (d) => ((d.settings as { maskType: string }).maskType = 'soft'), 'E_BAD_SETTINGS'],
    ['seed below 0', (d) => (d.seed = -1), 'E_BAD_DOCUMENT'],
    ['65 layers', (d) => (d.layers = Array.from({ length: 65 }, (_, i) => ({ ...d.layers[0], id: toLayerId(`l${i}`) }))), 'E_TOO_MANY_LAYERS'],
  ];
  test.each(broken)('a document with a %s is refused', (_name, breakIt, code) => {
    const doc = sampleDocument();
    breakIt(doc);
    expect(codeOf(() => validatePaletteDocument(doc))).toBe(code);
  });

  test('documentsEqual sees a single mask byte and ignores key order', () => {
    const a = sampleDocument();
    const b = sampleDocument();
    expect(documentsEqual(a, b)).toBe(true);
    const reordered = { layers: b.layers, background: b.background, settings: b.settings, seed: b.seed, modelId: b.modelId, canvas: b.canvas };
    expect(documentsEqual(a, reordered)).toBe(true);
    b.layers[1].mask[100] ^= 1;
    expect(documentsEqual(a, b)).toBe(false);
  });

  test('document records hand straight to the engine (compile-time contract with pipeline-api.ts)', () => {
    const doc = sampleDocument();
    const settings: EngineSettings = doc.settings;
    const background: EngineBackground = doc.background;
    const layers: EngineLayer[] = doc.layers;
    expect([settings.maskType, background.prompt, layers.length]).toEqual(['discrete', 'white snow', 2]);
  });
});
