/**
 * `palette render FILE.ora`: an OpenRaster image straight from Krita through the engine. With
 * palette-colors each brush paints the colour its layer name says (ORACLE-MODEL.md), so the
 * picture shows whether every layer landed where Krita put it, hidden ones hidden.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../main/cli';
import { decodePng, readPngText } from '../../../main/documents';

const KRITA = path.resolve(__dirname, '..', '..', 'fixtures', 'ora', 'krita-layers.ora');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-cli-ora-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

type Rgb = [number, number, number];
const GRAY: Rgb = [128, 128, 128]; // an empty background prompt has no colour word
const near = (a: Rgb, b: Rgb, tolerance = 3): boolean => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

test('renders a Krita .ora: each layer paints its name, at its offset; the hidden layer does not; 50% opacity mixes', async () => {
  const out = path.join(dir, 'krita.png');
  const r = await run('render', KRITA, '--out', out);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/wrote .*krita\.png \(512×512, 6 layers/);
  // the import's notes, as the app shows them
  expect(r.err).toMatch(/note: .*"Background" is the paper/);
  const png = decodePng(fs.readFileSync(out), 'krita.png');
  const px = (x: number, y: number): Rgb => {
    const i = (y * png.width + x) * 4;
    return [png.data[i], png.data[i + 1], png.data[i + 2]];
  };
  const expectations: Array<[string, number, number, Rgb]> = [
    ['blue sky (64, 32) + 384×128', 256, 96, [60, 125, 255]],
    ['red disc at (48, 224)', 128, 304, [255, 0, 0]],
    ['purple, inside a group', 160, 448, [130, 0, 200]],
    ['pink, cropped by Krita to (420, 220)', 455, 260, [255, 120, 180]],
    ['orange, half off the canvas', 480, 30, [255, 140, 0]],
    ['hidden green', 320, 248, GRAY],
    ['nothing painted', 256, 200, GRAY],
    ['left of the sky', 32, 96, GRAY],
  ];
  for (const [what, x, y, rgb] of expectations) expect({ what, rgb: px(x, y), ok: near(px(x, y), rgb) }).toMatchObject({ what, ok: true });
  // yellow at 50 % opacity (mask strength 0.502): a mix between yellow and the gray background
  const [yr, yg, yb] = px(376, 400);
  expect(yr).toBeGreaterThan(140);
  expect(yr).toBeLessThan(250);
  expect(yg).toBeGreaterThan(130);
  expect(yb).toBeLessThan(120);
  expect(yr).toBeGreaterThan(yg);
  // the generation parameters record the brushes the layers became
  const params = JSON.parse(readPngText(fs.readFileSync(out))['semantic-palette']);
  expect(params.layers.map((l: { name: string }) => l.name)).toEqual(['blue sky', 'red', 'green', 'yellow', 'purple', 'pink', 'orange']);
});

test('a broken .ora: one line naming the file and the problem, exit code 2, nothing written', async () => {
  const bad = path.join(dir, 'bad.ora');
  fs.writeFileSync(bad, 'not a zip at all');
  const out = path.join(dir, 'o.png');
  const r = await run('render', bad, '--out', out);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^palette: .*bad\.ora: .*zip/);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(fs.existsSync(out)).toBe(false);
});
