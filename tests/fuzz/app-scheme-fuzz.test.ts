/**
 * The app:// scheme handler's path mapping (main/app/security.ts, used by main/window.ts):
 * generated traversal and encoded-path attempts against a real folder with a secret next to
 * it. Every URL maps to null or to a file inside the renderer folder; none reaches the secret.
 */
import * as fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveRendererFile } from '../../main/app/security';

const SEED = Number(process.env.PALETTE_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.PALETTE_FUZZ_URLS ?? 3000);

let root: string;
let dist: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-scheme-'));
  dist = path.join(root, 'renderer', 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(dist, 'assets', 'app.js'), '');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(root, 'renderer', 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(root, 'renderer', 'dist-secret.txt'), 'secret'); // a sibling sharing the folder's name as prefix
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** the pieces a traversal is built from, raw and encoded every way a server has been fooled */
const SEGMENTS = [
  '..', '.', '', 'assets', 'index.html', 'secret.txt', 'dist-secret.txt', 'dist', 'renderer',
  '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '%2e%2e%2f', '..%2f', '..%5c', '%5c', '%2f', '%00', '..%00', '%c0%ae%c0%ae', '%c0%af',
  '%e0%80%ae', '..;', '....', '.. ', '%20..', '..\\', '\\..', '%u002e', 'con', '%ff', '%', '%%32%65', '..%252f',
];
const segment = fc.constantFrom(...SEGMENTS);
const urlArb = fc.tuple(
  fc.constantFrom('app://renderer/', 'app://renderer//', 'app://renderer/assets/', 'app://renderer/%2e%2e/', 'app://renderer\\', 'app://RENDERER/', 'app:/renderer/', 'app://renderer/./'),
  fc.array(segment, { minLength: 1, maxLength: 8 }),
  fc.constantFrom('/', '%2f', '%2F', '%5c', '\\'),
  fc.constantFrom('', '?x=1', '#frag', '%3f', ';a'),
).map(([start, segs, sep, tail]) => `${start}${segs.join(sep)}${tail}`);

test(`${RUNS} generated app:// URLs stay inside the renderer folder`, () => {
  const inside = (file: string) => {
    const rel = path.relative(dist, file);
    return rel !== '' && rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel);
  };
  let served = 0;
  let refused = 0;
  const escapes: string[] = [];
  for (const url of fc.sample(urlArb, { numRuns: RUNS, seed: SEED })) {
    const file = resolveRendererFile(url, dist);
    if (file === null) {
      refused++;
      continue;
    }
    if (!inside(file)) escapes.push(`${url} → ${file}`);
    if (fs.existsSync(file) && !inside(fs.realpathSync(file))) escapes.push(`${url} → ${fs.realpathSync(file)} (real path)`);
    else if (fs.existsSync(file) && fs.statSync(file).isFile() && fs.readFileSync(file, 'utf8') === 'secret') escapes.push(`${url} reads a secret`);
    served++;
  }
  console.log(`app:// scheme fuzz: ${RUNS} URLs, ${refused} refused, ${served} mapped inside the folder, ${escapes.length} escapes`);
  expect(escapes).toEqual([]);
  expect(refused).toBeGreaterThan(0);
  // and it still serves what it should
  expect(resolveRendererFile('app://renderer/assets/app.js', dist)).toBe(path.join(dist, 'assets', 'app.js'));
  expect(resolveRendererFile('app://renderer/', dist)).toBe(path.join(dist, 'index.html'));
});

test('known attacks are refused, or folded back inside the folder where nothing secret is', () => {
  for (const url of [
    'app://renderer/%2e%2e/dist-secret.txt',
    'app://renderer/..%2fdist-secret.txt',
    'app://renderer/assets/..%2f..%2fsecret.txt',
    'app://renderer/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://renderer/..%5csecret.txt',
    'app://renderer/index.html%00.js',
    'app://renderer/%c0%ae%c0%ae/secret.txt',
    'app://renderer/%',
    'app://other/index.html',
    'file:///etc/passwd',
    'app://renderer@evil/index.html',
  ]) {
    const file = resolveRendererFile(url, dist);
    const harmless = file === null || (file.startsWith(dist + path.sep) && !fs.existsSync(file));
    expect({ url, file, harmless }).toEqual({ url, file, harmless: true });
  }
});
