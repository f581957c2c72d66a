/**
 * Issue 9, defect 3: a model over protobuf's 2 GB limit is cached with its initializers in a
 * .data file beside the optimized graph, and the next load comes from the cache.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession } from '../../../main/engine/runtime';
import { MARK_INDEX, writeLargeModel } from '../../support/large-model';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-large-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('a > 2 GB model is cached (external initializers) and reloaded from the cache with the same output', async () => {
  const free = fs.statfsSync(root);
  if (free.bavail * free.bsize < 6e9) {
    console.log(`skipped: needs ~5 GB free in ${root}`);
    return;
  }
  const large = writeLargeModel(path.join(root, 'model'));
  expect(large.bytes).toBeGreaterThan(2 ** 31);
  const cache = path.join(root, 'cache');
  const feed = { idx: { data: BigInt64Array.of(BigInt(MARK_INDEX)), dims: [1] } };
  const first = await ModelSession.create(large.modelPath, { providers: ['cpu'], optimizedModelCacheDir: cache });
  let cold: number[];
  try {
    expect(first.fromCache).toBe(false);
    expect(first.uncachedReason).toBeUndefined();
    cold = Array.from((await first.run(feed)).out.data as Float32Array);
  } finally {
    await first.release();
  }
  expect(cold).toEqual([large.markedSum]);
  const files = fs.readdirSync(cache);
  const graph = files.find((f) => f.endsWith('.onnx'))!;
  expect(fs.statSync(path.join(cache, graph)).size).toBeLessThan(2 ** 20); // the graph alone
  expect(fs.statSync(path.join(cache, `${graph}.data`)).size).toBeGreaterThan(2 ** 31); // the weights beside it
  const second = await ModelSession.create(large.modelPath, { providers: ['cpu'], optimizedModelCacheDir: cache });
  try {
    expect(second.fromCache).toBe(true);
    expect(Array.from((await second.run(feed)).out.data as Float32Array)).toEqual(cold);
  } finally {
    await second.release();
  }
});

describe('when a model cannot be cached', () => {
  const unet = path.join(__dirname, '..', '..', '..', 'models', 'palette-colors', 'unet', 'model.onnx');

  test('a cache folder that cannot be written still gives a session, uncached, with the reason', async () => {
    const notADir = path.join(root, 'cache-is-a-file');
    fs.writeFileSync(notADir, 'x');
    const session = await ModelSession.create(unet, { providers: ['cpu'], optimizedModelCacheDir: notADir });
    try {
      expect(session.fromCache).toBe(false);
      expect(session.uncachedReason).toMatch(/^saving the optimized model failed: /);
    } finally {
      await session.release();
    }
  });

  test('a recorded failure is remembered: later loads go straight to the model and say why', async () => {
    const cache = path.join(root, 'cache-remembered');
    const first = await ModelSession.create(unet, { providers: ['cpu'], optimizedModelCacheDir: cache });
    await first.release();
    const meta = fs.readdirSync(cache).find((f) => f.endsWith('.json'))!;
    // what createCached records when onnxruntime cannot save a model
    fs.writeFileSync(path.join(cache, meta), JSON.stringify({ uncachedReason: 'saving the optimized model failed: exceeded maximum protobuf size of 2GB' }));
    for (const f of fs.readdirSync(cache)) if (f.endsWith('.onnx')) fs.rmSync(path.join(cache, f));
    const second = await ModelSession.create(unet, { providers: ['cpu'], optimizedModelCacheDir: cache });
    try {
      expect(second.fromCache).toBe(false);
      expect(second.uncachedReason).toBe('saving the optimized model failed: exceeded maximum protobuf size of 2GB');
      expect(fs.readdirSync(cache).filter((f) => f.endsWith('.onnx'))).toEqual([]); // no attempt to save again
    } finally {
      await second.release();
    }
  });
});
