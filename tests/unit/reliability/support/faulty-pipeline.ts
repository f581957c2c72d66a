/**
 * Test-only fault injection for the engine worker: the real pipeline, with a fault taken from
 * `fault-plan.json` in the model folder (a temporary copy) before each frame. EngineHost runs it
 * through its `pipelineModule` option; nothing in main/ knows about it. (Not an environment
 * variable: Jest gives each test file its own process.env, which worker threads do not see.)
 *
 * Plan: { "fault": "unet-throws" | "provider-fails" | "uncaught" | "exit", "persistent"?: true }.
 * A one-shot plan is deleted when taken, so the restarted worker runs clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPipeline as loadRealPipeline, type LoadPipelineOptions } from '../../../../main/engine/pipeline';

type Fault = 'unet-throws' | 'provider-fails' | 'uncaught' | 'exit';

export const FAULT_PLAN = 'fault-plan.json';

function takeFault(file: string): Fault | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const plan = JSON.parse(fs.readFileSync(file, 'utf8')) as { fault: Fault; persistent?: boolean };
    if (!plan.persistent) fs.rmSync(file, { force: true });
    return plan.fault;
  } catch {
    return undefined; // the test is still writing it
  }
}

export async function loadPipeline(modelDir: string, options: LoadPipelineOptions) {
  const pipeline = await loadRealPipeline(modelDir, options);
  const unet = pipeline.model.unet as unknown as { run: (...args: unknown[]) => Promise<unknown> };
  const session = pipeline.model.sessions.unet as unknown as { run: (...args: unknown[]) => Promise<unknown> };
  const realUnetRun = unet.run.bind(unet);
  const realSessionRun = session.run.bind(session);
  let armed: Fault | undefined;
  // the UNet's own step and the onnxruntime session under it: faults land mid-stream
  unet.run = async (...args) => {
    if (armed === 'unet-throws') throw new Error('injected: the UNet threw in the middle of a stream step');
    return realUnetRun(...args);
  };
  session.run = async (...args) => {
    if (armed === 'provider-fails') throw new Error('injected: CUDA error 700 (an illegal memory access) in the execution provider');
    return realSessionRun(...args);
  };
  const realFrame = pipeline.frame.bind(pipeline);
  pipeline.frame = async () => {
    armed = takeFault(path.join(modelDir, FAULT_PLAN));
    if (armed === 'exit') process.exit(7);
    if (armed === 'uncaught') setImmediate(() => {
      throw new Error('injected: an uncaught error in the engine thread');
    });
    return realFrame();
  };
  return pipeline;
}
