/** @file Elementwise ops: unary maths, binary arithmetic with broadcasting and promotion, comparisons, logic, where, clip, relu, cast. */
import { pipe } from 'fp-ts/lib/function.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  abs, add, atan2, cast, ceil, clip, cos, div, equal, erf, exp, expm1, floor, greater, greaterEqual, less, lessEqual,
  log, log1p, logicalAnd, logicalNot, logicalOr, maximum, minimum, mod, mul, neg, notEqual, pow, reciprocal, relu,
  round, rsqrt, sigmoid, sign, sin, sqrt, square, stopGradient, sub, tanh, tensor, toArray, toNested, where,
  zeros, type AnyTensor, type Tensor, ValueError,
} from '../../src/index.js';
import { expectClose } from '../backend/fixtures.js';

/** shape, dtype and row-major elements of a tensor */
const read = (t: AnyTensor) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(toArray(t) as ArrayLike<number>) });
const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const T = true, F = false;

describe('unary maths on float32', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 2]);
  const pos = tensor([0.25, 1, 4]);
  // expected values from the formulas, to 10 significant digits (float32 keeps about 7)
  it.each([
    ['neg', neg, x, [2, 0.5, -0, -0.5, -2]],
    ['abs', abs, x, [2, 0.5, 0, 0.5, 2]],
    ['sign', sign, x, [-1, -1, 0, 1, 1]],
    ['square', square, x, [4, 0.25, 0, 0.25, 4]],
    ['exp', exp, x, [0.1353352832, 0.6065306597, 1, 1.648721271, 7.389056099]],
    ['expm1', expm1, x, [-0.8646647168, -0.3934693403, 0, 0.6487212707, 6.389056099]],
    ['sin', sin, x, [-0.9092974268, -0.4794255386, 0, 0.4794255386, 0.9092974268]],
    ['cos', cos, x, [-0.4161468365, 0.8775825619, 1, 0.8775825619, -0.4161468365]],
    ['tanh', tanh, x, [-0.9640275801, -0.4621171573, 0, 0.4621171573, 0.9640275801]],
    ['sigmoid', sigmoid, x, [0.119202922, 0.3775406688, 0.5, 0.6224593312, 0.880797078]],
    ['erf', erf, x, [-0.995322265, -0.5204998778, 0, 0.5204998778, 0.995322265]],
    ['floor', floor, x, [-2, -1, 0, 0, 2]],
    ['ceil', ceil, x, [-2, -0, 0, 1, 2]],
    ['round', round, x, [-2, -0, 0, 0, 2]],
    ['log', log, pos, [-1.386294361, 0, 1.386294361]],
    ['log1p', log1p, pos, [0.2231435513, 0.6931471806, 1.609437912]],
    ['sqrt', sqrt, pos, [0.5, 1, 2]],
    ['rsqrt', rsqrt, pos, [2, 1, 0.5]],
    ['reciprocal', reciprocal, pos, [4, 1, 0.25]],
  ] as const)('%s', (_, f, input, expected) => {
    const y = (f as (t: AnyTensor) => AnyTensor)(input);
    expect(y.shape).toEqual(input.shape);
    expect(y.dtype).toBe('float32');
    expectClose(values(y), expected);
  });

  it.each([
    ['round half to even', round, [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6], [0, 2, 2, 4, -0, -2, -2, 2, 3, -3]],
    ['log at 0 and below', log, [0, -1], [-Infinity, NaN]],
    ['sqrt below 0', sqrt, [-1, -0], [NaN, -0]],
    ['reciprocal of signed zeros', reciprocal, [0, -0], [Infinity, -Infinity]],
    ['exp at the extremes', exp, [-Infinity, 1000], [0, Infinity]],
    ['sigmoid far out (no overflow, no NaN)', sigmoid, [-1000, 1000, -Infinity], [0, 1, 0]],
    ['tanh far out', tanh, [-1000, 1000], [-1, 1]],
    ['sign of NaN and of zeros', sign, [NaN, -0, 0], [NaN, 0, 0]],
    ['NaN through exp and floor', (t: AnyTensor) => floor(exp(t)), [NaN], [NaN]],
  ] as const)('%s', (_, f, input, expected) => {
    expect(values((f as (t: AnyTensor) => AnyTensor)(tensor(input as never)))).toEqual(expected);
  });

  it('log1p and expm1 stay accurate near 0 where log(1 + x) and exp(x) - 1 lose everything', () => {
    const tiny = Math.fround(1e-10);
    expectClose(values(log1p(tensor([tiny]))), [tiny]);
    expectClose(values(expm1(tensor([tiny]))), [tiny]);
    expect(values(log(add(1, tensor([tiny]))))).toEqual([0]);
  });
});

