/** @file Random strided views for the fast-kernel tests: one logical array in many layouts, and an exact comparison. */
import { expect } from 'vitest';
import { allocate, withFloat64, type DType } from '../../src/dtype/index.js';
import type { View } from '../../src/backend/view.js';
import { read } from './fixtures.js';
import { mulberry32 } from '../helpers/mulberry32.js';

/** a seeded uniform generator in [0, 1) (mulberry32), so failures reproduce */
export const rng = mulberry32;

/** how a view lays its elements out in storage */
export type Layout = 'contiguous' | 'transposed' | 'sliced' | 'broadcast' | 'float64';
/** every layout */
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'sliced', 'broadcast', 'float64'];

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1, -1];
/** one random element of a dtype: floats with the odd special value, int32 across the range, bool 0/1 */
const element = (next: () => number, dtype: DType): number => {
  const u = next();
  if (dtype === 'bool') return u < 0.5 ? 0 : 1;
  if (dtype === 'int32') return u < 0.1 ? (u < 0.05 ? -2147483648 : 2147483647) : Math.floor((next() - 0.5) * 200);
  return u < 0.05 ? SPECIAL[Math.floor(next() * SPECIAL.length)]! : (next() - 0.5) * 8;
};

const storage = (dtype: DType, n: number, wide: boolean): View['data'] =>
  wide ? withFloat64(() => allocate(dtype, n)) : allocate(dtype, n);
const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const rowMajor = (shape: readonly number[]): number[] => shape.map((_, i) => product(shape.slice(i + 1)));

/**
 * A view of `shape` with random contents in the given layout: 'transposed' stores the axes in
 * reverse order, 'sliced' reads every other element from an offset, 'broadcast' gives one
 * non-empty axis stride 0, 'float64' is float32 held in a Float64Array (as under withFloat64).
 */
export const randomView = (next: () => number, shape: readonly number[], dtype: DType, layout: Layout): View => {
  const r = shape.length;
  if (layout === 'transposed') {
    const stored = [...shape].reverse(), inner = rowMajor(stored);
    const data = storage(dtype, product(shape), false);
    for (let i = 0; i < data.length; i++) data[i] = element(next, dtype);
    return { dtype, data, shape: [...shape], strides: inner.reverse(), offset: 0 };
  }
  if (layout === 'sliced') {
    const full = shape.map((d) => 2 * d + 1), inner = rowMajor(full);
    const data = storage(dtype, product(full), false);
    for (let i = 0; i < data.length; i++) data[i] = element(next, dtype);
    return { dtype, data, shape: [...shape], strides: inner.map((s) => 2 * s), offset: inner.reduce((a, b) => a + b, 0) };
  }
  const axis = layout === 'broadcast' ? shape.findIndex((d) => d > 1) : -1;
  const stored = shape.map((d, i) => (i === axis ? 1 : d));
  const data = storage(dtype, product(stored), layout === 'float64' && dtype === 'float32');
  for (let i = 0; i < data.length; i++) data[i] = element(next, dtype);
  const strides = rowMajor(stored).map((s, i) => (i === axis ? 0 : s));
  return { dtype, data, shape: [...shape], strides: r === 0 ? [] : strides, offset: 0 };
};

/** expects two kernel outputs to be the same fresh contiguous views with identical elements (NaN equals NaN, -0 is not 0) */
export const expectSame = (actual: View, expected: View, what: string): void => {
  const a = read(actual), e = read(expected);
  expect(a.dtype, what).toBe(e.dtype);
  expect(a.shape, what).toEqual(e.shape);
  expect(actual.data.constructor, what).toBe(expected.data.constructor);
  const bad = e.values.findIndex((v, i) => !Object.is(v, a.values[i]));
  expect(bad === -1 ? 'same' : `element ${bad}: ${a.values[bad]} vs ${e.values[bad]}`, what).toBe('same');
};

/** expects float outputs within float32 rounding of the reference (relative to the row scale `scale[i]`) */
export const expectNear = (actual: View, expected: View, scale: readonly number[], what: string, rel = 2e-6): void => {
  const a = read(actual), e = read(expected);
  expect(a.shape, what).toEqual(e.shape);
  const bad = e.values.findIndex((x, i) => {
    const y = a.values[i]!;
    if (Number.isNaN(x) || !Number.isFinite(x)) return !Object.is(x, y);
    return Math.abs(x - y) > rel * (scale[i]! + Math.abs(x));
  });
  expect(bad === -1 ? 'near' : `element ${bad}: ${a.values[bad]} vs ${e.values[bad]}`, what).toBe('near');
};

/** the message `f` throws, or 'no error' (to check a fast kernel throws what the reference throws) */
export const thrown = (f: () => unknown): string => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return String(e);
  }
};
