/**
 * Default brush colours: each new brush gets the first colour no brush of the document uses.
 * The list is spaced perceptually: greedy farthest-point picks in OKLab (culori) from a grid of
 * saturated sRGB colours of mid lightness (readable as a see-through overlay on white and on
 * a picture), so every colour is as far as possible from all the ones before it.
 */
import { clampChroma, differenceEuclidean, formatHex, oklab, type Oklab } from 'culori';
import { BRUSH_COLORS } from '../../../shared/document';

export const DEFAULT_COLOR_COUNT = 32;

const distance = differenceEuclidean('oklab');

function candidates(): Array<{ hex: string; lab: Oklab }> {
  const out: Array<{ hex: string; lab: Oklab }> = [];
  for (const l of [0.42, 0.52, 0.62, 0.72, 0.82]) {
    for (const c of [0.09, 0.14, 0.2]) {
      for (let h = 0; h < 360; h += 6) {
        const hex = formatHex(clampChroma({ mode: 'oklch', l, c, h }, 'oklch'));
        const lab = oklab(hex);
        if (lab) out.push({ hex, lab });
      }
    }
  }
  return out;
}

function spacedPalette(count: number): string[] {
  const pool = candidates();
  // the first brush keeps the document default's colour
  const first = oklab(BRUSH_COLORS[0]);
  const chosen: Oklab[] = first ? [first] : [];
  const hexes: string[] = [BRUSH_COLORS[0]];
  const nearest = pool.map((p) => (first ? distance(p.lab, first) : Infinity));
  while (hexes.length < count) {
    let best = 0;
    for (let i = 1; i < pool.length; i++) if (nearest[i] > nearest[best]) best = i;
    const pick = pool[best];
    chosen.push(pick.lab);
    hexes.push(pick.hex);
    for (let i = 0; i < pool.length; i++) nearest[i] = Math.min(nearest[i], distance(pool[i].lab, pick.lab));
  }
  return hexes;
}

/** Perceptually spaced, most distinct first; computed once. */
export const DEFAULT_BRUSH_COLORS: readonly string[] = spacedPalette(DEFAULT_COLOR_COUNT);

/** The first default colour none of `used` has (cycling on when all are taken). */
export function nextBrushColor(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return DEFAULT_BRUSH_COLORS.find((c) => !taken.has(c.toLowerCase())) ?? DEFAULT_BRUSH_COLORS[used.length % DEFAULT_BRUSH_COLORS.length];
}

/** OKLab distance between two '#rrggbb' colours (0 = the same; about 0.02 is barely told apart). */
export function colorDistance(a: string, b: string): number {
  const la = oklab(a);
  const lb = oklab(b);
  return la && lb ? distance(la, lb) : 0;
}
