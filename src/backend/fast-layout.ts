/** @file Fast layout kernels: constant pad and concat as block copies over merged axes (the reference's results). */
import type { Storage } from '../dtype/index.js';
import { plan } from './fast-plan.js';
import * as ref from './reference-layout.js';
import { storeAs } from './reference-shared.js';
import { empty, type View } from './view.js';

/** rows of at least this many elements are copied with TypedArray.set (a native memcpy) rather than a loop */
const SET_FROM = 64;

/** copies every element of `x` into the contiguous `into` at the block whose first element is storage offset `at` */
const place = (x: View, into: View, at: number): void => {
  if (into.data.length === 0 || x.shape.some((d) => d === 0)) return;
  const p = plan(x.shape, [x, { strides: into.strides, offset: at }]);
  const [xs, ds] = p.starts, [xr, dr] = p.rowSteps, [xc, dc] = p.steps;
  const src: Storage = x.data, dst: Storage = into.data, n = p.n;
  const native = xc === 1 && dc === 1 && n >= SET_FROM;
  for (let k = 0; k < p.blocks; k++) {
    for (let r = 0, i = xs![k]!, o = ds![k]!; r < p.rows; r++, i += xr!, o += dr!) {
      if (native) dst.set(src.subarray(i, i + n), o);
      else for (let j = 0, s = i, t = o; j < n; j++, s += xc!, t += dc!) dst[t] = src[s]!;
    }
  }
};

/** true for widths the reference accepts: one non-negative integer pair per axis */
const validWidths = (x: View, widths: readonly (readonly [number, number])[]): boolean =>
  widths.length === x.shape.length && widths.every(([lo, hi]) => Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= 0);

/** pads each axis by [before, after] with `value`; 'reflect' and invalid widths go to the reference (which throws) */
export const pad = (x: View, widths: readonly (readonly [number, number])[], mode: 'constant' | 'reflect', value: number): View => {
  if (mode !== 'constant' || !validWidths(x, widths)) return ref.pad(x, widths, mode, value);
  const res = empty(x.dtype, x.shape.map((d, k) => d + widths[k]![0] + widths[k]![1]));
  // a zero-width pad (a slice's adjoint often is one) is a plain copy: nothing to fill
  if (widths.some(([lo, hi]) => lo > 0 || hi > 0)) res.data.fill(storeAs(x.dtype)(value));
  place(x, res, widths.reduce((at, [lo], k) => at + lo * res.strides[k]!, 0));
  return res;
};

/** joins views of one dtype whose shapes agree off `axis`; anything else goes to the reference (which throws) */
export const concat = (xs: readonly View[], axis: number): View => {
  const first = xs[0];
  const r = first?.shape.length ?? 0, ax = axis < 0 ? axis + r : axis;
  const fits = first !== undefined && Number.isInteger(axis) && ax >= 0 && ax < r
    && xs.every((v) => v.dtype === first.dtype && v.shape.length === r && v.shape.every((d, k) => k === ax || d === first.shape[k]));
  if (!fits) return ref.concat(xs, axis);
  const res = empty(first.dtype, first.shape.map((d, k) => (k === ax ? xs.reduce((n, v) => n + v.shape[ax]!, 0) : d)));
  let start = 0;
  for (const v of xs) {
    place(v, res, start * res.strides[ax]!);
    start += v.shape[ax]!;
  }
  return res;
};
