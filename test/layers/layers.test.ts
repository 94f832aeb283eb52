/** @file Runtime tests of the layers and combinators (values by hand or formula), dropout, gradients through models, lsuvInit and embedding checks. */
import { describe, expect, it } from 'vitest';
import {
  checkGrad, foldIn, grad, key, leaves, mean, mul, neg, nn, ones, random, ShapeMismatchError, slice, sum, tensor, toArray, ValueError,
  type AnyTensor, type Tensor,
} from '../../src/index.js';

type T = AnyTensor;
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** element-wise |actual - expected| <= atol + rtol |expected|, with the first bad index in the message */
const expectClose = (actual: T | readonly number[], expected: readonly number[], atol = 1e-6, rtol = 1e-6): void => {
  const a = Array.isArray(actual) ? actual as readonly number[] : vals(actual as T);
  expect(a.length).toBe(expected.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - expected[i]!) <= atol + rtol * Math.abs(expected[i]!)));
  expect(bad, bad < 0 ? '' : `index ${bad}: ${a[bad]} vs ${expected[bad]}`).toBe(-1);
};
const eval_: nn.Context = { mode: 'eval' };
const stats = (xs: readonly number[]): { mean: number; variance: number } => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { mean: m, variance: xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length };
};

// kernel [3, 2] and bias [2] used by several tests; x @ K + b is worked out by hand at each use
const K = tensor([[1, 2], [0, -1], [3, 1]]);
const b = tensor([0.5, -1]);

describe('dense', () => {
  const d = nn.dense(3, 2);
  it('computes x @ kernel + bias on [B, in]', () => {
    // [1, 2, 3] -> [1 + 0 + 9 + 0.5, 2 - 2 + 3 - 1]; [-1, 0, 2] -> [-1 + 6 + 0.5, -2 + 2 - 1]
    const y = d.apply({ kernel: K, bias: b }, tensor([[1, 2, 3], [-1, 0, 2]]));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y, [10.5, 2, 5.5, -1]);
  });
  it('applies to the last axis of [B, T, in]', () => {
    const x = tensor([[[1, 2, 3], [-1, 0, 2]], [[0, 0, 0], [1, 1, 1]]]);
    const y = d.apply({ kernel: K, bias: b }, x);
    expect(y.shape).toEqual([2, 2, 2]);
    // [0, 0, 0] -> bias; [1, 1, 1] -> column sums + bias = [4.5, 1]
    expectClose(y, [10.5, 2, 5.5, -1, 0.5, -1, 4.5, 1]);
  });
  it('useBias: false has params { kernel } only and adds no bias', () => {
    const nb = nn.dense(3, 2, { useBias: false });
    expect(Object.keys(nb.init(key(0)))).toEqual(['kernel']);
    expectClose(nb.apply({ kernel: K }, tensor([[1, 2, 3]])), [10, 3]);
  });
  it('initializes a [in, out] kernel and a zero [out] bias, deterministically per key', () => {
    const p = nn.dense(30, 20).init(key(7));
    expect(p.kernel.shape).toEqual([30, 20]);
    expect(p.bias.shape).toEqual([20]);
    expect(vals(p.bias)).toEqual(new Array(20).fill(0));
    const again = nn.dense(30, 20).init(key(7));
    expect(vals(again.kernel)).toEqual(vals(p.kernel));
    expect(vals(nn.dense(30, 20).init(key(8)).kernel)).not.toEqual(vals(p.kernel));
  });
  it('draws the default kernel from Glorot uniform: |w| <= sqrt(6 / (in + out)), reaching close to it', () => {
    const bound = Math.sqrt(6 / (30 + 20));
    const w = vals(nn.dense(30, 20).init(key(3)).kernel);
    const absMax = Math.max(...w.map(Math.abs));
    expect(absMax).toBeLessThanOrEqual(bound);
    // 600 uniform draws: P(all inside 0.98 bound) = 0.98^600 < 1e-5
    expect(absMax).toBeGreaterThan(0.98 * bound);
    expect(Math.abs(stats(w).mean)).toBeLessThan(4 * bound / Math.sqrt(3 * 600));
  });
  it('throws at run time when the last dim is not in, naming dense and both sizes', () => {
    const err = (() => { try { d.apply(d.init(key(0)), ones([5, 4]) as never); } catch (e) { return e; } return undefined; })();
    expect(err).toBeInstanceOf(ShapeMismatchError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/dense/);
    expect(msg).toMatch(/\b4\b/);
    expect(msg).toMatch(/\b3\b/);
  });
  it('rejects non-positive or fractional sizes', () => {
    expect(() => nn.dense(0, 2)).toThrow(ValueError);
    expect(() => nn.dense(3, 1.5)).toThrow(ValueError);
  });
});

