/** @file Normalization layers: PyTorch reference vectors, hand cases, gradient checks, batch-norm state threading, errors. */
import { describe, expect, it } from 'vitest';
import { checkGrad, vjp } from '../../src/autodiff/index.js';
import {
  key, mul, nn, random, ShapeMismatchError, sum, tensor, toArray, ValueError, zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
type Affine = { readonly scale: T; readonly bias: T } | null;
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** element-wise |actual - expected| <= atol + rtol |expected|, with the first bad index in the message */
const expectClose = (actual: T | readonly number[], expected: readonly number[], atol = 1e-5, rtol = 1e-5): void => {
  const a = Array.isArray(actual) ? actual as readonly number[] : vals(actual as T);
  expect(a.length).toBe(expected.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - expected[i]!) <= atol + rtol * Math.abs(expected[i]!)));
  expect(bad, bad < 0 ? '' : `index ${bad}: ${a[bad]} vs ${expected[bad]}`).toBe(-1);
};
/** (v - mean)/sqrt(var + eps) of a list, biased variance: the independent formula for the hand cases */
const standardized = (xs: readonly number[], eps = 1e-5): number[] => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const v = xs.reduce((s, u) => s + (u - m) ** 2, 0) / xs.length;
  return xs.map((u) => (u - m) / Math.sqrt(v + eps));
};
const train = nn.trainMode(key(0));

// ---- the oracle table: every reference case of these layers ------------------------------------

interface Setup { readonly layer: nn.AnyLayer; readonly params: Affine; readonly state: unknown; readonly ctx: nn.Context }
const channels = (c: RefCase): number => c.inputs['x']!.shape.at(-1)!;
const eps = (c: RefCase): number => Number(c.config['eps']);
const affineOf = (c: RefCase): Affine =>
  (c.params['gamma'] ? { scale: toTensor(c.params['gamma']), bias: toTensor(c.params['beta']!) } : null);
const oracle: Readonly<Record<string, (c: RefCase) => Setup>> = {
  batch_norm: (c) => ({
    layer: nn.batchNorm(channels(c), { eps: eps(c), momentum: Number(c.config['momentum_torch']) }),
    params: affineOf(c),
    state: { runningMean: toTensor(c.params['running_mean']!), runningVar: toTensor(c.params['running_var']!) },
    ctx: c.config['training'] === true ? train : nn.evalMode,
  }),
  layer_norm: (c) => ({
    layer: nn.layerNorm(c.config['normalized_shape'] as number[], { eps: eps(c), affine: c.config['elementwise_affine'] !== false }),
    params: affineOf(c), state: null, ctx: nn.evalMode,
  }),
  group_norm: (c) => ({ layer: nn.groupNorm(Number(c.config['num_groups']), channels(c), { eps: eps(c) }), params: affineOf(c), state: null, ctx: nn.evalMode }),
  instance_norm: (c) => ({
    layer: nn.instanceNorm(channels(c), { eps: eps(c), affine: c.config['affine'] !== false }), params: affineOf(c), state: null, ctx: nn.evalMode,
  }),
};
const setup = (c: RefCase): Setup => {
  const make = oracle[c.kind];
  if (make === undefined) throw new Error(`no layer for kind ${c.kind}`);
  return make(c);
};
const referenceCases = ['batchnorm_', 'medium_batchnorm_', 'layernorm_', 'medium_layernorm_', 'groupnorm_', 'instancenorm_'].flatMap(casesStartingWith);

describe('reference vectors', () => {
  it('finds the cases', () => {
    expect(referenceCases.length).toBeGreaterThanOrEqual(9);
  });
  describe.each(referenceCases)('%s', (name) => {
    const c = loadCase(name);
    const { layer, params, state, ctx } = setup(c);
    it('matches the output and the gradients of x, scale (gamma) and bias (beta)', () => {
      const [y, pullback] = vjp((p: Affine, x: T) => layer.run(p, state, x, ctx)[0], params, toTensor(c.inputs['x']!));
      expectMatches(y, c.outputs['y']!, 'y');
      const [gp, gx] = pullback(toTensor(c.cotangents['y']!));
      expectMatches(gx, c.grads['x']!, 'dL/dx');
      if (c.grads['gamma']) {
        expect(gp).not.toBeNull();
        expectMatches(gp!.scale, c.grads['gamma'], 'dL/dscale');
        expectMatches(gp!.bias, c.grads['beta']!, 'dL/dbias');
      }
    });
  });
});

