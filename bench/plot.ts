/**
 * A small line-chart writer for BENCHMARKS.md (pngjs, no canvas): panels of one or two series
 * against x, each series on its own y scale (left axis first series, right axis second),
 * with a 5×7 pixel font for titles and tick values.
 */
import * as fs from 'node:fs';
import { PNG } from 'pngjs';

type RGB = readonly [number, number, number];

export interface Series { label: string; color: RGB; points: ReadonlyArray<readonly [number, number]> }
export interface Panel { title: string; xLabel: string; series: readonly Series[] }

// 5×7 glyphs, rows top to bottom, 5 bits each (MSB left)
const FONT: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12], '.': [0, 0, 0, 0, 0, 12, 12], ' ': [0, 0, 0, 0, 0, 0, 0],
  '-': [0, 0, 0, 31, 0, 0, 0], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '/': [1, 1, 2, 4, 8, 16, 16],
  'x': [0, 0, 17, 10, 4, 10, 17], ',': [0, 0, 0, 0, 12, 4, 8], ':': [0, 12, 12, 0, 12, 12, 0], '=': [0, 0, 31, 0, 31, 0, 0],
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
};

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }

  set(x: number, y: number, c: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.png.data[i] = c[0];
    this.png.data[i + 1] = c[1];
    this.png.data[i + 2] = c[2];
    this.png.data[i + 3] = 255;
  }

  line(x0: number, y0: number, x1: number, y1: number, c: RGB, thick = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.set(x + dx - (thick >> 1), y + dy - (thick >> 1), c);
    }
  }

  dot(x: number, y: number, c: RGB): void {
    for (let dx = -3; dx <= 3; dx++) for (let dy = -3; dy <= 3; dy++) if (dx * dx + dy * dy <= 9) this.set(x + dx, y + dy, c);
  }

  text(s: string, x: number, y: number, c: RGB, scale = 2): number {
    let at = x;
    for (const ch of s.toUpperCase()) {
      const g = FONT[ch] ?? FONT[' '];
      for (let r = 0; r < 7; r++) {
        for (let b = 0; b < 5; b++) {
          if (!(g[r] & (16 >> b))) continue;
          for (let sx = 0; sx < scale; sx++) for (let sy = 0; sy < scale; sy++) this.set(at + b * scale + sx, y + r * scale + sy, c);
        }
      }
      at += 6 * scale;
    }
    return at - x;
  }
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function drawPanel(cv: Canvas, panel: Panel, ox: number, oy: number, w: number, h: number): void {
  const grey: RGB = [120, 120, 120];
  const light: RGB = [225, 225, 225];
  const L = 70, R = 70, T = 40, B = 50;
  const px0 = ox + L, px1 = ox + w - R, py0 = oy + T, py1 = oy + h - B;
  cv.text(panel.title, ox + L, oy + 10, [20, 20, 20]);
  const xs = panel.series.flatMap((s) => s.points.map((p) => p[0]));
  const xMax = niceMax(Math.max(...xs));
  const X = (x: number): number => px0 + ((px1 - px0) * x) / xMax;
  for (let i = 0; i <= 4; i++) {
    const y = py1 - ((py1 - py0) * i) / 4;
    cv.line(px0, y, px1, y, light);
    const x = px0 + ((px1 - px0) * i) / 4;
    cv.line(x, py1, x, py1 + 5, grey);
    const label = fmt((xMax * i) / 4);
    cv.text(label, x - label.length * 6, py1 + 10, grey);
  }
  cv.line(px0, py0, px0, py1, grey);
  cv.line(px0, py1, px1, py1, grey);
  cv.line(px1, py0, px1, py1, grey);
  cv.text(panel.xLabel, (px0 + px1) / 2 - panel.xLabel.length * 6, py1 + 30, grey);
  panel.series.forEach((s, si) => {
    const yMax = niceMax(Math.max(...s.points.map((p) => p[1])));
    const Y = (v: number): number => py1 - ((py1 - py0) * v) / yMax;
    for (let i = 0; i <= 4; i++) {
      const label = fmt((yMax * i) / 4);
      const y = Y((yMax * i) / 4) - 7;
      if (si === 0) cv.text(label, px0 - 8 - label.length * 12, y, s.color);
      else cv.text(label, px1 + 8, y, s.color);
    }
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < pts.length; i++) cv.line(X(pts[i - 1][0]), Y(pts[i - 1][1]), X(pts[i][0]), Y(pts[i][1]), s.color, 2);
    for (const p of pts) cv.dot(X(p[0]), Y(p[1]), s.color);
    const lx = si === 0 ? px0 + 10 : px1 - 10 - s.label.length * 12;
    cv.text(s.label, lx, py0 + 8, s.color);
  });
}

/** panels side by side in one PNG */
export function writeChart(file: string, panels: readonly Panel[], panelWidth = 560, height = 380): void {
  const cv = new Canvas(panelWidth * panels.length, height);
  panels.forEach((p, i) => drawPanel(cv, p, i * panelWidth, 0, panelWidth, height));
  fs.writeFileSync(file, PNG.sync.write(cv.png));
}