describe('unary dtypes', () => {
  const i = tensor([-3, 0, 4], 'int32');
  const b = tensor([true, false]);
  it.each([
    ['neg of int32 stays int32', neg(i), { shape: [3], dtype: 'int32', values: [3, 0, -4] }],
    ['abs of int32 stays int32', abs(i), { shape: [3], dtype: 'int32', values: [3, 0, 4] }],
    ['square of int32 stays int32', square(i), { shape: [3], dtype: 'int32', values: [9, 0, 16] }],
    ['sign of int32', sign(i), { shape: [3], dtype: 'int32', values: [-1, 0, 1] }],
    ['floor of int32 is the identity', floor(i), { shape: [3], dtype: 'int32', values: [-3, 0, 4] }],
    ['round of int32 is the identity', round(i), { shape: [3], dtype: 'int32', values: [-3, 0, 4] }],
    ['neg of bool counts in int32', neg(b), { shape: [2], dtype: 'int32', values: [-1, 0] }],
    ['exp of int32 is float32', exp(tensor([0, 1], 'int32')), { shape: [2], dtype: 'float32', values: [1, Math.fround(Math.E)] }],
    ['sqrt of int32 is float32', sqrt(tensor([4, 2], 'int32')), { shape: [2], dtype: 'float32', values: [2, Math.fround(Math.SQRT2)] }],
    ['reciprocal of int32 is float32', reciprocal(tensor([0, 2], 'int32')), { shape: [2], dtype: 'float32', values: [Infinity, 0.5] }],
    ['floor of bool keeps bool', floor(b), { shape: [2], dtype: 'bool', values: [1, 0] }],
    ['logicalNot', logicalNot(tensor([[T, F]])), { shape: [1, 2], dtype: 'bool', values: [0, 1] }],
  ])('%s', (_, y, expected) => {
    expect(read(y)).toEqual(expected);
  });
  it('types the dtypes', () => {
    expectTypeOf(exp(i)).toEqualTypeOf<Tensor<[3], 'float32'>>();
    expectTypeOf(neg(i)).toEqualTypeOf<Tensor<[3], 'int32'>>();
    expectTypeOf(neg(b)).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(floor(b)).toEqualTypeOf<Tensor<[2], 'bool'>>();
  });
});

