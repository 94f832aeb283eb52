/** @file Reference layout kernels: pad and concat, against hand-written results. */
import { describe, expect, it } from 'vitest';
import { reference as K } from '../../src/backend/reference.js';
import { ShapeMismatchError, ValueError } from '../../src/shape/errors.js';
import { bool, f32, i32, read, transposed } from './fixtures.js';

const x23 = f32([1, 2, 3, 4, 5, 6], [2, 3]); // [[1,2,3],[4,5,6]]

describe('pad', () => {
  const cases = [
    ['constant 1-D', f32([1, 2, 3]), [[2, 1]], 'constant', 9, [6], [9, 9, 1, 2, 3, 9]],
    ['constant 2-D', f32([1, 2, 3, 4], [2, 2]), [[1, 0], [0, 1]], 'constant', 0, [3, 3], [0, 0, 0, 1, 2, 0, 3, 4, 0]],
    ['constant on a transposed view', transposed(f32([1, 2, 3, 4], [2, 2])), [[0, 1], [1, 0]], 'constant', -1, [3, 3], [-1, 1, 3, -1, 2, 4, -1, -1, -1]],
    ['constant around nothing', f32([]), [[1, 2]], 'constant', 7, [3], [7, 7, 7]],
    ['reflect 1-D mirrors without the edge', f32([1, 2, 3]), [[2, 2]], 'reflect', 0, [7], [3, 2, 1, 2, 3, 2, 1]],
    ['reflect 2-D', x23, [[1, 1], [1, 0]], 'reflect', 0, [4, 4], [5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6, 2, 1, 2, 3]],
    ['reflect a transposed view', transposed(x23), [[0, 0], [1, 1]], 'reflect', 0, [3, 4], [4, 1, 4, 1, 5, 2, 5, 2, 6, 3, 6, 3]],
    ['reflect by zero on an empty axis', f32([], [0, 2]), [[0, 0], [1, 1]], 'reflect', 0, [0, 4], []],
    ['no padding copies', x23, [[0, 0], [0, 0]], 'reflect', 0, [2, 3], [1, 2, 3, 4, 5, 6]],
    ['rank 0', f32([5], []), [], 'constant', 0, [], [5]],
  ] as const;
  it.each(cases)('%s', (_, x, widths, mode, value, shape, values) => {
    expect(read(K.pad(x, widths, mode, value))).toEqual({ dtype: 'float32', shape, values });
  });
  it('stores the constant as the dtype does', () => {
    expect(read(K.pad(i32([1]), [[1, 1]], 'constant', 2.7))).toEqual({ dtype: 'int32', shape: [3], values: [2, 1, 2] });
    expect(read(K.pad(bool([0]), [[0, 1]], 'constant', 5))).toEqual({ dtype: 'bool', shape: [2], values: [0, 1] });
  });
  it('rejects reflect wider than dim - 1, negative widths and a wrong number of pairs', () => {
    expect(() => K.pad(f32([1, 2, 3]), [[3, 0]], 'reflect', 0)).toThrow(ValueError);
    expect(() => K.pad(f32([1, 2, 3]), [[0, 3]], 'reflect', 0)).toThrow(ValueError);
    expect(() => K.pad(f32([1]), [[1, 0]], 'reflect', 0)).toThrow(ValueError);
    expect(() => K.pad(f32([1]), [[-1, 0]], 'constant', 0)).toThrow(ValueError);
    expect(() => K.pad(x23, [[1, 1]], 'constant', 0)).toThrow(ShapeMismatchError);
  });
});

describe('concat', () => {
  const cases = [
    ['rows', [f32([1, 2], [1, 2]), f32([3, 4, 5, 6], [2, 2])], 0, [3, 2], [1, 2, 3, 4, 5, 6]],
    ['columns', [f32([1, 2], [2, 1]), f32([3, 4, 5, 6], [2, 2])], 1, [2, 3], [1, 3, 4, 2, 5, 6]],
    ['with an empty piece', [f32([1, 2], [2, 1]), f32([], [2, 0]), f32([3, 4], [2, 1])], 1, [2, 2], [1, 3, 2, 4]],
    ['transposed pieces', [transposed(f32([1, 2, 3, 4], [2, 2])), f32([9, 9], [1, 2])], 0, [3, 2], [1, 3, 2, 4, 9, 9]],
    ['one piece', [x23], 1, [2, 3], [1, 2, 3, 4, 5, 6]],
    ['all empty', [f32([], [0, 2]), f32([], [0, 2])], 0, [0, 2], []],
  ] as const;
  it.each(cases)('%s', (_, xs, axis, shape, values) => {
    expect(read(K.concat(xs, axis))).toEqual({ dtype: 'float32', shape, values });
  });
  it('keeps int32 and bool', () => {
    expect(read(K.concat([i32([1]), i32([-2, 3])], 0))).toEqual({ dtype: 'int32', shape: [3], values: [1, -2, 3] });
    expect(read(K.concat([bool([1]), bool([0])], 0))).toEqual({ dtype: 'bool', shape: [2], values: [1, 0] });
  });
  it('rejects no views, mixed dtypes and shapes that differ off the axis', () => {
    expect(() => K.concat([], 0)).toThrow(ValueError);
    expect(() => K.concat([f32([1]), i32([1])], 0)).toThrow(ValueError);
    expect(() => K.concat([f32([1, 2], [1, 2]), f32([1, 2, 3], [1, 3])], 0)).toThrow(ShapeMismatchError);
    expect(() => K.concat([f32([1, 2], [1, 2]), f32([1, 2])], 0)).toThrow(ShapeMismatchError);
  });
});
