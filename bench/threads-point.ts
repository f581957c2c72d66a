/**
 * One configuration of the threads benchmark in a fresh process:
 * `node -r ./scripts/register-ts.js bench/threads-point.ts FRAMES JSON_RUNTIME_OPTIONS`
 * prints one JSON line (ThreadsResult).
 */
import { loadPipeline } from '../main/engine/pipeline';
import { SD15_FIXTURE, regionLayers } from './fixtures';
import { frameVsIsolated } from './threads';

async function main(): Promise<void> {
  const frames = Number(process.argv[2]);
  const runtime = JSON.parse(process.argv[3] ?? '{}') as { allowSpinning?: boolean; intraOpNumThreads?: number };
  const p = await loadPipeline(SD15_FIXTURE, { width: 256, height: 256, providers: ['cpu'], ...runtime });
  try {
    await p.setBackground({ prompt: 'a quiet meadow', negativePrompt: '', image: null });
    await p.setLayers(regionLayers(3, 256, 256));
    const [[, r]] = await frameVsIsolated([['point', p]], frames);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } finally {
    await p.release();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