describe('binary arithmetic with broadcasting', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const row = tensor([10, 20, 30]);
  const col = tensor([[2], [4]]);
  it.each<[string, AnyTensor, unknown]>([
    ['add a [2,3] and a row [3]', add(a, row), [[11, 22, 33], [14, 25, 36]]],
    ['sub a row from [2,3]', sub(a, row), [[-9, -18, -27], [-6, -15, -24]]],
    ['mul by a column [2,1]', mul(a, col), [[2, 4, 6], [16, 20, 24]]],
    ['div by a column', div(a, col), [[0.5, 1, 1.5], [1, 1.25, 1.5]]],
    ['maximum with a number', maximum(a, 3.5), [[3.5, 3.5, 3.5], [4, 5, 6]]],
    ['minimum with a row', minimum(a, tensor([2, 7, 0])), [[1, 2, 0], [2, 5, 0]]],
    ['column [2,1] by row [3] gives [2,3]', add(col, row), [[12, 22, 32], [14, 24, 34]]],
    ['a scalar tensor stretches to anything', mul(tensor(-1), a), [[-1, -2, -3], [-4, -5, -6]]],
    ['a number on the left', sub(10, a), [[9, 8, 7], [6, 5, 4]]],
    ['a size-0 axis broadcasts with 1', add(zeros([1, 0]), tensor([[1], [2]])), [[], []]],
  ])('%s', (_, y, expected) => {
    expect(toNested(y)).toEqual(expected);
  });

  it('types the broadcast shape', () => {
    expectTypeOf(add(a, row)).toEqualTypeOf<Tensor<[2, 3]>>();
    expectTypeOf(add(col, row)).toEqualTypeOf<Tensor<[2, 3]>>();
    expectTypeOf(sub(10, a)).toEqualTypeOf<Tensor<[2, 3]>>();
  });

  it('is data-last with one argument, for pipe', () => {
    expect(toNested(pipe(tensor([1, 2]), add(1), mul(2)))).toEqual([4, 6]);
    expect(toNested(sub(1)(tensor([5, 7])))).toEqual([4, 6]); // sub(b)(a) is a - b
    expect(toNested(div(4)(tensor([2])))).toEqual([0.5]);
    expect(toNested(pow(2)(tensor([3])))).toEqual([9]);
  });

  it.each([
    ['pow with float exponents', pow(tensor([2, 4, -8, 9]), tensor([3, 0.5, 1 / 3, -0.5])), [8, 2, NaN, 1 / 3]],
    ['pow: 1 ** NaN and NaN ** 0 are 1 (C99)', pow(tensor([1, NaN]), tensor([NaN, 0])), [1, 1]],
    ['pow of a negative base by an integer', pow(tensor([-2, -2]), tensor([3, -2])), [-8, 0.25]],
    ['floored mod (sign of the divisor)', mod(tensor([-7.5, 7.5, -7.5, 7.5]), tensor([2, -2, -2, 2])), [0.5, -0.5, -1.5, 1.5]],
    ['mod: an exact multiple takes the divisor\'s sign', mod(tensor([6, -6]), tensor([-3, 3])), [-0, 0]],
    ['mod by 0 (float) is NaN', mod(tensor([1]), 0), [NaN]],
    ['atan2(y, x) in all four quadrants', atan2(tensor([1, 1, -1, -1, 0]), tensor([1, -1, -1, 1, 1])), [Math.PI / 4, 3 * Math.PI / 4, -3 * Math.PI / 4, -Math.PI / 4, 0]],
    ['maximum propagates NaN from either side', maximum(tensor([1, NaN, 3]), tensor([2, 0, NaN])), [2, NaN, NaN]],
    ['minimum propagates NaN from either side', minimum(tensor([1, NaN, 3]), tensor([2, 0, NaN])), [1, NaN, NaN]],
    ['div by zero', div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]],
    ['add: NaN and infinities', add(tensor([NaN, Infinity, Infinity]), tensor([1, 1, -Infinity])), [NaN, Infinity, NaN]],
  ])('%s', (_, y, expected) => {
    expect(y.dtype).toBe('float32');
    expectClose(values(y), expected);
  });
});