// ---- batch norm's state against the reference ----------------------------------------------------

type BnState = nn.BatchNormState<number>;
const bnCases = referenceCases.filter((n) => loadCase(n).kind === 'batch_norm');
describe.each(bnCases)('%s: running statistics', (name) => {
  const c = loadCase(name);
  const { layer, params, state, ctx } = setup(c);
  const x = toTensor(c.inputs['x']!);
  const aux = c.aux ?? {};
  if (ctx.mode === 'train') {
    it('moves the running mean and the running unbiased variance by momentum (PyTorch)', () => {
      const [, next] = layer.run(params, state, x, ctx) as readonly [T, BnState];
      expectMatches(next.runningMean, aux['running_mean_updated']!, 'running mean');
      expectMatches(next.runningVar, aux['running_var_updated']!, 'running var');
      // not the biased (Keras-style) variant: for these sizes it differs by far more than the tolerance
      const biased = aux['running_var_updated_biased_variant']!.data.map(Number);
      expect(vals(next.runningVar).some((v, i) => Math.abs(v - biased[i]!) > 1e-3)).toBe(true);
    });
    it('uses the batch mean and biased variance (seen through momentum 1: the state is the batch statistics)', () => {
      const all = nn.batchNorm(channels(c), { eps: eps(c), momentum: 1 });
      const [, next] = all.run(params as nn.AffineParams<[number]>, state as BnState, x, ctx);
      const n = x.size / channels(c);
      expectMatches(next.runningMean, aux['batch_mean']!, 'batch mean');
      const expectedUnbiased = aux['batch_var_biased']!.data.map((v) => Number(v) * n / (n - 1));
      expectClose(next.runningVar, expectedUnbiased, 1e-4, 1e-4);
    });
    it('gives the new state no gradient', () => {
      const [, pullback] = vjp((p: Affine, xi: T) => {
        const s = layer.run(p, state, xi, ctx)[1] as BnState;
        return sum(mul(s.runningMean, s.runningVar)) as T;
      }, params, x);
      const [gp, gx] = pullback(tensor(1));
      expect(vals(gx).every((v) => v === 0)).toBe(true);
      expect([...vals(gp!.scale), ...vals(gp!.bias)].every((v) => v === 0)).toBe(true);
    });
  } else {
    it('keeps the state and treats the running statistics as constants', () => {
      const [y, next] = layer.run(params, state, x, ctx);
      expect(next).toBe(state);
      expectMatches(y, c.outputs['y']!, 'y');
      const [, pullback] = vjp((s: BnState) => layer.run(params, s, x, ctx)[0], state as BnState);
      const [gs] = pullback(toTensor(c.cotangents['y']!));
      expect([...vals(gs.runningMean), ...vals(gs.runningVar)].every((v) => v === 0)).toBe(true);
    });
  }
});

// ---- gradient checks in train mode ----------------------------------------------------------------

