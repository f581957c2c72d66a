import { pictureBox } from '../../../renderer/src/canvas/view';

describe('where the output view shows a frame', () => {
  const view = { zoom: 0.5, panX: 10, panY: 20 };
  test('a frame of the document size fills the document box at the view zoom and pan', () => {
    expect(pictureBox(view, { width: 512, height: 512 }, { width: 512, height: 512 })).toEqual({ x: 10, y: 20, width: 256, height: 256 });
  });
  test('a frame of another size keeps its proportions, fitted and centred in the box (never stretched)', () => {
    // a 1024² past frame in a 768×512 document: 512 × 512 document pixels, centred across
    const wide = pictureBox(view, { width: 768, height: 512 }, { width: 1024, height: 1024 });
    expect(wide).toEqual({ x: 10 + 64, y: 20, width: 256, height: 256 });
    expect(wide.width / wide.height).toBe(1);
    // a 768×512 frame in a 512² document: full width, centred down
    const tall = pictureBox(view, { width: 512, height: 512 }, { width: 768, height: 512 });
    expect(tall.width).toBe(256);
    expect(tall.height).toBeCloseTo(256 * (512 / 768), 10);
    expect(tall.y).toBeCloseTo(20 + (256 - tall.height) / 2, 10);
  });
  test('an empty frame canvas (nothing rendered yet) takes the document box', () => {
    expect(pictureBox(view, { width: 512, height: 256 }, { width: 0, height: 0 })).toEqual({ x: 10, y: 20, width: 256, height: 128 });
  });
});
