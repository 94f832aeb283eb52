/** @file Sliding windows: extract patches (im2col, channels-last, N spatial dims) and fold them back (col2im). */
import { contiguous, empty, type View } from './view.js';

/** where the windows sit: sizes, strides, dilations and [before, after] padding of each spatial axis */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly (readonly [number, number])[];
}

/** output positions per spatial axis: floor((n + before + after - d (k - 1) - 1) / s) + 1 */
export const windowCounts = (spatial: readonly number[], w: Window): number[] =>
  spatial.map((n, i) => {
    const span = w.dilations[i]! * (w.kernel[i]! - 1) + 1;
    const padded = n + w.pads[i]![0] + w.pads[i]![1];
    return padded < span ? 0 : Math.floor((padded - span) / w.strides[i]!) + 1;
  });

/** for each (output position, kernel offset) pair of one axis: the input index, or -1 in the padding */
const axisMap = (n: number, count: number, i: number, w: Window): Int32Array => {
  const k = w.kernel[i]!, s = w.strides[i]!, d = w.dilations[i]!, before = w.pads[i]![0];
  const map = new Int32Array(count * k);
  for (let o = 0; o < count; o++) {
    for (let j = 0; j < k; j++) {
      const at = o * s - before + j * d;
      map[o * k + j] = at >= 0 && at < n ? at : -1;
    }
  }
  return map;
};

/** every (window, kernel offset) as a flat input position (-1 in the padding), in [...outs, ...kernel] row-major order */
const positions = (spatial: readonly number[], outs: readonly number[], w: Window): Int32Array => {
  const d = spatial.length;
  const maps = spatial.map((n, i) => axisMap(n, outs[i]!, i, w));
  const dims = [...outs, ...w.kernel];
  const total = dims.reduce((a, b) => a * b, 1);
  const pos = new Int32Array(total);
  const idx = new Array<number>(2 * d).fill(0);
  for (let f = 0; f < total; f++) {
    let flat = 0, inside = true;
    for (let a = 0; a < d; a++) {
      const at = maps[a]![idx[a]! * w.kernel[a]! + idx[d + a]!]!;
      if (at < 0) { inside = false; break; }
      flat = flat * spatial[a]! + at;
    }
    pos[f] = inside ? flat : -1;
    for (let a = 2 * d - 1; a >= 0 && ++idx[a]! === dims[a]; a--) idx[a] = 0;
  }
  return pos;
};

/**
 * x [B, ...spatial, C] -> [B, ...outs, ...kernel, C]: each window's elements, `value` where the
 * window hangs over the padding (0 for convolution, -Infinity for max pooling).
 */
export const patches = (x: View, w: Window, value: number): View => {
  const c = contiguous(x);
  const [b, ...rest] = c.shape;
  const ch = rest[rest.length - 1]!, spatial = rest.slice(0, -1);
  const outs = windowCounts(spatial, w);
  const out = empty(x.dtype, [b!, ...outs, ...w.kernel, ch]);
  const pos = positions(spatial, outs, w);
  const inPer = spatial.reduce((p, q) => p * q, 1) * ch, outPer = pos.length * ch;
  const src = c.data, dst = out.data;
  for (let n = 0; n < b!; n++) {
    for (let f = 0; f < pos.length; f++) {
      const at = pos[f]!, o = n * outPer + f * ch;
      if (at < 0) { for (let q = 0; q < ch; q++) dst[o + q] = value; continue; }
      const i = c.offset + n * inPer + at * ch;
      for (let q = 0; q < ch; q++) dst[o + q] = src[i + q]!;
    }
  }
  return out;
};

/**
 * The adjoint of patches: p [B, ...outs, ...kernel, C] summed back onto [B, ...spatial, C]
 * (overlapping windows add up; what fell on the padding is dropped). Sums in float64.
 */
export const foldPatches = (p: View, spatial: readonly number[], w: Window): View => {
  const c = contiguous(p);
  const b = c.shape[0]!, ch = c.shape[c.shape.length - 1]!;
  const outs = c.shape.slice(1, 1 + spatial.length);
  const pos = positions(spatial, outs, w);
  const perIn = spatial.reduce((x, y) => x * y, 1) * ch, perP = pos.length * ch;
  const acc = new Float64Array(b * perIn);
  const src = c.data;
  for (let n = 0; n < b; n++) {
    for (let f = 0; f < pos.length; f++) {
      const at = pos[f]!;
      if (at < 0) continue;
      const i = c.offset + n * perP + f * ch, o = n * perIn + at * ch;
      for (let q = 0; q < ch; q++) acc[o + q]! += src[i + q]!;
    }
  }
  const out = empty(p.dtype, [b, ...spatial, ch]);
  const dst = out.data;
  for (let i = 0; i < acc.length; i++) dst[i] = p.dtype === 'int32' ? acc[i]! | 0 : acc[i]!;
  return out;
};
