/** @file Constructors and conversions: tensor, zeros/ones/full, arange, linspace, eye, fromArray/fromNested, named, toArray/toNested/item. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  arange, eye, fromArray, fromNested, full, isTensor, item, linspace, named, ones, ShapeMismatchError, slice, tensor,
  toArray, toNested, transpose, ValueError, zeros, type AnyTensor, type BoundaryError, type Dim, type Tensor,
} from '../../src/index.js';

/** shape, dtype and row-major elements of a tensor */
const read = (t: AnyTensor) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(toArray(t) as ArrayLike<number>) });
/** expects `run` to throw `error` with a message containing `message` */
const rejects = (_: string, run: () => unknown, error: typeof ShapeMismatchError | typeof ValueError, message: string): void => {
  expect(run).toThrow(error);
  expect(run).toThrow(message);
};
/** the error of a Left, or 'Right' */
const leftOf = (e: E.Either<BoundaryError, unknown>): BoundaryError | 'Right' => (E.isLeft(e) ? e.left : 'Right');

describe('tensor', () => {
  it.each([
    ['a number', 5, { shape: [], dtype: 'float32', values: [5] }],
    ['a vector', [1, 2, 3], { shape: [3], dtype: 'float32', values: [1, 2, 3] }],
    ['a matrix', [[1, 2, 3], [4, 5, 6]], { shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6] }],
    ['rank 3', [[[1], [2]]], { shape: [1, 2, 1], dtype: 'float32', values: [1, 2] }],
    ['booleans', [[true, false], [false, true]], { shape: [2, 2], dtype: 'bool', values: [1, 0, 0, 1] }],
    ['an empty list', [], { shape: [0], dtype: 'float32', values: [] }],
    ['empty rows', [[], []], { shape: [2, 0], dtype: 'float32', values: [] }],
  ] as const)('from %s', (_, literal, expected) => {
    expect(read(tensor(literal as never))).toEqual(expected);
  });

  it('infers the shape and dtype in the type', () => {
    expectTypeOf(tensor([[1, 2, 3], [4, 5, 6]])).toEqualTypeOf<Tensor<[2, 3]>>();
    expectTypeOf(tensor([[true], [false]])).toEqualTypeOf<Tensor<[2, 1], 'bool'>>();
    expectTypeOf(tensor([1, 2], 'int32')).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(tensor(7)).toEqualTypeOf<Tensor<[]>>();
    expectTypeOf(tensor([[]])).toEqualTypeOf<Tensor<[1, 0]>>();
    expect(tensor([[]]).dtype).toBe('float32');
  });

  it.each([
    ['int32', [[1, -2], [3, 4]], { shape: [2, 2], dtype: 'int32', values: [1, -2, 3, 4] }],
    ['bool from numbers (x != 0)', [1, 0, -2, 0.5], { shape: [4], dtype: 'bool', values: [1, 0, 1, 1] }],
    ['float32 from booleans', [true, false], { shape: [2], dtype: 'float32', values: [1, 0] }],
    ['int32 extremes', [-(2 ** 31), 2 ** 31 - 1], { shape: [2], dtype: 'int32', values: [-2147483648, 2147483647] }],
  ] as const)('with dtype %s', (dtype, literal, expected) => {
    expect(read(tensor(literal as never, expected.dtype))).toEqual(expected);
  });

  it('rounds to float32 (0.1 is stored as fround(0.1))', () => {
    expect(toArray(tensor([0.1, 1 / 3]))).toEqual(Float32Array.of(Math.fround(0.1), Math.fround(1 / 3)));
    expect(toArray(tensor([0.1]))[0]).not.toBe(0.1);
  });

  it.each([
    ['a fractional int32', () => tensor([1, 1.5], 'int32'), ValueError, 'tensor: element 1 (1.5) is not a 32-bit integer (dtype int32)'],
    ['an int32 out of range', () => tensor([2 ** 31], 'int32'), ValueError, 'tensor: element 0 (2147483648) is not a 32-bit integer'],
    ['a ragged row', () => tensor([[1, 2], [3]] as never), ValueError, 'tensor: ragged nested array: [1] has length 1, expected length 2 (axis 1)'],
    ['a scalar where a row should be', () => tensor([[1, 2], 3] as never), ValueError, 'tensor: ragged nested array: [1] has a scalar, expected length 2 (axis 1)'],
    ['a row where a scalar should be', () => tensor([1, [2]] as never), ValueError, 'tensor: element at [1] is an array (ragged nesting)'],
    ['a string', () => tensor([1, 'a'] as never), ValueError, 'tensor: element at [1] is string, not a number or boolean'],
    ['an unknown dtype', () => tensor([1], 'float64' as never), ValueError, 'tensor: unknown dtype float64 (float32, int32 or bool)'],
  ] as const)('rejects %s', rejects);
});

