/**
 * The model list says, without loading a model, whether its UNet takes the stream batch in one
 * call (issue 9, defect 1): the same pattern check the engine's load-time rewrite runs, on the
 * graph read without its weights.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelRegistry, readOnnxGraphSkeleton, readStreamBatch } from '../../../main/model-manager';
import { PALETTE_COLORS_DIR, removeModelVariants, writeModelVariant } from '../../support/model-variants';

const REAL_ARCH = path.resolve(process.env.PALETTE_REAL_ARCH_DIR ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'real-arch'));
const temps: string[] = [];
afterAll(() => {
  removeModelVariants();
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

test('a [batch] timestep, a recognised scalar one and an unrecognised one', async () => {
  expect(await readStreamBatch(PALETTE_COLORS_DIR)).toEqual({ batchable: true, note: 'timestep is declared [batch]' });
  expect(await readStreamBatch(writeModelVariant('optimumTimestepExternal'))).toEqual({ batchable: true, note: expect.stringMatching(/^scalar timestep, rewritten at load \(timestep declared \[batch\]/) });
  const slow = await readStreamBatch(writeModelVariant('scalarTimestep'));
  expect(slow?.batchable).toBe(false);
  expect(slow?.note).toMatch(/^one UNet call per timestep: timestep feeds Cast node/);
});

test('the real optimum exports are recognised from their graph alone, weights skipped', async () => {
  const folders = fs.existsSync(REAL_ARCH) ? fs.readdirSync(REAL_ARCH).filter((d) => fs.existsSync(path.join(REAL_ARCH, d, 'unet', 'model.onnx'))) : [];
  if (folders.length === 0) return console.log(`skipped: no real-arch fixtures in ${REAL_ARCH}`);
  for (const f of folders) {
    const file = path.join(REAL_ARCH, f, 'unet', 'model.onnx');
    const skeleton = await readOnnxGraphSkeleton(file, 1024);
    expect(skeleton.length).toBeLessThan(fs.statSync(file).size / 2);
    expect(await readStreamBatch(path.join(REAL_ARCH, f))).toMatchObject({ batchable: true });
  }
});

test('the model list carries it for each model', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-sb-data-'));
  temps.push(data);
  const registry = new ModelRegistry({ dataDir: data, builtinDir: PALETTE_COLORS_DIR });
  const added = await registry.addFolder(writeModelVariant('scalarTimestep'));
  const listed = (await registry.list()).find((m) => m.id === added.id);
  expect(listed?.streamBatch).toMatchObject({ batchable: false });
  expect((await registry.list())[0].streamBatch).toMatchObject({ batchable: true });
});
