/**
 * The UNet memory cap on the palette-colors model (real onnxruntime sessions, no stand-ins): a
 * tiled canvas whose stream batch is over the cap runs as several calls and paints the same
 * frames as one call, to onnxruntime's rounding; a typical canvas stays one call.
 */
import { loadPipeline, type PalettePipeline } from '../../../main/engine/pipeline';
import type { EngineLayer } from '../../../main/engine/pipeline-api';

function disc(w: number, h: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * w + x] = 255;
  return m;
}

function scene(w: number, h: number): EngineLayer[] {
  const base = { negativePrompt: '', promptStrength: 1, maskStrength: 1, visible: true };
  return [
    { ...base, id: 'red', prompt: 'a red thing', maskBlur: 6, mask: disc(w, h, w / 3, h / 2, h / 3) },
    { ...base, id: 'blue', prompt: 'a blue thing', maskBlur: 0, mask: disc(w, h, (2 * w) / 3, h / 3, h / 4) },
  ];
}

async function frames(p: PalettePipeline, n: number): Promise<{ latents: Float32Array[]; rgba: Uint8ClampedArray[] }> {
  await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
  await p.setLayers(scene(p.width, p.height));
  const latents: Float32Array[] = [];
  const rgba: Uint8ClampedArray[] = [];
  for (let i = 0; i < n; i++) {
    rgba.push((await p.frame()).rgba.slice());
    latents.push(p.outputLatent);
  }
  return { latents, rgba };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('UNet memory cap (palette-colors)', () => {
  const W = 1024, H = 768; // latent 128×96 on a 64-latent model: 3 × 2 tiles

  test('a tiled canvas over the cap runs as several calls and paints the one-call frames', async () => {
    const one = await loadPipeline(undefined, { width: W, height: H, seed: 3, unetBatchMiB: 1024 });
    let ref: Awaited<ReturnType<typeof frames>>;
    try {
      ref = await frames(one, 6);
      expect(one.stream.tiles.length).toBe(6);
      expect(one.stream.lastFrameStats).toMatchObject({ samples: 5 * 6 * 3, unetCalls: 1 });
    } finally {
      await one.release();
    }
    const capped = await loadPipeline(undefined, { width: W, height: H, seed: 3, unetBatchMiB: 2 });
    try {
      const out = await frames(capped, 6);
      const stats = capped.stream.lastFrameStats;
      expect(stats.samples).toBe(90);
      // 2 MiB of 130 KB samples: 15 per call
      expect(capped.stream.samplesPerCall()).toBe(15);
      expect(stats.unetCalls).toBe(6);
      expect(capped.stream.bufferBytes().batch).toBeLessThanOrEqual(2 * 2 ** 20);
      for (let i = 0; i < out.latents.length; i++) {
        const d = maxAbsDiff(out.latents[i], ref.latents[i]);
        if (i === 5) console.log(`frame ${i}: largest latent difference ${d.toExponential(2)}`);
        expect(d).toBeLessThan(1e-5);
        expect(maxAbsDiff(out.rgba[i], ref.rgba[i])).toBeLessThanOrEqual(1);
      }
      // the frames show the palette: red under the red disc, white far from both
      const px = (x: number, y: number) => Array.from(out.rgba[5].subarray(4 * (y * W + x), 4 * (y * W + x) + 3));
      const red = px(Math.round(W / 3), H / 2);
      expect(red[0]).toBeGreaterThan(red[1] + 80);
      expect(Math.min(...px(W - 20, H - 20))).toBeGreaterThan(200);
    } finally {
      await capped.release();
    }
  });

  test('by default a 1024² canvas with 3 layers is one UNet call per frame', async () => {
    const p = await loadPipeline(undefined, { width: 1024, height: 1024 });
    try {
      await p.setBackground({ prompt: 'white', negativePrompt: '', image: null });
      await p.setLayers([...scene(1024, 1024), { ...scene(1024, 1024)[0], id: 'green', prompt: 'a green thing' }]);
      await p.frame();
      expect(p.stream.lastFrameStats).toMatchObject({ samples: 5 * 9 * 4, unetCalls: 1 });
    } finally {
      await p.release();
    }
  });
});
