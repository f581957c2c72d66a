/** The documents the crash-safety child saves in turn; the parent rebuilds them to compare. */
import { createPaletteDocument, toLayerId, type PaletteDocument } from '../../../../shared/document';

export const VERSION_COUNT = 4;

/** big enough (256² with three layers) that a save takes a while and a kill lands inside it */
export function crashVersion(k: number): PaletteDocument {
  const [width, height] = [256, 256];
  const doc = createPaletteDocument({
    canvas: { width, height },
    seed: 1000 + k,
    background: { prompt: `version ${k} white` },
    layers: [0, 1, 2].map((i) => ({ id: toLayerId(`l${i}`), prompt: `layer ${i} red`, maskBlur: k })),
  });
  doc.layers.forEach((layer, i) => {
    for (let p = 0; p < width * height; p++) layer.mask[p] = (p * (k + 3) + i * 101 + ((p >> 8) * k)) & 255;
  });
  return doc;
}
