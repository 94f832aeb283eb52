/** @file grad, valueAndGrad, vjp, jvp, customVjp and checkpoint against gradients worked out by hand or by formula. */
import { describe, expect, it } from 'vitest';
import { checkpoint, customVjp, grad, jvp, tapeFootprint, valueAndGrad, vjp } from '../../src/autodiff/index.js';
import {
  abs, add, argmax, cast, clip, dot, exp, fromArray, isTensor, log1p, logSumExp, matmul, maximum, mean, mul, neg, oneHot,
  sigmoid, sin, square, stopGradient, sub, sum, tanh, tensor, toArray, ValueError, type AnyTensor, type Tensor,
} from '../../src/index.js';

const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** t holds `expected` (row-major) up to float32 rounding: |a - e| <= tol * max(1, |e|) */
const expectClose = (t: AnyTensor, expected: readonly number[] | number, tol = 2e-6): void => {
  const want = typeof expected === 'number' ? [expected] : expected;
  const got = values(t);
  expect(got.length).toBe(want.length);
  const bad = got.flatMap((v, i) => (Math.abs(v - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)) ? [] : [`[${i}] ${v} vs ${want[i]}`]));
  expect(bad).toEqual([]);
};
/** plain-JS helpers for the hand computations (row-major number[][]) */
const rows = (t: AnyTensor): number[][] => {
  const [r, c] = t.shape as readonly number[];
  const v = values(t);
  return Array.from({ length: r! }, (_, i) => v.slice(i * c!, (i + 1) * c!));
};
const jsMatmul = (a: number[][], b: number[][]): number[][] => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const jsT = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));
const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const s = (v: number): Tensor<[]> => tensor(v);
/** a float32 tensor of `shape` whose k-th element (row-major) is at(k) */
const make = <const S extends readonly number[]>(shape: S, at: (k: number) => number): Tensor<[...S]> => {
  const r = fromArray(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => at(k)), shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};