describe('every binary op broadcasts', () => {
  // [2, 1] against [3] gives [2, 3] with out[i][j] = f(col[i], row[j]), and the other way round f(row[j], col[i])
  const col = [[-2], [3]], row = [1, 2, -4];
  // floored remainder; an exact multiple gives a zero with the divisor's sign (NumPy: mod(2., -2.) is -0.)
  const fmod = (a: number, b: number) => (a % b === 0 ? (b < 0 ? -0 : 0) : a - Math.floor(a / b) * b);
  it.each<[string, (a: AnyTensor, b: AnyTensor) => AnyTensor, (a: number, b: number) => number]>([
    ['add', add, (a, b) => a + b],
    ['sub', sub, (a, b) => a - b],
    ['mul', mul, (a, b) => a * b],
    ['div', div, (a, b) => a / b],
    ['pow', pow, (a, b) => a ** b],
    ['maximum', maximum, Math.max],
    ['minimum', minimum, Math.min],
    ['mod', mod, fmod],
    ['atan2', atan2, Math.atan2],
    ['equal', equal, (a, b) => Number(a === b)],
    ['notEqual', notEqual, (a, b) => Number(a !== b)],
    ['less', less, (a, b) => Number(a < b)],
    ['lessEqual', lessEqual, (a, b) => Number(a <= b)],
    ['greater', greater, (a, b) => Number(a > b)],
    ['greaterEqual', greaterEqual, (a, b) => Number(a >= b)],
  ])('%s', (_, f, formula) => {
    const y = f(tensor(col), tensor(row));
    expect(y.shape).toEqual([2, 3]);
    expectClose(values(y), col.flatMap(([a]) => row.map((b) => formula(a!, b))));
    const z = f(tensor(row), tensor(col));
    expect(z.shape).toEqual([2, 3]);
    expectClose(values(z), col.flatMap(([a]) => row.map((b) => formula(b, a!))));
  });
  it.each<[string, (a: AnyTensor, b: AnyTensor) => AnyTensor, (a: boolean, b: boolean) => boolean]>([
    ['logicalAnd', logicalAnd as (a: AnyTensor, b: AnyTensor) => AnyTensor, (a, b) => a && b],
    ['logicalOr', logicalOr as (a: AnyTensor, b: AnyTensor) => AnyTensor, (a, b) => a || b],
  ])('%s', (_, f, formula) => {
    const c = [[T], [F]], r = [T, F, T];
    expect(toNested(f(tensor(c), tensor(r)))).toEqual(c.map(([a]) => r.map((b) => formula(a!, b))));
  });
});