const normal1 = nn.init.normal(1);
const gradSpecs: readonly { readonly name: string; readonly layer: nn.AnyLayer; readonly shape: readonly number[] }[] = [
  { name: 'batchNorm', layer: nn.batchNorm(3, { scaleInit: normal1, biasInit: normal1 }), shape: [4, 2, 3] },
  { name: 'batchNorm on [B, C]', layer: nn.batchNorm(2, { scaleInit: normal1, biasInit: normal1 }), shape: [3, 2] },
  { name: 'layerNorm', layer: nn.layerNorm(4, { scaleInit: normal1, biasInit: normal1 }), shape: [3, 4] },
  { name: 'layerNorm over 2 axes', layer: nn.layerNorm([2, 3], { scaleInit: normal1, biasInit: normal1 }), shape: [2, 2, 3] },
  { name: 'layerNorm without affine', layer: nn.layerNorm(3, { affine: false }), shape: [2, 3] },
  { name: 'rmsNorm', layer: nn.rmsNorm(3, { scaleInit: normal1 }), shape: [2, 2, 3] },
  { name: 'groupNorm', layer: nn.groupNorm(2, 4, { scaleInit: normal1, biasInit: normal1 }), shape: [2, 3, 4] },
  { name: 'instanceNorm', layer: nn.instanceNorm(2, { scaleInit: normal1, biasInit: normal1 }), shape: [2, 3, 2, 2] },
];
describe('checkGrad (float64 central differences), train mode', () => {
  it.each(gradSpecs)('$name', ({ layer, shape }) => {
    const inputs = { x: random.normal(key(1), shape), params: layer.init(key(2)) };
    // a weighted sum: sum(y) alone has a zero input gradient for most normalizations
    const g = random.normal(key(3), shape);
    const report = checkGrad((p: typeof inputs) => sum(mul(layer.run(p.params, layer.initState(), p.x, train)[0], g)) as Tensor<[]>, inputs);
    expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
    expect(report.checked).toBeGreaterThan(0);
  });
});

// ---- batchNorm: state threading, modes, init ----------------------------------------------------

describe('batchNorm', () => {
  const x = tensor([[1, 10], [2, 20], [3, 60], [6, 30]]);
  // per channel: means 3 and 30, biased variances 3.5 and 350, unbiased 14/3 and 1400/3
  it('initializes scale ones, bias zeros, and the state to running mean 0, running variance 1', () => {
    const bn = nn.batchNorm(2);
    const p = bn.init(key(0));
    expect([vals(p.scale), vals(p.bias)]).toEqual([[1, 1], [0, 0]]);
    const s = bn.initState();
    expect([vals(s.runningMean), vals(s.runningVar)]).toEqual([[0, 0], [1, 1]]);
    expect(bn.name).toBe('batchNorm(2)');
    expect(vals(nn.batchNorm(2, { scaleInit: nn.init.constant(3) }).init(key(0)).scale)).toEqual([3, 3]);
  });
  it('in train mode normalizes with the batch statistics and returns the moved state', () => {
    const bn = nn.batchNorm(2, { eps: 0 });
    const p = { scale: tensor([2, 1]), bias: tensor([0, 5]) };
    const [y, s] = bn.applyWithState(p, bn.initState(), x, train);
    const c0 = standardized([1, 2, 3, 6], 0).map((v) => 2 * v), c1 = standardized([10, 20, 60, 30], 0).map((v) => v + 5);
    expectClose(y, c0.flatMap((v, i) => [v, c1[i]!]));
    expectClose(s.runningMean, [0.3, 3]);
    expectClose(s.runningVar, [0.9 + 0.1 * 14 / 3, 0.9 + 0.1 * 1400 / 3]);
  });
  it('apply in train mode starts from initState and drops the new state (outputs as applyWithState)', () => {
    const bn = nn.batchNorm(2);
    const p = bn.init(key(0));
    expect(vals(bn.apply(p, x, train))).toEqual(vals(bn.applyWithState(p, bn.initState(), x, train)[0]));
  });
  it('in eval mode uses the running statistics and keeps the state', () => {
    const bn = nn.batchNorm(2, { eps: 0 });
    const s = { runningMean: tensor([1, 10]), runningVar: tensor([4, 100]) };
    const [y, next] = bn.applyWithState({ scale: tensor([1, 2]), bias: tensor([0, 1]) }, s, x, nn.evalMode);
    expectClose(y, [0, 1, 0.5, 3, 1, 11, 2.5, 5]);
    expect(next).toBe(s);
  });
  it('threads its state through serial: the tuple changes in train mode, not in eval mode', () => {
    const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.batchNorm(4));
    const params = model.init(key(4));
    const s0 = model.initState();
    expect(s0[0]).toBeNull();
    const input = random.normal(key(5), [6, 3]);
    const h = nn.serial(nn.dense(3, 4), nn.relu()).apply([params[0], null], input);
    const hs = vals(h), col = (j: number) => hs.filter((_, i) => i % 4 === j);
    const [y1, s1] = model.applyWithState(params, s0, input, train);
    expect(y1.shape).toEqual([6, 4]);
    for (let j = 0; j < 4; j++) {
      const c = col(j), m = c.reduce((a, b) => a + b, 0) / 6, v = c.reduce((a, b) => a + (b - m) ** 2, 0) / 5;
      expectClose([vals(s1[2].runningMean)[j]!, vals(s1[2].runningVar)[j]!], [0.1 * m, 0.9 + 0.1 * v]);
    }
    // the old state is a value: untouched
    expect([vals(s0[2].runningMean), vals(s0[2].runningVar)]).toEqual([[0, 0, 0, 0], [1, 1, 1, 1]]);
    // three more steps on the same batch: rm = (1 - 0.9^4) mean
    let s = s1;
    for (let k = 0; k < 3; k++) s = model.applyWithState(params, s, input, train)[1];
    expectClose(s[2].runningMean, vals(s1[2].runningMean).map((v) => v * (1 - 0.9 ** 4) / 0.1), 1e-5, 1e-4);
    // eval: the state comes back unchanged, and the output uses it
    const [ye, se] = model.applyWithState(params, s, input, nn.evalMode);
    expect(vals(se[2].runningMean)).toEqual(vals(s[2].runningMean));
    expect(vals(se[2].runningVar)).toEqual(vals(s[2].runningVar));
    const rm = vals(s[2].runningMean), rv = vals(s[2].runningVar);
    expectClose(ye, hs.map((v, i) => (v - rm[i % 4]!) / Math.sqrt(rv[i % 4]! + 1e-5)));
  });
  it('raises a ValueError in train mode when a channel has a single value (no unbiased variance), as PyTorch', () => {
    const bn = nn.batchNorm(4);
    const p = bn.init(key(0));
    expect(() => bn.apply(p, zeros([1, 4]), train)).toThrow(ValueError);
    expect(() => bn.apply(p, zeros([1, 1, 1, 4]), train)).toThrow(/batchNorm: expected more than 1 value per channel when training, got input shape \[1, 1, 1, 4\]/);
    expect(() => bn.apply(p, zeros([4]), train)).toThrow(/more than 1 value per channel/);
    // two values per channel are enough; eval mode needs no batch statistics
    expect(bn.apply(p, zeros([1, 2, 4]), train).shape).toEqual([1, 2, 4]);
    expect(bn.apply(p, zeros([1, 4])).shape).toEqual([1, 4]);
  });
});