describe('closed forms', () => {
  it('softmax cross-entropy: d/dz = (softmax(z) - onehot(y)) / batch', () => {
    const z = tensor([[0.2, -1.3, 2.1, 0.5], [1.7, 0.3, -0.4, -2.2], [-0.6, 0.9, 0.1, 1.4]]);
    const labels = tensor([2, 0, 3], 'int32');
    const loss = (logits: Tensor<[3, 4]>) => mean(sub(logSumExp(logits, -1), sum(mul(logits, oneHot(labels, 4)), -1)));
    const expected = rows(z).flatMap((r, i) => softmax(r).map((p, j) => (p - (j === [2, 0, 3][i] ? 1 : 0)) / 3));
    expectClose(grad(loss)(z), expected);
  });

  it('logSumExp: the gradient is softmax, also far from 0 (computed stably)', () => {
    for (const shift of [0, 100]) {
      const x = add(tensor([0.3, -1.2, 2.5, 0.9, -0.1]), shift);
      expectClose(grad((t: Tensor<[5]>) => logSumExp(t))(x), softmax(values(x)));
    }
  });

  it('logSumExp with a -inf entry: softmax, with 0 there', () => {
    expectClose(grad((t: Tensor<[3]>) => logSumExp(t))(tensor([0.5, -Infinity, 0.5])), [0.5, 0, 0.5]);
  });

  it('x^T A x: the gradient is (A + A^T) x', () => {
    const A = tensor([[1, 2, -1], [0.5, -3, 4], [2, 0, 1.5]]);
    const x = tensor([0.7, -1.1, 2]);
    const a = rows(A), xv = values(x);
    const expected = xv.map((_, i) => xv.reduce((acc, v, j) => acc + (a[i]![j]! + a[j]![i]!) * v, 0));
    expectClose(grad((t: Tensor<[3]>) => dot(t, matmul(A, t)))(x), expected);
  });

  it('a 2-layer tanh MLP: grad matches backprop written by hand', () => {
    const x = tensor([[0.5, -1, 0.3], [1.2, 0.4, -0.7], [-0.3, 0.8, 1.1], [0.9, -0.2, 0.6], [-1.4, 0.5, -0.5]]);
    const target = tensor([[1, 0], [0, 1], [0.5, -0.5], [-1, 0.3], [0.2, 0.2]]);
    const p = {
      w1: tensor([[0.3, -0.2, 0.5, 0.1], [-0.6, 0.4, 0.2, -0.3], [0.1, 0.7, -0.5, 0.25]]),
      b1: tensor([0.05, -0.1, 0.2, 0]),
      w2: tensor([[0.4, -0.3], [0.2, 0.6], [-0.5, 0.1], [0.3, 0.35]]),
      b2: tensor([0.1, -0.05]),
    };
    type P = typeof p;
    const n = 5;
    // loss = sum((y - t)^2) / (2n), y = tanh(x w1 + b1) w2 + b2
    const loss = (q: P) => mul(sum(square(sub(add(matmul(tanh(add(matmul(x, q.w1), q.b1)), q.w2), q.b2), target))), 1 / (2 * n));

    // by hand: dy = (y - t) / n; dw2 = h^T dy; db2 = sum_rows dy; dz = (dy w2^T) * (1 - h^2); dw1 = x^T dz; db1 = sum_rows dz
    const X = rows(x), T = rows(target), W1 = rows(p.w1), W2 = rows(p.w2), B1 = values(p.b1), B2 = values(p.b2);
    const h = jsMatmul(X, W1).map((r) => r.map((v, j) => Math.tanh(v + B1[j]!)));
    const y = jsMatmul(h, W2).map((r) => r.map((v, j) => v + B2[j]!));
    const dy = y.map((r, i) => r.map((v, j) => (v - T[i]![j]!) / n));
    const dz = jsMatmul(dy, jsT(W2)).map((r, i) => r.map((v, j) => v * (1 - h[i]![j]! ** 2)));
    const colSums = (m: number[][]) => m[0]!.map((_, j) => m.reduce((acc, r) => acc + r[j]!, 0));
    const lossByHand = y.flat().reduce((acc, v, k) => acc + (v - T.flat()[k]!) ** 2, 0) / (2 * n);

    const [value, g] = valueAndGrad(loss)(p);
    expectClose(value, lossByHand);
    expectClose(g.w2, jsMatmul(jsT(h), dy).flat());
    expectClose(g.b2, colSums(dy));
    expectClose(g.w1, jsMatmul(jsT(X), dz).flat());
    expectClose(g.b1, colSums(dz));
  });

  it.each([
    ['x^3', (t: Tensor<[]>) => mul(t, mul(t, t)), 1.3, [3 * 1.3 ** 2, 6 * 1.3, 6]],
    ['sin', (t: Tensor<[]>) => sin(t), 0.4, [Math.cos(0.4), -Math.sin(0.4), -Math.cos(0.4)]],
    ['exp(2x)', (t: Tensor<[]>) => exp(mul(t, 2)), -0.3, [2 * Math.exp(-0.6), 4 * Math.exp(-0.6), 8 * Math.exp(-0.6)]],
  ] as const)('grad of grad of grad: d/dx, d2/dx2, d3/dx3 of %s', (_, f, x0, [d1, d2, d3]) => {
    const g1 = grad(f);
    const g2 = grad((t: Tensor<[]>) => g1(t));
    const g3 = grad((t: Tensor<[]>) => g2(t));
    expectClose(g1(s(x0)), d1, 1e-5);
    expectClose(g2(s(x0)), d2, 1e-5);
    expectClose(g3(s(x0)), d3, 1e-5);
  });

  it('Hessian-vector products of a quadratic equal A_sym v (reverse-over-reverse and forward-over-reverse)', () => {
    const A = tensor([[2, 1, 0], [-1, 3, 0.5], [0.5, 2, 1]]);
    const b = tensor([0.3, -0.2, 1]);
    const x = tensor([0.4, -0.9, 1.3]), v = tensor([1, -2, 0.5]);
    const f = (t: Tensor<[3]>) => add(mul(dot(t, matmul(A, t)), 0.5), dot(b, t));
    const a = rows(A), vv = values(v);
    const expected = vv.map((_, i) => vv.reduce((acc, w, j) => acc + ((a[i]![j]! + a[j]![i]!) / 2) * w, 0));
    const df = grad(f);
    expectClose(grad((t: Tensor<[3]>) => dot(df(t), v))(x), expected);
    expectClose(jvp((t: Tensor<[3]>) => df(t), [x], [v])[1], expected);
  });

  it('a gradient penalty: grad of ||grad_x f||^2 for f = sum(w x^3) / 3', () => {
    // grad_x f = w x^2; P = sum(w^2 x^4); dP/dw = 2 w x^4; dP/dx = 4 w^2 x^3
    const f = (w: Tensor<[3]>, x: Tensor<[3]>) => mul(sum(mul(w, mul(x, square(x)))), 1 / 3);
    const dfdx = grad(f, { argnums: 1 });
    const penalty = (w: Tensor<[3]>, x: Tensor<[3]>) => sum(square(dfdx(w, x)));
    const w = tensor([0.5, -1.5, 2]), x = tensor([1.2, 0.7, -0.4]);
    const [dw, dx] = grad(penalty, { argnums: [0, 1] })(w, x);
    const wv = values(w), xv = values(x);
    expectClose(dw, wv.map((wi, i) => 2 * wi * xv[i]! ** 4));
    expectClose(dx, wv.map((wi, i) => 4 * wi ** 2 * xv[i]! ** 3));
  });
});

