/** @file Activations (leakyRelu, elu, gelu, silu, softplus, softmax, logSoftmax) against values from their formulas. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  elu, gelu, leakyRelu, logSoftmax, ShapeMismatchError, silu, softmax, softplus, standardize, sum, tensor, toArray,
  type AnyTensor, type Tensor,
} from '../../src/index.js';
import { expectClose } from '../backend/fixtures.js';

const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const x = tensor([-2, -0.5, 0, 0.5, 2]);

describe('elementwise activations', () => {
  // expected: the formula in float64 (Python's math module), to 10 significant digits
  it.each<[string, (t: AnyTensor) => AnyTensor, readonly number[]]>([
    ['leakyRelu() has slope 0.01', leakyRelu(), [-0.02, -0.005, 0, 0.5, 2]],
    ['leakyRelu(0.2)', leakyRelu(0.2), [-0.4, -0.1, 0, 0.5, 2]],
    ['elu() is e^x - 1 below 0', elu(), [-0.8646647168, -0.3934693403, 0, 0.5, 2]],
    ['elu(2) scales the negative side', elu(2), [-1.729329434, -0.7869386806, 0, 0.5, 2]],
    ['gelu() is x * Phi(x)', gelu(), [-0.0455002639, -0.1542687694, 0, 0.3457312306, 1.954499736]],
    ['gelu({ approximate: true }) uses tanh', gelu({ approximate: true }), [-0.04540230591, -0.1542859902, 0, 0.3457140098, 1.954597694]],
    ['silu is x * sigmoid(x)', silu, [-0.238405844, -0.1887703344, 0, 0.3112296656, 1.761594156]],
    ['softplus is log(1 + e^x)', softplus, [0.126928011, 0.4740769842, 0.6931471806, 0.9740769842, 2.126928011]],
  ])('%s', (_, f, expected) => {
    const y = f(x);
    expect(y.shape).toEqual([5]);
    expect(y.dtype).toBe('float32');
    expectClose(values(y), expected);
  });

  it.each<[string, (t: AnyTensor) => AnyTensor, readonly number[], readonly number[]]>([
    ['elu does not overflow for large x', elu(), [1000, -1000], [1000, -1]],
    ['softplus is stable far out', softplus, [1000, -1000], [1000, 0]],
    ['silu far out', silu, [1000, -1000], [1000, -0]],
    ['gelu far out', gelu(), [1000, -1000], [1000, -0]],
    ['leakyRelu keeps NaN', leakyRelu(), [NaN], [NaN]],
  ])('%s', (_, f, input, expected) => {
    expect(values(f(tensor(input as never)))).toEqual(expected);
  });

  it('gives float32 for int32 input where the formula allows it', () => {
    const i = tensor([-2, 0, 3], 'int32');
    expect(silu(i).dtype).toBe('float32');
    expectClose(values(softplus(i)), [0.126928011, 0.6931471806, 3.048587352]);
    expectClose(values(elu()(i)), [-0.8646647168, 0, 3]);
  });
  it('computes in float32 for int32 and bool inputs', () => {
    const y = leakyRelu()(tensor([-2, 0, 3], 'int32'));
    expect(y.dtype).toBe('float32');
    expectClose(values(y), [-0.02, 0, 3]);
    expect(leakyRelu(2)(tensor([-2, 1], 'int32')).dtype).toBe('float32');
    expectClose(values(gelu()(tensor([true, false]))), [0.8413447461, 0]);
  });

  it('types every activation as float32 of the same shape', () => {
    expectTypeOf(silu(tensor([[1, 2]], 'int32'))).toEqualTypeOf<Tensor<[1, 2], 'float32'>>();
    expectTypeOf(leakyRelu()(x)).toEqualTypeOf<Tensor<[5], 'float32'>>();
  });
});

describe('softmax, logSoftmax', () => {
  // e^1, e^2, e^3 over their sum
  const p123 = [0.09003057317, 0.2447284711, 0.6652409558];
  it.each<[string, () => AnyTensor, readonly number[], readonly number[]]>([
    ['softmax of [1, 2, 3]', () => softmax(tensor([1, 2, 3])), [3], p123],
    ['softmax along the last axis by default', () => softmax(tensor([[1, 2, 3], [0, 0, 0]])), [2, 3], [...p123, 1 / 3, 1 / 3, 1 / 3]],
    ['softmax along axis 0', () => softmax(tensor([[1, 0], [1, 0]]), 0), [2, 2], [0.5, 0.5, 0.5, 0.5]],
    ['softmax of large logits (no overflow)', () => softmax(tensor([[1000, 1000], [1000, 0], [-1000, -1000]])), [3, 2], [0.5, 0.5, 1, 0, 0.5, 0.5]],
    ['softmax with a -Infinity logit gives it 0', () => softmax(tensor([0, -Infinity])), [2], [1, 0]],
    ['softmax of int32 is float32', () => softmax(tensor([1, 2, 3], 'int32')), [3], p123],
    ['logSoftmax of [1, 2, 3]', () => logSoftmax(tensor([1, 2, 3])), [3], [-2.407605964, -1.407605964, -0.4076059644]],
    ['logSoftmax of large logits (no log of 0)', () => logSoftmax(tensor([1000, 0])), [2], [0, -1000]],
    ['logSoftmax with a -Infinity logit', () => logSoftmax(tensor([0, -Infinity])), [2], [0, -Infinity]],
    ['logSoftmax along axis 0', () => logSoftmax(tensor([[0], [0]]), 0), [2, 1], [-0.6931471806, -0.6931471806]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(y.dtype).toBe('float32');
    expectClose(values(y), expected);
  });

  it('softmax rows sum to 1', () => {
    expectClose(values(sum(softmax(tensor([[3, -1, 0.5, 7], [-20, 4, 4, 0]])), -1)), [1, 1]);
  });
  it('types softmax as float32 of the same shape', () => {
    expectTypeOf(softmax(tensor([[1, 2]], 'int32'))).toEqualTypeOf<Tensor<[1, 2], 'float32'>>();
    expectTypeOf(logSoftmax(x, 0)).toEqualTypeOf<Tensor<[5], 'float32'>>();
  });
  it('rejects an axis out of range', () => {
    expect(() => logSoftmax(x, 1 as never)).toThrow(ShapeMismatchError);
    expect(() => logSoftmax(x, 1 as never)).toThrow('axis 1 out of range for rank 1; shapes [5]');
    expect(() => softmax(x, -2 as never)).toThrow('axis -2 out of range for rank 1; shapes [5]');
  });
  it('names itself in axis errors', () => {
    expect(() => softmax(tensor([1, 2]), 1 as never)).toThrow('softmax: axis 1 out of range for rank 1');
    expect(() => logSoftmax(tensor([1, 2]), 1 as never)).toThrow('logSoftmax: axis 1 out of range for rank 1');
  });
});

describe('standardize', () => {
  it('is (x - mean) / sqrt(var + eps) over the axes, computed here in float64', () => {
    const rows = [[1, 2, 4, 8], [-3, 0.5, 0.25, 10]];
    const eps = 1e-3;
    const want = rows.flatMap((r) => {
      const m = r.reduce((a, b) => a + b, 0) / r.length, v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
      return r.map((x) => (x - m) / Math.sqrt(v + eps));
    });
    const y = standardize(tensor([[1, 2, 4, 8], [-3, 0.5, 0.25, 10]]), -1, { eps });
    expect(y.shape).toEqual([2, 4]);
    expectTypeOf(y).toEqualTypeOf<Tensor<[2, 4]>>();
    expectClose(values(y), want);
    // over both axes: one mean and variance for all eight
    const all = rows.flat(), m = all.reduce((a, b) => a + b, 0) / 8, v = all.reduce((a, b) => a + (b - m) ** 2, 0) / 8;
    expectClose(values(standardize(tensor(rows), [0, 1])), all.map((x) => (x - m) / Math.sqrt(v + 1e-5)));
  });
  it('names itself in an axis error', () => {
    expect(() => standardize(tensor([[1, 2]]), 2)).toThrow(/standardize/);
  });
});
