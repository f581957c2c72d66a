import { Xoshiro128 } from '../../../main/engine/random';

describe('seeded PRNG', () => {
  test('same seed and stream → same numbers; different seed or stream → different', () => {
    const a = new Xoshiro128(42).fillGaussian(new Float32Array(1000));
    const b = new Xoshiro128(42).fillGaussian(new Float32Array(1000));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = new Xoshiro128(43).fillGaussian(new Float32Array(1000));
    const d = new Xoshiro128(42, 1).fillGaussian(new Float32Array(1000));
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    expect(Buffer.from(a.buffer).equals(Buffer.from(d.buffer))).toBe(false);
    // seeds above 2^32 are not folded onto small ones
    const e = new Xoshiro128(42 + 2 ** 32).fillGaussian(new Float32Array(1000));
    expect(Buffer.from(a.buffer).equals(Buffer.from(e.buffer))).toBe(false);
  });

  test('the integer stream is pinned (same bits on every machine)', () => {
    const r = new Xoshiro128(0);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    const again = new Xoshiro128(0);
    expect([again.nextUint32(), again.nextUint32(), again.nextUint32()]).toEqual(first);
    // regression pin: these bits must never change, or saved palettes re-render differently
    expect(first).toEqual([3809008728, 1133695204, 53579671]);
    expect(new Xoshiro128(1234).nextGaussian()).toBe(-0.5467419983252307);
  });

  test('Gaussians have mean ≈ 0 and variance ≈ 1', () => {
    const g = new Xoshiro128(7).fillGaussian(new Float32Array(200000));
    let m = 0;
    for (const v of g) m += v;
    m /= g.length;
    let v2 = 0;
    for (const v of g) v2 += (v - m) ** 2;
    v2 /= g.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v2 - 1)).toBeLessThan(0.02);
  });

  test('bad seeds are rejected', () => {
    expect(() => new Xoshiro128(-1)).toThrow(/seed/);
    expect(() => new Xoshiro128(1.5)).toThrow(/seed/);
  });
});
