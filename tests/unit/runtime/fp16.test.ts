import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelSession, float16BitsToFloat32, float32ToFloat16Bits, fromFloat16, toFloat16 } from '../../../main/engine/runtime';
import { encodeModel, node, valueInfo } from '../../../models/generator/onnx-builder';

describe('float16 conversion', () => {
  test('known values', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65520, 0x7c00], [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400],
      [1 + 2 ** -11, 0x3c00], // tie → even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal → even (0)
      [3 * 2 ** -25, 0x0002],
    ];
    for (const [value, bits] of cases) expect([value, float32ToFloat16Bits(value)]).toEqual([value, bits]);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  test('every half value round-trips exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && bits & 0x3ff) continue; // NaNs
      const back = float32ToFloat16Bits(float16BitsToFloat32(bits));
      if (back !== bits) throw new Error(`0x${bits.toString(16)} → 0x${back.toString(16)}`);
    }
  });

  test('matches onnxruntime\'s own Cast on random floats', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palette-fp16-'));
    const file = path.join(dir, 'cast.onnx');
    fs.writeFileSync(file, encodeModel({
      name: 'cast', inputs: [valueInfo('x', 'float32', ['n'])], outputs: [valueInfo('y', 'float16', ['n'])],
      nodes: [node('Cast', ['x'], ['y'], { to: 10 })], initializers: [],
    }).model);
    const session = await ModelSession.create(file, { providers: ['cpu'] });
    try {
      let s = 12345;
      const values = Float32Array.from({ length: 20000 }, (_, i) => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const mag = 2 ** ((s % 44) - 28);
        return (i % 2 ? -1 : 1) * mag * (1 + (s >>> 8) / 2 ** 24);
      });
      const out = await session.run({ x: { data: values, dims: [values.length] } });
      // the session hands fp16 back as float32: compare through our decoder
      const ours = fromFloat16(toFloat16(values));
      let mismatches = 0;
      ours.forEach((v, i) => {
        if (!Object.is(v, (out.y.data as Float32Array)[i])) mismatches++;
      });
      expect(mismatches).toBe(0);
    } finally {
      await session.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
