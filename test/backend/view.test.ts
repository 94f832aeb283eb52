/** @file Views: the no-copy reshape (strides that read a strided view in another shape) and the offsets-free contiguous copy, against element-by-element reads. */
import { describe, expect, it } from 'vitest';
import { contiguous, reshaped, reshapeStrides, type View } from '../../src/backend/view.js';
import { LAYOUTS, randomView, rng } from './fast-views.js';

/** the elements of a view in row-major order, read one by one through its strides */
const elements = (v: View): number[] => {
  const n = v.shape.reduce((a, b) => a * b, 1), out: number[] = [], idx = new Array<number>(v.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    out.push(v.data[v.shape.reduce((o, _, k) => o + idx[k]! * v.strides[k]!, v.offset)]!);
    for (let k = v.shape.length - 1; k >= 0 && ++idx[k]! === v.shape[k]; k--) idx[k] = 0;
  }
  return out;
};

/** [shape, another shape of the same size] */
const CASES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[6], [2, 3]],
  [[2, 3], [6]],
  [[2, 3, 4], [6, 4]],
  [[2, 3, 4], [2, 12]],
  [[2, 3, 4], [4, 3, 2]],
  [[1, 5, 1], [5]],
  [[5], [1, 5, 1, 1]],
  [[3, 1, 4], [3, 4, 1]],
  [[2, 2, 2, 2], [4, 4]],
  [[], [1, 1]],
  [[1], []],
  [[0, 3], [3, 0]],
  [[4, 6], [2, 2, 3, 2]],
];

describe('reshaped', () => {
  const next = rng(11);
  it.each(LAYOUTS.flatMap((layout) => CASES.map(([from, to]) => [layout, from, to] as const)))(
    '%s %j as %j: the same elements in row-major order',
    (layout, from, to) => {
      const v = randomView(next, from, 'float32', layout);
      const r = reshaped(v, to);
      expect(r.shape).toEqual(to);
      expect(elements(r).map(String)).toEqual(elements(v).map(String));
      const strides = reshapeStrides(v.shape, v.strides, to);
      if (strides !== undefined) expect(r.data).toBe(v.data); // no copy when the strides allow it
    },
  );

  it('keeps a transpose read as its own shape (and merges a transposed batch) without copying', () => {
    const v = randomView(next, [3, 4, 5], 'float32', 'transposed');
    expect(reshapeStrides(v.shape, v.strides, [3, 4, 5])).toEqual([...v.strides]);
    const t: View = { ...v, shape: [2, 3, 4], strides: [12, 4, 1], offset: 0 };
    const p: View = { ...t, shape: [3, 2, 4], strides: [4, 12, 1] }; // axes 0 and 1 swapped
    expect(reshapeStrides(p.shape, p.strides, [6, 4])).toBeUndefined();
    expect(reshapeStrides(p.shape, p.strides, [3, 8])).toBeUndefined();
    expect(reshapeStrides(p.shape, p.strides, [3, 2, 2, 2])).toEqual([4, 12, 2, 1]);
  });
});

describe('contiguous', () => {
  const next = rng(12);
  it.each(LAYOUTS.flatMap((layout) => [[], [1], [7], [3, 5], [2, 3, 4], [2, 1, 3, 2], [0, 4]].map((s) => [layout, s] as const)))(
    '%s %j: a fresh row-major copy with the same elements',
    (layout, shape) => {
      const v = randomView(next, shape, 'float32', layout);
      const c = contiguous(v);
      expect(c.offset).toBe(0);
      expect(c.data.length).toBe(shape.reduce((a, b) => a * b, 1));
      expect(elements(c).map(String)).toEqual(elements(v).map(String));
    },
  );
});
