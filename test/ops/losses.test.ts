/** @file Losses against the PyTorch reference vectors and against their formulas in float64 JS: values, gradients, stability, reductions, errors. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { grad, vjp } from '../../src/autodiff/index.js';
import {
  binaryCrossEntropyWithLogits, huber, meanSquaredError, ShapeMismatchError, softmaxCrossEntropy,
  softmaxCrossEntropyWithProbs, tensor, toArray, ValueError, zeros, type AnyTensor, type Dim, type ShapeError, type Tensor,
} from '../../src/index.js';
import {
  classPositions, matchShape, posWeightFor, type ClassPositions, type LabelsFor, type MatchShape, type PosWeightFor,
  type Reduction,
} from '../../src/ops/losses.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
const values = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** the compiler refuses these arguments; `dyn` hides their static type, as data from outside would */
const dyn = (x: unknown): never => x as never;
const f32 = (xs: readonly number[]): number[] => xs.map(Math.fround);

/** |a - e| <= atol + rtol |e| elementwise, with the worst element in the message */
const expectNear = (actual: readonly number[], expected: readonly number[], rtol = 1e-5, atol = 1e-6): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    expect(Number.isFinite(a), `element ${i} is ${a}`).toBe(true);
    expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  });
};

// ---- the formulas in float64 (independent of the library: plain JS numbers) ----------------------

const rows = (xs: readonly number[], c: number): number[][] => Array.from({ length: xs.length / c }, (_, i) => xs.slice(i * c, (i + 1) * c));
const logSoftmax64 = (row: readonly number[]): number[] => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
};
/** per-position CE with label smoothing, and d(sum of them)/dlogits */
const ce64 = (logits: readonly number[], labels: readonly number[], c: number, eps = 0) => {
  const loss: number[] = [], g: number[] = [];
  rows(logits, c).forEach((row, i) => {
    const lp = logSoftmax64(row), y = labels[i]!;
    loss.push(-(1 - eps) * lp[y]! - (eps / c) * lp.reduce((s, v) => s + v, 0));
    lp.forEach((v, k) => g.push(Math.exp(v) - (1 - eps) * (k === y ? 1 : 0) - eps / c));
  });
  return { loss, g };
};
/** σ(-x) without overflow */
const sigmoidNeg64 = (x: number): number => (x >= 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x)));
/** the README's BCE formula and its derivative (1-y) - (1 + (pw-1)y) σ(-x) */
const bce64 = (x: number, y: number, pw = 1) => {
  const w = 1 + (pw - 1) * y;
  return { loss: (1 - y) * x + w * (Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0)), g: 1 - y - w * sigmoidNeg64(x) };
};
const mean64 = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;

// ---- reference vectors ---------------------------------------------------------------------------

const reduction = (c: RefCase): Reduction => String(c.config['reduction'] ?? 'mean') as Reduction;
/** runs f on the differentiated input, compares the loss, the documented scalar and the input's gradient */
const checkCase = (c: RefCase, input: string, f: (x: T) => T): void => {
  const [out, pullback] = vjp(f, toTensor(c.inputs[input]!));
  expectMatches(out, c.outputs['loss']!, 'loss');
  const l = c.loss!;
  expect(Math.abs(values(out)[0]! - l.value)).toBeLessThanOrEqual(l.tol.atol + l.tol.rtol * Math.abs(l.value));
  expectMatches(pullback(toTensor(c.cotangents['loss']!))[0], c.grads[input]!, `dL/d${input}`);
};