describe('zeros, ones, full', () => {
  it.each([
    ['zeros([2, 3])', () => zeros([2, 3]), { shape: [2, 3], dtype: 'float32', values: [0, 0, 0, 0, 0, 0] }],
    ['zeros([])', () => zeros([]), { shape: [], dtype: 'float32', values: [0] }],
    ['zeros([0, 3])', () => zeros([0, 3]), { shape: [0, 3], dtype: 'float32', values: [] }],
    ['ones([2], int32)', () => ones([2], 'int32'), { shape: [2], dtype: 'int32', values: [1, 1] }],
    ['ones([1, 2], bool)', () => ones([1, 2], 'bool'), { shape: [1, 2], dtype: 'bool', values: [1, 1] }],
    ['full([2, 2], 7)', () => full([2, 2], 7), { shape: [2, 2], dtype: 'float32', values: [7, 7, 7, 7] }],
    ['full([3], true)', () => full([3], true), { shape: [3], dtype: 'bool', values: [1, 1, 1] }],
    ['full([2], -3, int32)', () => full([2], -3, 'int32'), { shape: [2], dtype: 'int32', values: [-3, -3] }],
    ['full([1], 0.5)', () => full([1], 0.5), { shape: [1], dtype: 'float32', values: [0.5] }],
  ])('%s', (_, make, expected) => {
    expect(read(make())).toEqual(expected);
  });

  it('types the shape and dtype', () => {
    expectTypeOf(zeros([3, 4])).toEqualTypeOf<Tensor<[3, 4]>>();
    expectTypeOf(ones([2], 'int32')).toEqualTypeOf<Tensor<[2], 'int32'>>();
  });

  it.each([
    ['a negative dim', () => zeros([2, -1]), ShapeMismatchError, 'zeros: dim -1 at axis 1 is not a non-negative integer'],
    ['a fractional dim', () => ones([1.5]), ShapeMismatchError, 'ones: dim 1.5 at axis 0 is not a non-negative integer'],
    ['a NaN dim', () => zeros([NaN]), ShapeMismatchError, 'zeros: dim NaN at axis 0 is not a non-negative integer'],
    ['a fractional int32 fill', () => full([2], 1.5, 'int32'), ValueError, 'full: element 0 (1.5) is not a 32-bit integer'],
    ['an unknown dtype', () => zeros([2], 'int8' as never), ValueError, 'unknown dtype int8'],
  ] as const)('rejects %s', rejects);
});

describe('arange', () => {
  it.each([
    ['arange(4)', () => arange(4), [4], [0, 1, 2, 3]],
    ['arange(2, 10, 3)', () => arange(2, 10, 3), [3], [2, 5, 8]],
    ['arange(5, 0, -2)', () => arange(5, 0, -2), [3], [5, 3, 1]],
    ['arange(0, 1, 0.25)', () => arange(0, 1, 0.25), [4], [0, 0.25, 0.5, 0.75]],
    ['arange(-1.5, 1)', () => arange(-1.5, 1), [3], [-1.5, -0.5, 0.5]],
    ['arange(3, 3)', () => arange(3, 3), [0], []],
    ['arange(5, 0)', () => arange(5, 0), [0], []],
    ['arange(0)', () => arange(0), [0], []],
  ])('%s', (_, make, shape, values) => {
    expect(read(make())).toEqual({ shape, dtype: 'float32', values });
  });

  it('takes a dtype', () => {
    expect(read(arange(0, 6, 2, 'int32'))).toEqual({ shape: [3], dtype: 'int32', values: [0, 2, 4] });
  });

  it('knows the length in the type for natural literals', () => {
    expectTypeOf(arange(4)).toEqualTypeOf<Tensor<[4]>>();
    expectTypeOf(arange(2, 10, 3)).toEqualTypeOf<Tensor<[3]>>();
    expectTypeOf(arange(5, 0)).toEqualTypeOf<Tensor<[0]>>();
    expectTypeOf(arange(0, 1, 0.25)).toEqualTypeOf<Tensor<[number]>>();
    expectTypeOf(arange(0, 6, 2, 'int32')).toEqualTypeOf<Tensor<[3], 'int32'>>();
  });

  it.each([
    ['step 0', () => arange(0, 5, 0 as number), 'arange: start 0, stop 5, step 0: all must be finite and step non-zero'],
    ['an infinite stop', () => arange(0, Infinity), 'arange: start 0, stop Infinity, step 1: all must be finite'],
    ['a NaN start', () => arange(NaN, 3), 'arange: start NaN'],
    ['an unknown dtype', () => arange(0, 3, 1, 'int64' as never), 'arange: unknown dtype int64 (float32, int32 or bool)'],
    ['fractions as int32', () => arange(0, 1, 0.5, 'int32'), 'arange: element 1 (0.5) is not a 32-bit integer'],
  ])('rejects %s', (_, run, message) => {
    expect(run).toThrow(ValueError);
    expect(run).toThrow(message);
  });
});

