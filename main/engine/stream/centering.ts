/**
 * Mask-centering for bootstrapping (ENGINE-SPEC §5.3): each layer's sample is rolled (with
 * wrap-around) so the centre of its mask's bounding box sits at the sample's centre, and the
 * prediction is rolled back afterwards. A roll by (dy, dx) moves value (y, x) to
 * ((y + dy) mod h, (x + dx) mod w), like torch.roll.
 */

export interface Shift {
  dy: number;
  dx: number;
}

/**
 * Shift that brings the bounding box centre of `mask`'s nonzero pixels (value > 0, exactly)
 * inside the window (y0, x0, h, w) of a `stride`-wide latent to (h div 2, w div 2); an empty
 * window is not moved.
 */
export function centeringShift(mask: Float32Array, stride: number, y0: number, x0: number, h: number, w: number): Shift {
  let top = -1, bottom = -1, left = w, right = -1;
  for (let y = 0; y < h; y++) {
    const off = (y0 + y) * stride + x0;
    let rowHit = false;
    for (let x = 0; x < w; x++) {
      if (mask[off + x] > 0) {
        rowHit = true;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
    if (rowHit) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  if (top < 0) return { dy: 0, dx: 0 };
  const cy = Math.floor((top + bottom + 1) / 2);
  const cx = Math.floor((left + right + 1) / 2);
  return { dy: Math.floor(h / 2) - cy, dx: Math.floor(w / 2) - cx };
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/** rolls `channels` planes of h×w from src (at srcOff) into dst (at dstOff) */
export function roll(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number,
  channels: number, h: number, w: number, shift: Shift): void {
  const plane = h * w;
  const dy = mod(shift.dy, h);
  const dx = mod(shift.dx, w);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = srcOff + c * plane + y * w;
      const d = dstOff + c * plane + mod(y + dy, h) * w;
      // row y goes to row y+dy; its first w-dx values land at dx.., the rest wrap to 0..
      dst.set(src.subarray(s, s + w - dx), d + dx);
      if (dx > 0) dst.set(src.subarray(s + w - dx, s + w), d);
    }
  }
}

/** the inverse of roll(shift) */
export function unrollShift(shift: Shift): Shift {
  return { dy: -shift.dy, dx: -shift.dx };
}
