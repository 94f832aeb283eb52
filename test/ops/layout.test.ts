/** @file Layout ops: reshape (-1, named dims), flatten, transpose, expandDims, squeeze, broadcastTo, tile. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  add, arange, broadcastTo, expandDims, flatten, named, reshape, slice, squeeze, tensor, tile, toNested, transpose,
  zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';

const A = tensor([[1, 2, 3], [4, 5, 6]]);
const u = tensor([1, 2, 3]);
/** arange(8) as [2, 2, 2]: element [i, j, k] is 4i + 2j + k */
const c8 = reshape(arange(8), [2, 2, 2]);

/** a row of the layout table: the op's result must have this shape and these nested values */
type Row = [string, () => AnyTensor, readonly number[], unknown];
const check = (make: () => AnyTensor, shape: readonly number[], expected: unknown): void => {
  const y = make();
  expect(y.shape).toEqual(shape);
  expect(toNested(y)).toEqual(expected);
};

describe('reshape', () => {
  it.each<Row>([
    ['[6] to [2, 3]', () => reshape(arange(6), [2, 3]), [2, 3], [[0, 1, 2], [3, 4, 5]]],
    ['-1 solved first', () => reshape(arange(6), [-1, 2]), [3, 2], [[0, 1], [2, 3], [4, 5]]],
    ['-1 solved last', () => reshape(arange(6), [3, -1]), [3, 2], [[0, 1], [2, 3], [4, 5]]],
    ['back to a vector', () => reshape(A, [6]), [6], [1, 2, 3, 4, 5, 6]],
    ['[1] to a scalar', () => reshape(tensor([5]), []), [], 5],
    ['a scalar to [1, 1]', () => reshape(tensor(5), [1, 1]), [1, 1], [[5]]],
    ['a transposed view reads in its own order', () => reshape(transpose(A), [6]), [6], [1, 4, 2, 5, 3, 6]],
    ['a stepped slice', () => reshape(slice(arange(10), [[0, null, 2]]), [5, 1]), [5, 1], [[0], [2], [4], [6], [8]]],
    ['an empty tensor with -1', () => reshape(zeros([0, 3]), [-1]), [0], []],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));

  it('solves a named dim at run time and keeps its name in the type', () => {
    const x = named(reshape(arange(24), [4, 6]), ['B', 6]);
    const y = reshape(x, ['B', 2, 3]);
    expectTypeOf(y).toEqualTypeOf<Tensor<['B', 2, 3]>>();
    expect(y.shape).toEqual([4, 2, 3]);
    expect(toNested(y)[3]).toEqual([[18, 19, 20], [21, 22, 23]]);
  });

  it('types the target shape', () => {
    expectTypeOf(reshape(arange(6), [-1, 2])).toEqualTypeOf<Tensor<[3, 2]>>();
    const n: number = 6;
    const d = reshape(zeros([n]), [2, -1]);
    expectTypeOf(d).toEqualTypeOf<Tensor<[2, number]>>();
    expect(d.shape).toEqual([2, 3]);
  });
});

describe('flatten', () => {
  it.each<Row>([
    ['all axes', () => flatten(c8), [8], [0, 1, 2, 3, 4, 5, 6, 7]],
    ['from axis 1', () => flatten(c8, 1), [2, 4], [[0, 1, 2, 3], [4, 5, 6, 7]]],
    ['from axis -1 changes nothing', () => flatten(c8, -1), [2, 2, 2], [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]],
    ['a scalar becomes [1]', () => flatten(tensor(3)), [1], [3]],
    ['a transposed view', () => flatten(transpose(A)), [6], [1, 4, 2, 5, 3, 6]],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));
  it('types the merged dim', () => {
    expectTypeOf(flatten(c8, 1)).toEqualTypeOf<Tensor<[2, 4]>>();
    expectTypeOf(flatten(tensor(3))).toEqualTypeOf<Tensor<[1]>>();
  });
});