// ---- layerNorm, rmsNorm, groupNorm, instanceNorm by hand ----------------------------------------

describe('layerNorm', () => {
  const xs = [1, 2, 4, -1, 0, 3, 5, 5, 6, 2, 8, 9];
  const x = tensor([[[1, 2, 4], [-1, 0, 3]], [[5, 5, 6], [2, 8, 9]]]);
  it('normalizes the last axis with scale and bias of the normalized shape', () => {
    const ln = nn.layerNorm(3);
    const y = ln.apply({ scale: tensor([1, 2, 3]), bias: tensor([0, 0, 1]) }, x);
    const rows = [0, 3, 6, 9].flatMap((i) => standardized(xs.slice(i, i + 3)));
    expectClose(y, rows.map((v, i) => v * [1, 2, 3][i % 3]! + [0, 0, 1][i % 3]!));
    expect(ln.name).toBe('layerNorm([3])');
  });
  it('normalizes over the last k axes for a tuple shape', () => {
    const ln = nn.layerNorm([2, 3]);
    const p = ln.init(key(0));
    expect(p.scale.shape).toEqual([2, 3]);
    expectClose(ln.apply(p, x), [...standardized(xs.slice(0, 6)), ...standardized(xs.slice(6))]);
  });
  it('affine: false has no params; eps is used', () => {
    const ln = nn.layerNorm(3, { affine: false, eps: 1 });
    expect(ln.init(key(0))).toBeNull();
    expectClose(ln.apply(null, x), [0, 3, 6, 9].flatMap((i) => standardized(xs.slice(i, i + 3), 1)));
  });
});

