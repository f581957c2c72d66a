/**
 * A child process saves in a loop and is killed (SIGKILL) at random moments. After every
 * kill the target must open and equal one of the versions the child was saving; so must
 * the .bak once it exists.
 */
import { runChildThenKill } from '../../support/kill-child';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { documentsEqual } from '../../../shared/document';
import { readPalette } from '../../../main/documents';
import { crashVersion, VERSION_COUNT } from './support/crash-versions';

const CHILD = path.join(__dirname, 'support', 'save-loop.js');
const KILLS = 24;
const versions = Array.from({ length: VERSION_COUNT }, (_, k) => crashVersion(k));

/** runs the child until it is ready, lets it save for `ms`, then kills it; returns how many saves it reported */
function saveThenKill(target: string, ms: number): Promise<number> {
  return runChildThenKill(CHILD, [target], ms, 'save loop');
}

async function expectOneOfTheVersions(file: string): Promise<number> {
  const doc = await readPalette(file);
  const k = versions.findIndex((v) => documentsEqual(doc, v));
  expect(k).toBeGreaterThanOrEqual(0);
  return k;
}

test(`killed ${KILLS} times while saving, the file always opens as one of the saved versions`, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'palette-crash-'));
  const target = path.join(dir, 'work.palette');
  try {
    // kill moments from 0 to 400 ms after start-up, drawn reproducibly
    const delays = fc.sample(fc.integer({ min: 0, max: 400 }), { numRuns: KILLS, seed: 42 });
    let saves = 0;
    const seen = new Set<number>();
    for (const ms of delays) {
      saves += await saveThenKill(target, ms);
      const exists = await fs.access(target).then(() => true, () => false);
      if (!exists) {
        // only possible before the very first save completed
        expect(saves).toBe(0);
        continue;
      }
      seen.add(await expectOneOfTheVersions(target));
      if (await fs.access(`${target}.bak`).then(() => true, () => false)) await expectOneOfTheVersions(`${target}.bak`);
    }
    console.log(`crash safety: ${delays.length} kills, ${saves} completed saves reported, versions seen on disk: ${[...seen].sort().join(', ')}`);
    expect(saves).toBeGreaterThan(KILLS); // the kills really interrupted a stream of saves
    expect(seen.size).toBeGreaterThan(1);
    // what a kill may leave: hidden temporary files, never a visible half-written one
    const visible = (await fs.readdir(dir)).filter((f) => !f.startsWith('.'));
    expect(visible.sort()).toEqual(['work.palette', 'work.palette.bak']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
