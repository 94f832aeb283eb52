/** @file accuracy and topKAccuracy on hand cases: ties, [B, T, C] inputs, agreement of k = 1 with accuracy, errors. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { grad } from '../../src/autodiff/index.js';
import {
  accuracy, add, mul, ShapeMismatchError, softmaxCrossEntropy, tensor, toArray, topKAccuracy, ValueError, zeros,
  type AnyTensor, type ShapeError, type Tensor,
} from '../../src/index.js';
import { checkTopK, type TopKWithin } from '../../src/ops/metrics.js';

const value = (t: AnyTensor): number => (toArray(t) as ArrayLike<number>)[0]!;
const dyn = (x: unknown): never => x as never;

// four positions, four classes; the argmax of each row is 1, 0, 3, 2
const logits = tensor([
  [0.1, 2.0, 0.3, -1.0],
  [5.0, 4.0, 3.0, 2.0],
  [-1.0, 0.0, 0.5, 0.7],
  [0.2, 0.1, 0.9, 0.3],
]);

describe('accuracy', () => {
  it.each<[string, readonly number[], number]>([
    ['all right', [1, 0, 3, 2], 1],
    ['three of four', [1, 0, 3, 0], 0.75],
    ['one of four', [0, 0, 0, 0], 0.25],
    ['none', [3, 3, 2, 1], 0],
  ])('%s', (_, labels, expected) => {
    const a = accuracy(logits, tensor(labels, 'int32'));
    expect(a.shape).toEqual([]);
    expect(a.dtype).toBe('float32');
    expect(value(a)).toBe(expected);
  });
  it('ties: argmax takes the first (lowest) class among equal maxima', () => {
    const tied = tensor([[1, 3, 3, 0], [2, 2, 2, 2]]);
    expect(value(accuracy(tied, tensor([1, 0], 'int32')))).toBe(1);
    expect(value(accuracy(tied, tensor([2, 3], 'int32')))).toBe(0);
  });
  it('averages over every position of [B, T, C]', () => {
    const x = tensor([[[0, 1], [1, 0], [0, 1]], [[1, 0], [1, 0], [0, 1]]]);
    expect(value(accuracy(x, tensor([[1, 0, 0], [0, 1, 1]], 'int32')))).toBeCloseTo(4 / 6, 7);
  });
  it('is a constant inside a gradient: the loss gradient is unchanged by adding the metric', () => {
    const y = tensor([1, 0, 3, 0], 'int32');
    const plain = grad((x: Tensor<[4, 4]>) => softmaxCrossEntropy(x, y))(logits);
    const withMetric = grad((x: Tensor<[4, 4]>) => add(softmaxCrossEntropy(x, y), mul(accuracy(x, y), 3)))(logits);
    expect(Array.from(toArray(withMetric))).toEqual(Array.from(toArray(plain)));
  });
});

describe('topKAccuracy', () => {
  // the label's rank in each row (0 = largest): 1, 2, 3, 0
  const labels = tensor([2, 2, 0, 2], 'int32');
  it.each<[number, number]>([[1, 0.25], [2, 0.5], [3, 0.75], [4, 1]])('k = %d', (k, expected) => {
    const a = topKAccuracy(logits, labels, k);
    expect(a.shape).toEqual([]);
    expect(value(a)).toBe(expected);
  });
  it('with k = 1 agrees with accuracy, ties included', () => {
    const tied = tensor([[1, 3, 3, 0], [2, 2, 2, 2], [0, 5, 5, 5]]);
    for (const ys of [[1, 0, 1], [2, 3, 2], [1, 1, 3]]) {
      const y = tensor(ys, 'int32');
      expect(value(topKAccuracy(tied, y, 1))).toBe(value(accuracy(tied, y)));
    }
  });
  it('ties at the k-th place: the lower class index ranks first (a stable sort)', () => {
    const tied = tensor([[1, 3, 3, 3], [1, 3, 3, 3]]);
    // top 2 of [1, 3, 3, 3] are classes 1 and 2; class 3 ties with them but ranks third
    expect(value(topKAccuracy(tied, tensor([2, 3], 'int32'), 2))).toBe(0.5);
    expect(value(topKAccuracy(tied, tensor([3, 0], 'int32'), 3))).toBe(0.5);
  });
  it('averages over every position of [B, T, C]', () => {
    const x = tensor([[[0, 1, 2], [2, 1, 0]], [[1, 2, 0], [0, 0, 1]]]);
    expect(value(topKAccuracy(x, tensor([[0, 2], [0, 0]], 'int32'), 2))).toBe(0.5);
  });
});

describe('metric errors name the op', () => {
  const x = zeros([2, 3]);
  it.each<[string, () => unknown, typeof ValueError | typeof ShapeMismatchError, string]>([
    ['accuracy: label out of range', () => accuracy(x, tensor([0, 3], 'int32')), ValueError,
      'accuracy: label 3 at flat position 1 is out of range for 3 classes [0, 3)'],
    ['accuracy: labels of another shape', () => accuracy(x, dyn(tensor([0], 'int32'))), ShapeMismatchError,
      'accuracy: labels have dim 1 at axis 0, expected 2'],
    ['accuracy: no positions', () => accuracy(dyn(zeros([0, 3])), dyn(zeros([0], 'int32'))), ValueError, 'accuracy: no positions to score'],
    ['topKAccuracy: negative label', () => topKAccuracy(x, tensor([-1, 0], 'int32'), 1), ValueError,
      'topKAccuracy: label -1 at flat position 0 is out of range'],
    ['topKAccuracy: k > C', () => topKAccuracy(x, tensor([0, 0], 'int32'), dyn(4)), ValueError,
      'topKAccuracy: k = 4 must be an integer in [1, 3] for 3 classes'],
    ['topKAccuracy: k = 0', () => topKAccuracy(x, tensor([0, 0], 'int32'), dyn(0)), ValueError, 'topKAccuracy: k = 0 must be an integer'],
    ['topKAccuracy: fractional k', () => topKAccuracy(x, tensor([0, 0], 'int32'), dyn(1.5)), ValueError, 'topKAccuracy: k = 1.5'],
  ])('%s', (_, run, error, message) => {
    expect(run).toThrow(error);
    expect(run).toThrow(message);
  });
});

describe('TopKWithin / checkTopK agree', () => {
  it.each<[number, boolean]>([[1, true], [3, true], [4, false], [0, false], [1.5, false], [-1, false]])('k = %d for 3 classes', (k, ok) => {
    const threw = (() => { try { checkTopK('op', [2, 3], k); return false; } catch { return true; } })();
    expect(!threw).toBe(ok);
  });
  it('statically', () => {
    expectTypeOf<TopKWithin<[2, 3], 3, 'op'>>().toEqualTypeOf<3>();
    expectTypeOf<TopKWithin<[2, 3], 1, 'op'>>().toEqualTypeOf<1>();
    expectTypeOf<TopKWithin<[2, 3], 4, 'op'>>().toEqualTypeOf<ShapeError<'op: k = 4 exceeds the 3 classes', [2, 3], 4>>();
    expectTypeOf<TopKWithin<[2, 3], 0, 'op'>>().toEqualTypeOf<ShapeError<'op: k = 0 must be a positive integer', [2, 3], 0>>();
    expectTypeOf<TopKWithin<[2, 3], 1.5, 'op'>>().toEqualTypeOf<ShapeError<'op: k = 1.5 must be a positive integer', [2, 3], 1.5>>();
    expectTypeOf<TopKWithin<[2, 3], -1, 'op'>>().toEqualTypeOf<ShapeError<'op: k = -1 must be a positive integer', [2, 3], -1>>();
    expectTypeOf<TopKWithin<[2, number], 9, 'op'>>().toEqualTypeOf<9>();
  });
});
