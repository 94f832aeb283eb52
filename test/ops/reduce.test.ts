/** @file Reductions (sum, prod, max, min, any, all, mean, variance, logSumExp), argmax/argmin, cumsum, sort/argsort, topk. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  all, any, arange, argmax, argmin, argsort, cumsum, logSumExp, max, mean, min, prod, reshape, sort, sum, tensor,
  toArray, toNested, topk, variance, zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { expectClose } from '../backend/fixtures.js';

const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const T = true, F = false;
const x = tensor([[1, 2, 3], [4, 5, 6]]);
/** arange(24) as [2, 3, 4]: element [i, j, k] is 12i + 4j + k */
const cube = reshape(arange(24), [2, 3, 4]);

type FloatRow = [name: string, make: () => AnyTensor, shape: readonly number[], expected: readonly number[]];
/** a float32 result: its shape, and its values within float32 rounding */
const expectFloat32 = (_: string, make: () => AnyTensor, shape: readonly number[], expected: readonly number[]): void => {
  const y = make();
  expect(y.shape).toEqual(shape);
  expect(y.dtype).toBe('float32');
  expectClose(values(y), expected);
};
type NestedRow = [name: string, make: () => AnyTensor, dtype: string, expected: unknown];
/** a result's dtype and exact nested values */
const expectNested = (_: string, make: () => AnyTensor, dtype: string, expected: unknown): void => {
  const y = make();
  expect(y.dtype).toBe(dtype);
  expect(toNested(y)).toEqual(expected);
};

describe('sum, prod, max, min', () => {
  it.each<[string, () => AnyTensor, readonly number[], string, unknown]>([
    ['sum of all', () => sum(x), [], 'float32', 21],
    ['sum over axis 0', () => sum(x, 0), [3], 'float32', [5, 7, 9]],
    ['sum over axis 1', () => sum(x, 1), [2], 'float32', [6, 15]],
    ['sum over axis -1', () => sum(x, -1), [2], 'float32', [6, 15]],
    ['sum over [0, 1]', () => sum(x, [0, 1]), [], 'float32', 21],
    ['sum over axis 1, keepdims', () => sum(x, 1, { keepdims: true }), [2, 1], 'float32', [[6], [15]]],
    ['sum of all, keepdims', () => sum(x, undefined, { keepdims: true }), [1, 1], 'float32', [[21]]],
    ['sum over [-1, -2], keepdims', () => sum(x, [-1, -2], { keepdims: true }), [1, 1], 'float32', [[21]]],
    ['sum over no axes keeps everything', () => sum(x, []), [2, 3], 'float32', [[1, 2, 3], [4, 5, 6]]],
    // sum over i, k of 12i + 4j + k = 4 * 12 + 8 * 4j + 2 * 6 = 60 + 32j
    ['sum over [0, 2] of a cube', () => sum(cube, [0, 2]), [3], 'float32', [60, 92, 124]],
    ['sum over [2, 0] of a cube, keepdims', () => sum(cube, [2, 0], { keepdims: true }), [1, 3, 1], 'float32', [[[60], [92], [124]]]],
    ['prod over axis 1', () => prod(x, 1), [2], 'float32', [6, 120]],
    ['prod of all', () => prod(x), [], 'float32', 720],
    ['max over axis 0', () => max(x, 0), [3], 'float32', [4, 5, 6]],
    ['max of all', () => max(x), [], 'float32', 6],
    ['min over axis 1', () => min(x, 1), [2], 'float32', [1, 4]],
    ['min over axis 0, keepdims', () => min(x, 0, { keepdims: true }), [1, 3], 'float32', [[1, 2, 3]]],
    ['max of -Infinity', () => max(tensor([-Infinity, -Infinity])), [], 'float32', -Infinity],
    ['sum over an empty axis is 0', () => sum(zeros([2, 0]), 1), [2], 'float32', [0, 0]],
    ['prod over an empty axis is 1', () => prod(zeros([2, 0]), 1), [2], 'float32', [1, 1]],
    ['max over a full axis of an empty tensor', () => max(zeros([0, 3]), 1), [0], 'float32', []],
    ['sum of int32 stays int32', () => sum(tensor([[1, -2], [3, 4]], 'int32'), 0), [2], 'int32', [4, 2]],
    ['sum of bool counts in int32', () => sum(tensor([[T, T, F], [F, T, F]]), 1), [2], 'int32', [2, 1]],
    ['prod of bool is int32', () => prod(tensor([T, F])), [], 'int32', 0],
    ['max of bool stays bool', () => max(tensor([F, T])), [], 'bool', T],
    ['min of int32 stays int32', () => min(tensor([3, -7, 2], 'int32')), [], 'int32', -7],
  ])('%s', (_, make, shape, dtype, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(y.dtype).toBe(dtype);
    expect(toNested(y)).toEqual(expected);
  });

  it('propagates NaN', () => {
    const n = tensor([[1, NaN, 3], [4, 5, 6]]);
    expect(values(max(n, 1))).toEqual([NaN, 6]);
    expect(values(min(n, 1))).toEqual([NaN, 4]);
    expect(values(sum(n, 1))).toEqual([NaN, 15]);
    expect(values(max(tensor([NaN, Infinity])))).toEqual([NaN]);
  });

  it('accumulates beyond float32 (1e8 + 1 - 1e8 is 1)', () => {
    expect(values(sum(tensor([1e8, 1, -1e8])))).toEqual([1]);
  });

  it('types the reduced shapes and dtypes', () => {
    expectTypeOf(sum(x)).toEqualTypeOf<Tensor<[]>>();
    expectTypeOf(sum(x, 1)).toEqualTypeOf<Tensor<[2]>>();
    expectTypeOf(sum(x, -1, { keepdims: true })).toEqualTypeOf<Tensor<[2, 1]>>();
    expectTypeOf(sum(x, undefined, { keepdims: true })).toEqualTypeOf<Tensor<[1, 1]>>();
    expectTypeOf(sum(tensor([T, F]))).toEqualTypeOf<Tensor<[], 'int32'>>();
    expectTypeOf(max(tensor([T, F]))).toEqualTypeOf<Tensor<[], 'bool'>>();
    expectTypeOf(sum(cube, [0, 2])).toEqualTypeOf<Tensor<[3]>>();
    expectTypeOf(sum(cube, [2, 0], { keepdims: true })).toEqualTypeOf<Tensor<[1, 3, 1]>>();
    expectTypeOf(sum(x, [])).toEqualTypeOf<Tensor<[2, 3]>>();
  });
});