describe('serial', () => {
  // dense(2, 2) -> relu -> dense(2, 1) with W1 = [[1, -1], [2, 1]], b1 = [0, 1], W2 = [[2], [-1]], b2 = [0.5]
  const model = nn.serial(nn.dense(2, 2), nn.relu(), nn.dense(2, 1));
  const params: nn.ParamsOf<typeof model> = [
    { kernel: tensor([[1, -1], [2, 1]]), bias: tensor([0, 1]) }, null, { kernel: tensor([[2], [-1]]), bias: tensor([0.5]) },
  ];
  it('chains its layers (values by hand)', () => {
    // [1, 1] -> [3, 1] -> relu [3, 1] -> 6 - 1 + 0.5; [1, -2] -> [-3, -2] -> [0, 0] -> 0.5; [0, 1] -> [2, 2] -> 4 - 2 + 0.5
    const y = model.apply(params, tensor([[1, 1], [1, -2], [0, 1]]));
    expect(y.shape).toEqual([3, 1]);
    expectClose(y, [5.5, 0.5, 2.5]);
  });
  it('has the tuple of its children\'s params as params (null for parameter-free layers)', () => {
    const p = model.init(key(1));
    expect(p).toHaveLength(3);
    expect(p[1]).toBeNull();
    expect(p[0].kernel.shape).toEqual([2, 2]);
    expect(p[2].kernel.shape).toEqual([2, 1]);
    expect(p[2].bias.shape).toEqual([1]);
  });
  it('inits deterministically and gives each child its own key', () => {
    const twin = nn.serial(nn.dense(3, 3), nn.dense(3, 3));
    const [a, c] = twin.init(key(5));
    const [a2, c2] = twin.init(key(5));
    expect(vals(a2.kernel)).toEqual(vals(a.kernel));
    expect(vals(c2.kernel)).toEqual(vals(c.kernel));
    expect(vals(c.kernel)).not.toEqual(vals(a.kernel));
    expect(vals(twin.init(key(6))[0].kernel)).not.toEqual(vals(a.kernel));
  });
  it('leaves its inputs and params unchanged', () => {
    const x = tensor([[1, 1], [1, -2]]);
    const before = params.map((p) => (p === null ? null : [vals(p.kernel), vals(p.bias)]));
    model.apply(params, x);
    expect(vals(x)).toEqual([1, 1, 1, -2]);
    expect(params.map((p) => (p === null ? null : [vals(p.kernel), vals(p.bias)]))).toEqual(before);
  });
});

describe('input', () => {
  const m = nn.serial(nn.input(['B', 4]), nn.relu());
  it('passes a matching input through, binding B to any size', () => {
    expectClose(m.apply([null, null], tensor([[1, -1, 2, -2]])), [1, 0, 2, 0]);
    expect(m.apply([null, null], ones([7, 4])).shape).toEqual([7, 4]);
  });
  const cases: readonly [string, nn.AnyLayer, readonly number[]][] = [
    ['a wrong rank', nn.input(['B', 4]), [2, 4, 1]],
    ['a wrong literal dim', nn.input(['B', 4]), [2, 3]],
    ['a name used twice with two sizes', nn.input(['N', 'N']), [2, 3]],
  ];
  it.each(cases)('throws ShapeMismatchError naming input for %s', (_, layer, shape) => {
    expect(() => layer.run(null, null, ones(shape), eval_)).toThrow(ShapeMismatchError);
    expect(() => layer.run(null, null, ones(shape), eval_)).toThrow(/input/);
  });
  it('accepts a name used twice with one size', () => {
    expect(nn.input(['N', 'N']).apply(null, ones([3, 3])).shape).toEqual([3, 3]);
  });
});