describe('linspace and eye', () => {
  it.each([
    ['linspace(0, 1, 5)', () => linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]],
    ['linspace(1, 0, 3)', () => linspace(1, 0, 3), [1, 0.5, 0]],
    ['linspace(-2, 2, 2)', () => linspace(-2, 2, 2), [-2, 2]],
    ['linspace(3, 9, 1)', () => linspace(3, 9, 1), [3]],
    ['linspace(0, 1, 0)', () => linspace(0, 1, 0), []],
  ])('%s', (_, make, values) => {
    expect(read(make())).toEqual({ shape: [values.length], dtype: 'float32', values });
  });
  it('linspace ends exactly at stop even when the step is inexact', () => {
    const x = toArray(linspace(0, 1, 7));
    expect(x[6]).toBe(1);
    x.forEach((v, i) => expect(v).toBeCloseTo(i / 6, 6));
  });
  it('linspace rejects a count that is not a natural number', () => {
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
    expect(() => linspace(0, 1, -1)).toThrow('linspace: num -1 must be a non-negative integer');
  });

  it.each([
    ['eye(2)', () => eye(2), { shape: [2, 2], dtype: 'float32', values: [1, 0, 0, 1] }],
    ['eye(2, 3)', () => eye(2, 3), { shape: [2, 3], dtype: 'float32', values: [1, 0, 0, 0, 1, 0] }],
    ['eye(3, 2)', () => eye(3, 2), { shape: [3, 2], dtype: 'float32', values: [1, 0, 0, 1, 0, 0] }],
    ['eye(2, 2, int32)', () => eye(2, 2, 'int32'), { shape: [2, 2], dtype: 'int32', values: [1, 0, 0, 1] }],
    ['eye(0)', () => eye(0), { shape: [0, 0], dtype: 'float32', values: [] }],
  ])('%s', (_, make, expected) => {
    expect(read(make())).toEqual(expected);
  });
  it('eye types its shape', () => {
    expectTypeOf(eye(3)).toEqualTypeOf<Tensor<[3, 3]>>();
    expectTypeOf(eye(2, 5)).toEqualTypeOf<Tensor<[2, 5]>>();
  });
});

describe('fromArray', () => {
  it.each([
    ['numbers', () => fromArray([1, 2, 3, 4, 5, 6], [2, 3]), { shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6] }],
    ['a Float32Array', () => fromArray(Float32Array.of(0.5, -1), [2]), { shape: [2], dtype: 'float32', values: [0.5, -1] }],
    ['int32', () => fromArray(Int32Array.of(7, -8), [2, 1], 'int32'), { shape: [2, 1], dtype: 'int32', values: [7, -8] }],
    ['booleans', () => fromArray([true, false, true], [3], 'bool'), { shape: [3], dtype: 'bool', values: [1, 0, 1] }],
    ['a scalar', () => fromArray([4], []), { shape: [], dtype: 'float32', values: [4] }],
    ['nothing', () => fromArray([], [0, 5]), { shape: [0, 5], dtype: 'float32', values: [] }],
  ])('gives Right for %s', (_, make, expected) => {
    const r: E.Either<BoundaryError, AnyTensor> = make();
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) expect(read(r.right)).toEqual(expected);
  });

  it('types the Right', () => {
    expectTypeOf(fromArray([1, 2, 3, 4], [2, 2])).toEqualTypeOf<E.Either<BoundaryError, Tensor<[2, 2]>>>();
  });

  it.each([
    ['too few values', () => fromArray([1, 2, 3], [2, 2]), ShapeMismatchError, 'fromArray: 3 values cannot fill shape [2, 2] (4 elements)'],
    ['too many values', () => fromArray([1, 2, 3], [2]), ShapeMismatchError, 'fromArray: 3 values cannot fill shape [2] (2 elements)'],
    ['a fractional int32', () => fromArray([1, 2.5], [2], 'int32'), ValueError, 'fromArray: element 1 (2.5) is not a 32-bit integer (dtype int32)'],
    ['a string', () => fromArray([1, 'x'] as never, [2]), ValueError, 'fromArray: element 1 is string, not a number'],
    ['null', () => fromArray([null] as never, [1]), ValueError, 'fromArray: element 0 is object, not a number'],
    ['a NaN dim', () => fromArray([1], [NaN]), ShapeMismatchError, 'fromArray: dim NaN at axis 0 is not a non-negative integer'],
    ['a negative dim', () => fromArray([], [2, -2]), ShapeMismatchError, 'fromArray: dim -2 at axis 1 is not a non-negative integer'],
    ['a fractional dim', () => fromArray([1, 2], [0.5, 4]), ShapeMismatchError, 'fromArray: dim 0.5 at axis 0'],
    ['an unknown dtype', () => fromArray([1], [1], 'uint8' as never), ValueError, 'fromArray: unknown dtype uint8'],
  ])('gives Left for %s', (_, make, error, message) => {
    const left = leftOf(make());
    expect(left).toBeInstanceOf(error);
    expect((left as BoundaryError).message).toContain(message);
  });

  it('still throws what is not a boundary error (it does not swallow bugs)', () => {
    expect(() => fromArray(null as never, [1])).toThrow(TypeError);
  });
});

