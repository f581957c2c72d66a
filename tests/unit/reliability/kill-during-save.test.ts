/**
 * kill -9 at random moments while saving and while autosaving (PALETTE_KILLS, default 200 in
 * all: 3/4 saves, 1/4 autosaves). After each kill and the next start's cleanup, the target
 * opens as exactly one of the saved versions (byte for byte), its .bak too, and no temporary
 * file is left.
 */
import { runChildThenKill } from '../../support/kill-child';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { cleanStaleTemps, encodePalette, readPalette } from '../../../main/documents';
import { AutosaveFolder } from '../../../main/app/autosave';
import { crashVersion, VERSION_COUNT } from '../documents/support/crash-versions';

const CHILD = path.join(__dirname, 'support', 'kill-child.js');
const KILLS = Number(process.env.PALETTE_KILLS ?? 200);
const AUTOSAVE_KILLS = Math.round(KILLS / 4);

jest.setTimeout(30 * 60_000);

let dir: string;
let versionFiles: string[];
let versions: Uint8Array[];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-kill-'));
  versions = Array.from({ length: VERSION_COUNT }, (_, k) => encodePalette(crashVersion(k)));
  versionFiles = versions.map((v, k) => {
    const f = path.join(dir, `version-${k}.palette`);
    fs.writeFileSync(f, v);
    return f;
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runThenKill(mode: 'save' | 'autosave', where: string, ms: number): Promise<number> {
  return runChildThenKill(CHILD, [mode, where, ...versionFiles], ms, 'child');
}

const versionOf = (file: string): number => {
  const bytes = fs.readFileSync(file);
  return versions.findIndex((v) => Buffer.compare(Buffer.from(v), bytes) === 0);
};
const temps = (d: string) => fs.readdirSync(d).filter((f) => f.endsWith('.tmp'));

test(`killed ${KILLS - AUTOSAVE_KILLS} times while saving: the file is always one of the saved versions, no temp file survives the next open`, async () => {
  const work = fs.mkdtempSync(path.join(dir, 'save-'));
  const target = path.join(work, 'work.palette');
  const delays = fc.sample(fc.integer({ min: 0, max: 250 }), { numRuns: KILLS - AUTOSAVE_KILLS, seed: 7 });
  let saves = 0;
  let tempsLeft = 0;
  const seen = new Set<number>();
  for (const ms of delays) {
    saves += await runThenKill('save', target, ms);
    tempsLeft += temps(work).length;
    if (!fs.existsSync(target)) {
      expect(saves).toBe(0); // only before the very first save completed
      continue;
    }
    // the next start: the document is opened (which cleans what the killed save left)
    await readPalette(target);
    expect(temps(work)).toEqual([]);
    const k = versionOf(target);
    expect(k).toBeGreaterThanOrEqual(0);
    seen.add(k);
    if (fs.existsSync(`${target}.bak`)) expect(versionOf(`${target}.bak`)).toBeGreaterThanOrEqual(0);
  }
  console.log(`kill -9 during save: ${delays.length} kills, ${saves} saves completed, ${tempsLeft} temp files found after kills (all cleaned), versions on disk: ${[...seen].sort().join(', ')}`);
  expect(saves).toBeGreaterThan(delays.length / 2);
  expect(seen.size).toBeGreaterThan(1);
  expect(fs.readdirSync(work).sort()).toEqual(['work.palette', 'work.palette.bak']);
});

test(`killed ${AUTOSAVE_KILLS} times while autosaving: the autosave and its index always read back, no temp file survives the next start`, async () => {
  const folderDir = fs.mkdtempSync(path.join(dir, 'autosave-'));
  const folder = new AutosaveFolder(folderDir);
  const delays = fc.sample(fc.integer({ min: 0, max: 250 }), { numRuns: AUTOSAVE_KILLS, seed: 8 });
  let saves = 0;
  const seen = new Set<number>();
  for (const ms of delays) {
    saves += await runThenKill('autosave', folderDir, ms);
    await cleanStaleTemps(folderDir, { all: true }); // what main does at start
    expect(temps(folderDir)).toEqual([]);
    const entries = await folder.entries();
    const file = folder.fileOf('crash-test-1');
    if (entries.length === 0 && !fs.existsSync(file)) continue;
    // the autosave file is complete whatever the index says (it is written first)
    const k = versionOf(file);
    expect(k).toBeGreaterThanOrEqual(0);
    seen.add(k);
    await folder.read('crash-test-1');
  }
  console.log(`kill -9 during autosave: ${delays.length} kills, ${saves} autosaves completed, versions on disk: ${[...seen].sort().join(', ')}`);
  expect(saves).toBeGreaterThan(delays.length / 2);
});