describe('branching combinators (values by hand)', () => {
  const x = tensor([[1, 2, 3], [-1, 0, 2]]); // x @ K + b = [[10.5, 2], [5.5, -1]] (see dense)
  it('residual: x + f(x)', () => {
    const r = nn.residual(nn.dense(3, 3));
    const p = { kernel: tensor([[1, 0, 0], [0, 2, 0], [1, 0, -1]]), bias: tensor([0, 0, 1]) };
    // f([1, 2, 3]) = [1 + 3, 4, -3 + 1] = [4, 4, -2]; f([-1, 0, 2]) = [-1 + 2, 0, -2 + 1] = [1, 0, -1]
    expectClose(r.apply(p, x), [5, 6, 1, 0, 0, 1]);
    expect(Object.keys(r.init(key(0))).sort()).toEqual(['bias', 'kernel']);
  });
  it('residual throws at run time when the branch changes the shape', () => {
    const r = nn.residual(nn.lambda((t) => slice(t, [null, [0, 2]])));
    expect(() => r.apply(null, x as never)).toThrow(ShapeMismatchError);
    expect(() => r.apply(null, x as never)).toThrow(/residual/);
  });
  it('concatenate: [x, f(x)] on the last axis', () => {
    const y = nn.concatenate(nn.dense(3, 2)).apply({ kernel: K, bias: b }, x);
    expect(y.shape).toEqual([2, 5]);
    expectClose(y, [1, 2, 3, 10.5, 2, -1, 0, 2, 5.5, -1]);
  });
  it('parallel add: the sum of the branches', () => {
    const par = nn.parallel('add', nn.dense(3, 2), nn.lambda((t) => slice(t, [null, [0, 2]])));
    // x @ K + b plus the first two features
    // a branch of unknown rank (a lambda) makes the join's shape unknown, not an error
    expectClose(par.apply([{ kernel: K, bias: b }, null], x), [11.5, 4, 4.5, -1]);
  });
  it('parallel concat: the branches side by side, params a tuple', () => {
    const par = nn.parallel('concat', nn.relu(), nn.lambda((t) => neg(t)), nn.dense(3, 2));
    const y = par.apply([null, null, { kernel: K, bias: b }], x);
    expect(y.shape).toEqual([2, 8]);
    expectClose(y, [1, 2, 3, -1, -2, -3, 10.5, 2, 0, 0, 2, 1, 0, -2, 5.5, -1]);
    const p = par.init(key(0));
    expect([p[0], p[1]]).toEqual([null, null]);
    expect(p[2].kernel.shape).toEqual([3, 2]);
  });
  it('bottleneck: x + expand(inner(reduce(x)))', () => {
    const bn = nn.bottleneck(nn.dense(3, 1), nn.relu(), nn.dense(1, 3));
    const p: nn.ParamsOf<typeof bn> = [
      { kernel: tensor([[1], [1], [-1]]), bias: tensor([0]) }, null, { kernel: tensor([[1, -1, 2]]), bias: tensor([0, 0, 1]) },
    ];
    // [1, 2, 3]: reduce 0 -> relu 0 -> [0, 0, 1] -> [1, 2, 4]; [-1, 0, 2]: -3 -> 0 -> [0, 0, 1] -> [-1, 0, 3]
    expectClose(bn.apply(p, x), [1, 2, 4, -1, 0, 3]);
    // [2, 1, 0]: 3 -> 3 -> [3, -3, 7] -> [5, -2, 7]
    expectClose(bn.apply(p, tensor([[2, 1, 0]])), [5, -2, 7]);
  });
  it('lambda: a parameter-free function of the input', () => {
    const sq = nn.lambda((t) => mul(t, t));
    expect(sq.init(key(0))).toBeNull();
    expect(sq.name).toBe('lambda');
    expectClose(sq.apply(null, x), [1, 4, 9, 1, 0, 4]);
  });
});

