/**
 * Tiny preview decoders (issue 9): a TAESD-style `vae_decoder/` (latents in directly, scaling
 * factor 1.0) serves live frames, the full VAE serves exports; the model manager lists such a
 * folder as a preview decoder for its family and never offers it as a model.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPipeline } from '../../../main/engine/pipeline';
import { loadModelFolder } from '../../../main/engine/models';
import { ModelRegistry } from '../../../main/model-manager';
import { previewFamilyOf } from '../../../main/model-manager/catalogue';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';
import { writeTaesdFolder } from '../../support/decoder-graphs';
import { ModelService, type ModelEngine } from '../../../main/ipc/model-handlers';
import type { ModelEntry } from '../../../main/engine/engine-host';
import type { EngineStatus } from '../../../shared/ipc/channels';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-taesd-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const taesd = writeTaesdFolder(path.join(root, 'taesd'));

test('a TAESD-layout decoder loads as the preview decoder: scale 1.0, 8× upscale, finite pictures', async () => {
  const model = await loadModelFolder(PALETTE_COLORS_DIR, { providers: ['cpu'], previewDecoderDir: taesd });
  try {
    expect(model.previewVae).toBeDefined();
    expect(model.previewVae!.scalingFactor).toBe(1);
    expect(model.sessions.vae_decoder_tiny?.modelPath).toBe(path.join(taesd, 'vae_decoder', 'model.onnx'));
    const latent = Float32Array.from({ length: 4 * 4 * 6 }, (_, i) => Math.sin(i));
    const image = await model.previewVae!.decode(latent, 4, 6);
    expect(image.length).toBe(3 * 32 * 48);
    expect(image.every(Number.isFinite)).toBe(true);
    expect(new Set(image).size).toBeGreaterThan(100); // a picture, not a constant
  } finally {
    await model.release();
  }
});

test('live frames use the preview decoder, one-shot renders (exports) the full VAE', async () => {
  const p = await loadPipeline(PALETTE_COLORS_DIR, { width: 64, height: 64, providers: ['cpu'], previewDecoderDir: taesd });
  try {
    await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
    await p.setLayers([{ id: 'a', prompt: 'red', negativePrompt: '', promptStrength: 1, maskStrength: 1, maskBlur: 0, visible: true, mask: new Uint8Array(64 * 64).fill(255) }]);
    const tiny = p.model.sessions.vae_decoder_tiny!;
    const full = p.model.sessions.vae_decoder!;
    const [t0, f0] = [tiny.runs, full.runs];
    await p.frame();
    expect([tiny.runs - t0, full.runs - f0]).toEqual([1, 0]);
    await p.render();
    expect([tiny.runs - t0, full.runs - f0]).toEqual([1, 1]);
  } finally {
    await p.release();
  }
});

test('a preview decoder that does not upscale 8× is refused with the reason', async () => {
  const bad = writeTaesdFolder(path.join(root, 'taesd-4x'), { config: { _class_name: 'AutoencoderTiny', decoder_block_out_channels: [64, 64, 64], upsampling_scaling_factor: 2, scaling_factor: 1 } });
  await expect(loadModelFolder(PALETTE_COLORS_DIR, { providers: ['cpu'], previewDecoderDir: bad })).rejects.toThrow(/vae_decoder_tiny\/model.onnx: upscales 4× \(vae_decoder_tiny\/config.json has 3 block levels × 2\)/);
});

test('the model manager lists a preview decoder folder by family and never offers it as a model', async () => {
  const data = path.join(root, 'data');
  const registry = new ModelRegistry({ dataDir: data, builtinDir: PALETTE_COLORS_DIR });
  const added = await registry.addFolder(taesd);
  expect(added).toMatchObject({ kind: 'preview-decoder', previewFamily: 'sd', complete: true, problems: [] });
  expect((await registry.usable()).map((m) => m.id)).toEqual(['palette-colors']);
  expect(previewFamilyOf(['sample', 'timestep', 'encoder_hidden_states'])).toBe('sd');
  expect(previewFamilyOf(['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids'])).toBe('sdxl');
});

test('the engine is offered each model with its family’s preview decoder, and the decoder itself is not offered', async () => {
  const data = path.join(root, 'data-service');
  const registry = new ModelRegistry({ dataDir: data, builtinDir: PALETTE_COLORS_DIR });
  let offered: ModelEntry[] = [];
  const engine: ModelEngine = {
    setModels: (m) => void (offered = m),
    setModel: () => Promise.reject(new Error('not used')),
    status: () => ({ modelId: null }) as unknown as EngineStatus,
  };
  const service = new ModelService({ registry, engine, publish: () => undefined, chooseFolder: async () => null });
  const sdModel = path.join(root, 'sd-model');
  fs.cpSync(PALETTE_COLORS_DIR, sdModel, { recursive: true });
  await service.addFolder(sdModel);
  const builtin = { id: 'palette-colors', name: 'palette-colors (built-in)', dir: PALETTE_COLORS_DIR };
  expect(offered).toEqual([builtin, { id: `local:${sdModel}`, name: 'sd-model', dir: sdModel }]);
  await service.addFolder(taesd);
  // an SD-family model gets it; the built-in model (its own latent space) never does; the decoder itself is not offered
  expect(offered).toEqual([builtin, { id: `local:${sdModel}`, name: 'sd-model', dir: sdModel, previewDecoderDir: taesd }]);
});