describe('transpose', () => {
  it.each<Row>([
    ['reverses the axes by default', () => transpose(A), [3, 2], [[1, 4], [2, 5], [3, 6]]],
    // out[k, j, i] = 4i + 2j + k
    ['reverses three axes by default', () => transpose(c8), [2, 2, 2], [[[0, 4], [2, 6]], [[1, 5], [3, 7]]]],
    // out[k, i, j] = 4i + 2j + k
    ['by a permutation', () => transpose(c8, [2, 0, 1]), [2, 2, 2], [[[0, 2], [4, 6]], [[1, 3], [5, 7]]]],
    ['by a permutation with a negative axis', () => transpose(c8, [-1, 0, 1]), [2, 2, 2], [[[0, 2], [4, 6]], [[1, 3], [5, 7]]]],
    ['swapping the first two axes', () => transpose(reshape(arange(6), [1, 2, 3]), [1, 0, 2]), [2, 1, 3], [[[0, 1, 2]], [[3, 4, 5]]]],
    ['twice is the identity', () => transpose(transpose(A)), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['of a vector changes nothing', () => transpose(u), [3], [1, 2, 3]],
    ['of a scalar changes nothing', () => transpose(tensor(4)), [], 4],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));
  it('types the permuted shape', () => {
    expectTypeOf(transpose(A)).toEqualTypeOf<Tensor<[3, 2]>>();
    expectTypeOf(transpose(zeros([2, 3, 4]), [1, 2, 0])).toEqualTypeOf<Tensor<[3, 4, 2]>>();
    expectTypeOf(transpose(zeros([2, 3, 4]), [-1, 0, 1])).toEqualTypeOf<Tensor<[4, 2, 3]>>();
  });
});

describe('expandDims, squeeze', () => {
  it.each<Row>([
    ['expandDims at 0', () => expandDims(u, 0), [1, 3], [[1, 2, 3]]],
    ['expandDims at 1', () => expandDims(u, 1), [3, 1], [[1], [2], [3]]],
    ['expandDims at -1', () => expandDims(u, -1), [3, 1], [[1], [2], [3]]],
    ['expandDims at -2', () => expandDims(u, -2), [1, 3], [[1, 2, 3]]],
    ['expandDims of a scalar', () => expandDims(tensor(5), 0), [1], [5]],
    ['squeeze every 1', () => squeeze(tensor([[[1], [2], [3]]])), [3], [1, 2, 3]],
    ['squeeze axis 0', () => squeeze(tensor([[[1], [2], [3]]]), 0), [3, 1], [[1], [2], [3]]],
    ['squeeze axis -1', () => squeeze(tensor([[[1], [2], [3]]]), -1), [1, 3], [[1, 2, 3]]],
    ['squeeze to a scalar', () => squeeze(tensor([[5]])), [], 5],
    ['squeeze with no 1s', () => squeeze(A), [2, 3], [[1, 2, 3], [4, 5, 6]]],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));
  it('types the inserted and removed axes', () => {
    expectTypeOf(expandDims(u, -1)).toEqualTypeOf<Tensor<[3, 1]>>();
    expectTypeOf(squeeze(zeros([1, 3, 1]))).toEqualTypeOf<Tensor<[3]>>();
    expectTypeOf(squeeze(zeros([1, 3, 1]), 0)).toEqualTypeOf<Tensor<[3, 1]>>();
  });
});

describe('broadcastTo', () => {
  it.each<Row>([
    ['a row to [2, 3]', () => broadcastTo(u, [2, 3]), [2, 3], [[1, 2, 3], [1, 2, 3]]],
    ['a column to [2, 3]', () => broadcastTo(tensor([[1], [2]]), [2, 3]), [2, 3], [[1, 1, 1], [2, 2, 2]]],
    ['a scalar to [2, 2]', () => broadcastTo(tensor(7), [2, 2]), [2, 2], [[7, 7], [7, 7]]],
    ['with a new leading axis', () => broadcastTo(tensor([[1], [2]]), [2, 2, 2]), [2, 2, 2], [[[1, 1], [2, 2]], [[1, 1], [2, 2]]]],
    ['to its own shape', () => broadcastTo(A, [2, 3]), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['then used by another op', () => add(broadcastTo(u, [2, 3]), tensor([[0], [10]])), [2, 3], [[1, 2, 3], [11, 12, 13]]],
    ['a size-1 axis to 0', () => broadcastTo(tensor([[1, 2]]), [0, 2]), [0, 2], []],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));
  it('types the target shape and keeps the dtype', () => {
    expectTypeOf(broadcastTo(tensor([1, 2], 'int32'), [3, 2])).toEqualTypeOf<Tensor<[3, 2], 'int32'>>();
    expect(broadcastTo(tensor([1, 2], 'int32'), [3, 2]).dtype).toBe('int32');
  });
});

describe('tile', () => {
  it.each<Row>([
    ['a matrix [2, 3] times', () => tile(tensor([[1, 2], [3, 4]]), [2, 3]), [4, 6],
      [[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4], [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]]],
    ['a vector twice', () => tile(tensor([1, 2]), [2]), [4], [1, 2, 1, 2]],
    ['more repeats than axes prepends axes', () => tile(tensor([1, 2]), [2, 2]), [2, 4], [[1, 2, 1, 2], [1, 2, 1, 2]]],
    ['three repeats for a vector', () => tile(tensor([1, 2]), [3, 1, 1]), [3, 1, 2], [[[1, 2]], [[1, 2]], [[1, 2]]]],
    ['once is the identity', () => tile(A, [1, 1]), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['zero times is empty', () => tile(A, [0, 1]), [0, 3], []],
    ['a transposed view', () => tile(transpose(tensor([[1, 2]])), [1, 2]), [2, 2], [[1, 1], [2, 2]]],
  ])('%s', (_, make, shape, expected) => check(make, shape, expected));
  it('types the tiled shape', () => {
    expectTypeOf(tile(tensor([[1, 2], [3, 4]]), [2, 3])).toEqualTypeOf<Tensor<[4, 6]>>();
    expectTypeOf(tile(tensor([1, 2]), [2, 2])).toEqualTypeOf<Tensor<[2, 4]>>();
  });
});