describe('any, all', () => {
  const b = tensor([[T, F], [F, F]]);
  it.each<[string, () => AnyTensor, unknown]>([
    ['any over axis 1', () => any(b, 1), [T, F]],
    ['all over axis 1', () => all(b, 1), [F, F]],
    ['any over axis 0, keepdims', () => any(b, 0, { keepdims: true }), [[T, F]]],
    ['any of all', () => any(b), T],
    ['all of all', () => all(b), F],
    ['all of trues', () => all(tensor([T, T])), T],
    ['any of falses', () => any(tensor([F, F])), F],
  ])('%s', (_, make, expected) => {
    const y = make();
    expect(y.dtype).toBe('bool');
    expect(toNested(y)).toEqual(expected);
  });
  it('any is false and all is true over an empty axis (as NumPy)', () => {
    expect(toNested(any(zeros([2, 0], 'bool'), 1))).toEqual([false, false]);
    expect(toNested(all(zeros([2, 0], 'bool'), 1))).toEqual([true, true]);
  });
});

describe('mean, variance', () => {
  it.each<FloatRow>([
    ['mean of all', () => mean(x), [], [3.5]],
    ['mean over axis 0', () => mean(x, 0), [3], [2.5, 3.5, 4.5]],
    ['mean over axis 1, keepdims', () => mean(x, 1, { keepdims: true }), [2, 1], [2, 5]],
    ['mean over [0, 2] of a cube', () => mean(cube, [0, 2]), [3], [7.5, 11.5, 15.5]],
    ['mean of int32 is float32', () => mean(tensor([[1, 2], [3, 5]], 'int32'), 0), [2], [2, 3.5]],
    ['mean of bool is the fraction of trues', () => mean(tensor([T, T, F, T])), [], [0.75]],
    // rows [1,2,3] and [4,5,6]: squared deviations 1, 0, 1
    ['variance over axis 1', () => variance(x, 1), [2], [2 / 3, 2 / 3]],
    ['variance over axis 1, ddof 1', () => variance(x, 1, { ddof: 1 }), [2], [1, 1]],
    // 1..6: mean 3.5, squared deviations sum to 17.5
    ['variance of all', () => variance(x), [], [17.5 / 6]],
    ['variance of all, ddof 1', () => variance(x, undefined, { ddof: 1 }), [], [3.5]],
    ['variance over axis 0, keepdims', () => variance(x, 0, { keepdims: true }), [1, 3], [2.25, 2.25, 2.25]],
    ['variance of int32 is float32', () => variance(tensor([1, 3], 'int32')), [], [1]],
    ['variance far from 0 (centred first)', () => variance(tensor([10001, 10002, 10003])), [], [2 / 3]],
    ['variance of a constant is 0', () => variance(tensor([7, 7, 7])), [], [0]],
  ])('%s', expectFloat32);
  it('types mean and variance as float32', () => {
    expectTypeOf(mean(tensor([1, 2], 'int32'))).toEqualTypeOf<Tensor<[], 'float32'>>();
    expectTypeOf(variance(x, 0, { keepdims: true })).toEqualTypeOf<Tensor<[1, 3], 'float32'>>();
  });
});

