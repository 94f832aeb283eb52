/** @file Reference indexing kernels: take, gather, scatterAdd, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { reference as K } from '../../src/backend/reference.js';
import { ShapeMismatchError, ValueError } from '../../src/shape/errors.js';
import { f32, i32, read, restride, transposed } from './fixtures.js';

const x25 = f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]); // [[1..5],[6..10]]
const x23 = f32([1, 2, 3, 4, 5, 6], [2, 3]); // [[1,2,3],[4,5,6]]

describe('take', () => {
  const cases = [
    ['columns, negative from the end', x25, i32([4, 0, -1]), 1, [2, 3], [5, 1, 5, 10, 6, 10]],
    ['rows by a [2,2] index', x25, i32([1, 0, 1, 1], [2, 2]), 0, [2, 2, 5], [6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 6, 7, 8, 9, 10]],
    ['a rank-0 index drops the axis', x25, i32([2], []), 1, [2], [3, 8]],
    ['no indices', x25, i32([]), 1, [2, 0], []],
    ['a transposed x', transposed(x25), i32([3]), 0, [1, 2], [4, 9]],
    ['strided indices', x25, restride(i32([9, 1, 9, 3]), [2], [2], 1), 1, [2, 2], [2, 4, 7, 9]],
    ['int32 x keeps its dtype', i32([5, 6, 7]), i32([2, 2]), 0, [2], [7, 7]],
  ] as const;
  it.each(cases)('%s', (_, x, indices, axis, shape, values) => {
    expect(read(K.take(x, indices, axis))).toEqual({ dtype: x.dtype, shape, values });
  });
  it('throws ValueError for indices out of range after wrapping', () => {
    expect(() => K.take(x25, i32([0, 7]), 1)).toThrow(new ValueError('take', 'index 7 out of range for axis 1 of size 5'));
    expect(() => K.take(x25, i32([-6]), 1)).toThrow(new ValueError('take', 'index -6 out of range for axis 1 of size 5'));
    expect(() => K.take(f32([], [0]), i32([0]), 0)).toThrow(ValueError);
  });
});

describe('gather', () => {
  const cases = [
    ['along axis 1', x23, i32([2, 0, 1, 1], [2, 2]), 1, [2, 2], [3, 1, 5, 5]],
    ['along axis 0', x23, i32([1, 0, 1], [1, 3]), 0, [1, 3], [4, 2, 6]],
    ['negative indices wrap', x23, i32([-1, -3], [1, 2]), 1, [1, 2], [3, 1]],
    ['fewer rows than x (torch rule)', x23, i32([2, 2], [1, 2]), 1, [1, 2], [3, 3]],
    ['a transposed x', transposed(x23), i32([1, 0, 0], [3, 1]), 1, [3, 1], [4, 2, 3]],
    ['empty indices', x23, i32([], [2, 0]), 1, [2, 0], []],
  ] as const;
  it.each(cases)('%s', (_, x, indices, axis, shape, values) => {
    expect(read(K.gather(x, indices, axis))).toEqual({ dtype: 'float32', shape, values });
  });
  it('throws ValueError out of range and ShapeMismatchError for bad index shapes', () => {
    expect(() => K.gather(x23, i32([3], [1, 1]), 1)).toThrow(new ValueError('gather', 'index 3 out of range for axis 1 of size 3'));
    expect(() => K.gather(x23, i32([0, 0, 0], [3, 1]), 1)).toThrow(ShapeMismatchError); // 3 rows > 2
    expect(() => K.gather(x23, i32([0]), 1)).toThrow(ShapeMismatchError); // rank 1 vs 2
  });
});

describe('scatterAdd', () => {
  it('adds updates at the indexed positions along axis 1', () => {
    const out = K.scatterAdd([2, 3], i32([2, 0, 1, 1], [2, 2]), f32([10, 20, 30, 40], [2, 2]), 1);
    expect(read(out)).toEqual({ dtype: 'float32', shape: [2, 3], values: [20, 0, 10, 0, 70, 0] });
  });
  it('is the adjoint of gather: <gather(x, i), u> = <x, scatterAdd(i, u)> = 400 here', () => {
    // gather(x23, i) = [[3,1],[5,5]]: 3*10 + 1*20 + 5*30 + 5*40 = 400
    // scatterAdd(i, u) = [[20,0,10],[0,70,0]]: 1*20 + 3*10 + 5*70 = 400
    const i = i32([2, 0, 1, 1], [2, 2]), u = f32([10, 20, 30, 40], [2, 2]);
    const dot = (p: number[], q: number[]): number => p.reduce((s, v, k) => s + v * q[k]!, 0);
    expect(dot(read(K.gather(x23, i, 1)).values, [10, 20, 30, 40])).toBe(400);
    expect(dot(read(K.scatterAdd([2, 3], i, u, 1)).values, [1, 2, 3, 4, 5, 6])).toBe(400);
  });
  it('accumulates duplicates along axis 0, with negative indices', () => {
    const out = K.scatterAdd([3, 2], i32([2, 0, -1, 2], [2, 2]), f32([1, 2, 3, 4], [2, 2]), 0);
    expect(read(out).values).toEqual([0, 2, 0, 0, 4, 4]);
  });
  it('accumulates in float64 and wraps int32', () => {
    expect(read(K.scatterAdd([1], i32([0, 0, 0]), f32([1e8, 1, -1e8]), 0)).values).toEqual([1]);
    expect(read(K.scatterAdd([2], i32([1, 1]), i32([2147483647, 1]), 0))).toEqual({ dtype: 'int32', shape: [2], values: [0, -2147483648] });
  });
  it('reads strided indices and updates', () => {
    const updates = transposed(f32([1, 2, 3, 4], [2, 2])); // [[1,3],[2,4]]
    expect(read(K.scatterAdd([2, 2], restride(i32([1]), [2, 2], [0, 0], 0), updates, 1)).values).toEqual([0, 4, 0, 6]);
  });
  it('gives zeros for no updates and throws for out-of-range indices', () => {
    expect(read(K.scatterAdd([2], i32([]), f32([]), 0)).values).toEqual([0, 0]);
    expect(() => K.scatterAdd([2, 3], i32([5], [1, 1]), f32([1], [1, 1]), 1))
      .toThrow(new ValueError('scatterAdd', 'index 5 out of range for axis 1 of size 3'));
    expect(() => K.scatterAdd([2], i32([0, 1]), f32([1]), 0)).toThrow(ShapeMismatchError);
  });
});