describe.each(casesStartingWith('ce_'))('%s', (name) => {
  const c = loadCase(name);
  it('matches the loss and the logits gradient', () => {
    const labels = toTensor(c.inputs['labels']!) as Tensor<Dim[], 'int32'>;
    const options = { reduction: reduction(c), labelSmoothing: Number(c.config['label_smoothing'] ?? 0) };
    checkCase(c, 'logits', (x) => softmaxCrossEntropy(x, labels, options));
  });
});
describe.each(casesStartingWith('bce_'))('%s', (name) => {
  const c = loadCase(name);
  it('matches the loss and the logits gradient', () => {
    const targets = toTensor(c.inputs['targets']!), pw = c.params['pos_weight'];
    const options = { reduction: reduction(c), ...(pw ? { posWeight: toTensor(pw) as Tensor<Dim[]> } : {}) };
    checkCase(c, 'logits', (x) => binaryCrossEntropyWithLogits(x, targets, options));
  });
});
describe.each(casesStartingWith('mse_'))('%s', (name) => {
  const c = loadCase(name);
  it('matches the loss and the prediction gradient', () => {
    const target = toTensor(c.inputs['target']!);
    checkCase(c, 'pred', (x) => meanSquaredError(x, target, { reduction: reduction(c) }));
  });
});
describe.each(casesStartingWith('huber_'))('%s', (name) => {
  const c = loadCase(name);
  it('matches the loss and the prediction gradient', () => {
    const target = toTensor(c.inputs['target']!);
    checkCase(c, 'pred', (x) => huber(x, target, { reduction: reduction(c), delta: Number(c.config['delta']) }));
  });
});
it('finds every loss reference case', () => {
  expect(['ce_', 'bce_', 'mse_', 'huber_'].map((p) => casesStartingWith(p).length > 0)).toEqual([true, true, true, true]);
});

// ---- softmax cross-entropy ---------------------------------------------------------------------