describe('dtype promotion (bool < int32 < float32; numbers are weak)', () => {
  const i = tensor([7, -7], 'int32');
  const f = tensor([0.5, 0.5]);
  const b = tensor([T, F]);
  it.each([
    ['int32 + int32 is int32', () => add(i, tensor([1, 1], 'int32')), 'int32', [8, -6]],
    ['int32 + float32 is float32', () => add(i, f), 'float32', [7.5, -6.5]],
    ['bool + bool counts in int32', () => add(b, b), 'int32', [2, 0]],
    ['bool * int32 is int32', () => mul(b, i), 'int32', [7, 0]],
    ['bool + float32 is float32', () => add(b, f), 'float32', [1.5, 0.5]],
    ['int32 + an integer number stays int32', () => add(i, 2), 'int32', [9, -5]],
    ['an integer number + int32 stays int32', () => add(2, i), 'int32', [9, -5]],
    ['float32 + a number stays float32', () => add(f, 2), 'float32', [2.5, 2.5]],
    ['bool + a number counts in int32', () => add(b, 1), 'int32', [2, 1]],
    ['two numbers are float32', () => mul(2, 3), 'float32', [6]],
    ['int32 / int32 is float32 (true division)', () => div(i, tensor([2, 2], 'int32')), 'float32', [3.5, -3.5]],
    ['int32 / a number is float32', () => div(i, 2), 'float32', [3.5, -3.5]],
    ['int32 / 0 is float32 infinity', () => div(tensor([1, -1, 0], 'int32'), 0), 'float32', [Infinity, -Infinity, NaN]],
    ['bool / bool is float32', () => div(b, tensor([T, T])), 'float32', [1, 0]],
    ['int32 floored mod, all sign combinations', () => mod(tensor([-7, 7, -7, 7], 'int32'), tensor([3, -3, -3, 3], 'int32')), 'int32', [2, -2, -1, 1]],
    ['int32 mod of an exact multiple is 0', () => mod(tensor([6, -6], 'int32'), -3), 'int32', [0, 0]],
    ['int32 pow', () => pow(tensor([2, 3, -2, 0], 'int32'), 3), 'int32', [8, 27, -8, 0]],
    ['int32 pow 0', () => pow(tensor([0, 5], 'int32'), 0), 'int32', [1, 1]],
    ['int32 maximum with a number', () => maximum(i, 0), 'int32', [7, 0]],
    ['int32 add wraps like int32', () => add(tensor([2 ** 31 - 1], 'int32'), 1), 'int32', [-(2 ** 31)]],
    ['int32 mul wraps like int32', () => mul(tensor([65536], 'int32'), 65537), 'int32', [65536]],
  ])('%s', (_, make, dtype, expected) => {
    const y = make();
    expect(y.dtype).toBe(dtype);
    expect(values(y)).toEqual(expected);
  });

  it('types the promoted dtypes', () => {
    expectTypeOf(add(i, 2)).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(add(i, f)).toEqualTypeOf<Tensor<[2], 'float32'>>();
    expectTypeOf(add(b, b)).toEqualTypeOf<Tensor<[2], 'int32'>>();
    expectTypeOf(div(i, i)).toEqualTypeOf<Tensor<[2], 'float32'>>();
    expectTypeOf(mul(2, 3)).toEqualTypeOf<Tensor<[], 'float32'>>();
    expectTypeOf(equal(i, 2)).toEqualTypeOf<Tensor<[2], 'bool'>>();
  });

  it.each([
    ['add', () => add(i, 2.5), 'add: the scalar 2.5 is not an integer but the tensor is int32; cast the tensor to float32 first'],
    ['mul with a bool tensor', () => mul(b, 0.5), 'mul: the scalar 0.5 is not an integer but the tensor is int32'],
    ['pow', () => pow(i, 0.5), 'pow: the scalar 0.5 is not an integer but the tensor is int32'],
    ['pow to a negative integer', () => pow(tensor([2], 'int32'), -1), 'pow: integers to negative integer powers are not allowed'],
    ['mod by 0', () => mod(i, 0), 'mod: integer modulo by zero'],
    ['mod by a 0 inside a tensor', () => mod(i, tensor([1, 0], 'int32')), 'mod: integer modulo by zero'],
  ])('int32 rejects: %s', (_, run, message) => {
    expect(run).toThrow(ValueError);
    expect(run).toThrow(message);
  });

  it('refuses a number that does not fit in int32 next to an int32 tensor', () => {
    expect(() => add(tensor([1], 'int32'), 2 ** 31)).toThrow('add: the scalar 2147483648 does not fit in int32');
    expect(toArray(add(tensor([1], 'int32'), 2 ** 31 - 2))[0]).toBe(2 ** 31 - 1);
  });
});

describe('comparisons', () => {
  const x = tensor([1, 2, NaN]);
  it.each<[string, AnyTensor, unknown]>([
    ['less', less(x, 2), [T, F, F]],
    ['lessEqual', lessEqual(x, 2), [T, T, F]],
    ['greater', greater(x, 2), [F, F, F]],
    ['greaterEqual', greaterEqual(x, 2), [F, T, F]],
    ['equal', equal(x, 2), [F, T, F]],
    ['notEqual', notEqual(x, 2), [T, F, T]],
    ['equal: NaN is not NaN', equal(x, x), [T, T, F]],
    ['notEqual: NaN differs from NaN', notEqual(x, NaN), [T, T, T]],
    ['less with NaN on the right', less(tensor([-Infinity, 0]), NaN), [F, F]],
    ['int32 against a fractional number is exact', greater(tensor([1, 2, 3], 'int32'), 1.5), [F, T, T]],
    ['int32 against float32', less(tensor([1, 2], 'int32'), tensor([1.5, 1.5])), [T, F]],
    ['int32 against NaN', equal(tensor([0], 'int32'), NaN), [F]],
    ['bool against bool', equal(tensor([T, F]), tensor([T, T])), [T, F]],
    ['a number on the left', less(1, tensor([0, 1, 2])), [F, F, T]],
  ])('%s', (_, y, expected) => {
    expect(y.dtype).toBe('bool');
    expect(toNested(y)).toEqual(expected);
  });

  it('broadcasts: a column against a row', () => {
    expect(toNested(less(tensor([[1], [2]]), tensor([0, 1, 2, 3])))).toEqual([[F, F, T, T], [F, F, F, T]]);
  });

  it('compares numbers by value, never as truth values or wrapped integers', () => {
    expect(toNested(equal(tensor([true, false]), 2))).toEqual([false, false]);
    expect(toNested(equal(tensor([true, false]), 1))).toEqual([true, false]);
    expect(toNested(less(tensor([1], 'int32'), 2 ** 32))).toEqual([true]);
    expect(toNested(greater(tensor([2 ** 31 - 1], 'int32'), 2 ** 31 - 2))).toEqual([true]);
  });
});

