/** The pure parts behind the panels: default brush colours, the frame history, the background cover scale, prompt tokens. */
import * as path from 'node:path';
import { DEFAULT_BRUSH_COLORS, colorDistance, nextBrushColor } from '../../../renderer/src/store/brush-colors';
import { FrameHistory, FRAME_HISTORY_SIZE } from '../../../renderer/src/frame-history';
import { coverImage, createBrush, createDocument, duplicateBrush } from '../../../renderer/src/store/document';
import { ClipTokenizer } from '../../../main/engine/models/tokenizer';
import { countPromptTokens } from '../../../main/engine/prompt-tokens';

const frame = (value: number, index = 0, side = 4) => ({ index, width: side, height: side, rgba: new Uint8ClampedArray(side * side * 4).fill(value) });

describe('default brush colours', () => {
  test('the first 24 are all different and perceptually apart (OKLab distance well above a just-noticeable difference)', () => {
    const first = DEFAULT_BRUSH_COLORS.slice(0, 24);
    expect(new Set(first.map((c) => c.toLowerCase())).size).toBe(24);
    let min = Infinity;
    for (let i = 0; i < first.length; i++) for (let j = 0; j < i; j++) min = Math.min(min, colorDistance(first[i], first[j]));
    // about 0.02 is a just-noticeable difference in OKLab
    expect(min).toBeGreaterThan(0.1);
    for (const c of first) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });

  test('a new brush takes the first colour no brush uses, also after a removal', () => {
    let doc = createDocument();
    for (let i = 0; i < 23; i++) doc = { ...doc, layers: [...doc.layers, createBrush(doc)] };
    expect(new Set(doc.layers.map((l) => l.color)).size).toBe(24);
    const removed = doc.layers[5].color;
    const fewer = { ...doc, layers: doc.layers.filter((_, i) => i !== 5) };
    expect(createBrush(fewer).color).toBe(removed);
    expect(nextBrushColor([])).toBe(DEFAULT_BRUSH_COLORS[0]);
  });

  test('a duplicate keeps prompts and mask (as a copy) under a new id, name and colour', () => {
    const doc = createDocument();
    const layer = { ...doc.layers[0], prompt: 'red', maskBlur: 5, mask: new Uint8Array(doc.layers[0].mask.length).fill(7) };
    const copy = duplicateBrush({ ...doc, layers: [layer] }, layer);
    expect(copy).toMatchObject({ prompt: 'red', maskBlur: 5, name: `${layer.name} copy` });
    expect(copy.id).not.toBe(layer.id);
    expect(copy.color).not.toBe(layer.color);
    expect(copy.mask).toEqual(layer.mask);
    expect(copy.mask).not.toBe(layer.mask);
  });
});

describe('frame history', () => {
  test('keeps distinct frames only, newest last, at most 32; a frame seen again moves to the end', () => {
    const h = new FrameHistory();
    h.add(frame(1, 1));
    h.add(frame(1, 2)); // converged: the same picture again
    h.add(frame(2, 3));
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([1, 2]);
    h.add(frame(1, 4)); // undo back to the first picture
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([2, 1]);
    for (let v = 10; v < 60; v++) h.add(frame(v, v));
    const frames = h.getState().frames;
    expect(frames).toHaveLength(FRAME_HISTORY_SIZE);
    expect(frames[frames.length - 1].rgba[0]).toBe(59);
    expect(new Set(frames.map((f) => f.id)).size).toBe(FRAME_HISTORY_SIZE);
  });

  test('frames of a stroke in progress take one place, replaced until the stroke lands', () => {
    const h = new FrameHistory();
    h.add(frame(1, 1));
    for (let v = 2; v < 8; v++) h.add(frame(v, v), { transient: true });
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([1, 7]);
    h.add(frame(8, 8));
    h.add(frame(9, 9));
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([1, 8, 9]);
    expect(h.getState().frames.every((f) => !f.transient)).toBe(true);
  });

  test('a stroke whose picture converged before the pen lifted keeps that picture once it lands', () => {
    const h = new FrameHistory();
    h.add(frame(1, 1));
    for (let v = 2; v < 5; v++) h.add(frame(v, v), { transient: true });
    // no frame follows the stroke's end (the engine had converged): the last one stays
    h.settle();
    h.add(frame(5, 5));
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([1, 4, 5]);
    h.settle();
    expect(h.getState().frames.map((f) => f.rgba[0])).toEqual([1, 4, 5]);
  });

  test('holds its own copy of the pixels', () => {
    const h = new FrameHistory();
    const f = frame(9);
    h.add(f);
    f.rgba.fill(0);
    expect(h.newest?.rgba[0]).toBe(9);
  });

  test('adopts a delivered frame\'s own buffer instead of copying it, and still tells repeats apart by content', () => {
    const h = new FrameHistory();
    const a = frame(3, 1);
    const kept = h.add(a, { adopt: true });
    expect(kept.rgba).toBe(a.rgba);
    // the same picture again in a new buffer: one entry, the first buffer
    expect(h.add(frame(3, 2), { adopt: true }).rgba).toBe(a.rgba);
    const b = frame(4, 3);
    h.add(b, { adopt: true });
    expect(h.getState().frames.map((f) => [f.rgba[0], f.rgba === a.rgba || f.rgba === b.rgba])).toEqual([
      [3, true],
      [4, true],
    ]);
  });
});

describe('background cover scale', () => {
  test('a picture scaled to a wider canvas covers it, centre-cropped, colours in place', () => {
    // 4×4: left half red, right half blue
    const src = new Uint8Array(4 * 4 * 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) src.set(x < 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 4 + x) * 4);
    const out = coverImage(src, { width: 4, height: 4 }, { width: 16, height: 8 });
    expect(out.length).toBe(16 * 8 * 4);
    const at = (x: number, y: number) => [...out.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
    expect(at(0, 4)).toEqual([255, 0, 0, 255]);
    expect(at(15, 4)).toEqual([0, 0, 255, 255]);
    expect(at(3, 0)).toEqual([255, 0, 0, 255]);
  });
});

describe('prompt tokens (the real CLIP tokenizer of the built-in model)', () => {
  const tokenizer = ClipTokenizer.load(path.join(__dirname, '..', '..', '..', 'models', 'palette-colors', 'tokenizer'));

  test('counts the tokens the text encoder sees, and names the words past 75', () => {
    const short = countPromptTokens(tokenizer, 'a red fox');
    expect(short).toEqual({ tokens: tokenizer.tokenIds('a red fox').length, limit: 75, dropped: '' });
    const words = Array.from({ length: 80 }, (_, i) => (i % 2 ? 'red' : 'blue'));
    const long = countPromptTokens(tokenizer, `${words.join(' ')} and green sea`);
    expect(long.tokens).toBe(tokenizer.tokenIds(`${words.join(' ')} and green sea`).length);
    expect(long.tokens).toBeGreaterThan(75);
    // what the encoder keeps (ENGINE-SPEC §2: BOS + the first 75 + EOS) ends where the dropped text starts
    const kept = tokenizer.encode(`${words.join(' ')} and green sea`);
    expect(kept[76]).toBe(tokenizer.eosId);
    expect(long.dropped.endsWith('and green sea')).toBe(true);
    expect(countPromptTokens(tokenizer, long.dropped).tokens).toBe(long.tokens - 75);
  });
});