describe('logSumExp', () => {
  it.each<FloatRow>([
    ['of [0, 0] is log 2', () => logSumExp(tensor([0, 0])), [], [0.6931471806]],
    // 3 + log(1 + e^-1 + e^-2)
    ['of [1, 2, 3]', () => logSumExp(tensor([1, 2, 3])), [], [3.407605964]],
    ['of large logits (no overflow)', () => logSumExp(tensor([[1000, 1000], [-1000, -1000]]), 1), [2], [1000.6931471806, -999.3068528194]],
    ['of one dominant logit', () => logSumExp(tensor([1000, 0])), [], [1000]],
    ['of an all -Infinity row is -Infinity, not NaN', () => logSumExp(tensor([[-Infinity, -Infinity], [0, -Infinity]]), 1), [2], [-Infinity, 0]],
    ['with +Infinity', () => logSumExp(tensor([Infinity, 0])), [], [Infinity]],
    ['of all, keepdims', () => logSumExp(zeros([2, 2]), undefined, { keepdims: true }), [1, 1], [1.3862943611]],
    ['over axis 0, keepdims', () => logSumExp(tensor([[0, 1], [0, 1]]), 0, { keepdims: true }), [1, 2], [0.6931471806, 1.6931471806]],
    ['of int32 is float32', () => logSumExp(tensor([0, 0], 'int32')), [], [0.6931471806]],
  ])('%s', expectFloat32);
  it('is -Infinity over an empty axis (the log of an empty sum)', () => {
    expect(toNested(logSumExp(zeros([2, 0]), 1))).toEqual([-Infinity, -Infinity]);
    expect(logSumExp(zeros([2, 0]), 1, { keepdims: true }).shape).toEqual([2, 1]);
  });
});

describe('argmax, argmin', () => {
  const m = tensor([[1, 5, 5], [7, 2, 7]]);
  it.each<[string, () => AnyTensor, unknown]>([
    ['argmax over axis 1 takes the first maximum', () => argmax(m, 1), [1, 0]],
    ['argmin over axis 1', () => argmin(m, 1), [0, 1]],
    ['argmax over axis 0', () => argmax(m, 0), [1, 0, 1]],
    ['argmin over axis -2', () => argmin(m, -2), [0, 1, 0]],
    ['argmax without an axis is over the flattened tensor', () => argmax(m), 3],
    ['argmin without an axis', () => argmin(m), 0],
    ['argmax, keepdims', () => argmax(m, 1, { keepdims: true }), [[1], [0]]],
    ['argmax without an axis, keepdims', () => argmax(m, undefined, { keepdims: true }), [[3]]],
    ['argmax: NaN wins', () => argmax(tensor([1, NaN, 3, NaN])), 1],
    ['argmin: NaN wins', () => argmin(tensor([1, NaN, -3])), 1],
    ['argmax of bool', () => argmax(tensor([F, T, T])), 1],
    ['argmin of int32', () => argmin(tensor([4, -1, -1], 'int32')), 1],
    ['argmax of a cube over axis 1', () => argmax(cube, 1), [[2, 2, 2, 2], [2, 2, 2, 2]]],
  ])('%s', (_, make, expected) => {
    const y = make();
    expect(y.dtype).toBe('int32');
    expect(toNested(y)).toEqual(expected);
  });
  it('types the index tensors', () => {
    expectTypeOf(argmax(m)).toEqualTypeOf<Tensor<[], 'int32'>>();
    expectTypeOf(argmax(m, 1)).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(argmin(m, 0, { keepdims: true })).toEqualTypeOf<Tensor<[1, 3], 'int32'>>();
  });
});

