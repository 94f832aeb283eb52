/** @file Each transformation on hand-computed cases: scaling, learning rate, moments (Adam, RMS, momentum, RSS), decay, clipping, norms. */
import { describe, expect, it } from 'vitest';
import { item, ShapeMismatchError, tensor, toArray, ValueError, type AnyTensor, type Tensor } from '../../src/index.js';
import * as optim from '../../src/optim/index.js';

interface P { readonly w: Tensor<[2]>; readonly b: Tensor<[]> }
const p: P = { w: tensor([1, 2]), b: tensor(-1) };
const g1: P = { w: tensor([0.5, -1]), b: tensor(2) };
const g2: P = { w: tensor([-0.25, 3]), b: tensor(0.5) };
/** the values of a tree as [w0, w1, b] */
const flat = (t: P): number[] => [...Array.from(toArray(t.w)), item(t.b)];
const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const close = (actual: readonly number[], expected: readonly number[], rtol = 1e-6): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `element ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(1e-7 + rtol * Math.abs(expected[i]!)));
};
const G1 = flat(g1), G2 = flat(g2), Pv = flat(p);
/** runs the updates for the given gradients and returns each step's updates as [w0, w1, b] */
const run = <F extends optim.StateFn>(t: optim.GradientTransformation<F>, grads: readonly P[], params: P = p): number[][] => {
  let s = t.init(params);
  return grads.map((g) => {
    const [u, next] = t.update(g, s, params);
    s = next;
    return flat(u);
  });
};

describe('stateless transformations', () => {
  it('identity and scale', () => {
    close(run(optim.identity(), [g1])[0]!, G1);
    close(run(optim.scale(-3), [g1])[0]!, G1.map((g) => -3 * g));
  });
  it('scaleByLearningRate: -lr·g; a schedule is read at the count (0 first) and the count is kept', () => {
    close(run(optim.scaleByLearningRate(0.1), [g1])[0]!, G1.map((g) => -0.1 * g));
    const t = optim.scaleByLearningRate((step) => 0.1 * (step + 1));
    const [u1, u2] = run(t, [g1, g2]);
    close(u1!, G1.map((g) => -0.1 * g));
    close(u2!, G2.map((g) => -0.2 * g));
    const s = t.init(p);
    expect(item(s.count)).toBe(0);
    expect(item(t.update(g1, s)[1].count)).toBe(1);
  });
  it('setToZero gives zeros of each shape and dtype', () => {
    const [u] = optim.setToZero().update(g1, null);
    expect(flat(u)).toEqual([0, 0, 0]);
    expect(u.w.shape).toEqual([2]);
  });
  it('addDecayedWeights adds rate·params; it needs the params (a ValueError naming it), except at rate 0', () => {
    close(run(optim.addDecayedWeights(0.1), [g1])[0]!, G1.map((g, i) => g + 0.1 * Pv[i]!));
    expect(() => optim.addDecayedWeights(0.1).update(g1, null)).toThrow(ValueError);
    expect(() => optim.addDecayedWeights(0.1).update(g1, null)).toThrow(/addDecayedWeights.*params/);
    close(flat(optim.addDecayedWeights(0).update(g1, null)[0]), G1);
  });
  it('addDecayedWeights with a mask (a record or a function) decays only the leaves marked true', () => {
    close(run(optim.addDecayedWeights(0.1, { w: true, b: false }), [g1])[0]!, [G1[0]! + 0.1, G1[1]! + 0.2, G1[2]!]);
    close(run(optim.addDecayedWeights(0.1, (q: P) => ({ w: q.w.rank > 0, b: q.b.rank > 0 })), [g1])[0]!, [G1[0]! + 0.1, G1[1]! + 0.2, G1[2]!]);
  });
  it('clip limits every element to [-v, v]', () => {
    close(run(optim.clip(0.7), [g1])[0]!, [0.5, -0.7, 0.7]);
  });
  it('globalNorm over all leaves: 2, inf and p', () => {
    const t = { a: tensor([3, 0]), b: tensor([[-4]]) };
    expect(optim.globalNorm(t)).toBeCloseTo(5, 6);
    expect(optim.globalNorm(t, 'inf')).toBe(4);
    expect(optim.globalNorm(t, 1)).toBeCloseTo(7, 6);
    expect(optim.globalNorm(t, 3)).toBeCloseTo((27 + 64) ** (1 / 3), 5);
    expect(optim.globalNorm({ a: null })).toBe(0);
  });
  it('clipByGlobalNorm scales by min(1, max/(total + 1e-6)) as torch, and leaves small gradients alone', () => {
    const t = { a: tensor([3, 0]), b: tensor([[-4]]) };
    const [u] = optim.clipByGlobalNorm(1).update(t, null);
    close([...values(u.a), ...values(u.b)], [3, 0, -4].map((x) => x / (5 + 1e-6)));
    const [same] = optim.clipByGlobalNorm(10).update(t, null);
    expect(same).toBe(t);
    const [inf] = optim.clipByGlobalNorm(2, { normType: 'inf' }).update(t, null);
    close([...values(inf.a), ...values(inf.b)], [3, 0, -4].map((x) => (x * 2) / (4 + 1e-6)));
  });
  it('normalizeByGlobalNorm divides by the L2 norm (+ eps)', () => {
    const [u] = optim.normalizeByGlobalNorm().update({ a: tensor([3, 0]), b: tensor([[-4]]) }, null);
    close([...values(u.a), ...values(u.b)], [0.6, 0, -0.8], 1e-5);
  });
});

/** Adam by hand in float64 (t = 1, 2, ...) */
const adamByHand = (grads: readonly number[][], b1: number, b2: number, eps: number, amsgrad = false): number[][] => {
  const m = grads[0]!.map(() => 0), v = m.slice(), vmax = m.slice();
  return grads.map((g, k) => {
    const t = k + 1;
    return g.map((gi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      return (m[i]! / (1 - b1 ** t)) / (Math.sqrt((amsgrad ? vmax[i]! : v[i]!) / (1 - b2 ** t)) + eps);
    });
  });
};

describe('transformations with moments', () => {
  it('scaleByAdam: the first update is g/(|g| + eps); later ones follow the bias-corrected moments', () => {
    const [u1, u2] = run(optim.scaleByAdam(), [g1, g2]);
    close(u1!, G1.map((g) => g / (Math.abs(g) + 1e-8)), 1e-5);
    close(u2!, adamByHand([G1, G2], 0.9, 0.999, 1e-8)[1]!, 1e-5);
  });
  it('scaleByAdam with amsgrad divides by the running maximum of nu (raw, then bias-corrected, as torch)', () => {
    const big = { w: tensor([5, 5]), b: tensor(5) }, small = { w: tensor([0.1, 0.1]), b: tensor(0.1) };
    const us = run(optim.scaleByAdam({ b1: 0.5, b2: 0.5, amsgrad: true }), [big, small, small]);
    const expected = adamByHand([[5, 5, 5], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]], 0.5, 0.5, 1e-8, true);
    us.forEach((u, i) => close(u, expected[i]!, 1e-5));
    // the maximum remembers the large gradient: smaller steps than plain Adam
    const plain = adamByHand([[5, 5, 5], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]], 0.5, 0.5, 1e-8, false);
    expect(us[2]![0]!).toBeLessThan(plain[2]![0]! * 0.6);
  });
  it('scaleByAdam keeps count, mu, nu (and nuMax) in its state', () => {
    const t = optim.scaleByAdam({ amsgrad: true });
    const [, s] = t.update(g1, t.init(p));
    expect(item(s.count)).toBe(1);
    close(flat(s.mu), G1.map((g) => 0.1 * g));
    close(flat(s.nu), G1.map((g) => 0.001 * g * g));
    close(flat(s.nuMax), G1.map((g) => 0.001 * g * g));
  });
  it('scaleByRms: g / (√nu + eps) with eps outside the root; centered divides by the standard deviation', () => {
    const [u] = run(optim.scaleByRms({ decay: 0.9, eps: 0 }), [g1]);
    close(u!, G1.map((g) => g / Math.sqrt(0.1 * g * g)), 1e-5);
    const [c1, c2] = run(optim.scaleByRms({ decay: 0.9, eps: 0.01, centered: true }), [g1, g2]);
    close(c1!, G1.map((g) => g / (Math.sqrt(0.1 * g * g - 0.01 * g * g) + 0.01)), 1e-5);
    close(c2!, G2.map((g, i) => {
      const nu = 0.9 * 0.1 * G1[i]! ** 2 + 0.1 * g * g, mu = 0.9 * 0.1 * G1[i]! + 0.1 * g;
      return g / (Math.sqrt(nu - mu * mu) + 0.01);
    }), 1e-5);
    const [i1] = run(optim.scaleByRms({ decay: 0.5, eps: 0, initialScale: 1 }), [g1]);
    close(i1!, G1.map((g) => g / Math.sqrt(0.5 + 0.5 * g * g)), 1e-5);
  });
  it('scaleByMomentum: the buffer is g at t = 1, then momentum·buf + (1 - dampening)·g; nesterov adds momentum·buf to g', () => {
    const [m1, m2] = run(optim.scaleByMomentum({ momentum: 0.9, dampening: 0.5 }), [g1, g2]);
    close(m1!, G1);
    close(m2!, G2.map((g, i) => 0.9 * G1[i]! + 0.5 * g));
    const [n1, n2] = run(optim.scaleByMomentum({ momentum: 0.9, nesterov: true }), [g1, g2]);
    close(n1!, G1.map((g) => g + 0.9 * g));
    close(n2!, G2.map((g, i) => g + 0.9 * (0.9 * G1[i]! + g)));
    expect(() => optim.scaleByMomentum({ momentum: 0.9, nesterov: true, dampening: 0.1 })).toThrow(/nesterov/);
  });
  it('scaleByRss: sum += g², g / (√sum + eps), from the initial accumulator value', () => {
    const [r1, r2] = run(optim.scaleByRss({ initialAccumulatorValue: 0.1, eps: 0 }), [g1, g2]);
    close(r1!, G1.map((g) => g / Math.sqrt(0.1 + g * g)), 1e-5);
    close(r2!, G2.map((g, i) => g / Math.sqrt(0.1 + G1[i]! ** 2 + g * g)), 1e-5);
  });
  it('rejects hyperparameters out of range, naming the transformation', () => {
    expect(() => optim.scaleByAdam({ b1: 1 })).toThrow(/scaleByAdam.*b1/);
    expect(() => optim.scaleByRms({ eps: -1 })).toThrow(/scaleByRms.*eps/);
    expect(() => optim.scaleByLearningRate(Number.NaN)).toThrow(ValueError);
  });
});

describe('aliases', () => {
  it('sgd with momentum and weight decay: g += wd·p, then the buffer, then -lr', () => {
    const [u1, u2] = run(optim.sgd(0.1, { momentum: 0.9, weightDecay: 0.01 }), [g1, g2]);
    const d1 = G1.map((g, i) => g + 0.01 * Pv[i]!), d2 = G2.map((g, i) => g + 0.01 * Pv[i]!);
    close(u1!, d1.map((d) => -0.1 * d));
    close(u2!, d2.map((d, i) => -0.1 * (0.9 * d1[i]! + d)));
  });
  it('sgd refuses nesterov or dampening without a momentum (as torch)', () => {
    expect(() => optim.sgd(0.1, { nesterov: true })).toThrow(/sgd: nesterov and dampening need a momentum/);
  });
  it('adam with weightDecay is L2 (coupled); adamw is decoupled: -lr·(adam + wd·p)', () => {
    const [a] = run(optim.adam(0.1, { weightDecay: 0.5 }), [g1]);
    close(a!, G1.map((g, i) => g + 0.5 * Pv[i]!).map((d) => -0.1 * d / (Math.abs(d) + 1e-8)), 1e-5);
    const [w] = run(optim.adamw(0.1, { weightDecay: 0.5 }), [g1]);
    close(w!, G1.map((g, i) => -0.1 * (g / (Math.abs(g) + 1e-8) + 0.5 * Pv[i]!)), 1e-5);
  });
  it('adamw with a mask decays only the masked-in leaves', () => {
    const [w] = run(optim.adamw(0.1, { weightDecay: 0.5, mask: { w: false, b: true } }), [g1]);
    close(w!, G1.map((g, i) => -0.1 * (g / (Math.abs(g) + 1e-8) + (i === 2 ? 0.5 * Pv[i]! : 0))), 1e-5);
  });
  it('rmsprop with momentum: buf = momentum·buf + g/avg, -lr·buf', () => {
    const [r1, r2] = run(optim.rmsprop(0.01, { decay: 0.9, eps: 0, momentum: 0.5 }), [g1, g2]);
    const a1 = G1.map((g) => g / Math.sqrt(0.1 * g * g));
    close(r1!, a1.map((a) => -0.01 * a), 1e-5);
    close(r2!, G2.map((g, i) => -0.01 * (0.5 * a1[i]! + g / Math.sqrt(0.09 * G1[i]! ** 2 + 0.1 * g * g))), 1e-5);
  });
  it('adagrad with lrDecay: clr = lr/(1 + (t - 1)·lrDecay)', () => {
    const [a1, a2] = run(optim.adagrad(1, { lrDecay: 0.5, eps: 0 }), [g1, g2]);
    close(a1!, G1.map((g) => -g / Math.abs(g)), 1e-5);
    close(a2!, G2.map((g, i) => (-1 / 1.5) * g / Math.sqrt(G1[i]! ** 2 + g * g)), 1e-5);
  });
});

describe('gradients and updates of the wrong shape', () => {
  // a [1]-shaped gradient would broadcast against w [2] and silently update both entries with one value
  const bad = { w: tensor([0.5]), b: tensor(2) } as unknown as P;
  it('update refuses a gradient whose shape differs from its parameter, naming the path and both shapes', () => {
    const t = optim.adam(0.1);
    expect(() => t.update(bad, t.init(p), p)).toThrow(ShapeMismatchError);
    expect(() => t.update(bad, t.init(p), p)).toThrow(/optim\.update: the gradient at 'w' has shape \[1\], the parameter \[2\]/);
    const c = optim.chain(optim.clipByGlobalNorm(1), optim.sgd(0.1));
    expect(() => c.update(bad, c.init(p), p)).toThrow(/the gradient at 'w'/);
  });
  it('applyUpdates refuses an update whose shape differs from its parameter', () => {
    expect(() => optim.applyUpdates(p, bad)).toThrow(/applyUpdates: the update at 'w' has shape \[1\], the parameter \[2\]/);
    // a well-shaped update still applies
    close(flat(optim.applyUpdates(p, g1)), [1.5, 1, 1]);
  });
  it('without params, update cannot check and transforms the gradient as given', () => {
    const t = optim.sgd(1);
    const [u] = t.update(g1, t.init(p));
    close(flat(u), G1.map((v) => -v));
  });
});