describe('jvp and vjp', () => {
  const x = tensor([0.5, -1.2, 2]), v = tensor([1, 0.5, -2]);
  const xv = values(x), vv = values(v);

  it('jvp: sin pushes v forward as cos(x) v', () => {
    const [y, dy] = jvp((t: Tensor<[3]>) => sin(t), [x], [v]);
    expectClose(y, xv.map(Math.sin));
    expectClose(dy, xv.map((xi, i) => Math.cos(xi) * vv[i]!));
  });
  it('jvp: a linear map A x pushes v forward as A v', () => {
    const A = tensor([[1, 2, 3], [0, -1, 0.5]]);
    expectClose(jvp((t: Tensor<[3]>) => matmul(A, t), [x], [v])[1], jsMatmul(rows(A), vv.map((e) => [e])).flat());
  });
  it('jvp with two primals: d(ab) = a db + da b', () => {
    const b = tensor([2, 3, -1]), db = tensor([0.1, -0.2, 0.3]);
    const [, d] = jvp((p: Tensor<[3]>, q: Tensor<[3]>) => mul(p, q), [x, b], [v, db]);
    expectClose(d, xv.map((a, i) => a * values(db)[i]! + vv[i]! * values(b)[i]!));
  });
  it('jvp with a record primal and a tuple output', () => {
    const p = { c: tensor(0.5), w: tensor([1, 2, 3]) };
    const t = { c: tensor(1), w: tensor([0, 1, 0]) };
    const [[y1, y2], [d1, d2]] = jvp((q: typeof p) => [exp(mul(q.w, q.c)), sum(q.w)] as const, [p], [t]);
    const wv = values(p.w), twv = values(t.w);
    expectClose(y1, wv.map((w) => Math.exp(0.5 * w)));
    expectClose(y2, 6);
    // d exp(w c) = exp(w c) (dw c + w dc)
    expectClose(d1, wv.map((w, i) => Math.exp(0.5 * w) * (twv[i]! * 0.5 + w * 1)));
    expectClose(d2, 1);
  });

  it('vjp: the pullback of x^2 maps ct to 2 x ct', () => {
    const [y, pullback] = vjp((t: Tensor<[3]>) => square(t), x);
    expectClose(y, xv.map((e) => e * e));
    expectClose(pullback(v)[0], xv.map((e, i) => 2 * e * vv[i]!));
    // a pullback is a pure function: calling it again with another cotangent is fine
    expectClose(pullback(tensor([1, 1, 1]))[0], xv.map((e) => 2 * e));
  });
  it('vjp of matmul: cotangents G b^T and a^T G', () => {
    const a = tensor([[1, -2, 0.5], [3, 0, 1]]), b = tensor([[0.5, 1], [-1, 2], [0, 3]]);
    const G = tensor([[1, -1], [0.5, 2]]);
    const [, pullback] = vjp((p: Tensor<[2, 3]>, q: Tensor<[3, 2]>) => matmul(p, q), a, b);
    const [da, db] = pullback(G);
    expectClose(da, jsMatmul(rows(G), jsT(rows(b))).flat());
    expectClose(db, jsMatmul(jsT(rows(a)), rows(G)).flat());
  });
  it('vjp of a broadcast add sums the cotangent over the broadcast axis', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]), b = tensor([0.5, 0.5, 0.5]);
    const ct = tensor([[1, 2, 3], [10, 20, 30]]);
    const [da, db] = vjp((p: Tensor<[2, 3]>, q: Tensor<[3]>) => add(p, q), a, b)[1](ct);
    expectClose(da, [1, 2, 3, 10, 20, 30]);
    expectClose(db, [11, 22, 33]);
  });
  it('vjp of a record output takes a record of cotangents', () => {
    const [, pullback] = vjp((t: Tensor<[3]>) => ({ p: mul(t, 2), q: mul(t, 3) }), x);
    expectClose(pullback({ p: v, q: tensor([1, 1, 1]) })[0], vv.map((e) => 2 * e + 3));
  });
  it('vjp and jvp do not depend on the order of record keys', () => {
    const [, pullback] = vjp((t: Tensor<[3]>) => ({ p: mul(t, 2), q: mul(t, 3) }), x);
    expectClose(pullback({ q: tensor([0, 0, 0]), p: v })[0], vv.map((e) => 2 * e));
    const p = { w: tensor([1, 2, 3]), c: tensor([10, 20, 30]) };
    expectClose(jvp((q: typeof p) => mul(q.w, 1), [p], [{ w: v, c: tensor([0, 0, 0]) }])[1], vv);
  });
  it('vjp of a tuple output takes a tuple of cotangents', () => {
    const [, pullback] = vjp((t: Tensor<[3]>) => [sin(t), sum(t)] as const, x);
    const [dx] = pullback([v, tensor(3)]);
    expectClose(dx, xv.map((e, i) => Math.cos(e) * vv[i]! + 3));
  });
});