describe('cumsum', () => {
  const v = tensor([1, 2, 3, 4]);
  it.each<NestedRow>([
    ['inclusive', () => cumsum(v, 0), 'float32', [1, 3, 6, 10]],
    ['exclusive', () => cumsum(v, 0, { exclusive: true }), 'float32', [0, 1, 3, 6]],
    ['reverse', () => cumsum(v, 0, { reverse: true }), 'float32', [10, 9, 7, 4]],
    ['exclusive and reverse', () => cumsum(v, -1, { exclusive: true, reverse: true }), 'float32', [9, 7, 4, 0]],
    ['along axis 0 of a matrix', () => cumsum(x, 0), 'float32', [[1, 2, 3], [5, 7, 9]]],
    ['along axis 1 of a matrix', () => cumsum(x, 1), 'float32', [[1, 3, 6], [4, 9, 15]]],
    ['along axis -1, reverse', () => cumsum(x, -1, { reverse: true }), 'float32', [[6, 5, 3], [15, 11, 6]]],
    ['of bool counts in int32', () => cumsum(tensor([T, T, F, T]), 0), 'int32', [1, 2, 2, 3]],
    ['of int32 stays int32', () => cumsum(tensor([5, -2], 'int32'), 0), 'int32', [5, 3]],
    ['of an empty axis', () => cumsum(zeros([2, 0]), 1), 'float32', [[], []]],
  ])('%s', expectNested);
});

describe('sort, argsort', () => {
  const ties = tensor([3, 1, 3, 1, 2]);
  it.each<NestedRow>([
    ['sort', () => sort(tensor([3, 1, 2])), 'float32', [1, 2, 3]],
    ['sort descending', () => sort(tensor([3, 1, 2]), -1, { descending: true }), 'float32', [3, 2, 1]],
    ['argsort is stable (equal values keep their order)', () => argsort(ties), 'int32', [1, 3, 4, 0, 2]],
    ['argsort descending is stable too', () => argsort(ties, 0, { descending: true }), 'int32', [0, 2, 4, 1, 3]],
    ['sort puts NaN last', () => sort(tensor([3, NaN, 1, -Infinity])), 'float32', [-Infinity, 1, 3, NaN]],
    ['sort descending puts NaN first', () => sort(tensor([3, NaN, 1]), 0, { descending: true }), 'float32', [NaN, 3, 1]],
    ['sort along the last axis by default', () => sort(tensor([[3, 1], [0, 2]])), 'float32', [[1, 3], [0, 2]]],
    ['sort along axis 0', () => sort(tensor([[3, 1], [1, 2]]), 0), 'float32', [[1, 1], [3, 2]]],
    ['argsort along axis 0', () => argsort(tensor([[3, 1], [1, 2]]), 0), 'int32', [[1, 0], [0, 1]]],
    ['sort keeps int32', () => sort(tensor([2, -5, 0], 'int32')), 'int32', [-5, 0, 2]],
    ['sort of bool', () => sort(tensor([T, F, T])), 'bool', [F, T, T]],
  ])('%s', expectNested);
  it('types sort and argsort', () => {
    expectTypeOf(sort(tensor([3, 1], 'int32'))).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(argsort(x, 0)).toEqualTypeOf<Tensor<[2, 3], 'int32'>>();
  });
});

describe('topk', () => {
  it.each<[string, () => { values: AnyTensor; indices: AnyTensor }, unknown, unknown]>([
    ['the 2 largest per row, ties by first index', () => topk(tensor([[1, 3, 3, 2], [5, 4, 6, 0]]), 2), [[3, 3], [6, 5]], [[1, 2], [2, 0]]],
    ['k equal to the last dim sorts descending', () => topk(tensor([2, 9, 4]), 3), [9, 4, 2], [1, 2, 0]],
    ['k = 0 is empty', () => topk(tensor([[1, 2]]), 0), [[]], [[]]],
    ['NaN counts as the largest', () => topk(tensor([1, NaN, 3]), 2), [NaN, 3], [1, 2]],
    ['int32 values stay int32', () => topk(tensor([4, -1, 7], 'int32'), 1), [7], [2]],
  ])('%s', (_, make, vals, idx) => {
    const { values: v, indices: i } = make();
    expect(toNested(v)).toEqual(vals);
    expect(toNested(i)).toEqual(idx);
    expect(i.dtype).toBe('int32');
  });
  it('types values and indices', () => {
    const r = topk(tensor([[1, 3, 3, 2], [5, 4, 6, 0]]), 2);
    expectTypeOf(r.values).toEqualTypeOf<Tensor<[2, 2]>>();
    expectTypeOf(r.indices).toEqualTypeOf<Tensor<[2, 2], 'int32'>>();
    expect(r.values.dtype).toBe('float32');
  });
});
