/** @file Reference batched matmul against hand-computed products. */
import { describe, expect, it } from 'vitest';
import { reference as K } from '../../src/backend/reference.js';
import { ShapeMismatchError } from '../../src/shape/errors.js';
import { f32, i32, read, restride, transposed } from './fixtures.js';

const a23 = f32([1, 2, 3, 4, 5, 6], [2, 3]);
const b32 = f32([7, 8, 9, 10, 11, 12], [3, 2]);

describe('matmul', () => {
  it('multiplies [2,3] @ [3,2]', () => {
    // [1*7+2*9+3*11, 1*8+2*10+3*12; 4*7+5*9+6*11, 4*8+5*10+6*12]
    expect(read(K.matmul(a23, b32, []))).toEqual({ dtype: 'float32', shape: [2, 2], values: [58, 64, 139, 154] });
  });
  it('reads transposed and offset operands through their strides', () => {
    const bT = transposed(f32([7, 9, 11, 8, 10, 12], [2, 3])); // the same [3,2] matrix as b32
    expect(read(K.matmul(a23, bT, [])).values).toEqual([58, 64, 139, 154]);
    const aOff = restride(f32([0, 0, 1, 2, 3, 4, 5, 6]), [2, 3], [3, 1], 2); // a23 at offset 2
    expect(read(K.matmul(aOff, b32, [])).values).toEqual([58, 64, 139, 154]);
  });
  it('broadcasts a matrix against a batch', () => {
    // rows [1,2] and [3,4] times [[1,0],[1,1]]
    const a = f32([1, 2, 3, 4], [2, 1, 2]);
    expect(read(K.matmul(a, f32([1, 0, 1, 1], [2, 2]), [2]))).toEqual({ dtype: 'float32', shape: [2, 1, 2], values: [3, 2, 7, 4] });
  });
  it('broadcasts batch dims on both sides: [2,1] with [3] gives [2,3]', () => {
    const a = f32([1, 1, 2, 1], [2, 1, 1, 2]); // a[i] = [[i+1, 1]]
    const b = f32([0, 1, 1, 1, 2, 1], [3, 2, 1]); // b[j] = [[j],[1]]
    // out[i,j] = (i+1) j + 1
    expect(read(K.matmul(a, b, [2, 3]))).toEqual({ dtype: 'float32', shape: [2, 3, 1, 1], values: [1, 2, 3, 1, 3, 5] });
  });
  it('reads a batch broadcast by stride 0', () => {
    const a = restride(f32([1, 2]), [3, 1, 2], [0, 2, 1], 0); // [1,2] three times
    expect(read(K.matmul(a, f32([1, 2, 3, 4, 5, 6], [3, 2, 1]), [3])).values).toEqual([5, 11, 17]);
  });
  it('accumulates dot products in float64', () => {
    expect(read(K.matmul(f32([1e8, 1, -1e8], [1, 3]), f32([1, 1, 1], [3, 1]), [])).values).toEqual([1]);
  });
  it('multiplies int32 with wrapping', () => {
    expect(read(K.matmul(i32([65536], [1, 1]), i32([65536], [1, 1]), []))).toEqual({ dtype: 'int32', shape: [1, 1], values: [0] });
    expect(read(K.matmul(i32([2147483647, 1, 3, -4], [2, 2]), i32([1, 1], [2, 1]), [])).values).toEqual([-2147483648, -1]);
  });
  it('gives zeros for K = 0 and empty results for M = 0 or an empty batch', () => {
    expect(read(K.matmul(f32([], [2, 0]), f32([], [0, 3]), []))).toEqual({ dtype: 'float32', shape: [2, 3], values: [0, 0, 0, 0, 0, 0] });
    expect(read(K.matmul(f32([], [0, 3]), b32, []))).toEqual({ dtype: 'float32', shape: [0, 2], values: [] });
    expect(read(K.matmul(f32([], [0, 2, 3]), b32, [0]))).toEqual({ dtype: 'float32', shape: [0, 2, 2], values: [] });
  });
  it('rejects differing inner dims and batch shapes that do not broadcast', () => {
    expect(() => K.matmul(a23, a23, [])).toThrow(ShapeMismatchError);
    expect(() => K.matmul(f32([1, 2, 3, 4], [2, 1, 2]), f32([1, 2, 3, 4, 5, 6], [3, 2, 1]), [2])).toThrow(ShapeMismatchError);
  });
});
