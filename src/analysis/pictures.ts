/** @file Pictures of a network: conv filter grids, feature maps, images (activation maximization), heatmaps with the viridis colormap. */
import { ValueError } from '../shape/index.js';
import { toArray, type AnyTensor } from '../tensor/index.js';
import { blank, grid, setPixel, toBytes, upscale, type GridOptions, type Raster, type Rgb } from './raster.js';

const valuesOf = (t: AnyTensor): Float64Array => Float64Array.from(toArray(t) as ArrayLike<number>);
const dims = (t: AnyTensor): readonly number[] => t.shape as readonly number[];

/** how values become tiles: one min-max range over the whole grid ('grid') or one per tile ('tile'), and the tiles' upscaling */
export interface TileOptions extends GridOptions {
  readonly normalize?: 'grid' | 'tile';
  /** each value becomes a scale × scale block of pixels */
  readonly scale?: number;
}
/** tiles from per-tile value arrays (row-major h × w × channels), normalized, upscaled and laid out */
const tilesToGrid = (tiles: readonly Float64Array[], w: number, h: number, channels: 1 | 3, o: TileOptions, normalize: 'grid' | 'tile', scale: number): Raster => {
  const all = tiles.flatMap((t) => Array.from(t));
  const range = normalize === 'grid' ? [Math.min(...all), Math.max(...all)] as const : undefined;
  return grid(tiles.map((t) => upscale({ width: w, height: h, channels, data: toBytes(t, range) }, scale)), o);
};

/** filterGrid options: which input channel each tile shows (default: RGB when the kernel has 3 input channels, else their mean) */
export interface FilterGridOptions extends TileOptions { readonly inputChannel?: number | 'mean' }
/**
 * Conv filters as a picture: an HWIO kernel [kh, kw, in, out] becomes one kh × kw tile per
 * output channel (in output-channel order, row by row), normalized over the whole grid by default
 * (black = the most negative weight, white = the most positive), upscaled 8× by default, 1-pixel gaps.
 * With 3 input channels and no inputChannel the tiles are RGB.
 */
export const filterGrid = (kernel: AnyTensor, options: FilterGridOptions = {}): Raster => {
  const shape = dims(kernel);
  if (shape.length !== 4) throw new ValueError('filterGrid', `the kernel must be HWIO [kh, kw, in, out], got [${shape.join(', ')}]`);
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const rgb = cin === 3 && options.inputChannel === undefined, choice = options.inputChannel ?? 'mean';
  if (typeof choice === 'number' && !(Number.isInteger(choice) && choice >= 0 && choice < cin)) {
    throw new ValueError('filterGrid', `input channel ${choice} is out of range for ${cin} channels`);
  }
  const w = valuesOf(kernel), at = (y: number, x: number, i: number, o: number) => w[((y * kw + x) * cin + i) * cout + o]!;
  const tiles = Array.from({ length: cout }, (_, o) => Float64Array.from({ length: kh * kw * (rgb ? 3 : 1) }, (_, k) => {
    const p = rgb ? Math.floor(k / 3) : k, y = Math.floor(p / kw), x = p % kw;
    if (rgb) return at(y, x, k % 3, o);
    if (choice !== 'mean') return at(y, x, choice, o);
    let s = 0;
    for (let i = 0; i < cin; i++) s += at(y, x, i, o);
    return s / cin;
  }));
  return tilesToGrid(tiles, kw, kh, rgb ? 3 : 1, options, options.normalize ?? 'grid', options.scale ?? 8);
};

/** featureMaps options: which example of the batch (default 0) */
export interface FeatureMapOptions extends TileOptions { readonly example?: number }
/**
 * The channels of a feature map [B, H, W, C] (or [H, W, C]) as a grid of H × W grayscale tiles,
 * one per channel, each normalized on its own by default, upscaled 4× by default.
 */
export const featureMaps = (activation: AnyTensor, options: FeatureMapOptions = {}): Raster => {
  const shape = dims(activation);
  if (shape.length !== 3 && shape.length !== 4) throw new ValueError('featureMaps', `expected [B, H, W, C] or [H, W, C], got [${shape.join(', ')}]`);
  const [b, h, w, c] = (shape.length === 3 ? [1, ...shape] : shape) as [number, number, number, number];
  const e = options.example ?? 0;
  if (!(Number.isInteger(e) && e >= 0 && e < b)) throw new ValueError('featureMaps', `example ${e} is out of range for a batch of ${b}`);
  const v = valuesOf(activation), base = e * h * w * c;
  const tiles = Array.from({ length: c }, (_, ch) => Float64Array.from({ length: h * w }, (_, p) => v[base + p * c + ch]!));
  return tilesToGrid(tiles, w, h, 1, options, options.normalize ?? 'tile', options.scale ?? 4);
};

/**
 * An image tensor [H, W, C] or [1, H, W, C] with C = 1 (gray) or 3 (RGB) as a raster, min-max
 * normalized over the image and upscaled (default 4×): for activation-maximization results and inputs.
 */
export const imageOf = (image: AnyTensor, options: { readonly scale?: number } = {}): Raster => {
  const shape = dims(image), s = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (s.length !== 3 || (s[2] !== 1 && s[2] !== 3)) throw new ValueError('imageOf', `expected [H, W, 1 | 3] or [1, H, W, 1 | 3], got [${shape.join(', ')}]`);
  return upscale({ width: s[1]!, height: s[0]!, channels: s[2] as 1 | 3, data: toBytes(valuesOf(image)) }, options.scale ?? 4);
};

// matplotlib's viridis at t = 0, 1/8, ..., 1; colours between are interpolated linearly
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
/** the viridis colour at t in [0, 1] (clipped): matplotlib's colormap sampled at 9 points, interpolated linearly */
export const viridis = (t: number): Rgb => {
  const u = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1), i = Math.min(Math.floor(u), VIRIDIS.length - 2), f = u - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  const mix = (c: number): number => Math.round(a[c]! + f * (b[c]! - a[c]!));
  return [mix(0), mix(1), mix(2)];
};

/** heatmap options: pixels per cell (default 16), the value range (default the matrix's min and max), the colormap */
export interface HeatmapOptions {
  readonly cell?: number;
  readonly range?: readonly [number, number];
  readonly colormap?: 'viridis' | 'gray';
}
/**
 * A matrix [rows, cols] (attention weights of one head, a CKA matrix) as an RGB heatmap without
 * labels: entry (i, j) fills the cell × cell block at (j·cell, i·cell) with viridis(t), where
 * t = (v − lo) / (hi − lo) (dark purple = low, yellow = high; gray: black to white). NaN is black.
 */
export const heatmap = (matrix: AnyTensor, options: HeatmapOptions = {}): Raster => {
  const shape = dims(matrix);
  if (shape.length !== 2) throw new ValueError('heatmap', `expected a matrix [rows, cols], got [${shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number], cell = options.cell ?? 16, v = valuesOf(matrix);
  const finite = Array.from(v).filter(Number.isFinite);
  const [lo, hi] = options.range ?? [Math.min(...finite), Math.max(...finite)];
  const out = blank(cols * cell, rows * cell, 3);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = v[i * cols + j]!, t = hi > lo ? (x - lo) / (hi - lo) : 0;
      const g = Math.round(255 * Math.min(Math.max(t, 0), 1));
      const colour: Rgb = Number.isNaN(x) ? [0, 0, 0] : options.colormap === 'gray' ? [g, g, g] : viridis(t);
      for (let y = 0; y < cell; y++) for (let xx = 0; xx < cell; xx++) setPixel(out, j * cell + xx, i * cell + y, colour);
    }
  }
  return out;
};