describe('dropout', () => {
  const n = 20_000;
  const x = tensor(Array.from({ length: n }, (_, i) => 1 + (i % 7) * 0.25));
  const xs = vals(x);
  it('is the identity in eval mode, by default, and at rate 0', () => {
    const d = nn.dropout(0.5);
    expect(vals(d.apply(null, x))).toEqual(xs);
    expect(vals(d.apply(null, x, eval_))).toEqual(xs);
    expect(vals(nn.dropout(0).apply(null, x, nn.trainMode(key(1))))).toEqual(xs);
  });
  it.each([0.1, 0.3, 0.5, 0.9])('at rate %s zeroes about that fraction and scales the kept values by 1 / (1 - rate)', (rate) => {
    const y = vals(nn.dropout(rate).apply(null, x, nn.trainMode(key(11))));
    const zeros = y.filter((v) => v === 0).length / n;
    expect(Math.abs(zeros - rate)).toBeLessThan(4 * Math.sqrt(rate * (1 - rate) / n));
    const kept = y.flatMap((v, i) => (v === 0 ? [] : [[v, xs[i]! / (1 - rate)] as const]));
    expectClose(kept.map(([v]) => v), kept.map(([, e]) => e), 0, 2 ** -23);
  });
  it('keeps exactly x / (1 - rate) when 1 - rate is a power of two', () => {
    const y = vals(nn.dropout(0.75).apply(null, x, nn.trainMode(key(2))));
    y.forEach((v, i) => { if (v !== 0) expect(v).toBe(xs[i]! * 4); });
  });
  it('draws the same mask for the same key and different ones for different keys', () => {
    const d = nn.dropout(0.5);
    const mask = (k: number) => vals(d.apply(null, x, nn.trainMode(key(k)))).map((v) => v !== 0);
    expect(mask(3)).toEqual(mask(3));
    // two independent masks at rate 0.5 agree on about half the elements
    const a = mask(3), c = mask(4);
    const agree = a.filter((m, i) => m === c[i]).length / n;
    expect(Math.abs(agree - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
  it('inside one serial, two dropouts draw different masks (the key is folded per child)', () => {
    let first: number[] = [];
    const m = nn.serial(nn.dropout(0.5), nn.lambda((t) => { first = vals(t); return t; }), nn.dropout(0.5));
    const k = key(9);
    const y = vals(m.apply([null, null, null], x, nn.trainMode(k)));
    const m1 = first.map((v) => v !== 0);
    const both = y.map((v) => v !== 0);
    // independent masks: kept by both ~ 1/4 (the same mask twice would keep ~ 1/2)
    const fraction = both.filter(Boolean).length / n;
    expect(Math.abs(fraction - 0.25)).toBeLessThan(4 * Math.sqrt(0.25 * 0.75 / n));
    // and each is the mask a lone dropout draws with the key folded with the child's index
    expect(m1).toEqual(vals(nn.dropout(0.5).apply(null, x, nn.trainMode(foldIn(k, 0)))).map((v) => v !== 0));
    const m2 = vals(nn.dropout(0.5).apply(null, x, nn.trainMode(foldIn(k, 2)))).map((v) => v !== 0);
    expect(both).toEqual(m1.map((v, i) => v && m2[i]!));
    // kept by both: scaled twice
    y.forEach((v, i) => { if (v !== 0) expect(v).toBeCloseTo(xs[i]! * 4, 5); });
  });
  it.each([1, 1.5, -0.1, Number.NaN])('rate %s is a ValueError', (rate) => {
    expect(() => nn.dropout(rate)).toThrow(ValueError);
    expect(() => nn.dropout(rate)).toThrow(/dropout/);
  });
  it('has gradient g * mask / (1 - rate) for a fixed key', () => {
    const rate = 0.3;
    const d = nn.dropout(rate);
    const small = tensor([1, -2, 3, 0.5, 4, -1, 2, 2, -3, 1, 1, 5]);
    const g = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const ctx = nn.trainMode(key(21));
    const mask = vals(d.apply(null, small, ctx)).map((v) => (v !== 0 ? 1 : 0));
    expect(mask).toContain(0);
    expect(mask).toContain(1);
    const gx = grad((xi: Tensor<[12]>) => sum(mul(d.apply(null, xi, ctx), g)))(small);
    expectClose(gx, vals(g).map((gi, i) => gi * mask[i]! / (1 - rate)), 1e-6, 1e-6);
  });
});

describe('flatten and reshape', () => {
  const x = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]); // [2, 3, 2]
  const seq = Array.from({ length: 12 }, (_, i) => i + 1);
  const cases: readonly [string, readonly number[], nn.AnyLayer][] = [
    ['flatten()', [2, 6], nn.flatten()],
    ['flatten(0)', [12], nn.flatten(0)],
    ['flatten(2)', [2, 3, 2], nn.flatten(2)],
    ['reshape([6])', [2, 6], nn.reshape([6])],
    ['reshape([2, 3])', [2, 2, 3], nn.reshape([2, 3])],
    ['reshape([3, 1, 2])', [2, 3, 1, 2], nn.reshape([3, 1, 2])],
  ];
  it.each(cases)('%s gives shape %j and keeps the row-major values', (_, shape, layer) => {
    const [y] = layer.run(null, null, x, eval_);
    expect(y.shape).toEqual(shape);
    expect(vals(y)).toEqual(seq);
  });
  it('reshape keeps the batch axis whatever its size', () => {
    expect(nn.reshape([2, 2]).apply(null, ones([5, 4])).shape).toEqual([5, 2, 2]);
  });
});

describe('activation layers (formulas)', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 2.5];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  // Phi(v) for the inputs above, from tables of the standard normal CDF (to 1e-10)
  const phi: Readonly<Record<number, number>> = {
    [-3]: 0.0013498980, [-1]: 0.1586552539, [-0.5]: 0.3085375387, 0: 0.5, 0.5: 0.6914624613, 1: 0.8413447461, 2.5: 0.9937903347,
  };
  const cases: readonly [string, nn.AnyLayer, (v: number) => number][] = [
    ['relu', nn.relu(), (v) => Math.max(v, 0)],
    ['leakyRelu()', nn.leakyRelu(), (v) => (v > 0 ? v : 0.01 * v)],
    ['leakyRelu(0.2)', nn.leakyRelu(0.2), (v) => (v > 0 ? v : 0.2 * v)],
    ['elu()', nn.elu(), (v) => (v > 0 ? v : Math.exp(v) - 1)],
    ['elu(2)', nn.elu(2), (v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))],
    ['gelu exact', nn.gelu(), (v) => v * phi[v]!],
    ['gelu tanh', nn.gelu({ approximate: true }), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['silu', nn.silu(), (v) => v * sig(v)],
    ['sigmoid', nn.sigmoid(), sig],
    ['tanh', nn.tanh(), Math.tanh],
    ['softplus', nn.softplus(), (v) => Math.log1p(Math.exp(v))],
  ];
  it.each(cases)('%s', (_, layer, f) => {
    const x = tensor(xs);
    const y = layer.apply(null, x);
    expect(y.shape).toEqual([xs.length]);
    expectClose(y, xs.map(f), 1e-6, 1e-5);
  });
  it('softplus is stable for large |x|', () => {
    expectClose(nn.softplus().apply(null, tensor([100, -100])), [100, Math.exp(-100)], 1e-6, 1e-5);
  });
  const m = [[1, 2, 0], [3, 5, 0]];
  const e = m.map((r) => r.map(Math.exp));
  it('softmax over the last axis and over axis 0', () => {
    const rows = e.flatMap((r) => r.map((v) => v / (r[0]! + r[1]! + r[2]!)));
    expectClose(nn.softmax().apply(null, tensor(m)), rows);
    const cols = e.flatMap((r) => r.map((v, j) => v / (e[0]![j]! + e[1]![j]!)));
    expectClose(nn.softmax(0).apply(null, tensor(m)), cols);
  });
  it('logSoftmax over the last axis and over axis 0, and for large logits', () => {
    const rows = m.flatMap((r) => r.map((v) => v - Math.log(r.reduce((s, u) => s + Math.exp(u), 0))));
    expectClose(nn.logSoftmax().apply(null, tensor(m)), rows, 1e-6, 1e-6);
    const cols = m.flatMap((r) => r.map((v, j) => v - Math.log(Math.exp(m[0]![j]!) + Math.exp(m[1]![j]!))));
    expectClose(nn.logSoftmax(0).apply(null, tensor(m)), cols, 1e-6, 1e-6);
    // log softmax([1000, 0]) = [-log(1 + e^-1000), -1000 - log(1 + e^-1000)]
    expectClose(nn.logSoftmax().apply(null, tensor([[1000, 0]])), [0, -1000], 1e-6, 1e-6);
  });
});

