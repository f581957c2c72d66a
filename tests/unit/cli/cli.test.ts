/**
 * The `palette` command as a user meets it: what it writes, what it prints, and for bad
 * input one line naming the problem, exit code 2, no stack trace, nothing written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../main/cli';
import { decodePng, encodePalette, encodePng, readPngText } from '../../../main/documents';
import { createPaletteDocument } from '../../../shared/document';
import { editManifest, repack } from '../documents/support/fixtures';
import { PALETTE_COLORS_DIR } from '../../support/model-variants';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'resources', 'examples');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-cli-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function smallPalette(): Uint8Array {
  const doc = createPaletteDocument({
    canvas: { width: 64, height: 64 },
    seed: 5,
    background: { prompt: 'white' },
    layers: [{ name: 'fox', prompt: 'red', color: '#ff0000' }],
  });
  const mask = doc.layers[0].mask;
  for (let y = 16; y < 48; y++) for (let x = 16; x < 48; x++) mask[y * 64 + x] = 255;
  return encodePalette(doc);
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('palette render', () => {
  test('renders the fox example to a PNG showing the palette, with its parameters inside', async () => {
    const out = path.join(dir, 'fox.png');
    const r = await run('render', path.join(EXAMPLES, 'fox-in-snow.palette'), '--out', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ size: { width: 512, height: 512 }, layers: 3, steps: 5 });
    expect(summary.providers.unet).toBe('cpu');
    expect(summary.msPerFrame).toBeGreaterThan(0);
    const png = decodePng(fs.readFileSync(out), 'fox.png');
    expect([png.width, png.height]).toEqual([512, 512]);
    const params = JSON.parse(readPngText(fs.readFileSync(out))['semantic-palette']);
    expect(params.seed).toBe(summary.seed);
  });

  test('a small palette renders red inside the painted square and white outside; flags apply', async () => {
    const file = write('small.palette', smallPalette());
    const out = path.join(dir, 'small.png');
    const r = await run('render', file, '--out', out, '--seed', '9', '--steps', '0,10,30', '--mask-type', 'discrete',
      '--guidance', 'full', '--scale', '2', '--noise', 'fresh', '--threads', '1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ seed: 9, steps: 3 });
    const png = decodePng(fs.readFileSync(out), 'small.png');
    const at = (x: number, y: number) => Array.from(png.data.subarray(4 * (y * 64 + x), 4 * (y * 64 + x) + 3));
    expect(at(32, 32)).toEqual([255, 0, 0]);
    expect(at(2, 2)).toEqual([255, 255, 255]);
  });

  test('same file and seed → the same bytes', async () => {
    const file = write('small.palette', smallPalette());
    await run('render', file, '--out', path.join(dir, 'a.png'));
    await run('render', file, '--out', path.join(dir, 'b.png'));
    expect(fs.readFileSync(path.join(dir, 'a.png')).equals(fs.readFileSync(path.join(dir, 'b.png')))).toBe(true);
  });
});

describe('palette export', () => {
  test('writes PNG and PSD', async () => {
    const file = write('small.palette', smallPalette());
    const png = path.join(dir, 'x.png');
    const psd = path.join(dir, 'x.psd');
    const r = await run('export', file, '--png', png, '--psd', psd);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(psd).subarray(0, 4).toString('latin1')).toBe('8BPS');
    expect(decodePng(fs.readFileSync(png), 'x.png').width).toBe(64);
  });
});

describe('palette tokenize / inspect / schedule', () => {
  test('tokenize prints 77 ids with BOS, the colour word and EOS padding', async () => {
    const r = await run('tokenize', '--model', PALETTE_COLORS_DIR, 'a red fox');
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.out) as number[];
    expect(ids).toHaveLength(77);
    const vocab = JSON.parse(fs.readFileSync(path.join(PALETTE_COLORS_DIR, 'tokenizer', 'vocab.json'), 'utf8'));
    expect(ids[0]).toBe(vocab['<|startoftext|>']);
    expect(ids).toContain(vocab['red</w>']);
    expect(ids[76]).toBe(vocab['<|endoftext|>']);
  });

  test('inspect describes every component with its inputs', async () => {
    const r = await run('inspect', '--model', PALETTE_COLORS_DIR);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.streamBatchable).toBe(true);
    expect(info.scalingFactor).toBeCloseTo(0.18215, 6);
    expect(info.nativeSize.pixels).toBe(512);
    expect(info.components.unet.inputs.map((i: { name: string }) => i.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
  });

  test('schedule prints the golden timesteps and noise levels', async () => {
    const r = await run('schedule');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.timesteps).toEqual([999, 919, 759, 499, 259]);
    expect(s.alphasCumprod[0]).toBeCloseTo(0.0046600985, 9);
    expect(s.noiseLevels).toHaveLength(6);
    expect(s.noiseLevels[5]).toBe(0);
    const custom = JSON.parse((await run('schedule', '--steps', '0,25')).out);
    expect(custom.timesteps).toEqual([999, 499]);
  });
});

describe('bad input: one line naming the problem, exit 2, nothing written', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['missing file', () => ['render', path.join(dir, 'nope.palette'), '--out', path.join(dir, 'o.png')], /nope\.palette: no such file/],
    ['corrupt file', () => ['render', write('junk.palette', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), '--out', path.join(dir, 'o.png')], /junk\.palette: .*(zip|archive)/i],
    ['unknown model folder', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--model', path.join(dir, 'no-model')], /model folder .*no-model does not exist/],
    ['a model folder missing its UNet', () => {
      const m = path.join(dir, 'broken-model');
      fs.cpSync(PALETTE_COLORS_DIR, m, { recursive: true });
      fs.rmSync(path.join(m, 'unet'), { recursive: true });
      return ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--model', m];
    }, /unet\/model\.onnx/],
    ['a UNet missing an input the engine needs', () => {
      const m = path.join(dir, 'no-timestep');
      fs.cpSync(PALETTE_COLORS_DIR, m, { recursive: true });
      // the text encoder's graph has no `timestep` input: used as the UNet it lacks the inputs the stream feeds
      fs.copyFileSync(path.join(m, 'text_encoder', 'model.onnx'), path.join(m, 'unet', 'model.onnx'));
      return ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--model', m];
    }, /unet\/model\.onnx: .*(sample|timestep)/],
    ['wrong mask size', () => ['render', write('m.palette', repack(smallPalette(), (entries) => {
      const layer = entries.find((e) => e.name.startsWith('data/layers/'))!;
      layer.data = encodePng(new Uint8Array(32 * 32 * 4), 32, 32); // the canvas is 64×64
    })), '--out', path.join(dir, 'o.png')], /data\/layers\/.*32×32.*64×64/],
    ['absurd canvas size', () => ['render', write('c.palette', editManifest(smallPalette(), (m) => {
      (m.canvas as { width: number }).width = 100000;
    })), '--out', path.join(dir, 'o.png')], /100000/],
    ['unknown flag', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--colour', 'red'], /Unknown option '--colour'/],
    ['bad steps', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--steps', '4,0'], /--steps must be strictly increasing/],
    ['bad mask type', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--mask-type', 'fuzzy'], /--mask-type must be one of continuous, semi-continuous, discrete/],
    ['bad seed', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'o.png'), '--seed', '1.5'], /--seed must be a whole number/],
    ['output folder missing', () => ['render', write('s.palette', smallPalette()), '--out', path.join(dir, 'nowhere', 'o.png')], /folder .*nowhere does not exist/],
    ['missing --out', () => ['render', write('s.palette', smallPalette())], /--out OUT\.png is required/],
    ['unknown command', () => ['paint'], /unknown command 'paint'/],
    ['tokenize without text', () => ['tokenize'], /give the text to tokenize/],
    ['a broken scheduler config', () => {
      const m = path.join(dir, 'bad-scheduler');
      fs.cpSync(PALETTE_COLORS_DIR, m, { recursive: true });
      fs.writeFileSync(path.join(m, 'scheduler', 'scheduler_config.json'), '{ "beta_start": ');
      return ['schedule', '--model', m];
    }, /scheduler_config\.json: cannot be read/],
  ];

  test.each(cases)('%s', async (_name, argv, message) => {
    const args = argv();
    const before = new Set(fs.readdirSync(dir));
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'o.png'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => !before.has(f))).toEqual([]);
  });
});
