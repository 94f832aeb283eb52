/** @file Indexing: slice (Python semantics) against hand-written expectations, take, gather, oneHot, pad. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  arange, gather, mul, oneHot, pad, reshape, slice, take, tensor, toNested, transpose, zeros, type AnyTensor,
  type SliceSpec, type Tensor,
} from '../../src/index.js';

const x = arange(10); // [0, 1, ..., 9]
/** [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] */
const M = reshape(arange(12), [3, 4]);

describe('slice', () => {
  // each expectation is what Python gives for list(range(10))[spec] or the nested list M[spec]
  it.each<[string, AnyTensor, readonly SliceSpec[], unknown]>([
    ['x[2:5]', x, [[2, 5]], [2, 3, 4]],
    ['x[:3]', x, [[null, 3]], [0, 1, 2]],
    ['x[2:]', x, [[2]], [2, 3, 4, 5, 6, 7, 8, 9]],
    ['x[-3:]', x, [[-3, null]], [7, 8, 9]],
    ['x[1::3]', x, [[1, null, 3]], [1, 4, 7]],
    ['x[::-1]', x, [[null, null, -1]], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
    ['x[-2:-8:-2]', x, [[-2, -8, -2]], [8, 6, 4]],
    ['x[5:2:-1]', x, [[5, 2, -1]], [5, 4, 3]],
    ['x[0::-1]', x, [[0, null, -1]], [0]],
    ['x[:-11:-1]', x, [[null, -11, -1]], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
    ['x[100:-100:-3]', x, [[100, -100, -3]], [9, 6, 3, 0]],
    ['x[-100:100] (clamped)', x, [[-100, 100]], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['x[8:2] is empty', x, [[8, 2]], []],
    ['x[5:5] is empty', x, [[5, 5]], []],
    ['x[2:8:-1] is empty', x, [[2, 8, -1]], []],
    ['x[3] drops the axis', x, [3], 3],
    ['x[-1]', x, [-1], 9],
    ['M[1]', M, [1], [4, 5, 6, 7]],
    ['M[:, 2]', M, [null, 2], [2, 6, 10]],
    ['M[::-1, 1:3]', M, [[null, null, -1], [1, 3]], [[9, 10], [5, 6], [1, 2]]],
    ['M[-1, ::2]', M, [-1, [null, null, 2]], [8, 10]],
    ['M[0:2, -1]', M, [[0, 2], -1], [3, 7]],
    ['M[1:1] is [0, 4]', M, [[1, 1]], []],
    ['M[1, 2]', M, [1, 2], 6],
    ['M[] is M', M, [], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]],
    ['M.T[1:, ::-2] (a slice of a transposed view)', transpose(M), [[1, null], [null, null, -2]], [[9, 1], [10, 2], [11, 3]]],
  ])('%s', (_, t, specs, expected) => {
    expect(toNested(slice(t, specs as never))).toEqual(expected);
  });

  it('gives the Python lengths as shapes', () => {
    expect(slice(M, [[1, 1]]).shape).toEqual([0, 4]);
    expect(slice(M, [1, 2]).shape).toEqual([]);
    expect(slice(x, [[-2, -8, -2]]).shape).toEqual([3]);
  });
  it('composes: a slice of a slice', () => {
    expect(toNested(slice(slice(x, [[1, null, 2]]), [[null, null, -1]]))).toEqual([9, 7, 5, 3, 1]);
    expect(toNested(slice(slice(M, [[null, null, -1]]), [[1, null], 0]))).toEqual([4, 0]);
  });
  it('keeps the dtype', () => {
    expect(slice(tensor([1, 2, 3], 'int32'), [[1]]).dtype).toBe('int32');
  });
  it('types the sliced shape', () => {
    expectTypeOf(slice(M, [null, 2])).toEqualTypeOf<Tensor<[3]>>();
    expectTypeOf(slice(x, [[-2, -8, -2]])).toEqualTypeOf<Tensor<[3]>>();
    expectTypeOf(slice(M, [[null, null, -1], [1, 3]])).toEqualTypeOf<Tensor<[3, 2]>>();
    expectTypeOf(slice(x, [[8, 2]])).toEqualTypeOf<Tensor<[0]>>();
  });
});

describe('take', () => {
  const tens = mul(x, 10);
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['picks along axis 0, negative indices from the end', () => take(tens, tensor([3, -1, 0], 'int32')), [3], [30, 90, 0]],
    ['repeats an index', () => take(tens, tensor([1, 1, 1], 'int32')), [3], [10, 10, 10]],
    ['rows of a matrix', () => take(M, tensor([2, 0], 'int32')), [2, 4], [[8, 9, 10, 11], [0, 1, 2, 3]]],
    ['columns by a [1, 2] index: its shape replaces the axis', () => take(M, tensor([[1, 3]], 'int32'), 1), [3, 1, 2], [[[1, 3]], [[5, 7]], [[9, 11]]]],
    ['a scalar index drops the axis', () => take(M, tensor(2, 'int32'), 1), [3], [2, 6, 10]],
    ['along axis -1', () => take(M, tensor([-1, 0], 'int32'), -1), [3, 2], [[3, 0], [7, 4], [11, 8]]],
    ['no indices', () => take(M, tensor([], 'int32'), 0), [0, 4], []],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });
  it('keeps the dtype and types the shape', () => {
    expect(take(tensor([true, false]), tensor([1], 'int32')).dtype).toBe('bool');
    expectTypeOf(take(zeros([5, 6]), tensor([[1, 2]], 'int32'), 1)).toEqualTypeOf<Tensor<[5, 1, 2]>>();
  });
});

