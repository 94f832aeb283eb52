/** @file Rasters (8-bit grayscale or RGB pixels), PNG encoding, and the helpers pictures are drawn with: scaling, grids of tiles, stacking. */
import { ValueError } from '../shape/index.js';
import { crc32, zlibStream, type Compression } from './deflate.js';

/** an image: rows top to bottom, pixels left to right, `channels` bytes per pixel (1 gray, 3 RGB) */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}
/** an RGB colour */
export type Rgb = readonly [number, number, number];

/** a raster filled with one value (gray) or colour (RGB) */
export const blank = (width: number, height: number, channels: 1 | 3, fill: number | Rgb = 0): Raster => {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ValueError('raster', `size ${width} x ${height} must be positive integers`);
  }
  const data = new Uint8Array(width * height * channels);
  const px = typeof fill === 'number' ? Array<number>(channels).fill(fill) : fill;
  for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = px[c]!;
  return { width, height, channels, data };
};
/** the pixel at (x, y): [v] for gray, [r, g, b] for RGB */
export const pixel = (r: Raster, x: number, y: number): number[] =>
  Array.from(r.data.subarray((y * r.width + x) * r.channels, (y * r.width + x + 1) * r.channels));
/** sets a pixel in place (for rasters being drawn; outside the image nothing happens) */
export const setPixel = (r: Raster, x: number, y: number, value: number | Rgb): void => {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  const o = (y * r.width + x) * r.channels;
  for (let c = 0; c < r.channels; c++) r.data[o + c] = typeof value === 'number' ? value : value[c]!;
};

/** each pixel repeated into a factor × factor block (nearest neighbour) */
export const upscale = (r: Raster, factor: number): Raster => {
  if (!(Number.isInteger(factor) && factor >= 1)) throw new ValueError('upscale', `factor ${factor} must be a positive integer`);
  if (factor === 1) return r;
  const out = blank(r.width * factor, r.height * factor, r.channels);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const from = (Math.floor(y / factor) * r.width + Math.floor(x / factor)) * r.channels, to = (y * out.width + x) * r.channels;
      for (let c = 0; c < r.channels; c++) out.data[to + c] = r.data[from + c]!;
    }
  }
  return out;
};
/** r drawn onto `into` with its top-left corner at (x0, y0), in place */
const paste = (into: Raster, r: Raster, x0: number, y0: number): void => {
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const from = (y * r.width + x) * r.channels, to = ((y0 + y) * into.width + x0 + x) * into.channels;
      for (let c = 0; c < into.channels; c++) into.data[to + c] = r.data[from + (r.channels === 1 ? 0 : c)]!;
    }
  }
};

/** how tiles are laid out: columns (default ⌈√count⌉), the gap between and around tiles in pixels (default 1) and its value */
export interface GridOptions { readonly columns?: number; readonly gap?: number; readonly background?: number | Rgb }
/**
 * Equal-sized tiles in a grid, row by row: tile k sits at column k mod columns, row ⌊k / columns⌋,
 * its top-left corner at (gap + col·(w + gap), gap + row·(h + gap)). RGB if any tile is RGB.
 */
export const grid = (tiles: readonly Raster[], options: GridOptions = {}): Raster => {
  const first = tiles[0];
  if (first === undefined) throw new ValueError('grid', 'no tiles');
  if (tiles.some((t) => t.width !== first.width || t.height !== first.height)) throw new ValueError('grid', 'tiles differ in size');
  const columns = options.columns ?? Math.ceil(Math.sqrt(tiles.length)), gap = options.gap ?? 1;
  const rows = Math.ceil(tiles.length / columns), channels = tiles.some((t) => t.channels === 3) ? 3 : 1;
  const out = blank(gap + columns * (first.width + gap), gap + rows * (first.height + gap), channels, options.background ?? 0);
  tiles.forEach((t, k) => paste(out, t, gap + (k % columns) * (first.width + gap), gap + Math.floor(k / columns) * (first.height + gap)));
  return out;
};
/** rasters one below the other (left-aligned; RGB if any is), separated by `gap` rows of `background` */
export const stack = (rs: readonly Raster[], gap = 0, background: number | Rgb = 255): Raster => {
  if (rs.length === 0) throw new ValueError('stack', 'no rasters');
  const channels = rs.some((r) => r.channels === 3) ? 3 : 1;
  const out = blank(Math.max(...rs.map((r) => r.width)), rs.reduce((h, r) => h + r.height, 0) + gap * (rs.length - 1), channels, background);
  rs.reduce((y, r) => { paste(out, r, 0, y); return y + r.height + gap; }, 0);
  return out;
};

/**
 * Values as bytes: v ↦ round(255 · (v − lo) / (hi − lo)), clipped to [0, 255], with lo and hi
 * the values' min and max unless given; a constant input maps to 0; NaN maps to 0.
 */
export const toBytes = (values: ArrayLike<number>, range?: readonly [number, number]): Uint8Array => {
  let lo = Infinity, hi = -Infinity;
  if (range === undefined) for (let i = 0; i < values.length; i++) { const v = values[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
  else [lo, hi] = range;
  const span = hi - lo;
  return Uint8Array.from({ length: values.length }, (_, i) =>
    span > 0 ? Math.min(255, Math.max(0, Math.round((255 * (values[i]! - lo)) / span))) || 0 : 0);
};

/** PNG options: the zlib stream's compression ('fixed', the default, or 'stored') */
export interface PngOptions { readonly compression?: Compression }
const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(12 + data.length), view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
};
/**
 * The raster as PNG file bytes (8-bit grayscale or RGB, no interlace, filter type 0 on every
 * row), ready to be written to a file or served; opens in any viewer.
 */
export const encodePng = (r: Raster, options: PngOptions = {}): Uint8Array => {
  const header = new Uint8Array(13), view = new DataView(header.buffer);
  view.setUint32(0, r.width);
  view.setUint32(4, r.height);
  header.set([8, r.channels === 1 ? 0 : 2, 0, 0, 0], 8); // bit depth, colour type (0 gray, 2 RGB), compression, filter, interlace
  const row = r.width * r.channels, scanlines = new Uint8Array(r.height * (row + 1));
  for (let y = 0; y < r.height; y++) scanlines.set(r.data.subarray(y * row, (y + 1) * row), y * (row + 1) + 1); // each row: filter byte 0, then the pixels
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header), chunk('IDAT', zlibStream(scanlines, options.compression)), chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((o, p) => { out.set(p, o); return o + p.length; }, 0);
  return out;
};
