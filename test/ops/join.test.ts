/** @file Joining and splitting: concat, stack, split (values, shapes, dtypes). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  arange, concat, mul, reshape, split, stack, tensor, toNested, transpose, zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';

const A = tensor([[1, 2, 3], [4, 5, 6]]);
const u = tensor([1, 2, 3]);
const v = tensor([4, 5, 6]);

describe('concat', () => {
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['along axis 0', () => concat([A, tensor([[7, 8, 9]])]), [3, 3], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
    ['along axis 1', () => concat([A, tensor([[0], [-1]])], 1), [2, 4], [[1, 2, 3, 0], [4, 5, 6, -1]]],
    ['along axis -1', () => concat([tensor([[0], [-1]]), A], -1), [2, 4], [[0, 1, 2, 3], [-1, 4, 5, 6]]],
    ['three vectors', () => concat([u, tensor([9]), v]), [7], [1, 2, 3, 9, 4, 5, 6]],
    ['one input is a copy of it', () => concat([u]), [3], [1, 2, 3]],
    ['with an empty part', () => concat([zeros([0, 3]), A]), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['transposed views', () => concat([transpose(A), transpose(A)], 1), [3, 4], [[1, 4, 1, 4], [2, 5, 2, 5], [3, 6, 3, 6]]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });
  it('keeps the dtype', () => {
    const i = concat([tensor([1], 'int32'), tensor([2, 3], 'int32')]);
    expect(i.dtype).toBe('int32');
    expect(toNested(i)).toEqual([1, 2, 3]);
    const b = concat([tensor([true]), tensor([false])]);
    expect(b.dtype).toBe('bool');
    expect(toNested(b)).toEqual([true, false]);
  });
  it('types the joined shape', () => {
    expectTypeOf(concat([A, tensor([[7, 8, 9]])])).toEqualTypeOf<Tensor<[3, 3]>>();
    expectTypeOf(concat([zeros([2, 3]), zeros([2, 1])], 1)).toEqualTypeOf<Tensor<[2, 4]>>();
  });
});

describe('stack', () => {
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['vectors along a new axis 0', () => stack([u, v]), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['vectors along a new axis 1', () => stack([u, v], 1), [3, 2], [[1, 4], [2, 5], [3, 6]]],
    ['vectors along a new axis -1', () => stack([u, v], -1), [3, 2], [[1, 4], [2, 5], [3, 6]]],
    ['scalars into a vector', () => stack([tensor(1), tensor(2), tensor(3)]), [3], [1, 2, 3]],
    ['matrices along axis 1', () => stack([A, mul(A, 10)], 1), [2, 2, 3], [[[1, 2, 3], [10, 20, 30]], [[4, 5, 6], [40, 50, 60]]]],
    ['matrices along axis -2', () => stack([A, mul(A, 10)], -2), [2, 2, 3], [[[1, 2, 3], [10, 20, 30]], [[4, 5, 6], [40, 50, 60]]]],
    ['one input', () => stack([u]), [1, 3], [[1, 2, 3]]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });
  it('keeps the dtype and types the new axis', () => {
    const s = stack([tensor([1, 2], 'int32'), tensor([3, 4], 'int32')], -1);
    expect(s.dtype).toBe('int32');
    expectTypeOf(stack([u, v], -1)).toEqualTypeOf<Tensor<[3, 2]>>();
    expectTypeOf(stack([zeros([2, 3]), zeros([2, 3])], 1)).toEqualTypeOf<Tensor<[2, 2, 3]>>();
  });
});

describe('split', () => {
  const parts = (xs: readonly AnyTensor[]) => xs.map((t) => ({ shape: t.shape, values: toNested(t) }));
  it.each<[string, () => readonly AnyTensor[], unknown]>([
    ['into 3 equal parts', () => split(arange(6), 3), [
      { shape: [2], values: [0, 1] }, { shape: [2], values: [2, 3] }, { shape: [2], values: [4, 5] }]],
    ['into sizes [1, 2, 3]', () => split(arange(6), [1, 2, 3]), [
      { shape: [1], values: [0] }, { shape: [2], values: [1, 2] }, { shape: [3], values: [3, 4, 5] }]],
    ['along axis 1 into sizes [1, 2]', () => split(A, [1, 2], 1), [
      { shape: [2, 1], values: [[1], [4]] }, { shape: [2, 2], values: [[2, 3], [5, 6]] }]],
    ['along axis -1 into 3', () => split(A, 3, -1), [
      { shape: [2, 1], values: [[1], [4]] }, { shape: [2, 1], values: [[2], [5]] }, { shape: [2, 1], values: [[3], [6]] }]],
    ['rows into 2', () => split(A, 2), [{ shape: [1, 3], values: [[1, 2, 3]] }, { shape: [1, 3], values: [[4, 5, 6]] }]],
    ['with an empty part', () => split(arange(3), [0, 3]), [
      { shape: [0], values: [] }, { shape: [3], values: [0, 1, 2] }]],
    ['into 1 part', () => split(arange(2), 1), [{ shape: [2], values: [0, 1] }]],
  ])('%s', (_, make, expected) => {
    expect(parts(make())).toEqual(expected);
  });
  it('concat undoes split', () => {
    const x = reshape(arange(12), [3, 4]);
    expect(toNested(concat(split(x, 2, 1), 1))).toEqual(toNested(x));
    expect(toNested(concat(split(x, [1, 2])))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });
  it('keeps the dtype and types equal parts', () => {
    const ps = split(tensor([1, 2, 3, 4], 'int32'), 2);
    expect(ps.map((p) => p.dtype)).toEqual(['int32', 'int32']);
    expectTypeOf(ps).toEqualTypeOf<Tensor<[2], 'int32'>[]>();
    expectTypeOf(split(zeros([6, 4]), 2, 1)).toEqualTypeOf<Tensor<[6, 2]>[]>();
  });
  it('types a list of sizes as a tuple of parts', () => {
    const [a, b] = split(zeros([6, 4]), [2, 4]);
    expectTypeOf(a).toEqualTypeOf<Tensor<[2, 4]>>();
    expectTypeOf(b).toEqualTypeOf<Tensor<[4, 4]>>();
    expect([a.shape, b.shape]).toEqual([[2, 4], [4, 4]]);
  });
});