describe('softmaxCrossEntropy', () => {
  const data = [2, -1, 0.5, 0, 3, 1, -2, 0, 1.5, 0.25, 0.25, 4, -0.5, 1, 1, 2, 0, 0, 0, 0, 7, -3, 1, 0.5];
  const logits = tensor([[[2, -1, 0.5, 0], [3, 1, -2, 0], [1.5, 0.25, 0.25, 4]], [[-0.5, 1, 1, 2], [0, 0, 0, 0], [7, -3, 1, 0.5]]]);
  const labels = tensor([[0, 3, 3], [1, 2, 0]], 'int32');
  const flatLabels = [0, 3, 3, 1, 2, 0];
  const ref = ce64(f32(data), flatLabels, 4);

  it('gives log C for equal logits', () => {
    expectNear(values(softmaxCrossEntropy(zeros([3, 10]), tensor([0, 4, 9], 'int32'))), [Math.log(10)]);
  });
  it('is -log softmax[y] on a hand case: [1, 2, 3] with label 2', () => {
    // log(e + e^2 + e^3) - 3
    expectNear(values(softmaxCrossEntropy(tensor([[1, 2, 3]]), tensor([2], 'int32'))), [0.4076059644438]);
  });
  it('averages over every position of [B, T, C] (mean), or sums, or keeps them (none)', () => {
    const none = softmaxCrossEntropy(logits, labels, { reduction: 'none' });
    expect(none.shape).toEqual([2, 3]);
    expectNear(values(none), ref.loss);
    const total = ref.loss.reduce((s, v) => s + v, 0);
    expectNear(values(softmaxCrossEntropy(logits, labels, { reduction: 'sum' })), [total]);
    const m = softmaxCrossEntropy(logits, labels);
    expect(m.shape).toEqual([]);
    expectNear(values(m), [total / 6]);
    expectNear(values(softmaxCrossEntropy(logits, labels, { reduction: 'mean' })), [total / 6]);
  });
  it('has gradient softmax - onehot, divided by the number of positions for the mean', () => {
    expectNear(values(grad((x: Tensor<[2, 3, 4]>) => softmaxCrossEntropy(x, labels))(logits)), ref.g.map((v) => v / 6));
    expectNear(values(grad((x: Tensor<[2, 3, 4]>) => softmaxCrossEntropy(x, labels, { reduction: 'sum' }))(logits)), ref.g);
  });
  it('pulls a per-position cotangent back through reduction none', () => {
    const ct = [1, -2, 0.5, 3, 0, -1];
    const [, pullback] = vjp((x: T) => softmaxCrossEntropy(x, labels, { reduction: 'none' }), logits);
    const expected = ref.g.map((v, i) => v * ct[Math.floor(i / 4)]!);
    expectNear(values(pullback(tensor([[1, -2, 0.5], [3, 0, -1]]))[0]), expected);
  });
  it('smooths labels: -(1-ε) logp[y] - (ε/C) Σ logp, value and gradient', () => {
    const smooth = ce64(f32(data), flatLabels, 4, 0.2);
    expectNear(values(softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.2, reduction: 'none' })), smooth.loss);
    const g = grad((x: T) => softmaxCrossEntropy(x, labels, { labelSmoothing: 0.2, reduction: 'sum' }))(logits);
    expectNear(values(g), smooth.g);
  });
  it('with label smoothing 0 is exactly plain CE, value and gradient', () => {
    const f = (eps?: number) => (x: T) => softmaxCrossEntropy(x, labels, eps === undefined ? {} : { labelSmoothing: eps });
    expect(values(f(0)(logits))).toEqual(values(f()(logits)));
    expect(values(grad(f(0))(logits))).toEqual(values(grad(f())(logits)));
  });
  it('with label smoothing equals the probability-target CE on smoothed one-hot targets', () => {
    const eps = 0.3, probs = flatLabels.flatMap((y) => [0, 1, 2, 3].map((k) => (k === y ? 1 - eps : 0) + eps / 4));
    const p = tensor(rows(probs, 4).reduce<number[][][]>((acc, r, i) => { (acc[Math.floor(i / 3)] ??= []).push(r); return acc; }, []));
    expectNear(values(softmaxCrossEntropyWithProbs(logits, p as Tensor<[2, 3, 4]>, { reduction: 'none' })),
      values(softmaxCrossEntropy(logits, labels, { labelSmoothing: eps, reduction: 'none' })), 1e-5, 1e-6);
  });
  it('takes int32 logits (as float32)', () => {
    expectNear(values(softmaxCrossEntropy(tensor([[1, 2, 3]], 'int32'), tensor([2], 'int32'))), [0.4076059644438]);
  });

  describe.each([100, 1000])('is stable for |logits| = %d', (s) => {
    const big = [s, -s, 0, s / 2, -s, s, s, -s / 2, 0.25 * s, -0.75 * s, 0.1, -s];
    const lab = [1, 3, 0];
    const ref2 = ce64(f32(big), lab, 4);
    const x = tensor([[s, -s, 0, s / 2], [-s, s, s, -s / 2], [0.25 * s, -0.75 * s, 0.1, -s]]);
    const y = tensor(lab, 'int32');
    it('finite, correct values and gradients', () => {
      expectNear(values(softmaxCrossEntropy(x, y, { reduction: 'none' })), ref2.loss, 1e-6, 1e-4);
      expectNear(values(grad((z: T) => softmaxCrossEntropy(z, y, { reduction: 'sum' }))(x)), ref2.g, 1e-5, 1e-6);
    });
    it('with label smoothing too', () => {
      const sm = ce64(f32(big), lab, 4, 0.1);
      expectNear(values(softmaxCrossEntropy(x, y, { reduction: 'none', labelSmoothing: 0.1 })), sm.loss, 1e-6, 1e-4);
      expectNear(values(grad((z: T) => softmaxCrossEntropy(z, y, { reduction: 'sum', labelSmoothing: 0.1 }))(x)), sm.g, 1e-5, 1e-6);
    });
  });
  it('is 0 (not NaN) when another class has logit -Infinity and there is no smoothing', () => {
    const x = tensor([[0, -Infinity]]);
    expect(values(softmaxCrossEntropy(x, tensor([0], 'int32')))).toEqual([0]);
    expect(values(grad((z: T) => softmaxCrossEntropy(z, tensor([0], 'int32')))(x))).toEqual([0, 0]);
  });
  it('gives labels no gradient (they are int32 indices)', () => {
    const [, pullback] = vjp((x: T, y: T) => softmaxCrossEntropy(x, y as Tensor<Dim[], 'int32'>), logits, labels as T);
    const [, gy] = pullback(tensor(1));
    expect(values(gy)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('softmaxCrossEntropyWithProbs', () => {
  const x = tensor([[1, 2, 3], [0.5, -1, 2]]);
  const p = tensor([[0.2, 0.3, 0.5], [1, 0, 0]]);
  const pr = [0.2, 0.3, 0.5, 1, 0, 0];
  const lp = [...logSoftmax64([1, 2, 3]), ...logSoftmax64(f32([0.5, -1, 2]))];
  const perRow = [0, 1].map((i) => -[0, 1, 2].reduce((s, k) => s + Math.fround(pr[3 * i + k]!) * lp[3 * i + k]!, 0));
  it('is -Σ p logp per position; reductions', () => {
    expectNear(values(softmaxCrossEntropyWithProbs(x, p, { reduction: 'none' })), perRow);
    expectNear(values(softmaxCrossEntropyWithProbs(x, p, { reduction: 'sum' })), [perRow[0]! + perRow[1]!]);
    expectNear(values(softmaxCrossEntropyWithProbs(x, p)), [mean64(perRow)]);
  });
  it('has gradient (softmax - p) / N, and none for the probabilities', () => {
    const expected = lp.map((v, i) => (Math.exp(v) - Math.fround(pr[i]!)) / 2);
    const [, pullback] = vjp((a: T, b: T) => softmaxCrossEntropyWithProbs(a, b), x, p as T);
    const [gx, gp] = pullback(tensor(1));
    expectNear(values(gx), expected);
    expect(values(gp)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('agrees with integer-label CE on one-hot targets', () => {
    expectNear(values(softmaxCrossEntropyWithProbs(x, tensor([[0, 0, 1], [1, 0, 0]]))),
      values(softmaxCrossEntropy(x, tensor([2, 0], 'int32'))));
  });
  it('counts 0·log 0 as 0: a -Infinity logit with probability 0 gives a finite loss and gradient', () => {
    const z = tensor([[0, 0, -Infinity]]), q = tensor([[0.5, 0.5, 0]]);
    expectNear(values(softmaxCrossEntropyWithProbs(z, q)), [Math.LN2]);
    expectNear(values(grad((a: T) => softmaxCrossEntropyWithProbs(a, q))(z)), [0, 0, 0]);
  });
  it('is stable for |logits| = 1000', () => {
    const big = tensor([[1000, -1000, 0]]), q = tensor([[0.25, 0.25, 0.5]]);
    const l = logSoftmax64([1000, -1000, 0]);
    expectNear(values(softmaxCrossEntropyWithProbs(big, q)), [-(0.25 * l[0]! + 0.25 * l[1]! + 0.5 * l[2]!)], 1e-6, 1e-3);
    expectNear(values(grad((a: T) => softmaxCrossEntropyWithProbs(a, q))(big)), l.map((v, i) => Math.exp(v) - [0.25, 0.25, 0.5][i]!));
  });
});

// ---- binary cross-entropy ----------------------------------------------------------------------

describe('binaryCrossEntropyWithLogits', () => {
  const xs = [-3, -0.5, 0, 0.5, 2, 6];
  const ys = [0, 1, 1, 0, 0.3, 1];
  const x = tensor([[-3, -0.5, 0], [0.5, 2, 6]]), y = tensor([[0, 1, 1], [0, 0.3, 1]]);
  const ref = xs.map((v, i) => bce64(v, Math.fround(ys[i]!)));

  it('is -[y log σ(x) + (1-y) log(1-σ(x))] elementwise, with soft targets; reductions', () => {
    const none = binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
    expect(none.shape).toEqual([2, 3]);
    expectNear(values(none), ref.map((r) => r.loss));
    expectNear(values(binaryCrossEntropyWithLogits(x, y, { reduction: 'sum' })), [ref.reduce((s, r) => s + r.loss, 0)]);
    expectNear(values(binaryCrossEntropyWithLogits(x, y)), [mean64(ref.map((r) => r.loss))]);
  });
  it('has gradient (σ(x) - y) / N, including at x = 0', () => {
    expectNear(values(grad((a: T) => binaryCrossEntropyWithLogits(a, y))(x)), ref.map((r) => r.g / 6));
    expectNear(values(grad((a: T) => binaryCrossEntropyWithLogits(a, tensor([1]), { reduction: 'sum' }))(tensor([0]))), [-0.5]);
  });
  it('weights positives by posWeight, broadcast over the last axis of [B, T, C]', () => {
    const pw = [0.5, 2, 3];
    const x3 = tensor([[[-3, -0.5, 0], [0.5, 2, 6]], [[1, -1, 4], [-6, 0.25, -2]]]);
    const x3s = [-3, -0.5, 0, 0.5, 2, 6, 1, -1, 4, -6, 0.25, -2];
    const y3s = [0, 1, 1, 0, 0.3, 1, 1, 1, 0, 1, 0.5, 0];
    const y3 = tensor([[[0, 1, 1], [0, 0.3, 1]], [[1, 1, 0], [1, 0.5, 0]]]);
    const r = x3s.map((v, i) => bce64(v, Math.fround(y3s[i]!), pw[i % 3]));
    const opts = { posWeight: tensor(pw), reduction: 'none' } as const;
    expectNear(values(binaryCrossEntropyWithLogits(x3, y3, opts)), r.map((e) => e.loss));
    expectNear(values(grad((a: T) => binaryCrossEntropyWithLogits(a, y3, { posWeight: tensor(pw), reduction: 'sum' }))(x3)), r.map((e) => e.g));
    // posWeight of ones is no weight at all
    expectNear(values(binaryCrossEntropyWithLogits(x3, y3, { posWeight: tensor([1, 1, 1]) })), values(binaryCrossEntropyWithLogits(x3, y3)));
  });
  it('takes int32 and bool targets (as float32)', () => {
    const hard = tensor([[0, 1, 1], [0, 0, 1]]);
    const expected = values(binaryCrossEntropyWithLogits(x, hard));
    expect(values(binaryCrossEntropyWithLogits(x, tensor([[0, 1, 1], [0, 0, 1]], 'int32')))).toEqual(expected);
    expect(values(binaryCrossEntropyWithLogits(x, tensor([[false, true, true], [false, false, true]])))).toEqual(expected);
  });
  it('gives targets no gradient', () => {
    const [, pullback] = vjp((a: T, b: T) => binaryCrossEntropyWithLogits(a, b), x, y as T);
    expect(values(pullback(tensor(1))[1])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  describe.each([100, 1000])('is stable for |logits| = %d', (s) => {
    const bx = [s, -s, s, -s, s / 2, -s / 2, s, -s];
    const by = [1, 0, 0, 1, 0.25, 0.75, 0.5, 0.5];
    const big = tensor(bx), t = tensor(by);
    it('finite, correct values and gradients', () => {
      const r = bx.map((v, i) => bce64(v, by[i]!));
      // the exact gradient can be e^-100 ≈ 4e-44, a float32 subnormal: an absolute tolerance far below 1e-30 still holds
      expectNear(values(binaryCrossEntropyWithLogits(big, t, { reduction: 'none' })), r.map((e) => e.loss), 1e-6, 1e-30);
      expectNear(values(grad((a: T) => binaryCrossEntropyWithLogits(a, t, { reduction: 'sum' }))(big)), r.map((e) => e.g), 1e-6, 1e-30);
    });
    it('with posWeight too', () => {
      const r = bx.map((v, i) => bce64(v, by[i]!, 2.5));
      const opts = { posWeight: tensor([2.5]), reduction: 'sum' } as const;
      expectNear(values(binaryCrossEntropyWithLogits(big, t, opts)), [r.reduce((acc, e) => acc + e.loss, 0)], 1e-6, 1e-30);
      expectNear(values(grad((a: T) => binaryCrossEntropyWithLogits(a, t, opts))(big)), r.map((e) => e.g), 1e-6, 1e-30);
    });
  });
  it('keeps a tiny loss accurate where the naive (1-y)·x + softplus(-x) cancels to 0', () => {
    // y = 0, x = -20: the loss is log(1 + e^-20) ≈ 2.06e-9
    expectNear(values(binaryCrossEntropyWithLogits(tensor([-20]), tensor([0]))), [Math.log1p(Math.exp(-20))], 1e-6, 0);
  });
});

// ---- regression losses -------------------------------------------------------------------------

describe('meanSquaredError', () => {
  const p = tensor([[1, 2], [3, 4]]), t = tensor([[1.5, 0], [3, 10]]);
  it('is the mean, sum or elementwise (p - t)²', () => {
    expectNear(values(meanSquaredError(p, t)), [(0.25 + 4 + 0 + 36) / 4]);
    expectNear(values(meanSquaredError(p, t, { reduction: 'sum' })), [40.25]);
    const none = meanSquaredError(p, t, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    expectNear(values(none), [0.25, 4, 0, 36]);
  });
  it('has gradient 2 (p - t) / N and none for the target', () => {
    const [, pullback] = vjp((a: T, b: T) => meanSquaredError(a, b), p, t as T);
    const [gp, gt] = pullback(tensor(1));
    expectNear(values(gp), [-0.25, 1, 0, -3]);
    expect(values(gt)).toEqual([0, 0, 0, 0]);
  });
});

describe('huber', () => {
  // d = -2, -1, -0.25, 0, 0.5, 3
  const p = tensor([-2, -1, -0.25, 0, 0.5, 3]), t = zeros([6]);
  const loss64 = (d: number, delta: number) => (Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta));
  const ds = [-2, -1, -0.25, 0, 0.5, 3];
  it('is 0.5 d² inside δ and δ(|d| - δ/2) outside (δ = 1 by default)', () => {
    expectNear(values(huber(p, t, { reduction: 'none' })), ds.map((d) => loss64(d, 1)));
    expectNear(values(huber(p, t, { reduction: 'none', delta: 0.5 })), ds.map((d) => loss64(d, 0.5)));
    expectNear(values(huber(p, t)), [mean64(ds.map((d) => loss64(d, 1)))]);
    expectNear(values(huber(p, t, { delta: 2, reduction: 'sum' })), [ds.reduce((s, d) => s + loss64(d, 2), 0)]);
  });
  it('has gradient clip(d, -δ, δ) and none for the target', () => {
    const [, pullback] = vjp((a: T, b: T) => huber(a, b, { delta: 0.5, reduction: 'sum' }), p, t as T);
    const [gp, gt] = pullback(tensor(1));
    expectNear(values(gp), [-0.5, -0.5, -0.25, 0, 0.5, 0.5]);
    expect(values(gt)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('is linear far out: finite values and gradients for |d| = 1e30', () => {
    expectNear(values(huber(tensor([1e30, -1e30]), zeros([2]), { reduction: 'none' })), [1e30 - 0.5, 1e30], 1e-6, 0);
    expectNear(values(grad((a: T) => huber(a, zeros([2]), { reduction: 'sum' }))(tensor([1e30, -1e30]))), [1, -1]);
  });
});

// ---- errors ------------------------------------------------------------------------------------

describe('errors name the op', () => {
  const x = zeros([2, 5]), ok = tensor([0, 4], 'int32');
  it.each<[string, () => unknown, typeof ValueError | typeof ShapeMismatchError, string]>([
    ['label = C', () => softmaxCrossEntropy(x, tensor([0, 5], 'int32')), ValueError,
      'softmaxCrossEntropy: label 5 at flat position 1 is out of range for 5 classes [0, 5)'],
    ['a negative label', () => softmaxCrossEntropy(x, tensor([-1, 0], 'int32')), ValueError,
      'softmaxCrossEntropy: label -1 at flat position 0 is out of range'],
    ['float labels', () => softmaxCrossEntropy(x, dyn(tensor([0, 1]))), ValueError, 'softmaxCrossEntropy: labels must be int32 class indices, got float32'],
    ['labels of the wrong length', () => softmaxCrossEntropy(x, dyn(tensor([0, 1, 2], 'int32'))), ShapeMismatchError,
      'softmaxCrossEntropy: labels have dim 3 at axis 0, expected 2'],
    ['labels with the classes axis', () => softmaxCrossEntropy(x, dyn(zeros([2, 5], 'int32'))), ShapeMismatchError,
      'softmaxCrossEntropy: labels have rank 2, expected 1'],
    ['scalar logits', () => softmaxCrossEntropy(dyn(tensor(1)), dyn(tensor(0, 'int32'))), ShapeMismatchError,
      'softmaxCrossEntropy: logits are a scalar'],
    ['no classes', () => softmaxCrossEntropy(dyn(zeros([2, 0])), ok), ValueError, 'softmaxCrossEntropy: logits [2, 0] have no classes'],
    ['labelSmoothing > 1', () => softmaxCrossEntropy(x, ok, { labelSmoothing: 1.5 }), ValueError, 'softmaxCrossEntropy: labelSmoothing 1.5 must be in [0, 1]'],
    ['labelSmoothing NaN', () => softmaxCrossEntropy(x, ok, { labelSmoothing: NaN }), ValueError, 'softmaxCrossEntropy: labelSmoothing NaN'],
    ['an unknown reduction', () => softmaxCrossEntropy(x, ok, { reduction: dyn('avg') }), ValueError,
      "softmaxCrossEntropy: reduction must be 'mean', 'sum' or 'none', got avg"],
    ['mean over no positions', () => softmaxCrossEntropy(dyn(zeros([0, 5])), dyn(zeros([0], 'int32'))), ValueError,
      "softmaxCrossEntropy: reduction 'mean' over no elements"],
    ['probs of another shape', () => softmaxCrossEntropyWithProbs(x, dyn(zeros([2, 4]))), ShapeMismatchError,
      'softmaxCrossEntropyWithProbs: probs have dim 4 at axis 1, expected 5'],
    ['BCE targets of another shape', () => binaryCrossEntropyWithLogits(x, dyn(zeros([5, 2]))), ShapeMismatchError,
      'binaryCrossEntropyWithLogits: targets have dim 5 at axis 0, expected 2'],
    ['posWeight that does not broadcast', () => binaryCrossEntropyWithLogits(x, x, dyn({ posWeight: zeros([2]) })), ShapeMismatchError,
      "binaryCrossEntropyWithLogits: posWeight [2] does not broadcast to the logits' shape [2, 5]"],
    ['MSE target of another rank', () => meanSquaredError(x, dyn(zeros([10]))), ShapeMismatchError, 'meanSquaredError: target have rank 1, expected 2'],
    ['huber target of another shape', () => huber(x, dyn(zeros([2, 4]))), ShapeMismatchError, 'huber: target have dim 4 at axis 1, expected 5'],
    ['huber delta 0', () => huber(x, x, { delta: 0 }), ValueError, 'huber: delta 0 must be a positive finite number'],
  ])('%s', (_, run, error, message) => {
    expect(run).toThrow(error);
    expect(run).toThrow(message);
  });
  it('sums nothing to 0 and keeps an empty none', () => {
    expect(values(softmaxCrossEntropy(dyn(zeros([0, 5])), dyn(zeros([0], 'int32')), { reduction: 'sum' }))).toEqual([0]);
    expect(softmaxCrossEntropy(dyn(zeros([0, 5])), dyn(zeros([0], 'int32')), { reduction: 'none' }).shape).toEqual([0]);
  });
});

// ---- the static shape rules and their runtime twins agree ----------------------------------------

describe('shape rules: static and runtime agree', () => {
  const throws = (f: () => unknown): boolean => { try { f(); return false; } catch { return true; } };
  it('ClassPositions / classPositions', () => {
    expectTypeOf<ClassPositions<[4, 5], 'op'>>().toEqualTypeOf<[4]>();
    expectTypeOf<ClassPositions<[2, 3, 5], 'op'>>().toEqualTypeOf<[2, 3]>();
    expectTypeOf<ClassPositions<[5], 'op'>>().toEqualTypeOf<[]>();
    expectTypeOf<ClassPositions<[], 'op'>>().toEqualTypeOf<ShapeError<'op: logits are a scalar; classes go on the last axis', []>>();
    expect([classPositions('op', [4, 5]), classPositions('op', [2, 3, 5]), classPositions('op', [5])]).toEqual([[4], [2, 3], []]);
    expect(throws(() => classPositions('op', []))).toBe(true);
  });
  it('MatchShape / matchShape', () => {
    expectTypeOf<MatchShape<[2, 3], [2, 3], 'op', 'x'>>().toEqualTypeOf<[2, 3]>();
    expectTypeOf<MatchShape<[number, 3], [2, 3], 'op', 'x'>>().toEqualTypeOf<[number, 3]>();
    expectTypeOf<MatchShape<[2, 4], [2, 3], 'op', 'x'>>().toEqualTypeOf<ShapeError<'op: x have dim 4 at axis 1, expected 3', [2, 4], [2, 3]>>();
    expectTypeOf<MatchShape<[6], [2, 3], 'op', 'x'>>().toEqualTypeOf<ShapeError<'op: x have rank 1, expected 2', [6], [2, 3]>>();
    expect(throws(() => matchShape('op', 'x', [2, 3], [2, 3]))).toBe(false);
    expect(() => matchShape('op', 'x', [2, 4], [2, 3])).toThrow('op: x have dim 4 at axis 1, expected 3');
    expect(() => matchShape('op', 'x', [6], [2, 3])).toThrow('op: x have rank 1, expected 2');
  });
  it('LabelsFor', () => {
    expectTypeOf<LabelsFor<[2, 3, 5], [2, 3], 'op'>>().toEqualTypeOf<[2, 3]>();
    expectTypeOf<LabelsFor<['B', 5], ['B'], 'op'>>().toEqualTypeOf<['B']>();
    expectTypeOf<LabelsFor<Dim[], [7], 'op'>>().toEqualTypeOf<[7]>();
    expectTypeOf<LabelsFor<[2, 5], [2, 5], 'op'>>().toEqualTypeOf<ShapeError<'op: labels have rank 2, expected 1', [2, 5], [2]>>();
  });
  it('PosWeightFor / posWeightFor', () => {
    expectTypeOf<PosWeightFor<[5], [2, 5], 'op'>>().toEqualTypeOf<[5]>();
    expectTypeOf<PosWeightFor<[1], [2, 5], 'op'>>().toEqualTypeOf<[1]>();
    expectTypeOf<PosWeightFor<[2, 1], [2, 5], 'op'>>().toEqualTypeOf<[2, 1]>();
    expectTypeOf<PosWeightFor<[2], [2, 5], 'op'>>().toEqualTypeOf<ShapeError<"op: posWeight does not broadcast to the logits' shape", [2], [2, 5]>>();
    expectTypeOf<PosWeightFor<[3, 5], [5], 'op'>>().toEqualTypeOf<ShapeError<"op: posWeight does not broadcast to the logits' shape", [3, 5], [5]>>();
    expect([[5], [1], [2, 1]].map((w) => throws(() => posWeightFor('op', w, [2, 5])))).toEqual([false, false, false]);
    expect([throws(() => posWeightFor('op', [2], [2, 5])), throws(() => posWeightFor('op', [3, 5], [5]))]).toEqual([true, true]);
  });
});