describe('gather', () => {
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['one column per row (axis 1)', () => gather(M, tensor([[0], [3], [1]], 'int32'), 1), [3, 1], [[0], [7], [9]]],
    // out[0][j] = M[idx[0][j]][j]
    ['one row per column (axis 0)', () => gather(M, tensor([[2, 0, 1, 0]], 'int32'), 0), [1, 4], [[8, 1, 6, 3]]],
    ['negative indices', () => gather(M, tensor([[-1], [-2], [0]], 'int32'), -1), [3, 1], [[3], [6], [8]]],
    ['indices smaller than the input off the axis', () => gather(M, tensor([[1, 1]], 'int32'), 1), [1, 2], [[1, 1]]],
    ['a permutation of every row', () => gather(tensor([[10, 20, 30], [40, 50, 60]]), tensor([[2, 0, 1], [1, 2, 0]], 'int32'), 1), [2, 3],
      [[30, 10, 20], [50, 60, 40]]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });
  it('types the result as the indices\' shape', () => {
    expectTypeOf(gather(zeros([5, 6]), zeros([5, 2], 'int32'), 1)).toEqualTypeOf<Tensor<[5, 2]>>();
  });
});

describe('oneHot', () => {
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['a vector of classes', () => oneHot(tensor([0, 2, 1], 'int32'), 3), [3, 3], [[1, 0, 0], [0, 0, 1], [0, 1, 0]]],
    ['a [2, 1] index adds a last axis', () => oneHot(tensor([[0], [1]], 'int32'), 2), [2, 1, 2], [[[1, 0]], [[0, 1]]]],
    ['out-of-range and negative indices give zeros', () => oneHot(tensor([3, -1], 'int32'), 3), [2, 3], [[0, 0, 0], [0, 0, 0]]],
    ['a scalar index', () => oneHot(tensor(1, 'int32'), 4), [4], [0, 1, 0, 0]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(y.dtype).toBe('float32');
    expect(toNested(y)).toEqual(expected);
  });
  it('types the new axis', () => {
    expectTypeOf(oneHot(zeros([2], 'int32'), 4)).toEqualTypeOf<Tensor<[2, 4]>>();
  });
});

describe('pad', () => {
  const sq = tensor([[1, 2], [3, 4]]);
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['constant 0', () => pad(tensor([1, 2, 3]), [[1, 2]]), [6], [0, 1, 2, 3, 0, 0]],
    ['constant 9', () => pad(tensor([1, 2, 3]), [[1, 2]], { value: 9 }), [6], [9, 1, 2, 3, 9, 9]],
    ['a matrix, different widths per axis', () => pad(sq, [[1, 0], [0, 1]]), [3, 3], [[0, 0, 0], [1, 2, 0], [3, 4, 0]]],
    ['zero widths change nothing', () => pad(sq, [[0, 0], [0, 0]]), [2, 2], [[1, 2], [3, 4]]],
    ['reflect mirrors without the edge', () => pad(tensor([1, 2, 3]), [[2, 2]], { mode: 'reflect' }), [7], [3, 2, 1, 2, 3, 2, 1]],
    // rows read 1, 0, 1, 0 and columns 1, 0, 1, 2, 1
    ['reflect on both axes', () => pad(tensor([[1, 2, 3], [4, 5, 6]]), [[1, 1], [1, 1]], { mode: 'reflect' }), [4, 5],
      [[5, 4, 5, 6, 5], [2, 1, 2, 3, 2], [5, 4, 5, 6, 5], [2, 1, 2, 3, 2]]],
    ['a transposed view', () => pad(transpose(sq), [[0, 1], [1, 0]], { value: -1 }), [3, 3], [[-1, 1, 3], [-1, 2, 4], [-1, -1, -1]]],
    ['a scalar with no widths', () => pad(tensor(5), []), [], 5],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });
  it('keeps the dtype (the value is stored as that dtype)', () => {
    const i = pad(tensor([1], 'int32'), [[1, 1]], { value: 7 });
    expect([i.dtype, toNested(i)]).toEqual(['int32', [7, 1, 7]]);
    const b = pad(tensor([false]), [[1, 0]], { value: 1 });
    expect([b.dtype, toNested(b)]).toEqual(['bool', [true, false]]);
  });
  it('types the padded shape', () => {
    expectTypeOf(pad(zeros([2, 3]), [[1, 1], [0, 2]])).toEqualTypeOf<Tensor<[4, 5]>>();
  });
});
