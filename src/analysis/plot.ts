/** @file Line plots rasterized without text: axes with tick marks and coloured lines; training curves as stacked panels. */
import { ValueError } from '../shape/index.js';
import { blank, setPixel, stack, type Raster, type Rgb } from './raster.js';

/** the line colours in order (matplotlib's tab10): blue, orange, green, red, purple, brown, pink, gray, olive, cyan */
export const PALETTE: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
/** one line: y values at x (default 1, 2, 3, ...); its colour defaults to PALETTE[index of the series] */
export interface Series { readonly y: readonly number[]; readonly x?: readonly number[]; readonly color?: Rgb }
/** plot options */
export interface PlotOptions {
  /** default 480 × 200 pixels */
  readonly width?: number;
  readonly height?: number;
  /** the empty border around the plot area, in pixels (default 24) */
  readonly margin?: number;
  /** tick marks per axis, both ends included (default 5) */
  readonly ticks?: number;
  /** plot log10(y) (non-positive values are skipped) */
  readonly logY?: boolean;
  /** the y range (after log10 with logY); default the finite values' min and max */
  readonly yRange?: readonly [number, number];
}

/** a line from (x0, y0) to (x1, y1), one pixel wide (Bresenham) */
const line = (r: Raster, x0: number, y0: number, x1: number, y1: number, c: Rgb): void => {
  const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  let err = dx + dy, x = x0, y = y0;
  for (;;) {
    setPixel(r, x, y, c);
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; x += sx; }
    if (e2 <= dx) { err += dx; y += sy; }
  }
};
const extent = (xs: readonly number[]): readonly [number, number] => {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo < hi ? [lo, hi] : [lo - 0.5, hi + 0.5];
};

/**
 * Series as a line plot on white: the plot area spans columns m .. W−1−m and rows m .. H−1−m
 * (m = margin); a point (x, y) is drawn at column m + round((x − x0)/(x1 − x0)·(W − 1 − 2m)) and
 * row H − 1 − m − round((y − y0)/(y1 − y0)·(H − 1 − 2m)), with [x0, x1] and [y0, y1] the ranges of
 * all series (a constant range is widened by ±0.5). Consecutive finite points are joined by
 * 1-pixel lines; non-finite values break the line. The axes are black: the y axis at column m − 1
 * and the x axis at row H − m; `ticks` evenly spaced 4-pixel tick marks point outwards from each.
 * Colours: PALETTE in series order (blue, orange, green, red, ...) unless a series gives one.
 */
export const linePlot = (series: readonly Series[], options: PlotOptions = {}): Raster => {
  const width = options.width ?? 480, height = options.height ?? 200, m = options.margin ?? 24, ticks = options.ticks ?? 5;
  if (!(m >= 6 && width > 2 * m + 1 && height > 2 * m + 1)) throw new ValueError('linePlot', `a ${width} × ${height} plot has no room inside a margin of ${m} (at least 6)`);
  const points = series.map((s) => s.y.map((v, i) => [s.x?.[i] ?? i + 1, options.logY ? (v > 0 ? Math.log10(v) : NaN) : v] as const));
  const finite = points.flat().filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [x0, x1] = finite.length === 0 ? [0, 1] : extent(finite.map(([x]) => x));
  const [y0, y1] = options.yRange ?? (finite.length === 0 ? [0, 1] : extent(finite.map(([, y]) => y)));
  const w = width - 1 - 2 * m, h = height - 1 - 2 * m;
  const col = (x: number) => m + Math.round(((x - x0) / (x1 - x0)) * w), row = (y: number) => height - 1 - m - Math.round(((y - y0) / (y1 - y0)) * h);
  const out = blank(width, height, 3, [255, 255, 255]), black: Rgb = [0, 0, 0];
  line(out, m - 1, m, m - 1, height - m, black);
  line(out, m - 1, height - m, width - 1 - m, height - m, black);
  for (let k = 0; k < ticks; k++) {
    const tx = m + Math.round((k * w) / Math.max(ticks - 1, 1)), ty = height - 1 - m - Math.round((k * h) / Math.max(ticks - 1, 1));
    line(out, tx, height - m + 1, tx, height - m + 4, black);
    line(out, m - 5, ty, m - 2, ty, black);
  }
  points.forEach((ps, s) => {
    const colour = series[s]!.color ?? PALETTE[s % PALETTE.length]!;
    ps.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const prev = ps[i - 1];
      if (prev !== undefined && Number.isFinite(prev[0]) && Number.isFinite(prev[1])) line(out, col(prev[0]), row(prev[1]), col(x), row(y), colour);
      else setPixel(out, col(x), row(y), colour);
    });
  });
  return out;
};

/** a point of a training curve, as trainingMonitor's onProgress records it */
export interface CurveLike {
  readonly step: number;
  readonly loss: number;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly learningRate?: number | undefined;
}
/**
 * Training curves against the step, as panels one below the other (8 white rows apart): the loss
 * (blue; log scale with logLoss), then the metrics on a shared axis (PALETTE order from orange:
 * orange, green, red, ... in the order of the first point's metric names), then the learning rate
 * (purple) when any point records one. Each panel is a linePlot with the given options.
 */
export const trainingCurves = (points: readonly CurveLike[], options: PlotOptions & { readonly logLoss?: boolean } = {}): Raster => {
  if (points.length === 0) throw new ValueError('trainingCurves', 'no points');
  const x = points.map((p) => p.step), { logLoss, ...plot } = options;
  const names = Object.keys(points[0]!.metrics ?? {});
  const panels = [linePlot([{ x, y: points.map((p) => p.loss), color: PALETTE[0]! }], { ...plot, logY: logLoss ?? false })];
  if (names.length > 0) {
    panels.push(linePlot(names.map((n, i) => ({ x, y: points.map((p) => p.metrics?.[n] ?? NaN), color: PALETTE[(i + 1) % PALETTE.length]! })), plot));
  }
  if (points.some((p) => p.learningRate !== undefined)) {
    panels.push(linePlot([{ x, y: points.map((p) => p.learningRate ?? NaN), color: PALETTE[4]! }], plot));
  }
  return stack(panels, 8);
};
