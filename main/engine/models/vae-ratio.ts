/**
 * How many pixels one latent pixel covers (issue 9, defect 2). The engine's latents are 1/8 of
 * the picture (VAE_DOWNSCALE); a VAE with another ratio must be refused before any run, or a
 * decode asks onnxruntime for a picture 4× or 16× the size the engine allocated for. The ratio
 * is read from what the files declare — fixed dims of the ONNX inputs/outputs, and the
 * component's config.json (AutoencoderKL: 2^(levels−1) for `block_out_channels`; AutoencoderTiny:
 * `upsampling_scaling_factor`^(levels−1)) — and, when neither tells, measured by the loader
 * with one tiny run (`probeRatio`).
 */
import type { TensorInfo } from '../runtime';

export const VAE_DOWNSCALE = 8;

export type VaeRole = 'decoder' | 'encoder';

export interface RatioClaim {
  readonly ratio: number;
  /** where the number comes from, for the message */
  readonly source: string;
}

type Json = Record<string, unknown>;

function levels(v: unknown): number | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number') ? v.length : undefined;
}

/** The ratio a diffusers VAE config.json implies, if it says. */
export function ratioFromConfig(config: Json, file: string): RatioClaim | undefined {
  const tiny = levels(config.decoder_block_out_channels) ?? levels(config.encoder_block_out_channels);
  if (tiny !== undefined) {
    const f = typeof config.upsampling_scaling_factor === 'number' ? config.upsampling_scaling_factor : 2;
    return { ratio: f ** (tiny - 1), source: `${file} has ${tiny} block levels × ${f}` };
  }
  const kl = levels(config.block_out_channels);
  if (kl !== undefined) return { ratio: 2 ** (kl - 1), source: `${file} block_out_channels has ${kl} levels` };
  return undefined;
}

const fixed = (t: TensorInfo | undefined, i: number): number | undefined => {
  const d = t?.shape[i];
  return typeof d === 'number' && d > 0 ? d : undefined;
};

/** The ratio fixed spatial dims imply: picture side over latent side. */
export function ratioFromShapes(role: VaeRole, latent: TensorInfo | undefined, picture: TensorInfo | undefined, label: string): RatioClaim | undefined {
  for (const axis of [2, 3]) {
    const l = fixed(latent, axis);
    const p = fixed(picture, axis);
    if (l !== undefined && p !== undefined) {
      return { ratio: p / l, source: `${label} declares ${role === 'decoder' ? `latent ${l} → picture ${p}` : `picture ${p} → latent ${l}`} (axis ${axis})` };
    }
  }
  return undefined;
}

export function ratioProblem(label: string, role: VaeRole, claim: RatioClaim): string | undefined {
  if (claim.ratio === VAE_DOWNSCALE) return undefined;
  const verb = role === 'decoder' ? 'upscales' : 'downscales';
  return `${label}: ${verb} ${claim.ratio}× (${claim.source}); the engine works with latents 1/${VAE_DOWNSCALE} of the picture, so this VAE cannot be used`;
}

/**
 * Problems of one VAE component from what it declares; `unchecked` when nothing declares the
 * ratio (the loader then measures it with `probeRatio`).
 */
export function checkVaeRatio(
  label: string,
  role: VaeRole,
  latent: TensorInfo | undefined,
  picture: TensorInfo | undefined,
  config: Json | undefined,
  configFile: string,
): { problems: string[]; unchecked: boolean } {
  const claims = [ratioFromShapes(role, latent, picture, label), config ? ratioFromConfig(config, configFile) : undefined].filter((c): c is RatioClaim => c !== undefined);
  const problems = claims.map((c) => ratioProblem(label, role, c)).filter((p): p is string => p !== undefined);
  if (claims.length === 2 && claims[0].ratio !== claims[1].ratio && problems.length === 0) {
    problems.push(`${label}: ${claims[0].source}, but ${claims[1].source}`);
  }
  return { problems: [...new Set(problems)], unchecked: claims.length === 0 };
}

/** The ratio measured by one tiny run: decoder on a 2×2 latent, encoder on a 16×16 picture. */
export async function probeRatio(
  role: VaeRole,
  run: (dims: number[]) => Promise<readonly number[]>,
): Promise<number> {
  if (role === 'decoder') {
    const out = await run([1, 4, 2, 2]);
    return out[2] / 2;
  }
  const out = await run([1, 3, 16, 16]);
  return 16 / out[2];
}
