/**
 * The mask compositor's memory per canvas pixel and the cost of the slider edits that redo a
 * whole layer (strength, blur σ), plus a dab on a large canvas.
 */
import { MaskCompositor, type MaskLayerInput } from '../main/engine/masks';
import { layers } from './fixtures';
import { median, round, type BenchRow } from './stats';

const NOISE = Float64Array.of(0.9977, 0.9942, 0.9735, 0.8499, 0.584, 0);
const QUANT = { noiseLevels: NOISE, maskType: 'continuous' as const, coverAlpha: 0.3 };

export function maskLayers(n: number, side: number, blur: number): MaskLayerInput[] {
  return layers(n, side, side).map((l) => ({ id: l.id, mask: l.mask as Uint8Array, maskStrength: 1, maskBlur: blur, visible: true }));
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** ArrayBuffer bytes and RSS a MaskCompositor adds, per canvas pixel, at 2048² and 4096² with 3 and 5 layers */
export async function benchMaskMemory(quick: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const side of quick ? [2048] : [2048, 4096]) {
    for (const n of [3, 5]) {
      const input = maskLayers(n, side, 32);
      gc();
      const before = process.memoryUsage();
      const c = new MaskCompositor(side, side, QUANT);
      c.setLayers(input);
      const t0 = performance.now();
      c.update();
      const ms = performance.now() - t0;
      gc();
      const after = process.memoryUsage();
      const px = side * side;
      const use = c.memoryUse;
      const total = use.layers + use.shared + use.scratch;
      const perLayer = (use.layers + use.shared) / px / n;
      rows.push({
        benchmark: 'mask compositor memory per canvas pixel',
        case: `${side}×${side}, ${n} layers, σ = 32`,
        result: `${round(total / px, 2)} B/px held (${round(perLayer, 2)} B/px per layer + ${round(use.scratch / 2 ** 20, 1)} MB tile scratch); ` +
          `ArrayBuffers +${round((after.arrayBuffers - before.arrayBuffers) / px, 2)} B/px, RSS +${round((after.rss - before.rss) / px, 2)} B/px; first update ${round(ms, 0)} ms`,
        target: '≤ 2 B/px per layer + bounded scratch',
        met: perLayer <= 2 && use.scratch < 32 * 2 ** 20,
      });
      c.setLayers([]);
    }
  }
  return rows;
}

/** times `apply(prepare(i))` (preparing the input is not timed); the first run separately */
function timed(repeats: number, prepare: (i: number) => () => void): { first: number; ms: number; cpu: number } {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const apply = prepare(i);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    apply();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { first: times[0], ms: median(times.slice(1)), cpu: median(cpu.slice(1)) };
}

/** a strength change, a σ change and a dab on the middle of 3 layers (σ = 32), at 1024² and 4096² */
export async function benchMaskSliders(quick: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const side of [1024, 4096]) {
    const repeats = quick ? 3 : side > 2048 ? 6 : 16;
    const input = maskLayers(3, side, 32);
    const c = new MaskCompositor(side, side, QUANT);
    c.setLayers(input);
    c.update();
    const mid = input[1].mask as Uint8Array;
    const cases: Array<[string, (i: number) => () => void]> = [
      ['mask strength of the middle layer changed (a slider drag: the first change blurs and holds, the rest quantize)',
        (i) => () => c.setLayerOptions('l1', { maskStrength: 1 - 0.05 * ((i % 9) + 1) })],
      ['mask blur σ of the middle layer changed (32 ↔ 24)', (i) => () => c.setLayerOptions('l1', { maskBlur: i % 2 ? 32 : 24 })],
      ['one brush dab (r = 24 px) on the middle layer', (i) => {
        const m = mid.slice();
        const cx = Math.round(side * 0.3) + (i % 10) * 40, cy = Math.round(side * 0.5);
        for (let y = cy - 24; y < cy + 24; y++) for (let x = cx - 24; x < cx + 24; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < 576) m[y * side + x] = 255;
        return () => c.setLayerMask('l1', m);
      }],
    ];
    for (const [name, prepare] of cases) {
      const t = timed(repeats, (i) => {
        const edit = prepare(i);
        return () => {
          edit();
          c.update();
        };
      });
      const dab = name.startsWith('one brush');
      rows.push({
        benchmark: 'mask edit → quantized masks ready',
        case: `${side}×${side}, 3 layers, blur σ = 32: ${name}`,
        result: `${round(t.ms, 1)} ms (CPU time ${round(t.cpu, 1)} ms; first ${round(t.first, 1)} ms)`,
        target: dab ? '≤ 10 ms' : '—',
        met: dab ? t.ms <= 10 : null,
      });
    }
  }
  return rows;
}