describe('rmsNorm', () => {
  it('divides by the root mean square of the last axis and scales', () => {
    const r = nn.rmsNorm(2, { eps: 0 });
    // rows: rms([3, 4]) = sqrt(12.5); rms([1, -1]) = 1
    const y = r.apply({ scale: tensor([2, 0.5]) }, tensor([[3, 4], [1, -1]]));
    const s = Math.sqrt(12.5);
    expectClose(y, [6 / s, 2 / s, 2, -0.5]);
  });
  it('has params { scale } of ones and eps 1e-6 by default', () => {
    const r = nn.rmsNorm(2);
    const p = r.init(key(0));
    expect(Object.keys(p)).toEqual(['scale']);
    expect(vals(p.scale)).toEqual([1, 1]);
    // mean(x²) = 1e-6 equals eps: y = 1e-3 / sqrt(2e-6) = 1/sqrt(2)
    expectClose(r.apply(p, tensor([[1e-3, 1e-3]])), [Math.SQRT1_2, Math.SQRT1_2], 1e-4, 1e-4);
    expect(vals(r.apply(p, zeros([2, 2])))).toEqual([0, 0, 0, 0]);
  });
  it('normalizes each position of [B, T, D] separately, without centring', () => {
    const y = nn.rmsNorm(3, { eps: 0 }).apply({ scale: tensor([1, 1, 1]) }, tensor([[[1, 1, 1], [2, 2, 2]], [[0, 0, 3], [-3, 0, 0]]]));
    expectClose(y, [1, 1, 1, 1, 1, 1, 0, 0, Math.sqrt(3), -Math.sqrt(3), 0, 0]);
  });
});

describe('groupNorm and instanceNorm', () => {
  const x = random.normal(key(6), [2, 3, 4]);
  const xs = vals(x);
  it('groupNorm takes contiguous channel groups per sample, over the spatial positions', () => {
    const gn = nn.groupNorm(2, 4);
    const y = vals(gn.apply(gn.init(key(0)), x));
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < 2; g++) {
        const idx = [0, 1, 2].flatMap((t) => [2 * g, 2 * g + 1].map((ch) => b * 12 + t * 4 + ch));
        expectClose(idx.map((i) => y[i]!), standardized(idx.map((i) => xs[i]!)), 1e-5, 1e-4);
      }
    }
  });
  it('groupNorm(1, C) is layerNorm over (spatial, C); groupNorm(C, C) is instanceNorm(C)', () => {
    expectClose(nn.groupNorm(1, 4).apply(nn.groupNorm(1, 4).init(key(0)), x), vals(nn.layerNorm([3, 4], { affine: false }).apply(null, x)));
    expectClose(nn.groupNorm(4, 4).apply(nn.groupNorm(4, 4).init(key(0)), x), vals(nn.instanceNorm(4).apply(nn.instanceNorm(4).init(key(0)), x)));
  });
  it('groupNorm works on [B, C] (statistics over the group\'s channels only) with per-channel scale and bias', () => {
    const y = nn.groupNorm(2, 4).apply({ scale: tensor([1, 2, 1, 1]), bias: tensor([0, 0, 0, 1]) }, tensor([[1, 2, 3, 5]]));
    const a = standardized([1, 2]), c = standardized([3, 5]);
    expectClose(y, [a[0]!, 2 * a[1]!, c[0]!, c[1]! + 1]);
  });
  it('instanceNorm normalizes each sample and channel over the spatial axes', () => {
    const y = vals(nn.instanceNorm(4, { affine: false }).apply(null, x));
    for (let b = 0; b < 2; b++) {
      for (let ch = 0; ch < 4; ch++) {
        const idx = [0, 1, 2].map((t) => b * 12 + t * 4 + ch);
        expectClose(idx.map((i) => y[i]!), standardized(idx.map((i) => xs[i]!)), 1e-5, 1e-4);
      }
    }
  });
  it('affine: false has no params', () => {
    expect(nn.groupNorm(2, 4, { affine: false }).init(key(0))).toBeNull();
    expect(nn.instanceNorm(4, { affine: false }).init(key(0))).toBeNull();
  });
});