describe('fromNested', () => {
  it.each([
    ['a matrix', () => fromNested([[1, 2], [3, 4]]), { shape: [2, 2], dtype: 'float32', values: [1, 2, 3, 4] }],
    ['a number', () => fromNested(2.5), { shape: [], dtype: 'float32', values: [2.5] }],
    ['parsed JSON', () => fromNested(JSON.parse('[[1,2,3]]') as unknown, [1, 3]), { shape: [1, 3], dtype: 'float32', values: [1, 2, 3] }],
    ['int32', () => fromNested([[5], [-6]], [2, 1], 'int32'), { shape: [2, 1], dtype: 'int32', values: [5, -6] }],
    ['booleans as bool', () => fromNested([true, false], [2], 'bool'), { shape: [2], dtype: 'bool', values: [1, 0] }],
    ['a named dim', () => fromNested([[1, 2, 3]], ['B', 3]), { shape: [1, 3], dtype: 'float32', values: [1, 2, 3] }],
    ['a name used twice for one size', () => fromNested([[1, 2], [3, 4]], ['N', 'N']), { shape: [2, 2], dtype: 'float32', values: [1, 2, 3, 4] }],
    ['NaN values (they are numbers)', () => fromNested([NaN]), { shape: [1], dtype: 'float32', values: [NaN] }],
  ])('gives Right for %s', (_, make, expected) => {
    const r: E.Either<BoundaryError, AnyTensor> = make();
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) expect(read(r.right)).toEqual(expected);
  });

  it('types the Right with the expected shape (names kept)', () => {
    expectTypeOf(fromNested([[1, 2, 3]], ['B', 3])).toEqualTypeOf<E.Either<BoundaryError, Tensor<['B', 3]>>>();
    expectTypeOf(fromNested([1])).toEqualTypeOf<E.Either<BoundaryError, Tensor<Dim[]>>>();
  });

  it.each([
    ['a ragged array', () => fromNested([[1, 2], [3]]), ValueError, 'fromNested: ragged nested array: [1] has length 1, expected length 2 (axis 1)'],
    ['a deeper ragged array', () => fromNested([[[1], [2]], [[3], []]]), ValueError, 'fromNested: ragged nested array: [1][1] has length 0, expected length 1 (axis 2)'],
    ['a string', () => fromNested([['a']]), ValueError, 'fromNested: element at [0][0] is string, not a number or boolean'],
    ['null', () => fromNested(null), ValueError, 'fromNested: element at the top is object'],
    ['an object', () => fromNested([{}]), ValueError, 'fromNested: element at [0] is object'],
    ['a fractional int32', () => fromNested([1, 2.5], [2], 'int32'), ValueError, 'fromNested: element 1 (2.5) is not a 32-bit integer'],
    ['a different dim', () => fromNested([[1, 2], [3, 4]], [2, 3]), ShapeMismatchError, 'fromNested: dim 2 at axis 1, expected 3'],
    ['a different rank', () => fromNested([1, 2], [2, 1]), ShapeMismatchError, 'fromNested: rank 1 where 2 was expected'],
    ['a name used twice for two sizes', () => fromNested([[1, 2, 3], [4, 5, 6]], ['N', 'N']), ShapeMismatchError, "fromNested: 'N' is 2 and 3 (axis 1)"],
  ])('gives Left for %s', (_, make, error, message) => {
    const left = leftOf(make());
    expect(left).toBeInstanceOf(error);
    expect((left as BoundaryError).message).toContain(message);
  });
});