describe('logical ops', () => {
  const col = tensor([[T], [F]]);
  const row = tensor([T, F]);
  it.each<[string, AnyTensor, unknown]>([
    ['logicalAnd broadcasts', logicalAnd(col, row), [[T, F], [F, F]]],
    ['logicalOr broadcasts', logicalOr(col, row), [[T, T], [T, F]]],
    ['logicalNot', logicalNot(row), [F, T]],
  ])('%s', (_, y, expected) => {
    expect(y.dtype).toBe('bool');
    expect(toNested(y)).toEqual(expected);
  });
  it.each([
    ['logicalAnd', () => logicalAnd(tensor([1]) as never, row), 'logicalAnd: expects bool tensors, got float32'],
    ['logicalOr', () => logicalOr(row, tensor([1], 'int32') as never), 'logicalOr: expects bool tensors, got int32'],
    ['logicalNot', () => logicalNot(tensor([1]) as never), 'logicalNot: expects bool tensors, got float32'],
  ])('%s rejects non-bool input', (_, run, message) => {
    expect(run).toThrow(ValueError);
    expect(run).toThrow(message);
  });
});

describe('where', () => {
  const c = tensor([T, F, T]);
  it.each<[string, () => AnyTensor, string, unknown]>([
    ['picks elementwise', () => where(c, tensor([1, 2, 3]), tensor([10, 20, 30])), 'float32', [1, 20, 3]],
    ['broadcasts cond [2,1], a [3] and a number', () => where(tensor([[T], [F]]), tensor([1, 2, 3]), 0), 'float32', [[1, 2, 3], [0, 0, 0]]],
    ['broadcasts a [2,1] against cond [3]', () => where(c, tensor([[1], [2]]), -1), 'float32', [[1, -1, 1], [2, -1, 2]]],
    ['int32 with an integer number stays int32', () => where(c, tensor([1, 2, 3], 'int32'), 7), 'int32', [1, 7, 3]],
    ['int32 with float32 is float32', () => where(c, tensor([1, 2, 3], 'int32'), tensor([0.5, 0.5, 0.5])), 'float32', [1, 0.5, 3]],
    ['two numbers are float32', () => where(c, 1, 2.5), 'float32', [1, 2.5, 1]],
    ['bool with bool stays bool', () => where(c, tensor([F, F, F]), tensor([T, T, T])), 'bool', [F, T, F]],
    ['NaN passes through', () => where(c, NaN, 0), 'float32', [NaN, 0, NaN]],
  ])('%s', (_, make, dtype, expected) => {
    const y = make();
    expect(y.dtype).toBe(dtype);
    expect(toNested(y)).toEqual(expected);
  });
  it('types the broadcast of all three', () => {
    expectTypeOf(where(tensor([[T], [F]]), tensor([1, 2, 3]), 0)).toEqualTypeOf<Tensor<[2, 3]>>();
    expectTypeOf(where(c, tensor([1, 2, 3], 'int32'), 7)).toEqualTypeOf<Tensor<[3], 'int32'>>();
  });
  it.each([
    ['a float32 condition', () => where(tensor([1, 0]) as never, 1, 2), 'where: dtype float32 is not supported (expected bool)'],
    ['an int32 condition', () => where(tensor([1], 'int32') as never, 1, 2), 'where: dtype int32 is not supported (expected bool)'],
    ['a fractional number into int32', () => where(c, tensor([1, 2, 3], 'int32'), 0.5), 'where: the scalar 0.5 is not an integer but the tensor is int32'],
  ])('rejects %s', (_, run, message) => {
    expect(run).toThrow(ValueError);
    expect(run).toThrow(message);
  });
  it('lifts a number next to a bool tensor as int32, not as a truth value', () => {
    const y = where(tensor([true, false]), tensor([true, true]), 2);
    expect(y.dtype).toBe('int32');
    expect(toNested(y)).toEqual([1, 2]);
  });
});

