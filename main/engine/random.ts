/**
 * The engine's only source of randomness (ENGINE-SPEC §7): xoshiro128** (Blackman & Vigna)
 * seeded through splitmix32, with Box–Muller for Gaussians. Integer arithmetic is done with
 * Math.imul and >>> so every machine gets the same bits; the Gaussians round to float32, so
 * last-ulp differences in Math.log/cos between JS engines cannot show up in practice.
 *
 * Seeding: a seed is a non-negative safe integer. Its low and high 32 bits and a `stream`
 * number (so independent purposes — slot noise, fresh noise — never share numbers) are folded
 * through the splitmix32 finaliser; splitmix32 then expands that to the 128-bit state.
 *
 * Gaussians: each pair of 53-bit uniforms u1 ∈ (0, 1], u2 ∈ [0, 1) gives
 * z0 = sqrt(-2 ln u1)·cos(2π u2), z1 = sqrt(-2 ln u1)·sin(2π u2), used in that order.
 */
import { PaletteError } from '../../shared/errors';

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Xoshiro128 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new PaletteError('E_BAD_SEED', `seed must be a non-negative integer, got ${seed}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x100000000) >>> 0;
    let sm = mix32(mix32(mix32(lo) ^ hi) ^ (stream >>> 0));
    const next = (): number => {
      sm = (sm + 0x9e3779b9) >>> 0;
      return mix32(sm);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** next uint32 */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** uniform double in [0, 1) with 53 random bits */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = 1 - this.nextDouble();
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  /** fills `out` with standard normal samples, in index order */
  fillGaussian(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.nextGaussian();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Random streams used by the engine, so a purpose's numbers never depend on another's. */
export const RandomStream = {
  slotNoise: 1,
  freshNoise: 2,
} as const;
