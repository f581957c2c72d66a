/**
 * Model folders as the loader meets them: the name is the repo id or the folder's name (never
 * `_name_or_path`), and a broken SDXL layout is refused with every problem named.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFolder } from '../../main/engine/models';
import { chooseModelFiles } from '../../main/model-manager/layout';
import { quickValidateFolder } from '../../main/model-manager/validate-folder';
import { describeFixtures, type Fixture } from './support';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** a writable copy of a fixture folder (the shared fixtures are read-only) */
function copyOf(fx: Fixture, name = fx.name): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-real-arch-'));
  temps.push(root);
  const dir = path.join(root, name);
  fs.cpSync(fx.dir, dir, { recursive: true });
  const writable = (p: string): void => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) writable(path.join(p, e));
  };
  writable(dir);
  return dir;
}

function editJson(file: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(j);
  fs.writeFileSync(file, JSON.stringify(j, null, 2));
}

describeFixtures('real-arch folders', (fixtures) => {
  const first = fixtures[0];
  const sdxl = fixtures.find((f) => fs.existsSync(path.join(f.dir, 'text_encoder_2')));

  test(`${first.name}: the model is named after its folder, or the repo id it was downloaded from — never _name_or_path`, async () => {
    const dir = copyOf(first, 'my-model');
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'model_index.json'), 'utf8')) as { _name_or_path?: string };
    expect(index._name_or_path).toMatch(/^\//); // the exporter's path is in the file
    let model = await loadModelFolder(dir);
    expect(model.name).toBe('my-model');
    await model.release();
    fs.writeFileSync(path.join(dir, '.complete'), JSON.stringify({ repo: 'someone/tiny-model', revision: 'main', files: [] }));
    model = await loadModelFolder(dir);
    expect(model.name).toBe('someone/tiny-model');
    await model.release();
  });

  test.each(fixtures.map((f) => [f.name, f] as const))('%s: the model list\'s quick check (ONNX headers only) passes, and a download would fetch every file the loader reads', async (_name, fx) => {
    expect(await quickValidateFolder(fx.dir)).toEqual([]);
    const listing: { path: string; size: number }[] = [];
    const walk = (rel: string): void => {
      for (const e of fs.readdirSync(path.join(fx.dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else listing.push({ path: p, size: fs.statSync(path.join(fx.dir, p)).size });
      }
    };
    walk('');
    const chosen = new Set(chooseModelFiles(listing as never).files.map((f) => f.path));
    const needed = listing.map((f) => f.path).filter((p) => /^(tokenizer(_2)?|text_encoder(_2)?|unet|vae_decoder|vae_encoder|scheduler)\//.test(p) || p === 'model_index.json');
    expect(needed.filter((p) => !chosen.has(p))).toEqual([]);
  });

  test(`${sdxl?.name ?? 'sdxl'}: the quick check names a missing tokenizer_2`, async () => {
    if (!sdxl) return;
    const dir = copyOf(sdxl);
    fs.rmSync(path.join(dir, 'tokenizer_2'), { recursive: true });
    expect(await quickValidateFolder(dir)).toEqual(expect.arrayContaining(['tokenizer_2/vocab.json: missing or empty']));
  });

  if (!sdxl) return;

  test(`${sdxl.name}: without text_encoder_2/model.onnx the folder is refused, naming the file and what needs it`, async () => {
    const dir = copyOf(sdxl);
    fs.rmSync(path.join(dir, 'text_encoder_2', 'model.onnx'));
    await expect(loadModelFolder(dir)).rejects.toThrow(/text_encoder_2\/model\.onnx: file is missing.*text_embeds needs text_encoder_2/);
  });

  test(`${sdxl.name}: a num_hidden_layers that disagrees with the export's hidden states is named`, async () => {
    const dir = copyOf(sdxl);
    editJson(path.join(dir, 'text_encoder_2', 'config.json'), (j) => { j.num_hidden_layers = 5; });
    await expect(loadModelFolder(dir)).rejects.toThrow(/text_encoder_2\/model\.onnx: config\.json says 5 layers, the export declares hidden_states\.0\.\.3/);
  });

  test(`${sdxl.name}: the penultimate hidden state of each encoder is used, by its own layer count`, async () => {
    const model = await loadModelFolder(sdxl.dir);
    try {
      expect(model.textEncoder.parts.map((p) => p.hiddenOutput)).toEqual(['hidden_states.1', 'hidden_states.2']);
      expect(model.textEncoder.parts[1].pooledOutput).toBe('text_embeds');
    } finally {
      await model.release();
    }
  });

  test(`${sdxl.name}: force_zeros_for_empty_prompt: false in model_index.json is honoured`, async () => {
    const dir = copyOf(sdxl);
    editJson(path.join(dir, 'model_index.json'), (j) => { j.force_zeros_for_empty_prompt = false; });
    const model = await loadModelFolder(dir);
    try {
      expect(model.family.forceZerosForEmptyPrompt).toBe(false);
    } finally {
      await model.release();
    }
  });
});
