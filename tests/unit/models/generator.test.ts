import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPaletteColors } from '../../../models/generator/palette-colors';
import { MODEL_VARIANTS, PALETTE_COLORS_DIR } from '../../support/model-variants';

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('palette-colors generator', () => {
  test('regenerating gives exactly the committed files', () => {
    const built = buildPaletteColors();
    expect(listFiles(PALETTE_COLORS_DIR).sort()).toEqual([...built.keys()].sort());
    for (const [rel, bytes] of built) {
      const committed = fs.readFileSync(path.join(PALETTE_COLORS_DIR, rel));
      expect({ rel, same: Buffer.compare(committed, Buffer.from(bytes)) === 0 }).toEqual({ rel, same: true });
    }
  });

  test('has the SD 1.5 ONNX layout and stays small', () => {
    const built = buildPaletteColors();
    for (const f of ['model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json', 'tokenizer/special_tokens_map.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_encoder/model.onnx', 'vae_decoder/model.onnx']) {
      expect(built.has(f)).toBe(true);
    }
    for (const bytes of built.values()) expect(bytes.length).toBeLessThan(300_000);
    const scheduler = JSON.parse(new TextDecoder().decode(built.get('scheduler/scheduler_config.json')));
    expect(scheduler).toMatchObject({ beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000 });
    const vae = JSON.parse(new TextDecoder().decode(built.get('vae_decoder/config.json')));
    expect(vae.scaling_factor).toBe(0.18215);
  });

  test('external-data variants move the weights out of model.onnx', () => {
    const inline = buildPaletteColors();
    const external = buildPaletteColors(MODEL_VARIANTS.externalData);
    expect(external.get('unet/model.onnx_data')!.length).toBeGreaterThanOrEqual(4000);
    expect(external.get('unet/model.onnx')!.length).toBeLessThan(inline.get('unet/model.onnx')!.length - 3000);
    const pb = buildPaletteColors(MODEL_VARIANTS.weightsPbLatentParameters);
    expect(pb.has('text_encoder/weights.pb')).toBe(true);
    expect(pb.has('vae_decoder_tiny/model.onnx')).toBe(true);
  });
});