describe('gradients through a model', () => {
  it('of an MLP have the params\' structure (nulls kept) and agree with finite differences', () => {
    const mlp = nn.serial(nn.input(['B', 3]), nn.dense(3, 4), nn.tanh(), nn.dense(4, 4), nn.gelu(), nn.dropout(0.5), nn.dense(4, 2));
    const p = mlp.init(key(4));
    const x = tensor([[0.5, -1, 2], [1.5, 0.25, -0.75]]);
    const g = grad((pp: typeof p, xi: Tensor<[2, 3]>) => mean(mlp.apply(pp, xi)))(p, x);
    expect(g).toHaveLength(7);
    expect([g[0], g[2], g[4], g[5]]).toEqual([null, null, null, null]);
    expect([g[1].kernel.shape, g[1].bias.shape, g[3].kernel.shape, g[6].kernel.shape, g[6].bias.shape]).toEqual([[3, 4], [4], [4, 4], [4, 2], [2]]);
    // the last bias: dL/db = mean over 2 x 2 outputs of 1 each -> 1/2 per unit
    expectClose(g[6].bias, [0.5, 0.5]);
    const report = checkGrad((pp: typeof p) => mean(mlp.apply(pp, x)), p);
    expect(report.ok, JSON.stringify(report.worst)).toBe(true);
    expect(report.checked).toBe(3 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2);
  });
  it('of a 1-hidden-unit net, by hand', () => {
    // L = mean_i (w2 tanh(w1 x_i + b1) + b2); dL/dw2 = mean tanh(h), dL/db2 = 1,
    // dL/dw1 = mean w2 (1 - tanh²(h)) x, dL/db1 = mean w2 (1 - tanh²(h))
    const net = nn.serial(nn.dense(1, 1), nn.tanh(), nn.dense(1, 1));
    const [w1, b1, w2, b2] = [0.7, -0.2, 1.5, 0.3];
    const p: nn.ParamsOf<typeof net> = [
      { kernel: tensor([[w1]]), bias: tensor([b1]) }, null, { kernel: tensor([[w2]]), bias: tensor([b2]) },
    ];
    const xs = [1, -2, 0.5];
    const x = tensor(xs.map((v) => [v]));
    const th = xs.map((v) => Math.tanh(w1 * v + b1));
    const avg = (f: (i: number) => number) => xs.reduce((s, _, i) => s + f(i), 0) / xs.length;
    const g = grad((pp: typeof p) => mean(net.apply(pp, x)))(p);
    expect(g[1]).toBeNull();
    expectClose(g[2].kernel, [avg((i) => th[i]!)], 1e-6, 1e-5);
    expectClose(g[2].bias, [1], 1e-6, 1e-5);
    expectClose(g[0].kernel, [avg((i) => w2 * (1 - th[i]! ** 2) * xs[i]!)], 1e-6, 1e-5);
    expectClose(g[0].bias, [avg((i) => w2 * (1 - th[i]! ** 2))], 1e-6, 1e-5);
  });
});

