/** @file Helpers the reference kernels share: storing by dtype, broadcast reads, lines along an axis, index checks. */
import type { DType } from '../dtype/index.js';
import { ShapeMismatchError, ValueError, normAxis, showShape } from '../shape/index.js';
import { broadcastStrides, offsets, type View } from './view.js';

/** storage offsets in row-major order, as `offsets` returns them */
export type Offsets = Int32Array | Float64Array;

/** converts a float64 result to what dtype `out` stores */
export type Store = (v: number) => number;

// A Float32Array rounds to nearest on assignment, so float32 needs no work here; `| 0` truncates
// toward zero and wraps (NaN -> 0), and bool is `!== 0` (NaN -> true, as NumPy).
const STORE: { readonly [D in DType]: Store } = {
  float32: (v) => v,
  int32: (v) => v | 0,
  bool: (v) => (v !== 0 ? 1 : 0),
};
/** the conversion applied when a double is stored as dtype `out` */
export const storeAs = (out: DType): Store => STORE[out];

/** storage offsets of `v` read as the broadcast `shape` (row-major); throws if `v` does not broadcast to it */
export const broadcastOffsets = (op: string, v: View, shape: readonly number[]): Offsets => {
  const lead = shape.length - v.shape.length;
  const fits = lead >= 0 && v.shape.every((d, i) => d === 1 || d === shape[lead + i]);
  if (!fits) throw new ShapeMismatchError(op, `${showShape(v.shape)} does not broadcast to ${showShape(shape)}`, [v.shape, shape]);
  return offsets(shape, broadcastStrides(v, shape), v.offset);
};

/** `xs` without entry `i` */
export const without = <T>(xs: readonly T[], i: number): T[] => xs.filter((_, k) => k !== i);

/** the 1-D lines of a view along one axis */
export interface Lines {
  /** the axis, normalised */
  readonly axis: number;
  /** storage offset of each line's first element, row-major over the other axes */
  readonly starts: Offsets;
  /** storage distance between neighbours on a line */
  readonly step: number;
  /** elements per line */
  readonly length: number;
}
/** the lines of `v` along `axis` (normalised, negative counts from the end) */
export const lines = (op: string, v: View, axis: number): Lines => {
  const ax = normAxis(op, axis, v.shape);
  return {
    axis: ax,
    starts: offsets(without(v.shape, ax), without(v.strides, ax), v.offset),
    step: v.strides[ax]!,
    length: v.shape[ax]!,
  };
};

/** a Python-style index into an axis of `size` (-1 is the last); throws ValueError naming the op when out of range */
export const wrapIndex = (op: string, index: number, size: number, axis: number): number => {
  const j = index < 0 ? index + size : index;
  if (j < 0 || j >= size) throw new ValueError(op, `index ${index} out of range for axis ${axis} of size ${size}`);
  return j;
};

/** throws unless all views share one dtype */
export const sameDType = (op: string, views: readonly View[]): void => {
  const d = views[0]?.dtype;
  if (views.some((v) => v.dtype !== d)) throw new ValueError(op, `dtypes differ (${views.map((v) => v.dtype).join(', ')})`);
};
