/**
 * Measuring the downscale ratio of VAE components that declare none (no fixed dims, no
 * config.json levels): one run on a tiny input each, at load (vae-ratio.ts says why).
 */
import type { ModelSession } from '../runtime';
import { type VaeRole, VAE_DOWNSCALE, probeRatio, ratioProblem } from './vae-ratio';

type VaeComponent = 'vae_decoder' | 'vae_encoder' | 'vae_decoder_tiny';

/** Problems of the components whose ratio was measured, empty when each is 8×. */
export async function measureVaeRatios(sessions: Partial<Record<VaeComponent, ModelSession>>, components: readonly VaeComponent[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of components) {
    const s = sessions[c];
    if (!s) continue;
    const role: VaeRole = c === 'vae_encoder' ? 'encoder' : 'decoder';
    try {
      const ratio = await probeRatio(role, async (dims) => {
        const out = s.outputs[0].name;
        const result = await s.run({ [s.inputs[0].name]: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims } }, [out]);
        return result[out].dims;
      });
      const source = role === 'decoder' ? 'measured: a 2×2 latent decodes to ' : 'measured: a 16×16 picture encodes to ';
      const side = role === 'decoder' ? 2 * ratio : 16 / ratio;
      const problem = ratioProblem(s.label, role, { ratio, source: `${source}${side}×${side}` });
      if (problem) problems.push(problem);
    } catch (e) {
      problems.push(`${s.label}: its scale could not be checked (a tiny test run failed: ${(e as Error).message.split('\n')[0]}); the engine needs ${VAE_DOWNSCALE}×`);
    }
  }
  return problems;
}
