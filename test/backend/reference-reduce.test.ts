/** @file Reference reductions and scans: reduce, argReduce, cumsum, argsort, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import type { ReduceOp } from '../../src/backend/backend.js';
import { reference as K } from '../../src/backend/reference.js';
import { ShapeMismatchError, ValueError } from '../../src/shape/errors.js';
import { bool, expectClose, f32, i32, read, restride, transposed } from './fixtures.js';

const x23 = f32([1, 2, 3, 4, 5, 6], [2, 3]); // [[1,2,3],[4,5,6]]

describe('reduce', () => {
  const cases: readonly (readonly [ReduceOp, readonly number[], readonly number[], readonly number[]])[] = [
    ['sum', [0], [3], [5, 7, 9]],
    ['sum', [1], [2], [6, 15]],
    ['sum', [0, 1], [], [21]],
    ['sum', [], [2, 3], [1, 2, 3, 4, 5, 6]],
    ['prod', [1], [2], [6, 120]],
    ['prod', [0, 1], [], [720]],
    ['max', [0], [3], [4, 5, 6]],
    ['max', [1], [2], [3, 6]],
    ['min', [1], [2], [1, 4]],
    ['min', [0, 1], [], [1]],
  ];
  it.each(cases)('%s over %j of [[1,2,3],[4,5,6]]', (op, axes, shape, values) => {
    expect(read(K.reduce(op, x23, axes))).toEqual({ dtype: 'float32', shape, values });
  });

  it('reduces non-adjacent axes of a 3-D view: sum over 0 and 2 of arange(24) as [2,3,4]', () => {
    const x = f32(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    // sum over i, k of 12i + 4j + k = 32j + 48 + 12
    expect(read(K.reduce('sum', x, [0, 2]))).toEqual({ dtype: 'float32', shape: [3], values: [60, 92, 124] });
  });
  it('reads transposed and stepped views', () => {
    expect(read(K.reduce('sum', transposed(x23), [1])).values).toEqual([5, 7, 9]);
    const odd = restride(f32([0, 1, 2, 3, 4, 5, 6, 7]), [2, 2], [4, 2], 1); // [[1,3],[5,7]]
    expect(read(K.reduce('prod', odd, [0])).values).toEqual([5, 21]);
    expect(read(K.reduce('max', restride(f32([9, 2]), [3], [0], 1), [0])).values).toEqual([2]); // broadcast [2,2,2]
  });
  it('accumulates in float64 (float32 accumulation would lose the 1)', () => {
    expect(read(K.reduce('sum', f32([1e8, 1, -1e8]), [0])).values).toEqual([1]);
    expectClose(read(K.reduce('prod', f32([1e30, 1e30, 1e-30]), [0])).values, [1e30]);
  });
  it('max and min propagate NaN', () => {
    const x = f32([1, NaN, 3, 0, 2, 1], [2, 3]);
    expect(read(K.reduce('max', x, [1])).values).toEqual([NaN, 2]);
    expect(read(K.reduce('min', x, [0])).values).toEqual([0, NaN, 1]);
  });
  it('int32 sums and products wrap', () => {
    expect(read(K.reduce('sum', i32([2147483647, 1]), [0]))).toEqual({ dtype: 'int32', shape: [], values: [-2147483648] });
    expect(read(K.reduce('prod', i32([65536, 65536, 3]), [0])).values).toEqual([0]);
    expect(read(K.reduce('min', i32([-2147483648, 0]), [0])).values).toEqual([-2147483648]);
  });
  it('bool sum and prod count in int32; bool max and min stay bool', () => {
    const b = bool([1, 1, 0, 1, 1, 1], [2, 3]);
    expect(read(K.reduce('sum', b, [1]))).toEqual({ dtype: 'int32', shape: [2], values: [2, 3] });
    expect(read(K.reduce('prod', b, [1]))).toEqual({ dtype: 'int32', shape: [2], values: [0, 1] });
    expect(read(K.reduce('max', b, [0]))).toEqual({ dtype: 'bool', shape: [3], values: [1, 1, 1] });
    expect(read(K.reduce('min', b, [0]))).toEqual({ dtype: 'bool', shape: [3], values: [1, 1, 0] });
  });
  it('empty reductions: sum is 0, prod is 1, max and min throw', () => {
    const e = f32([], [0, 3]);
    expect(read(K.reduce('sum', e, [0]))).toEqual({ dtype: 'float32', shape: [3], values: [0, 0, 0] });
    expect(read(K.reduce('prod', e, [0, 1]))).toEqual({ dtype: 'float32', shape: [], values: [1] });
    expect(read(K.reduce('sum', e, [1]))).toEqual({ dtype: 'float32', shape: [0], values: [] });
    expect(() => K.reduce('max', e, [0])).toThrow(new ValueError('max', 'reduction over an empty axis'));
    expect(() => K.reduce('min', e, [0, 1])).toThrow(new ValueError('min', 'reduction over an empty axis'));
  });
  it('reduces a rank-0 view over no axes', () => {
    expect(read(K.reduce('sum', f32([2.5], []), []))).toEqual({ dtype: 'float32', shape: [], values: [2.5] });
  });
  it('rejects unsorted, repeated or out-of-range axes', () => {
    for (const axes of [[1, 0], [0, 0], [2]]) expect(() => K.reduce('sum', x23, axes)).toThrow(ShapeMismatchError);
  });
});

describe('argReduce', () => {
  const m = f32([1, 3, 3, 5, 0, 5], [2, 3]); // [[1,3,3],[5,0,5]]
  const cases = [
    ['argmax', m, 1, [2], [1, 0]],
    ['argmax', m, 0, [3], [1, 0, 1]],
    ['argmin', m, 1, [2], [0, 1]],
    ['argmin', m, 0, [3], [0, 1, 0]],
    ['argmax', f32([1, NaN, 5, NaN]), 0, [], [1]],
    ['argmin', f32([1, NaN, -5, NaN]), 0, [], [1]],
    ['argmin', f32([NaN, 0]), 0, [], [0]],
    ['argmax', i32([-2, 7, 7]), 0, [], [1]],
    ['argmax', bool([0, 1, 1]), 0, [], [1]],
    ['argmin', transposed(m), 1, [3], [0, 1, 0]],
  ] as const;
  it.each(cases)('%s along %#', (op, x, axis, shape, values) => {
    expect(read(K.argReduce(op, x, axis))).toEqual({ dtype: 'int32', shape, values });
  });
  it('gives an empty result for empty lines and throws for an empty axis', () => {
    expect(read(K.argReduce('argmax', f32([], [0, 3]), 1))).toEqual({ dtype: 'int32', shape: [0], values: [] });
    expect(() => K.argReduce('argmax', f32([], [2, 0]), 1)).toThrow(ValueError);
    expect(() => K.argReduce('argmin', f32([]), 0)).toThrow(new ValueError('argmin', 'reduction over an empty axis'));
  });
});

describe('cumsum', () => {
  const cases = [
    ['inclusive', false, false, [1, 3, 6]],
    ['exclusive', true, false, [0, 1, 3]],
    ['reverse', false, true, [6, 5, 3]],
    ['exclusive reverse', true, true, [5, 3, 0]],
  ] as const;
  it.each(cases)('%s on [1,2,3]', (_, exclusive, reverse, values) => {
    expect(read(K.cumsum(f32([1, 2, 3]), 0, exclusive, reverse))).toEqual({ dtype: 'float32', shape: [3], values });
  });
  it('runs along either axis of a matrix', () => {
    expect(read(K.cumsum(x23, 0, false, false)).values).toEqual([1, 2, 3, 5, 7, 9]);
    expect(read(K.cumsum(x23, 1, true, true)).values).toEqual([5, 3, 0, 11, 6, 0]);
  });
  it('reads transposed and stepped views', () => {
    expect(read(K.cumsum(transposed(x23), 1, false, false))).toEqual({ dtype: 'float32', shape: [3, 2], values: [1, 5, 2, 7, 3, 9] });
    expect(read(K.cumsum(restride(f32([9, 1, 9, 2, 9, 3]), [3], [2], 1), 0, false, true)).values).toEqual([6, 5, 3]);
  });
  it('accumulates in float64, rounding each stored value', () => {
    // running sums 1e8, 1e8 + 1 (stored as 1e8 in float32), 1
    expect(read(K.cumsum(f32([1e8, 1, -1e8]), 0, false, false)).values).toEqual([1e8, 1e8, 1]);
  });
  it('keeps int32 (wrapping) and counts bool in int32', () => {
    expect(read(K.cumsum(i32([2147483647, 1, 1]), 0, false, false))).toEqual({ dtype: 'int32', shape: [3], values: [2147483647, -2147483648, -2147483647] });
    expect(read(K.cumsum(bool([1, 0, 1, 1]), 0, false, false))).toEqual({ dtype: 'int32', shape: [4], values: [1, 1, 2, 3] });
  });
  it('handles an empty axis', () => {
    expect(read(K.cumsum(f32([], [2, 0]), 1, true, false))).toEqual({ dtype: 'float32', shape: [2, 0], values: [] });
  });
});

describe('argsort', () => {
  const cases = [
    ['ascending', [3, 1, 2], false, [1, 2, 0]],
    ['descending', [3, 1, 2], true, [0, 2, 1]],
    ['stable ties ascending', [2, 1, 2, 1], false, [1, 3, 0, 2]],
    ['stable ties descending', [2, 1, 2, 1], true, [0, 2, 1, 3]],
    ['NaN last ascending', [NaN, 1, NaN, 0], false, [3, 1, 0, 2]],
    ['NaN first descending', [NaN, 1, NaN, 0], true, [0, 2, 1, 3]],
    ['signed zeros tie', [0, -0, -1], false, [2, 0, 1]],
    ['infinities', [Infinity, -Infinity, NaN, 0], false, [1, 3, 0, 2]],
  ] as const;
  it.each(cases)('%s', (_, x, descending, values) => {
    expect(read(K.argsort(f32(x), 0, descending))).toEqual({ dtype: 'int32', shape: [x.length], values });
  });
  it('sorts each column along axis 0, and reads transposed views', () => {
    const m = f32([3, 1, 1, 2, 2, 0], [3, 2]); // columns [3,1,2] and [1,2,0]
    expect(read(K.argsort(m, 0, false))).toEqual({ dtype: 'int32', shape: [3, 2], values: [1, 2, 2, 0, 0, 1] });
    expect(read(K.argsort(transposed(m), 1, false))).toEqual({ dtype: 'int32', shape: [2, 3], values: [1, 2, 0, 2, 0, 1] });
  });
  it('sorts int32 and handles empty lines', () => {
    expect(read(K.argsort(i32([5, -2147483648, 2147483647]), 0, true)).values).toEqual([2, 0, 1]);
    expect(read(K.argsort(f32([], [3, 0]), 1, false))).toEqual({ dtype: 'int32', shape: [3, 0], values: [] });
  });
});