describe('valueAndGrad and argnums', () => {
  const x = tensor([0.5, -1, 2]);
  it('hasAux: aux comes back untouched, and its tensors are plain values afterwards', () => {
    const [[loss, aux], g] = valueAndGrad(
      (t: Tensor<[3]>) => [sum(square(t)), { scaled: mul(t, 3), count: 3, label: 'mse', flags: [true, null] }] as const,
      { hasAux: true },
    )(x);
    expectClose(loss, 5.25);
    expectClose(g, [1, -2, 4]);
    expect(aux.count).toBe(3);
    expect(aux.label).toBe('mse');
    expect(aux.flags).toEqual([true, null]);
    expectClose(aux.scaled, [1.5, -3, 6]);
    // usable in later ops and later grad calls, as a constant
    expectClose(add(aux.scaled, 1), [2.5, -2, 7]);
    expectClose(grad((t: Tensor<[3]>) => sum(mul(t, aux.scaled)))(x), [1.5, -3, 6]);
  });

  it('the value of an inner valueAndGrad is differentiable by an outer grad: d/da [a sin(a)]', () => {
    const f = (a: Tensor<[]>) => valueAndGrad((b: Tensor<[]>) => mul(sin(b), a))(a)[0];
    expectClose(grad(f)(s(0.3)), 0.3 * Math.cos(0.3) + Math.sin(0.3));
  });

  it('argnums: one index gives that gradient (the input saliency of a linear score)', () => {
    const w = tensor([0.2, -0.7, 1.5]);
    const score = (weights: Tensor<[3]>, input: Tensor<[3]>) => dot(weights, input);
    expectClose(grad(score, { argnums: 1 })(w, x), values(w));
    expectClose(grad(score)(w, x), values(x));
  });
  it('argnums: a tuple gives a tuple in that order; valueAndGrad takes it too', () => {
    const f = (w: Tensor<[3]>, input: Tensor<[3]>, b: Tensor<[]>) => add(sum(mul(w, input)), mul(b, b));
    const w = tensor([1, 2, 3]), b = s(1.5);
    const [db, dw] = grad(f, { argnums: [2, 0] })(w, x, b);
    expectClose(db, 3);
    expectClose(dw, values(x));
    const [value, [dx, db2]] = valueAndGrad(f, { argnums: [1, 2] })(w, x, b);
    expectClose(value, 0.5 - 2 + 6 + 2.25);
    expectClose(dx, [1, 2, 3]);
    expectClose(db2, 3);
  });
});

