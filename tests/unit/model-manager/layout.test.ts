import { chooseModelFiles, requireModelLayout } from '../../../main/model-manager/layout';
import type { HubFile } from '../../../main/model-manager/hub-client';

/** The shape of a real optimum export repository that also carries PyTorch weights. */
const LISTING = [
  '.gitattributes',
  'README.md',
  'model_index.json',
  'v1-inference.yaml',
  'feature_extractor/preprocessor_config.json',
  'safety_checker/model.onnx',
  'safety_checker/config.json',
  'scheduler/scheduler_config.json',
  'text_encoder/config.json',
  'text_encoder/model.onnx',
  'text_encoder/model.safetensors',
  'tokenizer/merges.txt',
  'tokenizer/special_tokens_map.json',
  'tokenizer/tokenizer_config.json',
  'tokenizer/vocab.json',
  'unet/config.json',
  'unet/model.onnx',
  'unet/model.onnx_data',
  'unet/diffusion_pytorch_model.bin',
  'unet/diffusion_pytorch_model.fp16.safetensors',
  'unet/model_quantized.onnx',
  'unet/fp16/model.onnx',
  'vae_decoder/config.json',
  'vae_decoder/model.onnx',
  'vae_encoder/config.json',
  'vae_encoder/model.onnx',
  'vae_decoder_tiny/model.onnx',
  'vae/diffusion_pytorch_model.safetensors',
  'vae/config.json',
].map((p): HubFile => ({ path: p, size: 1, oid: 'x' }));

test('keeps the SD 1.5 ONNX layout and leaves PyTorch weights, variants and the safety checker', () => {
  const choice = chooseModelFiles(LISTING);
  expect(choice.files.map((f) => f.path).sort()).toEqual(
    [
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.onnx',
      'tokenizer/merges.txt',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'unet/config.json',
      'unet/model.onnx',
      'unet/model.onnx_data',
      'vae_decoder/config.json',
      'vae_decoder/model.onnx',
      'vae_decoder_tiny/model.onnx',
      'vae_encoder/config.json',
      'vae_encoder/model.onnx',
    ].sort(),
  );
  expect(choice.missing).toEqual([]);
  expect(choice.skipped).toContain('unet/diffusion_pytorch_model.bin');
});

test('older exports keep one file per tensor (no extension) or weights.pb next to model.onnx', () => {
  const files = chooseModelFiles([
    ...LISTING.filter((f) => !f.path.startsWith('unet/')),
    { path: 'unet/model.onnx', size: 1, oid: 'x' },
    { path: 'unet/weights.pb', size: 1, oid: 'x' },
    { path: 'unet/onnx__MatMul_9043', size: 1, oid: 'x' },
  ]).files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['unet/weights.pb', 'unet/onnx__MatMul_9043']));
});

test('a repository without the ONNX files is refused with all of them named', () => {
  expect(() => requireModelLayout(LISTING.filter((f) => !f.path.endsWith('.onnx')), 'Hugging Face repository a/b@main')).toThrow(
    'Hugging Face repository a/b@main is not a Stable Diffusion 1.5 ONNX export: missing text_encoder/model.onnx, unet/model.onnx, vae_decoder/model.onnx',
  );
});