describe('lsuvInit', () => {
  const model = nn.serial(
    nn.input(['B', 5]), nn.dense(5, 8), nn.tanh(),
    nn.serial(nn.dense(8, 8), nn.relu(), nn.dense(8, 8, { useBias: false })),
    nn.residual(nn.dense(8, 8)), nn.dense(8, 3),
  );
  const x = random.normal(key(100), [64, 5], { mean: 2, std: 3 });
  const params = model.init(key(1));
  const snapshot = (p: typeof params) => leaves(p).map(vals);
  it('standardizes every dense output of the chain on the batch', () => {
    const q = nn.lsuvInit(model, params, x);
    const dense = (p: { kernel: T; bias?: T }, h: T): T => nn.dense(p.kernel.shape[0] as number, p.kernel.shape[1] as number, p.bias ? {} : { useBias: false })
      .run(p as never, null, h, eval_)[0];
    const check = (y: T) => {
      const s = stats(vals(y));
      expect(Math.abs(s.mean)).toBeLessThan(1e-3);
      expect(Math.abs(s.variance - 1)).toBeLessThan(1e-3);
    };
    let h: T = x;
    h = dense(q[1], h); check(h);
    h = nn.tanh().run(null, null, h, eval_)[0];
    h = dense(q[3][0], h); check(h);
    h = nn.relu().run(null, null, h, eval_)[0];
    h = dense(q[3][2], h); // no bias: left as it was
    // inside a residual the wrapped dense is standardized on the residual's input
    check(dense(q[4], h));
    h = nn.residual(nn.dense(8, 8)).run(q[4], null, h, eval_)[0];
    h = dense(q[5], h); check(h);
  });
  it('leaves other params and parameter-free layers alone and mutates nothing', () => {
    const before = snapshot(params);
    const q = nn.lsuvInit(model, params, x);
    expect(before).toHaveLength(9); // 4 kernels with biases and one without
    expect(snapshot(params)).toEqual(before);
    expect([q[0], q[2], q[3][1]]).toEqual([null, null, null]);
    expect(vals(q[3][2].kernel)).toEqual(vals(params[3][2].kernel));
    expect(Object.keys(q[3][2])).toEqual(['kernel']);
    expect(vals(q[1].kernel)).not.toEqual(vals(params[1].kernel));
  });
});

describe('embedding', () => {
  const emb = nn.embedding(4, 2, { paddingIdx: 0 });
  const table = tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
  it.each([
    ['an index past the end', tensor([1, 4], 'int32')],
    ['a negative index', tensor([-1, 0], 'int32')],
    ['a float input', tensor([1, 2])],
  ])('%s is a ValueError naming embedding', (_, ids) => {
    expect(() => emb.apply({ embedding: table }, ids as never)).toThrow(ValueError);
    expect(() => emb.apply({ embedding: table }, ids as never)).toThrow(/embedding/);
  });
  it('reads the padding row in the forward pass but gives it exactly zero gradient', () => {
    const ids = tensor([[0, 2], [0, 1]], 'int32');
    expectClose(emb.apply({ embedding: table }, ids), [1, 2, 5, 6, 1, 2, 3, 4]);
    const c = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const g = grad((p: { embedding: Tensor<[4, 2]> }) => sum(mul(emb.apply(p, ids), c)))({ embedding: table });
    // row 0 is padding; row 1 gets c[1][1]; row 2 gets c[0][1]; row 3 is unused
    expect(vals(g.embedding)).toEqual([0, 0, 7, 8, 3, 4, 0, 0]);
  });
});