describe('what gradients flow through', () => {
  const x = tensor([0.5, -1, 2]);
  it('stopGradient blocks: x * stopGradient(x) has gradient x, not 2x', () => {
    expectClose(grad((t: Tensor<[3]>) => sum(mul(t, stopGradient(t))))(x), values(x));
    expectClose(grad((t: Tensor<[3]>) => sum(square(stopGradient(t))))(x), [0, 0, 0]);
  });

  it('integer inputs get no gradient: an int32 leaf gets int32 zeros, a float -> int32 cast is a constant', () => {
    const p = { x, k: tensor([1, 2, 3], 'int32') };
    const g = grad((q: typeof p) => sum(mul(q.x, cast(q.k, 'float32'))))(p);
    expectClose(g.x, [1, 2, 3]);
    expect(g.k.dtype).toBe('int32');
    expect(values(g.k)).toEqual([0, 0, 0]);
    // d/dx [x * float(int(x))] = float(int(x)): truncation toward zero, held constant
    expectClose(grad((t: Tensor<[3]>) => sum(mul(t, cast(cast(t, 'int32'), 'float32'))))(tensor([1.5, -2.7, 3.2])), [1, -2, 3]);
    expectClose(grad((t: Tensor<[3]>) => sum(cast(argmax(t), 'float32')))(x), [0, 0, 0]);
  });

  it('tensors made outside the trace are constants; a loss that ignores the params has zero gradient', () => {
    const c = tensor([3, -1, 0.5]);
    expectClose(grad((t: Tensor<[3]>) => sum(mul(t, c)))(x), [3, -1, 0.5]);
    expectClose(grad((_t: Tensor<[3]>) => sum(c))(x), [0, 0, 0]);
  });
  it('a tracer that escapes its grad call is a plain value afterwards', () => {
    let leaked: AnyTensor | undefined;
    grad((t: Tensor<[3]>) => {
      const y = mul(t, 2);
      leaked = y;
      return sum(y);
    })(x);
    const kept = leaked as Tensor<[3]>;
    expectClose(kept, [1, -2, 4]);
    expectClose(grad((t: Tensor<[3]>) => sum(mul(t, kept)))(x), [1, -2, 4]);
  });

  it.each([
    // Siskind & Pearlmutter: confusing the two perturbations gives 2
    ['d/dx [x * d/dy (x + y)] at x = 1', () => grad((a: Tensor<[]>) => mul(a, grad((b: Tensor<[]>) => add(a, b))(s(1))))(s(1)), 1],
    ['d/dx [x * d/dy (x + y)] at x = -3.5', () => grad((a: Tensor<[]>) => mul(a, grad((b: Tensor<[]>) => add(a, b))(s(2))))(s(-3.5)), 1],
    ['d/dx [x * d/dy (x y)] = 2x at x = 2', () => grad((a: Tensor<[]>) => mul(a, grad((b: Tensor<[]>) => mul(a, b))(s(3))))(s(2)), 4],
    ['d/dx [d/dy (x y^2) at y = x] = 4x at x = 1.5', () => grad((a: Tensor<[]>) => grad((b: Tensor<[]>) => mul(a, square(b)))(a))(s(1.5)), 6],
  ] as const)('nested grads close over outer tracers: %s', (_, run, expected) => {
    expectClose(run(), expected);
  });
});

