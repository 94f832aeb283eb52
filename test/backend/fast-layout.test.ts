/** @file The fast constant pad and concat against the reference on random shapes, widths, layouts and dtypes: identical elements. */
import { describe, expect, it } from 'vitest';
import { fast } from '../../src/backend/fast.js';
import { reference } from '../../src/backend/reference.js';
import type { DType } from '../../src/dtype/index.js';
import { LAYOUTS, expectSame, randomView, rng, thrown } from './fast-views.js';

type Widths = readonly (readonly [number, number])[];
/** [shape, widths]: zero widths (a copy), one side, every side, long rows (the memcpy path), rank 0, empty */
const PADS: readonly (readonly [readonly number[], Widths])[] = [
  [[3, 4], [[0, 0], [0, 0]]],
  [[3, 4], [[1, 0], [0, 2]]],
  [[2, 3, 5], [[1, 1], [2, 0], [0, 3]]],
  [[4, 70], [[0, 0], [1, 1]]],
  [[2, 1, 80], [[0, 1], [0, 0], [0, 0]]],
  [[], []],
  [[0, 3], [[1, 1], [0, 0]]],
  [[5], [[0, 0]]],
];

describe('fast pad', () => {
  const next = rng(8);
  it.each(['float32', 'int32', 'bool'] as const)('constant-pads %s in every layout', (dtype: DType) => {
    for (const [shape, widths] of PADS) {
      for (const layout of LAYOUTS) {
        const x = randomView(next, shape, dtype, layout);
        for (const value of [0, -1.5, NaN]) {
          expectSame(fast.pad(x, widths, 'constant', value), reference.pad(x, widths, 'constant', value), `${layout} ${JSON.stringify([shape, widths])} ${value}`);
        }
      }
    }
  });
  it('reflects, and throws what the reference throws, by running the reference', () => {
    const x = randomView(next, [3, 4], 'float32', 'transposed');
    expectSame(fast.pad(x, [[1, 2], [0, 1]], 'reflect', 0), reference.pad(x, [[1, 2], [0, 1]], 'reflect', 0), 'reflect');
    for (const widths of [[[0, 0]], [[-1, 0], [0, 0]], [[0.5, 0], [0, 0]]] as const) {
      const want = thrown(() => reference.pad(x, widths, 'constant', 0));
      expect(want).not.toBe('no error');
      expect(thrown(() => fast.pad(x, widths, 'constant', 0))).toBe(want);
    }
  });
});

describe('fast concat', () => {
  const next = rng(9);
  it.each(['float32', 'int32', 'bool'] as const)('joins %s views along every axis, in random layouts', (dtype: DType) => {
    for (const shape of [[2, 3, 4], [5, 70], [3], [2, 0, 3]] as const) {
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const ax = axis < 0 ? axis + shape.length : axis;
        const xs = [1, 2, 0].map((d) => randomView(next, shape.map((s, k) => (k === ax ? d + (s % 2) : s)), dtype, LAYOUTS[Math.floor(next() * LAYOUTS.length)]!));
        expectSame(fast.concat(xs, axis), reference.concat(xs, axis), `${JSON.stringify(shape)} axis ${axis}`);
      }
    }
  });
  it('throws what the reference throws (no views, shapes off the axis, dtypes, axis)', () => {
    const a = randomView(next, [2, 3], 'float32', 'contiguous'), b = randomView(next, [3, 3], 'float32', 'contiguous');
    const c = randomView(next, [2, 3], 'int32', 'contiguous');
    for (const [xs, axis] of [[[], 0], [[a, b], 1], [[a, c], 0], [[a, a], 2]] as const) {
      const want = thrown(() => reference.concat(xs, axis));
      expect(want).not.toBe('no error');
      expect(thrown(() => fast.concat(xs, axis))).toBe(want);
    }
  });
});
