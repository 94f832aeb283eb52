/** @file chain, masked, multiTransform (freezing), injectHyperparams, discriminative; immutability and missing params. */
import { describe, expect, it } from 'vitest';
import { full, item, key, nn, ones, tensor, toArray, ValueError, type AnyTensor, type Tensor } from '../../src/index.js';
import * as optim from '../../src/optim/index.js';

const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const close = (actual: readonly number[], expected: readonly number[], rtol = 1e-6): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `element ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(1e-7 + rtol * Math.abs(expected[i]!)));
};

interface Net { readonly enc: { readonly w: Tensor<[2]>; readonly b: Tensor<[]> }; readonly head: { readonly w: Tensor<[2]> } }
const net: Net = { enc: { w: tensor([1, 2]), b: tensor(3) }, head: { w: tensor([4, 5]) } };
const grads: Net = { enc: { w: tensor([1, -1]), b: tensor(2) }, head: { w: tensor([0.5, -0.5]) } };

describe('chain', () => {
  it('applies its parts in order; its state is the tuple of their states', () => {
    const t = optim.chain(optim.scaleByMomentum({ momentum: 0.5 }), optim.scaleByLearningRate(optim.constant(0.1)), optim.scale(2));
    const s0 = t.init(net);
    expect(s0.length).toBe(3);
    expect(item(s0[0].count)).toBe(0);
    expect(s0[2]).toBeNull();
    const [u1, s1] = t.update(grads, s0, net);
    close(values(u1.enc.w), [-0.2, 0.2]);
    const [u2, s2] = t.update(grads, s1, net);
    close(values(u2.enc.w), [-0.3, 0.3]);
    expect([item(s2[0].count), item(s2[1].count)]).toEqual([2, 2]);
    close(values(s2[0].trace.head.w), [0.75, -0.75]);
  });
});

describe('parameter-free subtrees', () => {
  it('stay null in the state and the updates (a serial model with an activation layer)', () => {
    const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
    const params = model.init(key(1));
    const t = optim.adam(1e-2);
    const s = t.init(params);
    expect(s[1].mu[1]).toBeNull();
    expect(s[1].nu[0].kernel.shape).toEqual([3, 4]);
    const [u] = t.update(params, s, params);
    expect(u[1]).toBeNull();
    // Adam's first step is lr·sign(g) wherever g is not 0
    expect(values(u[2].kernel).every((v) => Math.abs(Math.abs(v) - 0.01) < 1e-6)).toBe(true);
  });
});

describe('immutability', () => {
  it('update changes neither the old state nor the params, and returns frozen state records', () => {
    const t = optim.adam(0.1);
    const s0 = t.init(net);
    const before = values(s0[1].mu.enc.w), count0 = item(s0[1].count);
    const [u, s1] = t.update(grads, s0, net);
    optim.applyUpdates(net, u);
    expect(values(s0[1].mu.enc.w)).toEqual(before);
    expect(item(s0[1].count)).toBe(count0);
    expect(values(net.enc.w)).toEqual([1, 2]);
    expect(Object.isFrozen(s1) && Object.isFrozen(s1[1]) && Object.isFrozen(s1[1].mu) && Object.isFrozen(s1[1].mu.enc)).toBe(true);
    // the old state still gives the same update
    close(values(t.update(grads, s0, net)[0].enc.w), values(u.enc.w));
  });
});

describe('masked', () => {
  it('applies the inner transformation where the mask is true and passes the other updates through', () => {
    const t = optim.masked(optim.scale(10), { enc: { w: true, b: false }, head: false });
    const [u] = t.update(grads, t.init(net));
    close(values(u.enc.w), [10, -10]);
    expect(values(u.enc.b)).toEqual([2]);
    expect(values(u.head.w)).toEqual([0.5, -0.5]);
  });
  it('keeps inner state only for the selected leaves (null elsewhere)', () => {
    const t = optim.masked(optim.scaleByAdam(), { enc: true, head: false });
    const s = t.init(net);
    expect(s.mu.head.w).toBeNull();
    expect(values(s.mu.enc.w)).toEqual([0, 0]);
    const [u, s1] = t.update(grads, s, net);
    close(values(u.enc.w), [1, -1], 1e-6);
    expect(values(u.head.w)).toEqual([0.5, -0.5]);
    expect(s1.nu.head.w).toBeNull();
  });
  it('reports a leaf the mask does not cover (when the types could not)', () => {
    const t = optim.masked(optim.scale(2), { enc: true });
    expect(() => t.init(net as unknown)).toThrow(/masked: the mask has no boolean for head.w/);
  });
});

describe('multiTransform', () => {
  it('updates each leaf with the transformation of its label; labels may name whole subtrees', () => {
    const t = optim.multiTransform({ fast: optim.sgd(1), slow: optim.sgd(0.1) }, { enc: { w: 'fast', b: 'slow' }, head: 'slow' });
    const [u] = t.update(grads, t.init(net));
    close(values(u.enc.w), [-1, 1]);
    close(values(u.enc.b), [-0.2]);
    close(values(u.head.w), [-0.05, 0.05]);
  });
  it('freezes: setToZero on the frozen labels, and the optimizer state only covers the trained leaves', () => {
    const t = optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { enc: 'frozen', head: 'train' });
    const s = t.init(net);
    expect(s.frozen).toBeNull();
    expect(s.train[1].mu.enc.w).toBeNull();
    const [u, s1] = t.update(grads, s, net);
    const after = optim.applyUpdates(net, u);
    expect(values(after.enc.w)).toEqual([1, 2]);
    expect(values(after.enc.b)).toEqual([3]);
    close(values(after.head.w), [4 - 1e-3, 5 + 1e-3], 1e-6);
    expect(item(s1.train[1].count)).toBe(1);
  });
  it('works on a serial model: labels per layer, null for parameter-free layers', () => {
    const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
    const params = model.init(key(0));
    const t = optim.multiTransform({ train: optim.sgd(0.1), frozen: optim.setToZero() }, ['frozen', null, 'train']);
    const [u] = t.update(params, t.init(params), params);
    expect(values(u[0].kernel).every((v) => v === 0)).toBe(true);
    close(values(u[2].kernel), values(params[2].kernel).map((v) => -0.1 * v));
  });
  it('reports a leaf without a label, or with a label that is not a transformation, naming it', () => {
    const t = optim.multiTransform({ a: optim.identity() }, { enc: 'a' });
    expect(() => t.init(net as unknown)).toThrow(ValueError);
    expect(() => t.init(net as unknown)).toThrow(/multiTransform: head.w has no label/);
    const labels = JSON.parse('{ "enc": "a", "head": "b" }') as optim.LabelTree<'a'>; // e.g. labels read from a file
    const u = optim.multiTransform({ a: optim.identity() }, labels);
    expect(() => u.init(net as unknown)).toThrow(/the label 'b' of head.w is not one of the transforms \(a\)/);
  });
});

describe('injectHyperparams', () => {
  const schedule = optim.linear(0.1, 0.0, 4);
  const make = () => optim.injectHyperparams((h: { lr: number; b1: number }) => optim.adam(h.lr, { b1: h.b1 }))({ lr: schedule, b1: 0.8 });
  it('keeps the current hyperparameters in the state: the schedule at the count', () => {
    const t = make();
    let s = t.init(net);
    expect(item(s.hyperparams.lr)).toBeCloseTo(schedule(0), 7);
    expect(item(s.hyperparams.b1)).toBeCloseTo(0.8, 7);
    for (let k = 1; k <= 3; k++) {
      s = t.update(grads, s, net)[1];
      expect(item(s.count)).toBe(k);
      // after an update: the values that update used (schedule at count k - 1)
      expect(item(s.hyperparams.lr)).toBeCloseTo(schedule(k - 1), 7);
    }
  });
  it('gives the updates of the optimizer built with the schedule itself', () => {
    const t = make(), ref = optim.adam(schedule, { b1: 0.8 });
    let s = t.init(net), r = ref.init(net);
    for (let k = 0; k < 3; k++) {
      const [u, s1] = t.update(grads, s, net), [v, r1] = ref.update(grads, r, net);
      close(values(u.head.w), values(v.head.w));
      s = s1;
      r = r1;
    }
    expect(item(s.inner[1].count)).toBe(3);
  });
  it('reads a numeric hyperparameter back from the state, so it can be changed between updates', () => {
    const t = optim.injectHyperparams((h: { lr: number }) => optim.sgd(h.lr))({ lr: 0.5 });
    const s = t.init(net);
    close(values(t.update(grads, s)[0].head.w), [-0.25, 0.25]);
    const lowered = { ...s, hyperparams: { lr: full([], 0.1) } };
    close(values(t.update(grads, lowered)[0].head.w), [-0.05, 0.05]);
  });
});

describe('discriminative', () => {
  const template = [{ k: ones([2]) }, null, { k: ones([2]) }, { k: ones([1]) }] as const;
  it('gives the last layer lr and each earlier layer lr·decay^k, skipping parameter-free layers', () => {
    const t = optim.discriminative(template, (lr) => optim.sgd(lr), { lr: 1, decay: 0.5 });
    const [u] = t.update(template, t.init(template), template);
    close(values(u[3].k), [-1]);
    close(values(u[2].k), [-0.5, -0.5]);
    close(values(u[0].k), [-0.25, -0.25]);
    expect(u[1]).toBeNull();
  });
  it('scales a schedule the same way, step by step', () => {
    const t = optim.discriminative(template, (lr) => optim.sgd(lr), { lr: (step: number) => step + 1, decay: 0.1 });
    let s = t.init(template);
    const seen: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const [u, next] = t.update(template, s);
      seen.push([values(u[3].k)[0]!, values(u[2].k)[0]!, values(u[0].k)[0]!]);
      s = next;
    }
    close(seen[0]!, [-1, -0.1, -0.01]);
    close(seen[1]!, [-2, -0.2, -0.02]);
  });
});

describe('missing params', () => {
  it('a transformation that needs the params throws a ValueError naming it when update gets none', () => {
    const t = optim.adamw(1e-3);
    expect(() => t.update(grads, t.init(net))).toThrow(ValueError);
    expect(() => t.update(grads, t.init(net))).toThrow(/addDecayedWeights: needs the params/);
    const m = optim.masked(optim.addDecayedWeights(0.1), { enc: true, head: false });
    expect(() => m.update(grads, m.init(net))).toThrow(/addDecayedWeights: needs the params/);
    const sgd = optim.sgd(0.1, { weightDecay: 1e-4 });
    expect(() => sgd.update(grads, sgd.init(net))).toThrow(/addDecayedWeights/);
  });
  it('optimizers without decay need no params', () => {
    const t = optim.adam(1e-3);
    expect(() => t.update(grads, t.init(net))).not.toThrow();
  });
});
