/** @file Planes of numbers (filters, feature maps, images) drawn to canvases as grids of scaled-up tiles, with a diverging colormap for weights. */
import type { Planes } from './protocol.js';

type Rgb = readonly [number, number, number];

// ColorBrewer's RdBu (reversed: blue negative, red positive) at -1, -0.5, 0, 0.5, 1
const RDBU: readonly Rgb[] = [[33, 102, 172], [103, 169, 207], [247, 247, 247], [239, 138, 98], [178, 24, 43]];
/** a diverging colour for t in [-1, 1]: blue below 0, white at 0, red above */
export const diverging = (t: number): Rgb => {
  const u = ((Math.min(Math.max(t, -1), 1) + 1) / 2) * (RDBU.length - 1), i = Math.min(Math.floor(u), RDBU.length - 2), f = u - i;
  const [a, b] = [RDBU[i]!, RDBU[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
};

// matplotlib's magma at 0, 1/6, ..., 1: dark where a map is silent, bright where it fires
const MAGMA: readonly Rgb[] = [[0, 0, 4], [44, 17, 95], [114, 31, 129], [183, 55, 121], [241, 96, 93], [254, 175, 119], [252, 253, 191]];
/** a sequential colour for t in [0, 1] */
export const magma = (t: number): Rgb => {
  const u = Math.min(Math.max(t, 0), 1) * (MAGMA.length - 1), i = Math.min(Math.floor(u), MAGMA.length - 2), f = u - i;
  const [a, b] = [MAGMA[i]!, MAGMA[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
};

/** a gray level for t in [0, 1]: the way the digits look (white ink on black) */
export const gray = (t: number): Rgb => {
  const g = 255 * Math.min(Math.max(t, 0), 1);
  return [g, g, g];
};

/** how planes become a picture */
export interface TileOptions {
  readonly columns: number;
  /** each value becomes a scale × scale block */
  readonly scale: number;
  readonly gap?: number;
  /** value -> colour, with the range the values are read in */
  readonly colour: (v: number, range: readonly [number, number]) => Rgb;
  /** one range for all planes, or one per plane (default 'all') */
  readonly range?: 'all' | 'each' | readonly [number, number];
}

const rangeOf = (data: Float32Array, from: number, to: number): [number, number] => {
  let lo = Infinity, hi = -Infinity;
  for (let i = from; i < to; i++) { lo = Math.min(lo, data[i]!); hi = Math.max(hi, data[i]!); }
  return [lo, hi];
};

/** draws the planes as a grid (row by row) onto the canvas, which is resized to fit; the gaps stay transparent */
export const drawPlanes = (canvas: HTMLCanvasElement, p: Planes, o: TileOptions): void => {
  const gap = o.gap ?? 2, tw = p.width * o.scale, th = p.height * o.scale;
  const columns = Math.min(o.columns, p.count), rows = Math.ceil(p.count / columns);
  const width = columns * (tw + gap) - gap, height = rows * (th + gap) - gap;
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const image = ctx.createImageData(width, height), px = image.data, size = p.width * p.height;
  const all = o.range === 'all' || o.range === undefined ? rangeOf(p.data, 0, p.data.length) : undefined;
  for (let k = 0; k < p.count; k++) {
    const range = typeof o.range === 'object' ? o.range : all ?? rangeOf(p.data, k * size, (k + 1) * size);
    const x0 = (k % columns) * (tw + gap), y0 = Math.floor(k / columns) * (th + gap);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const [r, g, b] = o.colour(p.data[k * size + Math.floor(y / o.scale) * p.width + Math.floor(x / o.scale)]!, range);
        const at = ((y0 + y) * width + x0 + x) * 4;
        px[at] = r; px[at + 1] = g; px[at + 2] = b; px[at + 3] = 255;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
};

/** weights: symmetric around 0, so white is exactly 0 */
export const weightColour = (v: number, [lo, hi]: readonly [number, number]): Rgb => diverging(v / Math.max(Math.abs(lo), Math.abs(hi), 1e-8));
/** activations after relu: 0 is dark, the plane's maximum bright */
export const activationColour = (v: number, [, hi]: readonly [number, number]): Rgb => magma(hi > 0 ? v / hi : 0);
/** input images: 0 black, 1 white, as the data set draws them */
export const inputColour = (v: number): Rgb => gray(v);
