/** @file Builders and readers for the backend tests: views from plain arrays, strided views, checked outputs. */
import { expect } from 'vitest';
import { fromStorage, type View } from '../../src/backend/view.js';

/** a contiguous float32 view (1-D unless a shape is given) */
export const f32 = (values: readonly number[], shape: readonly number[] = [values.length]): View<'float32'> =>
  fromStorage('float32', Float32Array.from(values), shape);
/** a contiguous int32 view */
export const i32 = (values: readonly number[], shape: readonly number[] = [values.length]): View<'int32'> =>
  fromStorage('int32', Int32Array.from(values), shape);
/** a contiguous bool view from 0/1 values */
export const bool = (values: readonly number[], shape: readonly number[] = [values.length]): View<'bool'> =>
  fromStorage('bool', Uint8Array.from(values), shape);

/** the same storage read with another shape, strides and offset (transposes, steps, broadcasts) */
export const restride = <V extends View>(v: V, shape: readonly number[], strides: readonly number[], offset: number): V =>
  ({ ...v, shape, strides, offset });
/** the transpose of a 2-D view, without copying */
export const transposed = <V extends View>(v: V): V => restride(v, [...v.shape].reverse(), [...v.strides].reverse(), v.offset);

/** a kernel output as plain values, after checking that it is a fresh contiguous view of exactly its elements */
export const read = (v: View): { dtype: string; shape: readonly number[]; values: number[] } => {
  const product = (ds: readonly number[]): number => ds.reduce((a, d) => a * d, 1);
  const strides = v.shape.map((_, i) => product(v.shape.slice(i + 1)));
  expect({ offset: v.offset, strides: v.strides, length: v.data.length }).toEqual({ offset: 0, strides, length: product(v.shape) });
  return { dtype: v.dtype, shape: v.shape, values: Array.from(v.data) };
};

/** expects float values within float32 rounding (relative 1e-6): NaN matches NaN, and zeros keep their sign */
export const expectClose = (actual: readonly number[], expected: readonly number[], rel = 1e-6): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e) || e === 0) expect(a, `element ${i}`).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.abs(e));
  });
};