// ---- errors: the runtime twins of the static rules ------------------------------------------------

describe('errors', () => {
  it('a channel mismatch is a compile error and a ShapeMismatchError naming the layer', () => {
    const bn = nn.batchNorm(4);
    const p = bn.init(key(0));
    // @ts-expect-error batchNorm(4): input has 3 channels, expected 4
    expect(() => bn.apply(p, zeros([2, 3]), train)).toThrow(ShapeMismatchError);
    // @ts-expect-error the same in eval mode
    expect(() => bn.apply(p, zeros([2, 3]))).toThrow(/^batchNorm: input has 3 channels, expected 4/);
    const gn = nn.groupNorm(2, 4);
    // @ts-expect-error groupNorm(2, 4): input has 6 channels, expected 4
    expect(() => gn.apply(gn.init(key(0)), zeros([1, 2, 6]))).toThrow(/^groupNorm: input has 6 channels, expected 4/);
    const inorm = nn.instanceNorm(2);
    // @ts-expect-error instanceNorm(2): input has 3 channels, expected 2
    expect(() => inorm.apply(inorm.init(key(0)), zeros([1, 2, 3]))).toThrow(/^instanceNorm: input has 3 channels, expected 2/);
    const r = nn.rmsNorm(4);
    // @ts-expect-error rmsNorm(4): input has 5 features, expected 4
    expect(() => r.apply(r.init(key(0)), zeros([2, 5]))).toThrow(/^rmsNorm: input has 5 features, expected 4/);
  });
  it('a layerNorm shape that the input does not end in is a compile error and a ShapeMismatchError', () => {
    const ln = nn.layerNorm([4, 5]);
    // @ts-expect-error layerNorm([4, 5]): input shape does not end in [4, 5]
    expect(() => ln.apply(ln.init(key(0)), zeros([2, 3, 5]))).toThrow(/^layerNorm: input shape does not end in \[4, 5\]/);
    // @ts-expect-error layerNorm([4, 5]): input has rank 1, expected at least 2
    expect(() => ln.apply(ln.init(key(0)), zeros([5]))).toThrow(/^layerNorm: input has rank 1, expected at least 2/);
  });
  it('too few axes: groupNorm needs [B, C], instanceNorm a spatial axis', () => {
    const gn = nn.groupNorm(2, 4), inorm = nn.instanceNorm(4);
    // @ts-expect-error groupNorm(2, 4): input has rank 1, expected at least 2
    expect(() => gn.apply(gn.init(key(0)), zeros([4]))).toThrow(/^groupNorm: input has rank 1, expected at least 2/);
    // @ts-expect-error instanceNorm(4): input has rank 2, expected at least 3
    expect(() => inorm.apply(inorm.init(key(0)), zeros([2, 4]))).toThrow(/^instanceNorm: input has rank 2, expected at least 3/);
  });
  it('groups that do not divide the channels are a compile error and a ValueError', () => {
    // @ts-expect-error groupNorm: 6 channels do not split into 4 groups
    expect(() => nn.groupNorm(4, 6)).toThrow(/^groupNorm: 6 channels do not split into 4 groups/);
    const g: number = 4, c: number = 6;
    expect(() => nn.groupNorm(g, c)).toThrow(ValueError);
  });
  it('rejects bad hyper-parameters and non-float inputs', () => {
    expect(() => nn.batchNorm(0)).toThrow(/^batchNorm: channels 0 must be a positive integer/);
    expect(() => nn.batchNorm(4, { momentum: 1.5 })).toThrow(/^batchNorm: momentum 1.5 must be in \[0, 1\]/);
    expect(() => nn.layerNorm(4, { eps: -1 })).toThrow(/^layerNorm: eps -1 must be non-negative/);
    expect(() => nn.layerNorm([])).toThrow(/^layerNorm: the normalized shape is empty/);
    expect(() => nn.groupNorm(0, 4)).toThrow(ValueError);
    const ln = nn.layerNorm(2);
    expect(() => ln.apply(ln.init(key(0)), zeros([3, 2], 'int32'))).toThrow(/^layerNorm: input dtype int32 is not supported/);
  });
});