describe('clip, relu, cast, stopGradient', () => {
  it.each<[string, () => AnyTensor, string, unknown]>([
    ['clip to [0, 1] keeps NaN', () => clip(tensor([-5, 0.5, 5, NaN]), 0, 1), 'float32', [0, 0.5, 1, NaN]],
    ['clip int32 stays int32', () => clip(tensor([-5, 3, 9], 'int32'), 0, 4), 'int32', [0, 3, 4]],
    ['clip to a single point', () => clip(tensor([-1, 2]), 1, 1), 'float32', [1, 1]],
    ['relu', () => relu(tensor([[-1, 0], [2, -0.5]])), 'float32', [[0, 0], [2, 0]]],
    ['relu of int32', () => relu(tensor([-3, 3], 'int32')), 'int32', [0, 3]],
    ['cast float32 to int32 truncates toward zero', () => cast(tensor([-1.7, 1.7, -0.5, 2.5, 0.9]), 'int32'), 'int32', [-1, 1, 0, 2, 0]],
    ['cast NaN to int32 gives 0', () => cast(tensor([NaN]), 'int32'), 'int32', [0]],
    ['cast to bool is x != 0 (NaN is true)', () => cast(tensor([-1.7, 0, 0.5, -0, NaN]), 'bool'), 'bool', [T, F, T, F, T]],
    ['cast int32 to bool', () => cast(tensor([0, -3], 'int32'), 'bool'), 'bool', [F, T]],
    ['cast bool to int32', () => cast(tensor([T, F]), 'int32'), 'int32', [1, 0]],
    ['cast bool to float32', () => cast(tensor([T, F]), 'float32'), 'float32', [1, 0]],
    ['cast int32 to float32 rounds past 2^24', () => cast(tensor([16777217, -3], 'int32'), 'float32'), 'float32', [16777216, -3]],
    ['cast to the same dtype', () => cast(tensor([1.5]), 'float32'), 'float32', [1.5]],
    ['stopGradient keeps the values', () => stopGradient(tensor([[1, 2]], 'int32')), 'int32', [[1, 2]]],
  ])('%s', (_, make, dtype, expected) => {
    const y = make();
    expect(y.dtype).toBe(dtype);
    expect(toNested(y)).toEqual(expected);
  });
  it('types cast and relu', () => {
    expectTypeOf(cast(tensor([1.5]), 'int32')).toEqualTypeOf<Tensor<[1], 'int32'>>();
    expectTypeOf(relu(tensor([1], 'int32'))).toEqualTypeOf<Tensor<[1], 'int32'>>();
  });
  it('clip rejects a lower bound above the upper', () => {
    expect(() => clip(tensor([1]), 2, 1)).toThrow(ValueError);
    expect(() => clip(tensor([1]), 2, 1)).toThrow('clip: lower bound 2 is above upper bound 1');
  });
  it('relu keeps NaN (max(x, 0) propagates it)', () => {
    expect(Number.isNaN(toArray(relu(tensor([NaN])))[0])).toBe(true);
  });
  it('cast names an unknown dtype', () => {
    expect(() => cast(tensor([1]), 'float64' as never)).toThrow(ValueError);
    expect(() => cast(tensor([1]), 'float64' as never)).toThrow('cast: unknown dtype float64');
  });
});