describe('customVjp and checkpoint', () => {
  it('a clipped gradient: identity forward, cotangent clipped to [-1, 1]', () => {
    const clipGrad = customVjp((t: Tensor<[3]>) => [t, null] as const, (_res, g) => [clip(g, -1, 1)] as const);
    const w = tensor([5, -0.3, -2]);
    const [value, g] = valueAndGrad((t: Tensor<[3]>) => sum(mul(clipGrad(t), w)))(tensor([1, 2, 3]));
    expectClose(value, 5 - 0.6 - 6);
    expectClose(g, [1, -0.3, -1]);
  });

  // softplus = log(1 + e^x), written as max(x, 0) + log1p(e^-|x|) so that e^x never overflows;
  // its rule is the sigmoid (the composite's own derivative would go through max and abs)
  const softplus = customVjp(
    (t: Tensor<[4]>) => [add(maximum(t, 0), log1p(exp(neg(abs(t))))), t] as const,
    (t, g) => [mul(g, sigmoid(t))] as const,
  );
  const z = tensor([-50, 0, 3, 100]);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  it('a stable softplus whose rule is the sigmoid', () => {
    const [value, g] = valueAndGrad((t: Tensor<[4]>) => sum(softplus(t)))(z);
    expectClose(value, Math.log1p(Math.exp(-50)) + Math.LN2 + Math.log1p(Math.exp(3)) + 100);
    expectClose(g, values(z).map(sig));
  });
  it('grad of grad goes through a customVjp whose bwd uses ops: softplus\'\' = s (1 - s)', () => {
    const hess = grad((t: Tensor<[4]>) => sum(grad((u: Tensor<[4]>) => sum(softplus(u)))(t)));
    expectClose(hess(z), values(z).map((v) => sig(v) * (1 - sig(v))));
  });
  it('a customVjp with an integer argument returns null for it', () => {
    const scaleBy = customVjp(
      (t: Tensor<[3]>, k: Tensor<[3], 'int32'>) => [mul(t, cast(k, 'float32')), k] as const,
      (k, g) => [mul(g, cast(k, 'float32')), null] as const,
    );
    const p = { t: tensor([1, 2, 3]), k: tensor([2, -1, 4], 'int32') };
    const g = grad((q: typeof p) => sum(scaleBy(q.t, q.k)))(p);
    expectClose(g.t, [2, -1, 4]);
    expect(values(g.k)).toEqual([0, 0, 0]);
  });

  it('customVjp rejects a cotangent of the wrong shape', () => {
    const bad = customVjp((t: Tensor<[3]>) => [sin(t), t] as const, (_t, g) => [sum(g) as AnyTensor as Tensor<[3]>] as const);
    expect(() => grad((t: Tensor<[3]>) => sum(bad(t)))(tensor([1, 2, 3]))).toThrow(/customVjp: bwd's cotangent 0 has shape \[\], argument 0 has \[3\]/);
  });
  it('customVjp refuses a fwd that closes over a differentiated tensor (as JAX does)', () => {
    const p = { w: tensor([1, 2, 3]), h: tensor([0.5, -1, 2]) };
    expect(() => grad((q: typeof p) => sum(customVjp((h: Tensor<[3]>) => [mul(h, q.w), h] as const, (_h, g) => [g] as const)(q.h)))(p))
      .toThrow(/customVjp: fwd closes over a tensor that is being differentiated/);
  });

  interface Net { readonly w1: Tensor<[3, 4]>; readonly w2: Tensor<[4, 2]> }
  const net: Net = {
    w1: tensor([[0.3, -0.2, 0.5, 0.1], [-0.6, 0.4, 0.2, -0.3], [0.1, 0.7, -0.5, 0.25]]),
    w2: tensor([[0.4, -0.3], [0.2, 0.6], [-0.5, 0.1], [0.3, 0.35]]),
  };
  const input = tensor([[0.5, -1, 0.3], [1.2, 0.4, -0.7]]);
  const block = (h: Tensor<[2, 3]>, w: Tensor<[3, 4]>) => tanh(matmul(tanh(h), w));
  it('checkpoint gives the same gradients as without it', () => {
    const plain = grad((p: Net) => sum(sin(matmul(block(input, p.w1), p.w2))))(net);
    const saved = grad((p: Net) => sum(sin(matmul(checkpoint(block)(input, p.w1), p.w2))))(net);
    expect(values(saved.w1)).toEqual(values(plain.w1));
    expect(values(saved.w2)).toEqual(values(plain.w2));
  });
  it('checkpoint under nested grad: d2/dx2 of x^2 sin x', () => {
    const f = checkpoint((t: Tensor<[]>) => mul(square(t), sin(t)));
    const d2 = grad((a: Tensor<[]>) => grad((b: Tensor<[]>) => f(b))(a))(s(0.7));
    expectClose(d2, 2 * Math.sin(0.7) + 4 * 0.7 * Math.cos(0.7) - 0.49 * Math.sin(0.7), 1e-5);
  });
  it('checkpoint keeps the gradient of tensors its function closes over', () => {
    const p = { w: tensor([1, 2, 3]), h: tensor([0.5, -1, 2]) };
    const g = grad((q: typeof p) => sum(checkpoint((h: Tensor<[3]>) => mul(h, q.w))(q.h)))(p);
    expectClose(g.w, [0.5, -1, 2]);
    expectClose(g.h, [1, 2, 3]);
  });

  it('checkpoint: a deep chain of 50 layers holds far fewer nodes and elements for the backward pass', () => {
    const w = make([8, 8], (k) => Math.cos(Math.floor(k / 8) + 2 * (k % 8)) / 4);
    const b = make([8], (k) => Math.sin(k) / 10);
    const chain = (h0: Tensor<[2, 8]>, wt: Tensor<[8, 8]>, bt: Tensor<[8]>) => {
      let h = h0;
      for (let i = 0; i < 50; i++) h = tanh(add(matmul(h, wt), bt));
      return sum(h);
    };
    const h0 = tensor([[1, -1, 0.5, 0.2, 0, 0.3, -0.7, 0.9], [0.1, 0.2, 0.3, 0.4, -0.5, -0.6, 0.7, 0.8]]);
    const args = [h0, w, b] as const;
    const full = tapeFootprint((xs) => chain(xs[0] as Tensor<[2, 8]>, xs[1] as Tensor<[8, 8]>, xs[2] as Tensor<[8]>), args);
    const saved = tapeFootprint((xs) => checkpoint(chain)(xs[0] as Tensor<[2, 8]>, xs[1] as Tensor<[8, 8]>, xs[2] as Tensor<[8]>), args);
    expect(full.nodes).toBeGreaterThanOrEqual(150);
    expect(saved.nodes).toBe(1);
    expect(full.elements / saved.elements).toBeGreaterThan(50);
    // and the gradients agree
    const g1 = grad(chain, { argnums: [0, 1, 2] })(h0, w, b);
    const g2 = grad(checkpoint(chain), { argnums: [0, 1, 2] })(h0, w, b);
    g1.forEach((t, i) => expect(values(g2[i]!)).toEqual(values(t)));
  });
});

describe('structure of the gradient', () => {
  it('has exactly the params\' structure: nested records, arrays and tuples', () => {
    const p = { b: [tensor([1, 2]), { c: tensor([3]) }] as const, a: { z: tensor([-1, 0.5]), y: [tensor([2]), tensor([4, 5, 6])] as const } };
    type P = typeof p;
    // loss = sum(b0^2) + 2 sum(b1.c) + sum(z^3) / 3 + sum(y0 * 7) + sum(y1)
    const loss = (q: P) => add(add(add(sum(square(q.b[0])), mul(sum(q.b[1].c), 2)), mul(sum(mul(q.a.z, square(q.a.z))), 1 / 3)),
      add(sum(mul(q.a.y[0], 7)), sum(q.a.y[1])));
    const g = grad(loss)(p);
    expect(Object.keys(g).sort()).toEqual(['a', 'b']);
    expect(Object.keys(g.a).sort()).toEqual(['y', 'z']);
    expect(Array.isArray(g.b) && g.b.length === 2 && Array.isArray(g.a.y) && g.a.y.length === 2).toBe(true);
    expect(Object.keys(g.b[1])).toEqual(['c']);
    expectClose(g.b[0], [2, 4]);
    expectClose(g.b[1].c, [2]);
    expectClose(g.a.z, [1, 0.25]);
    expectClose(g.a.y[0], [7]);
    expectClose(g.a.y[1], [1, 1, 1]);
  });
  it('does not depend on the order of record keys', () => {
    const loss = (q: { u: Tensor<[2]>; v: Tensor<[2]> }) => sum(mul(q.u, square(q.v)));
    const g1 = grad(loss)({ u: tensor([1, 2]), v: tensor([3, -4]) });
    const g2 = grad(loss)({ v: tensor([3, -4]), u: tensor([1, 2]) });
    expectClose(g1.u, [9, 16]);
    expectClose(g1.v, [6, -16]);
    expect(values(g2.u)).toEqual(values(g1.u));
    expect(values(g2.v)).toEqual(values(g1.v));
  });
  it('a tuple argument gives a tuple gradient, every leaf a tensor', () => {
    const g = grad(([a, b]: readonly [Tensor<[2]>, Tensor<[]>]) => sum(mul(a, b)))([tensor([1, 2]), s(3)]);
    expect(g.length).toBe(2);
    expect(g.every(isTensor)).toBe(true);
    expectClose(g[0], [3, 3]);
    expectClose(g[1], 3);
  });
});

describe('errors', () => {
  const x = tensor([0.5, -1, 2]);
  const call = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  };
  it.each([
    // @ts-expect-error the loss is not a scalar
    ['a non-scalar loss', () => grad((t: Tensor<[3]>) => mul(t, 2))(x), /grad: f must return a float32 scalar, got shape \[3\] float32/],
    // @ts-expect-error the loss is int32
    ['an int32 loss', () => grad((t: Tensor<[3]>) => sum(cast(t, 'int32')))(x), /got shape \[\] int32/],
    // @ts-expect-error lr is not a tensor
    ['a number leaf', () => grad((p: { w: Tensor<[3]>; lr: number }) => sum(p.w))({ w: x, lr: 0.1 }), /grad: lr is number, not a tensor/],
    // @ts-expect-error a string deep inside
    ['a nested non-tensor leaf', () => grad((p: { w: Tensor<[3]>; d: { arr: readonly [Tensor<[3]>, string] } }) => sum(p.w))({ w: x, d: { arr: [x, 'a'] } }),
      /grad: d\.arr\.1 is string, not a tensor/],
    // @ts-expect-error argument 2 does not exist (the type error is caught at compile time too)
    ['argnums past the end', () => grad((t: Tensor<[3]>) => sum(t), { argnums: 2 })(x), /grad: argnums 2 is out of range for 1 arguments/],
    ['a negative argnums', () => grad((t: Tensor<[3]>) => sum(t), { argnums: -1 as number })(x), /argnums -1 is out of range/],
    // @ts-expect-error not a [loss, aux] pair
    ['hasAux without a pair', () => valueAndGrad((t: Tensor<[3]>) => sum(t), { hasAux: true })(x), /with hasAux, f must return \[loss, aux\]/],
  ] as const)('%s is a ValueError naming the problem', (_, run, message) => {
    const e = call(run);
    expect(e).toBeInstanceOf(ValueError);
    expect(String((e as Error).message)).toMatch(message);
  });
  it('a shapeless loss from valueAndGrad is the same error', () => {
    // @ts-expect-error the loss is not a scalar
    expect(() => valueAndGrad((t: Tensor<[3]>) => t)(x)).toThrow(/valueAndGrad: f must return a float32 scalar/);
  });
});
