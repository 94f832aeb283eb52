/** @file Reference elementwise kernels: unary, binary, where, cast, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { reference as K } from '../../src/backend/reference.js';
import { ShapeMismatchError, ValueError } from '../../src/shape/errors.js';
import { bool, expectClose, f32, i32, read, restride, transposed } from './fixtures.js';

describe('unary on float32', () => {
  const cases: readonly (readonly [UnaryOp, readonly number[], readonly number[]])[] = [
    ['neg', [1, -2, 0], [-1, 2, -0]],
    ['abs', [-1.5, 2, -0], [1.5, 2, 0]],
    ['sign', [-3, 0, 2, NaN, -0], [-1, 0, 1, NaN, 0]],
    ['exp', [0, 1, -Infinity], [1, Math.E, 0]],
    ['log', [1, 0, -1, Math.E], [0, -Infinity, NaN, 1]],
    ['log1p', [0, 1e-7, Math.E - 1], [0, 9.9999995e-8, 1]],
    ['expm1', [0, 1e-7, 1], [0, 1.00000005e-7, 1.7182818284590453]],
    ['sqrt', [4, 2, -1], [2, Math.SQRT2, NaN]],
    ['rsqrt', [4, 0.25, 0], [0.5, 2, Infinity]],
    ['sin', [0, Math.PI / 2], [0, 1]],
    ['cos', [0, Math.PI], [1, -1]],
    ['tanh', [0, 1, 20, -20], [0, 0.7615941559557649, 1, -1]],
    ['sigmoid', [0, 2, -1000, 1000, NaN], [0.5, 0.8807970779778823, 0, 1, NaN]],
    ['erf', [0, 0.1, 0.5, 1, 2, -3, Infinity], [0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014, 1]],
    ['floor', [1.5, -1.5, -0.5, 2], [1, -2, -1, 2]],
    ['ceil', [1.5, -1.5, -0.5, 2], [2, -1, -0, 2]],
    ['round', [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3.5, -0.2, Infinity], [0, 2, 2, -0, -2, -2, 2, -3, 4, -0, Infinity]],
    ['square', [3, -2, 0.5], [9, 4, 0.25]],
    ['reciprocal', [2, -4, 0, -0], [0.5, -0.25, Infinity, -Infinity]],
  ];
  it.each(cases)('%s', (op, x, expected) => {
    const out = read(K.unary(op, f32(x), 'float32'));
    expect(out.dtype).toBe('float32');
    expectClose(out.values, expected);
  });

  it('not is the logical not of bool, giving bool', () => {
    expect(read(K.unary('not', bool([1, 0, 0]), 'bool'))).toEqual({ dtype: 'bool', shape: [3], values: [0, 1, 1] });
  });
  it('reads integers and computes in double when the output is float32 (exp of int32)', () => {
    expectClose(read(K.unary('exp', i32([0, 1, 2]), 'float32')).values, [1, Math.E, Math.E * Math.E]);
    expectClose(read(K.unary('sqrt', bool([1, 0]), 'float32')).values, [1, 0]);
  });
  it('wraps int32 results: square by Math.imul, neg and abs of -2^31', () => {
    expect(read(K.unary('square', i32([65536, 46341, -7]), 'int32')).values).toEqual([0, -2147479015, 49]);
    expect(read(K.unary('neg', i32([-2147483648, 5]), 'int32')).values).toEqual([-2147483648, -5]);
    expect(read(K.unary('abs', i32([-2147483648, -5]), 'int32')).values).toEqual([-2147483648, 5]);
    expect(read(K.unary('sign', i32([-9, 0, 4]), 'int32')).values).toEqual([-1, 0, 1]);
  });
  it('reads transposed, stepped and offset inputs through their strides', () => {
    // storage 0..5 as [[0,1,2],[3,4,5]]; its transpose is [[0,3],[1,4],[2,5]]
    expect(read(K.unary('neg', transposed(f32([0, 1, 2, 3, 4, 5], [2, 3])), 'float32'))).toEqual({
      dtype: 'float32', shape: [3, 2], values: [-0, -3, -1, -4, -2, -5],
    });
    // every second element from index 1: [1, 3, 5]
    expect(read(K.unary('square', restride(f32([0, 1, 2, 3, 4, 5]), [3], [2], 1), 'float32')).values).toEqual([1, 9, 25]);
  });
  it('handles rank 0 and zero-size views', () => {
    expect(read(K.unary('neg', f32([4], []), 'float32'))).toEqual({ dtype: 'float32', shape: [], values: [-4] });
    expect(read(K.unary('exp', f32([], [0, 3]), 'float32'))).toEqual({ dtype: 'float32', shape: [0, 3], values: [] });
  });
});

describe('binary on float32', () => {
  const cases: readonly (readonly [BinaryOp, readonly number[], readonly number[], readonly number[]])[] = [
    ['add', [1, 2.5, Infinity], [2, -0.5, -Infinity], [3, 2, NaN]],
    ['sub', [1, 2.5, 0], [2, -0.5, 0], [-1, 3, 0]],
    ['mul', [3, -2, 0], [4, 0.5, -1], [12, -1, -0]],
    ['div', [1, 1, 0, -3], [4, 0, 0, 2], [0.25, Infinity, NaN, -1.5]],
    ['pow', [2, 2, -8, 1, NaN, -1, 0], [10, 0.5, 1 / 3, NaN, 0, Infinity, -1], [1024, Math.SQRT2, NaN, 1, 1, 1, Infinity]],
    ['maximum', [1, NaN, 3, -1], [2, 0, NaN, -5], [2, NaN, NaN, -1]],
    ['minimum', [1, NaN, 3, -1], [2, 0, NaN, -5], [1, NaN, NaN, -5]],
    ['mod', [-7, 7, 7, -7, 5.5, -5.5, 6, -6, 1, 3], [3, -3, 3, -3, 2, 2, -3, 3, 0, Infinity], [2, -2, 1, -1, 1.5, 0.5, -0, 0, NaN, 3]],
    ['atan2', [1, 1, 0, -1], [1, -1, 1, 0], [Math.PI / 4, (3 * Math.PI) / 4, 0, -Math.PI / 2]],
  ];
  it.each(cases)('%s', (op, a, b, expected) => {
    const out = read(K.binary(op, f32(a), f32(b), [a.length], 'float32'));
    expectClose(out.values, expected);
  });
});

describe('comparisons and logic give bool; NaN compares false except notEqual', () => {
  const a = [1, 2, 3, NaN, NaN];
  const b = [2, 2, 1, 1, NaN];
  const cases: readonly (readonly [BinaryOp, readonly number[]])[] = [
    ['equal', [0, 1, 0, 0, 0]],
    ['notEqual', [1, 0, 1, 1, 1]],
    ['less', [1, 0, 0, 0, 0]],
    ['lessEqual', [1, 1, 0, 0, 0]],
    ['greater', [0, 0, 1, 0, 0]],
    ['greaterEqual', [0, 1, 1, 0, 0]],
  ];
  it.each(cases)('%s', (op, expected) => {
    expect(read(K.binary(op, f32(a), f32(b), [5], 'bool'))).toEqual({ dtype: 'bool', shape: [5], values: expected });
  });
  it('compares int32 with int32 exactly', () => {
    expect(read(K.binary('less', i32([2147483646, -5]), i32([2147483647, -5]), [2], 'bool')).values).toEqual([1, 0]);
  });
  it.each([
    ['and', [0, 0, 0, 1]],
    ['or', [0, 1, 1, 1]],
  ] as const)('%s on bool', (op, expected) => {
    expect(read(K.binary(op, bool([0, 0, 1, 1]), bool([0, 1, 0, 1]), [4], 'bool'))).toEqual({ dtype: 'bool', shape: [4], values: expected });
  });
});

describe('binary on int32 wraps like int32', () => {
  const cases: readonly (readonly [BinaryOp, readonly number[], readonly number[], readonly number[]])[] = [
    ['add', [2147483647, -2147483648, 5], [1, -1, -7], [-2147483648, 2147483647, -2]],
    ['sub', [-2147483648, 3], [1, 10], [2147483647, -7]],
    ['mul', [65536, 123456789, -3], [65536, 987654321, 7], [0, -67153019, -21]],
    ['pow', [3, 2, 2, 0, -2, 5, -1], [4, 31, 32, 0, 3, 1, 7], [81, -2147483648, 0, 1, -8, 5, -1]],
    ['mod', [-7, 7, 7, -7, 6, 0], [3, -3, 3, -3, -3, 5], [2, -2, 1, -1, 0, 0]],
    ['maximum', [-2147483648, 4], [2147483647, 3], [2147483647, 4]],
    ['minimum', [-2147483648, 4], [2147483647, 3], [-2147483648, 3]],
  ];
  it.each(cases)('%s', (op, a, b, expected) => {
    expect(read(K.binary(op, i32(a), i32(b), [a.length], 'int32'))).toEqual({ dtype: 'int32', shape: [a.length], values: expected });
  });
  it('throws ValueError for a negative integer power, a zero modulus and int32 div', () => {
    const call = (op: BinaryOp, b: number) => () => K.binary(op, i32([2, 3]), i32([1, b]), [2], 'int32');
    expect(call('pow', -1)).toThrow(new ValueError('pow', 'integers to negative integer powers are not allowed'));
    expect(call('mod', 0)).toThrow(new ValueError('mod', 'integer modulo by zero'));
    expect(call('div', 2)).toThrow(ValueError);
  });
  it('adds bools into int32', () => {
    expect(read(K.binary('add', bool([1, 1, 0]), bool([1, 0, 0]), [3], 'int32')).values).toEqual([2, 1, 0]);
  });
});

describe('binary broadcasting and strides', () => {
  it('broadcasts [2,1] with [3] to [2,3]', () => {
    expect(read(K.binary('sub', f32([10, 20], [2, 1]), f32([1, 2, 3]), [2, 3], 'float32'))).toEqual({
      dtype: 'float32', shape: [2, 3], values: [9, 8, 7, 19, 18, 17],
    });
  });
  it('broadcasts a rank-0 operand and an explicit stride-0 view', () => {
    const row = restride(f32([9, 1, 2]), [2, 2], [0, 1], 1); // [[1,2],[1,2]] from offset 1
    expect(read(K.binary('mul', f32([3], []), row, [2, 2], 'float32')).values).toEqual([3, 6, 3, 6]);
  });
  it('reads a transposed operand against a contiguous one', () => {
    const a = transposed(f32([1, 2, 3, 4], [2, 2])); // [[1,3],[2,4]]
    expect(read(K.binary('sub', a, f32([1, 1, 1, 1], [2, 2]), [2, 2], 'float32')).values).toEqual([0, 2, 1, 3]);
  });
  it('gives rank 0 and zero-size results', () => {
    expect(read(K.binary('add', f32([1], []), f32([2], []), [], 'float32'))).toEqual({ dtype: 'float32', shape: [], values: [3] });
    expect(read(K.binary('add', f32([], [0, 1]), f32([1, 2]), [0, 2], 'float32')).values).toEqual([]);
  });
  it('rejects operands that do not broadcast to the shape', () => {
    expect(() => K.binary('add', f32([1, 2, 3]), f32([1, 2]), [3], 'float32')).toThrow(ShapeMismatchError);
  });
});

describe('where', () => {
  it('selects a where cond is true, b elsewhere, broadcasting all three', () => {
    const cond = bool([1, 0, 0, 1], [2, 2]);
    expect(read(K.where(cond, f32([7], []), f32([1, 2]), [2, 2], 'float32'))).toEqual({
      dtype: 'float32', shape: [2, 2], values: [7, 2, 1, 7],
    });
  });
  it('converts on store to the output dtype and reads strided inputs', () => {
    const a = restride(f32([0, 2.7, 0, -2.7]), [2], [2], 1); // [2.7, -2.7]
    expect(read(K.where(bool([1, 1]), a, i32([0, 0]), [2], 'int32')).values).toEqual([2, -2]);
  });
});

describe('cast', () => {
  const cases = [
    ['float32 -> int32 truncates toward zero, NaN -> 0', f32([1.9, -1.9, NaN, 0, -0.5]), 'int32', [1, -1, 0, 0, 0]],
    ['float32 -> bool is !== 0 (NaN -> true)', f32([0, -0, 0.5, NaN, -3]), 'bool', [0, 0, 1, 1, 1]],
    ['int32 -> float32 rounds to float32', i32([16777217, -4]), 'float32', [16777216, -4]],
    ['int32 -> bool', i32([0, -3, 7]), 'bool', [0, 1, 1]],
    ['bool -> int32', bool([1, 0]), 'int32', [1, 0]],
    ['bool -> float32', bool([0, 1]), 'float32', [0, 1]],
  ] as const;
  it.each(cases)('%s', (_, x, to, expected) => {
    expect(read(K.cast(x, to))).toEqual({ dtype: to, shape: [expected.length], values: expected });
  });
  it('casts rank 0 and transposed views', () => {
    expect(read(K.cast(f32([-2.5], []), 'int32'))).toEqual({ dtype: 'int32', shape: [], values: [-2] });
    expect(read(K.cast(transposed(f32([1.5, 2.5, 3.5, 4.5], [2, 2])), 'int32')).values).toEqual([1, 3, 2, 4]);
  });
});