describe('named', () => {
  it('returns the same values with names in the type', () => {
    const x = named(tensor([[1, 2, 3], [4, 5, 6]]), ['B', 3]);
    expectTypeOf(x).toEqualTypeOf<Tensor<['B', 3]>>();
    expect(read(x)).toEqual({ shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6] });
    expect(toNested(named(zeros([2, 2]), ['N', 'N']))).toEqual([[0, 0], [0, 0]]);
  });
  it.each([
    ['a name used twice for two sizes', () => named(zeros([2, 3]), ['B', 'B']), "named: 'B' is 2 and 3 (axis 1); shapes [2, 3] and [B, B]"],
    ['a literal dim that differs', () => named(zeros([2, 3]) as AnyTensor, [2, 4]), 'named: dim 3 at axis 1, expected 4'],
    ['the wrong number of names', () => named(zeros([2, 3]) as AnyTensor, ['B']), 'named: rank 2 where 1 was expected'],
  ])('rejects %s', (_, run, message) => {
    expect(run).toThrow(ShapeMismatchError);
    expect(run).toThrow(message);
  });
});

describe('toArray, toNested, item', () => {
  it('toArray gives the storage array of the dtype, in row-major order of the view', () => {
    expect(toArray(tensor([1, 2]))).toEqual(Float32Array.of(1, 2));
    expect(toArray(tensor([1, 2], 'int32'))).toEqual(Int32Array.of(1, 2));
    expect(toArray(tensor([true, false]))).toEqual(Uint8Array.of(1, 0));
    expect(toArray(transpose(tensor([[1, 2], [3, 4]])))).toEqual(Float32Array.of(1, 3, 2, 4));
    expect(toArray(slice(arange(6), [[1, null, 2]]))).toEqual(Float32Array.of(1, 3, 5));
    expectTypeOf(toArray(tensor([1], 'int32'))).toEqualTypeOf<Int32Array>();
  });
  it('toNested gives nested arrays (booleans for bool)', () => {
    expect(toNested(tensor([[1, 2, 3], [4, 5, 6]]))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(toNested(tensor([[true], [false]]))).toEqual([[true], [false]]);
    expect(toNested(tensor(3))).toBe(3);
    expect(toNested(zeros([2, 0]))).toEqual([[], []]);
    expectTypeOf(toNested(tensor([[1, 2]]))).toEqualTypeOf<number[][]>();
    expectTypeOf(toNested(tensor([true]))).toEqualTypeOf<boolean[]>();
  });
  it('item gives the single element', () => {
    expect(item(tensor(3.5))).toBe(3.5);
    expect(item(tensor([[7]], 'int32'))).toBe(7);
    expect(item(tensor([[true]]))).toBe(true);
    expectTypeOf(item(tensor(true))).toEqualTypeOf<boolean>();
  });
  it('item rejects more or fewer than one element', () => {
    expect(() => item(zeros([2]) as AnyTensor)).toThrow(ShapeMismatchError);
    expect(() => item(zeros([2]) as AnyTensor)).toThrow('item: tensor has 2 elements, not 1');
    expect(() => item(zeros([0]) as AnyTensor)).toThrow('item: tensor has 0 elements, not 1');
  });
  it('returns copies: changing them leaves the tensor as it was', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const flat = toArray(x);
    flat[0] = 99;
    const nested = toNested(x);
    nested[1]![1] = 99;
    nested.push([5, 6]);
    expect(toNested(x)).toEqual([[1, 2], [3, 4]]);
    expect(toArray(x)).not.toBe(toArray(x));
  });
});

describe('the tensor record', () => {
  it('has shape, dtype, rank and size', () => {
    const x = zeros([2, 3, 4], 'int32');
    expect({ shape: x.shape, dtype: x.dtype, rank: x.rank, size: x.size }).toEqual({ shape: [2, 3, 4], dtype: 'int32', rank: 3, size: 24 });
    const s = tensor(1);
    expect({ shape: s.shape, rank: s.rank, size: s.size }).toEqual({ shape: [], rank: 0, size: 1 });
  });
  it('isTensor tells tensors from other values', () => {
    expect([zeros([1]), tensor(true)].map(isTensor)).toEqual([true, true]);
    expect([{}, null, undefined, [1], 1, { shape: [1], dtype: 'float32' }].map(isTensor)).toEqual([false, false, false, false, false, false]);
  });
});
