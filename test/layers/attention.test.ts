/** @file Attention and transformer blocks: PyTorch reference vectors, hand cases, masks, fully masked rows, gradient checks, dropout modes, positions. */
import { describe, expect, it } from 'vitest';
import {
  checkGrad, concat, key, logicalNot, mean, mul, nn, random, reshape, ShapeMismatchError, slice, square, sum, tensor, toArray, vjp, ValueError,
  type AnyTensor, type Shape, type Tensor,
} from '../../src/index.js';
import { causalMask, rotary, scaledDotProductAttention, sinusoidalPositions } from '../../src/ops/attention.js';
import { multiHeadAttention, type AttentionParams } from '../../src/layers/attention.js';
import {
  addSinusoidalPositions, learnedPositions, transformerDecoderBlock, transformerEncoderBlock, type EncoderBlockParams,
} from '../../src/layers/transformer.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
type F = Tensor<Shape>;
type B = Tensor<Shape, 'bool'>;
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
const expectClose = (actual: T | readonly number[], expected: readonly number[], atol = 1e-6, rtol = 1e-5): void => {
  const a = Array.isArray(actual) ? actual as readonly number[] : vals(actual as T);
  expect(a.length).toBe(expected.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - expected[i]!) <= atol + rtol * Math.abs(expected[i]!)));
  expect(bad, bad < 0 ? '' : `index ${bad}: ${a[bad]} vs ${expected[bad]}`).toBe(-1);
};
const allFinite = (t: T): boolean => vals(t).every(Number.isFinite);
const evalMode: nn.Context = { mode: 'eval' };
const rand = <const S extends readonly number[]>(seed: number, shape: S): Tensor<[...S]> => random.normal(key(seed), shape);

// ---- reference vectors -----------------------------------------------------------------------------

const VIEWS = ['wq', 'wk', 'wv', 'wo', 'bq', 'bk', 'bv', 'bo'] as const;
/** the library-layout views of the torch projections, present ones only */
const attentionParams = (c: RefCase): Record<string, F> =>
  Object.fromEntries(VIEWS.filter((n) => c.params[n] !== undefined).map((n) => [n, toTensor(c.params[n]!) as F]));
const expectGrads = (got: Readonly<Record<string, T>>, c: RefCase, names: Readonly<Record<string, string>>): void => {
  for (const [mine, theirs] of Object.entries(names)) expectMatches(got[mine]!, c.grads[theirs]!, `dL/d${theirs}`);
};

describe.each([...casesStartingWith('mha_'), ...casesStartingWith('medium_mha_')])('%s', (name) => {
  const c = loadCase(name);
  const E = Number(c.config['embed_dim']), H = Number(c.config['num_heads']), causal = c.config['causal'] === true;
  const mha = multiHeadAttention(E, H, { useBias: c.config['bias'] !== false, causal });
  const params = attentionParams(c) as AttentionParams<number>;
  const self = c.config['self_attention'] === true;
  const q = toTensor(c.inputs[self ? 'x' : 'query']!) as F;
  const k = self ? q : toTensor(c.inputs['key']!) as F;
  const v = self ? q : toTensor(c.inputs['value']!) as F;
  // the JSON's key_padding_mask is PyTorch's (true = padded): ours is its inverse (true = may attend)
  const pad = c.inputs['key_padding_mask'] ? logicalNot(toTensor(c.inputs['key_padding_mask']) as B) as B : undefined;
  const G = toTensor(c.cotangents['y']!);
  const inputNames = self ? { x: 'x' } : { query: 'query', key: 'key', value: 'value' };

  it('matches the output and the attention probabilities (the JSON key padding mask, inverted)', () => {
    const r = mha.attend(params, { query: q, key: k, value: v, ...(pad && { keyMask: pad }), returnWeights: true });
    expectMatches(r.output, c.outputs['y']!, 'y');
    expectMatches(r.weights, c.aux!['attention_probs']!, 'attention_probs');
  });

  it('matches the gradients of the inputs and of every projection view', () => {
    const run = (p: typeof params, xq: F, xk: F, xv: F): T =>
      mha.attend(p, { query: xq, key: self ? xq : xk, value: self ? xq : xv, ...(pad && { keyMask: pad }) }).output;
    const [y, pullback] = vjp(run, params, q, k, v);
    expectMatches(y, c.outputs['y']!, 'y');
    const [gp, gq, gk, gv] = pullback(G as F);
    expectGrads(gp as unknown as Record<string, T>, c, Object.fromEntries(VIEWS.filter((n) => c.grads[n]).map((n) => [n, n])));
    expectGrads(self ? { x: gq } : { query: gq, key: gk, value: gv }, c, inputNames);
  });

  if (self) {
    it('the layer (self-attention) gives the same output; causal equals an explicit lower-triangular mask', () => {
      expectMatches(mha.run(params, null, q, evalMode)[0], c.outputs['y']!, 'layer y');
      const T = q.shape[1]!;
      const plain = multiHeadAttention(E, H, { useBias: c.config['bias'] !== false });
      const withMask = plain.attend(params, { query: q, ...(causal && { mask: causalMask(T, T) as B }), returnWeights: true });
      expectMatches(withMask.output, c.outputs['y']!, 'y with an explicit mask');
      expectMatches(withMask.weights, c.aux!['attention_probs']!, 'probs with an explicit mask');
    });
  } else {
    it('the same key padding as a general mask (true = may attend) gives the same result', () => {
      const [b, tk] = [pad!.shape[0]!, pad!.shape[1]!];
      const mask = reshape(pad!, [b, 1, tk]) as B; // [B, 1, Tk]: rank of the query, heads axis inserted
      const r = mha.attend(params, { query: q, key: k, value: v, mask, returnWeights: true });
      expectMatches(r.output, c.outputs['y']!, 'y');
      expectMatches(r.weights, c.aux!['attention_probs']!, 'attention_probs');
    });
  }
});

describe.each([...casesStartingWith('transformer_'), ...casesStartingWith('medium_transformer_')])('%s', (name) => {
  const c = loadCase(name);
  const E = Number(c.config['embed_dim']), H = Number(c.config['num_heads']), Fd = Number(c.config['dim_feedforward']);
  const block = transformerEncoderBlock(E, H, Fd, {
    norm: 'pre', activation: c.config['activation'] as 'gelu' | 'relu', eps: Number(c.config['layer_norm_eps']), causal: c.config['causal'] === true,
  });
  const p = (n: string) => toTensor(c.params[n]!) as F;
  const params = {
    norm1: { scale: p('norm1.weight'), bias: p('norm1.bias') },
    attention: attentionParams(c),
    norm2: { scale: p('norm2.weight'), bias: p('norm2.bias') },
    ff1: { kernel: p('ff1_w'), bias: p('linear1.bias') },
    ff2: { kernel: p('ff2_w'), bias: p('linear2.bias') },
  } as unknown as EncoderBlockParams<number, number>;
  const x = toTensor(c.inputs['x']!) as F;

  it('matches the output and the gradients of x and of every param', () => {
    const [y, pullback] = vjp((pp: typeof params, xi: F) => block.run(pp, null, xi, evalMode)[0], params, x);
    expectMatches(y, c.outputs['y']!, 'y');
    const [gp, gx] = pullback(toTensor(c.cotangents['y']!) as F);
    expectMatches(gx, c.grads['x']!, 'dL/dx');
    expectGrads({ scale: gp.norm1.scale, bias: gp.norm1.bias }, c, { scale: 'norm1.weight', bias: 'norm1.bias' });
    expectGrads({ scale: gp.norm2.scale, bias: gp.norm2.bias }, c, { scale: 'norm2.weight', bias: 'norm2.bias' });
    expectGrads(gp.attention as unknown as Record<string, T>, c, Object.fromEntries(VIEWS.map((n) => [n, n])));
    expectGrads({ k1: gp.ff1.kernel, b1: gp.ff1.bias, k2: gp.ff2.kernel, b2: gp.ff2.bias }, c,
      { k1: 'ff1_w', b1: 'linear1.bias', k2: 'ff2_w', b2: 'linear2.bias' });
  });
  it('encode without masks is the layer', () => {
    expectMatches(block.encode(params, x), c.outputs['y']!, 'encode y');
  });
});

// ---- scaledDotProductAttention ---------------------------------------------------------------------

describe('scaledDotProductAttention', () => {
  it('a 1-head, 2-token case by hand', () => {
    // q = k = v = I: scores = I / √2, so row 0 is softmax([a, 0]) with a = 1/√2, and the output is the weights
    const x = tensor([[1, 0], [0, 1]]);
    const a = Math.SQRT1_2, p = 1 / (1 + Math.exp(-a));
    const r = scaledDotProductAttention(x, x, x, { returnWeights: true });
    expectClose(r.weights, [p, 1 - p, 1 - p, p]);
    expectClose(r.output, [p, 1 - p, 1 - p, p]);
    // with values [[10], [20]]: each output is the weighted average
    expectClose(scaledDotProductAttention(x, x, tensor([[10], [20]])).output, [10 * p + 20 * (1 - p), 10 * (1 - p) + 20 * p]);
  });
  it('causal: query 0 sees only key 0; mask and causal combine', () => {
    const x = tensor([[1, 0], [0, 1]]);
    const r = scaledDotProductAttention(x, x, tensor([[10], [20]]), { causal: true, returnWeights: true });
    const p = 1 / (1 + Math.exp(-Math.SQRT1_2));
    expectClose(r.weights, [1, 0, 1 - p, p]);
    expectClose(r.output, [10, 10 * (1 - p) + 20 * p]);
    const onlyKey1 = tensor([[false, true], [false, true]]);
    expectClose(scaledDotProductAttention(x, x, tensor([[10], [20]]), { mask: onlyKey1, returnWeights: true }).weights, [0, 1, 0, 1]);
  });
  it('causalMask is the lower triangle (aligned at the first key when Tq != Tk)', () => {
    expect(Array.from(toArray(causalMask(3, 3)), Boolean)).toEqual([true, false, false, true, true, false, true, true, true]);
    expect(Array.from(toArray(causalMask(2, 3)), Boolean)).toEqual([true, false, false, true, true, false]);
  });
  it('a fully masked row gives zero weights, zero output and a finite (zero) gradient, never NaN', () => {
    const q = rand(1, [2, 3, 4]), k = rand(2, [2, 5, 4]), v = rand(3, [2, 5, 2]);
    // batch 0, query 1 may attend nothing; everything else sees keys 0..2
    const m = Array.from({ length: 2 * 3 * 5 }, (_, i) => !(i >= 5 && i < 10) && i % 5 < 3);
    const mask = toTensor({ shape: [2, 3, 5], dtype: 'bool', data: m }) as B;
    const r = scaledDotProductAttention(q, k, v, { mask, returnWeights: true });
    expectClose(slice(r.weights as F, [0, 1, null]), [0, 0, 0, 0, 0]);
    expectClose(slice(r.output as F, [0, 1, null]), [0, 0]);
    expect(allFinite(r.output) && allFinite(r.weights)).toBe(true);
    const [, pull] = vjp((qq: F, kk: F, vv: F) => scaledDotProductAttention(qq, kk, vv, { mask }).output as T, q, k, v);
    const [gq, gk, gv] = pull(rand(4, [2, 3, 2]));
    expect([gq, gk, gv].every(allFinite)).toBe(true);
    expectClose(slice(gq, [0, 1, null]), [0, 0, 0, 0]);
    // the masked keys 3, 4 get no gradient
    expectClose(slice(gk, [null, [3, 5], null]), new Array(16).fill(0));
    expectClose(slice(gv, [null, [3, 5], null]), new Array(8).fill(0));
    expect(checkGrad((p: { q: F; k: F; v: F }) => sum(square(scaledDotProductAttention(p.q, p.k, p.v, { mask }).output as T)) as Tensor<[]>,
      { q, k, v }).ok).toBe(true);
  });
  it('weights sum to 1 over the keys and broadcast batch dims ([H, T, d] keys against [B, H, T, d] queries)', () => {
    const r = scaledDotProductAttention(rand(5, [2, 3, 4, 8]), rand(6, [3, 6, 8]), rand(7, [3, 6, 5]), { returnWeights: true });
    expect(r.output.shape).toEqual([2, 3, 4, 5]);
    expectClose(sum(r.weights as F, -1), new Array(24).fill(1));
  });
  it('checks shapes at run time', () => {
    const bad = (f: () => unknown) => expect(f).toThrow(ShapeMismatchError);
    bad(() => scaledDotProductAttention(rand(1, [2, 4]) as F, rand(1, [3, 5]) as F, rand(1, [3, 2]) as F));
    bad(() => scaledDotProductAttention(rand(1, [2, 4]) as F, rand(1, [3, 4]) as F, rand(1, [2, 2]) as F));
    bad(() => scaledDotProductAttention(rand(1, [2, 4]) as F, rand(1, [3, 4]) as F, rand(1, [3, 2]) as F, { mask: causalMask(3, 3) as B }));
    expect(() => scaledDotProductAttention(rand(1, [2, 4]) as F, rand(1, [3, 4]) as F, rand(1, [3, 2]) as F, { mask: rand(1, [2, 3]) as unknown as B }))
      .toThrow(ValueError);
  });
  it('checkGrad of order 1 and 2, with a causal mask', () => {
    const p = { q: rand(11, [2, 3, 2]), k: rand(12, [2, 3, 2]), v: rand(13, [2, 3, 2]) };
    const loss = (pp: typeof p) => sum(mul(scaledDotProductAttention(pp.q, pp.k, pp.v, { causal: true }).output as T, rand(14, [2, 3, 2]))) as Tensor<[]>;
    const r = checkGrad(loss, p, { order: 2 });
    expect(r.worst === undefined || r.ok, JSON.stringify(r.worst)).toBe(true);
    expect(r.ok).toBe(true);
    const plain = (pp: typeof p) => sum(square(scaledDotProductAttention(pp.q, pp.k, pp.v).output as T)) as Tensor<[]>;
    expect(checkGrad(plain, p, { order: 2 }).ok).toBe(true);
  });
});

// ---- multiHeadAttention --------------------------------------------------------------------------

describe('multiHeadAttention', () => {
  it('a 1-head, 2-token case by hand (identity projections, zero biases)', () => {
    const eye = tensor([[1, 0], [0, 1]]), z = tensor([0, 0]);
    const params = { wq: eye, wk: eye, wv: eye, wo: eye, bq: z, bk: z, bv: z, bo: tensor([1, -1]) };
    const x = tensor([[[2, 0], [0, 1]]]);
    // scores = x xᵀ / √2 = [[4, 0], [0, 1]] / √2
    const s = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    const [p00, p01] = s(4 / Math.SQRT2, 0), [p10, p11] = s(0, 1 / Math.SQRT2);
    const r = multiHeadAttention(2, 1).attend(params, { query: x, returnWeights: true });
    expectClose(r.weights, [p00!, p01!, p10!, p11!]);
    expectClose(r.output, [2 * p00! + 1, p01! - 1, 2 * p10! + 1, p11! - 1]);
    expectClose(multiHeadAttention(2, 1).apply(params, x), vals(r.output));
  });
  it('head h uses columns [h·d, (h+1)·d): two heads equal two 1-head attentions on the column blocks', () => {
    const mha = multiHeadAttention(4, 2, { useBias: false }), p = mha.init(key(3));
    const x = rand(4, [2, 3, 4]);
    const cols = (w: T, h: number) => slice(w as F, [null, [2 * h, 2 * h + 2]]) as T;
    const heads = [0, 1].map((h) =>
      scaledDotProductAttention(matmulT(x, cols(p.wq, h)) as F, matmulT(x, cols(p.wk, h)) as F, matmulT(x, cols(p.wv, h)) as F).output as T);
    const expected = matmulT(concat(heads as readonly F[], -1) as T, p.wo);
    expectClose(mha.apply(p, x), vals(expected), 1e-5);
  });
  it('a fully padded example: zero attention output (y = bo) and finite gradients', () => {
    const mha = multiHeadAttention(4, 2), p0 = mha.init(key(1));
    const p = { ...p0, bo: tensor([1, 2, 3, 4]) };
    const x = rand(2, [2, 3, 4]);
    const keyMask = tensor([[false, false, false], [true, true, false]]);
    const r = mha.attend(p, { query: x, keyMask, returnWeights: true });
    expectClose(slice(r.output as F, [0, null, null]), [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    expectClose(slice(r.weights as F, [0, null, null, null]), new Array(18).fill(0));
    expectClose(slice(r.weights as F, [1, null, null, 2]), new Array(6).fill(0));
    const [, pull] = vjp((pp: typeof p, xx: F) => mha.attend(pp, { query: xx, keyMask }).output as T, p, x);
    const [gp, gx] = pull(rand(3, [2, 3, 4]));
    expect([gx, ...Object.values(gp)].every(allFinite)).toBe(true);
  });
  it('checkGrad (order 1) through attend with a causal, padded cross-attention', () => {
    const mha = multiHeadAttention(4, 2, { causal: true });
    const p = { ...mha.init(key(5)), bq: rand(6, [4]), bk: rand(7, [4]), bv: rand(8, [4]), bo: rand(9, [4]) };
    const keyMask = tensor([[true, true, false], [true, true, true]]);
    const inputs = { q: rand(10, [2, 2, 4]), m: rand(11, [2, 3, 4]) };
    const loss = (a: { p: typeof p; i: typeof inputs }) =>
      sum(square(mha.attend(a.p, { query: a.i.q, key: a.i.m, value: a.i.m, keyMask }).output as T)) as Tensor<[]>;
    const r = checkGrad(loss, { p, i: inputs });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
  it('dropout acts on the weights in train mode only: eval is the identity, train is reproducible per key', () => {
    const drop = multiHeadAttention(8, 2, { dropout: 0.5 }), none = multiHeadAttention(8, 2);
    const p = none.init(key(1)), x = rand(2, [2, 5, 8]);
    expect(vals(drop.apply(p, x))).toEqual(vals(none.apply(p, x)));
    expect(vals(drop.apply(p, x, nn.evalMode))).toEqual(vals(none.apply(p, x)));
    const t1 = drop.attend(p, { query: x, returnWeights: true }, nn.trainMode(key(7)));
    expect(vals(t1.output)).not.toEqual(vals(none.apply(p, x)));
    expect(vals(drop.apply(p, x, nn.trainMode(key(7))))).toEqual(vals(t1.output));
    // kept weights are scaled by 1 / (1 - p) = 2; dropped ones are 0
    const probs = vals(none.attend(p, { query: x, returnWeights: true }).weights), dropped = vals(t1.weights);
    expect(dropped.every((w, i) => w === 0 || Math.abs(w - 2 * probs[i]!) < 1e-6)).toBe(true);
    expect(dropped.some((w) => w === 0)).toBe(true);
  });
  it('params: [E, E] projections and [E] biases (none with useBias: false); errors for bad sizes and inputs', () => {
    const p = multiHeadAttention(6, 3).init(key(0));
    expect(Object.keys(p).sort()).toEqual(['bk', 'bo', 'bq', 'bv', 'wk', 'wo', 'wq', 'wv']);
    expect(p.wq.shape).toEqual([6, 6]);
    expect(vals(p.bq)).toEqual(new Array(6).fill(0));
    expect(Object.keys(multiHeadAttention(6, 3, { useBias: false }).init(key(0))).sort()).toEqual(['wk', 'wo', 'wq', 'wv']);
    expect(() => multiHeadAttention(6 as number, 4)).toThrow(ValueError);
    const mha = multiHeadAttention(6, 3);
    expect(() => mha.run(p, null, rand(1, [2, 3, 5]), evalMode)).toThrow(ShapeMismatchError);
    expect(() => mha.attend(p, { query: rand(1, [2, 3, 6]), keyMask: tensor([[true, false]]) })).toThrow(ShapeMismatchError);
    expect(() => mha.attend(p, { query: rand(1, [2, 3, 6]) as F, key: rand(2, [2, 4, 6]) as F, value: rand(3, [2, 5, 6]) as F })).toThrow(ShapeMismatchError);
  });
});
const matmulT = (a: T, b: T): T => {
  const s = a.shape as readonly number[], n = (b.shape as readonly number[])[1]!;
  const flat = reshape(a as F, [-1, s.at(-1)!]) as T;
  const m = vals(flat), w = vals(b), rows = m.length / s.at(-1)!;
  const out = Array.from({ length: rows * n }, (_, i) => {
    const r = Math.floor(i / n), c = i % n;
    return Array.from({ length: s.at(-1)! }, (_, k) => m[r * s.at(-1)! + k]! * w[k * n + c]!).reduce((x, y) => x + y, 0);
  });
  return toTensor({ shape: [...s.slice(0, -1), n], dtype: 'float32', data: out });
};

// ---- transformer blocks -----------------------------------------------------------------------------

/** LN over the last axis written out, for the composition checks */
const ln = (p: { scale: T; bias: T }, x: T): T => nn.layerNorm(x.shape.at(-1) as number).run(p as never, null, x, evalMode)[0];
describe('transformer blocks', () => {
  const x = rand(1, [2, 3, 8]);
  it.each(['pre', 'post'] as const)('the %s-norm encoder is its composition of MHA, layer norm and the feed-forward', (norm) => {
    const block = transformerEncoderBlock(8, 2, 12, { norm, activation: 'relu' });
    const p = block.init(key(2));
    const mha = multiHeadAttention(8, 2), ff1 = nn.dense(8, 12), ff2 = nn.dense(12, 8);
    const attn = (y: T) => mha.run(p.attention, null, y, evalMode)[0];
    const ff = (y: T) => ff2.run(p.ff2, null, nn.relu().run(null, null, ff1.run(p.ff1, null, y, evalMode)[0], evalMode)[0], evalMode)[0];
    const add = (a: T, b: T) => toTensor({ shape: a.shape as readonly number[], dtype: 'float32', data: vals(a).map((v, i) => v + vals(b)[i]!) });
    const expected = norm === 'pre'
      ? ((h: T) => add(h, ff(ln(p.norm2, h))))(add(x, attn(ln(p.norm1, x))))
      : ((h: T) => ln(p.norm2, add(h, ff(h))))(ln(p.norm1, add(x, attn(x))));
    expectClose(block.apply(p, x), vals(expected), 1e-5);
  });
  it.each(['pre', 'post'] as const)('checkGrad (order 1) of the %s-norm encoder and decoder blocks', (norm) => {
    const enc = transformerEncoderBlock(4, 2, 6, { norm, activation: 'gelu', causal: true });
    const pe = enc.init(key(3)), xs = rand(4, [1, 3, 4]);
    const r1 = checkGrad((a: { p: typeof pe; x: F }) => sum(square(enc.apply(a.p, a.x))) as Tensor<[]>, { p: pe, x: xs });
    expect(r1.ok, JSON.stringify(r1.worst)).toBe(true);
    const dec = transformerDecoderBlock(4, 2, 6, { norm, activation: 'relu' });
    const pd = dec.init(key(5)), mem = rand(6, [1, 2, 4]);
    const memoryKeyMask = tensor([[true, false]]);
    const r2 = checkGrad((a: { p: typeof pd; x: F; m: F }) =>
      sum(square(dec.decode(a.p, a.x, a.m, { memoryKeyMask }))) as Tensor<[]>, { p: pd, x: xs, m: mem });
    expect(r2.ok, JSON.stringify(r2.worst)).toBe(true);
  });
  it('decoder: causal (position t ignores later inputs), memory padding ignored, apply skips the cross-attention', () => {
    const dec = transformerDecoderBlock(8, 2, 16);
    const p = dec.init(key(7)), mem = rand(8, [2, 4, 8]);
    const x2 = concat([slice(x, [null, [0, 2], null]) as F, rand(9, [2, 1, 8])], 1) as F;
    const firstTwo = (y: T) => vals(slice(y as F, [null, [0, 2], null]) as T);
    expectClose(firstTwo(dec.decode(p, x2, mem)), firstTwo(dec.decode(p, x, mem)), 1e-6);
    expectClose(firstTwo(dec.apply(p, x2)), firstTwo(dec.apply(p, x)), 1e-6);
    const memoryKeyMask = tensor([[true, true, false, false], [true, true, true, false]]);
    const mem2 = concat([slice(mem, [null, [0, 2], null]) as F, rand(10, [2, 2, 8])], 1) as F;
    const a = dec.decode(p, x, mem, { memoryKeyMask }), b = dec.decode(p, x, mem2, { memoryKeyMask });
    expectClose(slice(a as F, [0, null, null]), vals(slice(b as F, [0, null, null]) as T), 1e-6);
    expect(vals(slice(a as F, [1, null, null]) as T)).not.toEqual(vals(slice(b as F, [1, null, null]) as T));
    // apply: the decoder-only block gives the cross-attention params zero gradient
    const [, pull] = vjp((pp: typeof p) => dec.apply(pp, x) as T, p);
    const [g] = pull(rand(11, [2, 3, 8]));
    expect(vals(g.crossAttention.wq).every((v) => v === 0) && vals(g.norm2.scale).every((v) => v === 0)).toBe(true);
    expect(vals(g.selfAttention.wq).some((v) => v !== 0)).toBe(true);
  });
  it('encode: a padded key changes nothing for the other positions', () => {
    const enc = transformerEncoderBlock(8, 2, 16), p = enc.init(key(12));
    const keyMask = tensor([[true, true, false], [true, true, true]]);
    const x2 = concat([slice(x, [[0, 1], [0, 2], null]) as F, rand(13, [1, 1, 8])], 1) as F;
    const a = enc.encode(p, slice(x, [[0, 1], null, null]) as F, { keyMask: slice(keyMask, [[0, 1], null]) as B });
    const b = enc.encode(p, x2, { keyMask: slice(keyMask, [[0, 1], null]) as B });
    expectClose(slice(a as F, [0, [0, 2], null]), vals(slice(b as F, [0, [0, 2], null]) as T), 1e-6);
  });
  it('dropout only in train mode; train mode is reproducible per key', () => {
    const enc = transformerEncoderBlock(8, 2, 16, { dropout: 0.3 }), plain = transformerEncoderBlock(8, 2, 16);
    const p = plain.init(key(14));
    expect(vals(enc.apply(p, x))).toEqual(vals(plain.apply(p, x)));
    const t = vals(enc.apply(p, x, nn.trainMode(key(1))));
    expect(t).not.toEqual(vals(plain.apply(p, x)));
    expect(vals(enc.apply(p, x, nn.trainMode(key(1))))).toEqual(t);
    expect(vals(enc.apply(p, x, nn.trainMode(key(2))))).not.toEqual(t);
  });
  it('params: the record of the sub-layers; errors for bad options and inputs', () => {
    const p = transformerEncoderBlock(8, 2, 16).init(key(0));
    expect(Object.keys(p)).toEqual(['norm1', 'attention', 'norm2', 'ff1', 'ff2']);
    expect([p.ff1.kernel.shape, p.ff2.kernel.shape, p.norm1.scale.shape]).toEqual([[8, 16], [16, 8], [8]]);
    expect(Object.keys(transformerDecoderBlock(8, 2, 16).init(key(0))))
      .toEqual(['norm1', 'selfAttention', 'norm2', 'crossAttention', 'norm3', 'ff1', 'ff2']);
    expect(() => transformerEncoderBlock(8 as number, 3, 16)).toThrow(ValueError);
    expect(() => transformerEncoderBlock(8, 2, 16, { norm: 'middle' as 'pre' })).toThrow(ValueError);
    expect(() => transformerEncoderBlock(8, 2, 16).run(p, null, rand(1, [2, 3, 7]), evalMode)).toThrow(ShapeMismatchError);
  });
  it('works inside serial: embedding, positions, blocks, dense', () => {
    const model = nn.serial(nn.embedding(20, 8), addSinusoidalPositions(), transformerEncoderBlock(8, 2, 16), transformerEncoderBlock(8, 4, 16), nn.dense(8, 3));
    const y = model.apply(model.init(key(0)), tensor([[1, 2, 3], [4, 5, 6]], 'int32'));
    expect(y.shape).toEqual([2, 3, 3]);
    expect(allFinite(y)).toBe(true);
  });
});

// ---- every layer's apply: one gradient-check table ---------------------------------------------------

const layerCases: readonly (readonly [string, () => nn.AnyLayer])[] = [
  ['multiHeadAttention(4, 2), causal', () => multiHeadAttention(4, 2, { causal: true })],
  ['multiHeadAttention(4, 1), no bias', () => multiHeadAttention(4, 1, { useBias: false })],
  ['transformerEncoderBlock(4, 2, 6), post-norm, relu', () => transformerEncoderBlock(4, 2, 6, { norm: 'post', activation: 'relu' })],
  ['transformerDecoderBlock(4, 2, 6), decoder-only apply', () => transformerDecoderBlock(4, 2, 6)],
  ['learnedPositions(3, 4)', () => learnedPositions(3, 4)],
  ['addSinusoidalPositions()', () => addSinusoidalPositions()],
];
describe.each(layerCases)('checkGrad (order 1) of %s', (_name, make) => {
  it('params and input', () => {
    const layer = make();
    const point = { p: layer.init(key(21)), x: rand(22, [1, 3, 4]) as T };
    const r = checkGrad((a: typeof point) => sum(mul(layer.run(a.p, null, a.x, evalMode)[0], rand(23, [1, 3, 4]))) as Tensor<[]>, point);
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

// ---- positions ----------------------------------------------------------------------------------

describe('positions', () => {
  it('sinusoidalPositions: sin on even features, cos on odd ones, by the formula', () => {
    const L = 7, D = 6, pe = vals(sinusoidalPositions(L, D));
    const expected = Array.from({ length: L * D }, (_, n) => {
      const pos = Math.floor(n / D), i = n % D, w = pos / Math.pow(10000, (2 * Math.floor(i / 2)) / D);
      return i % 2 === 0 ? Math.sin(w) : Math.cos(w);
    });
    expectClose(pe, expected, 1e-7);
    expectClose(vals(sinusoidalPositions(1, 4)), [0, 1, 0, 1]);
    expectClose(vals(sinusoidalPositions(2, 2, { base: 100 })), [0, 1, Math.sin(1), Math.cos(1)]);
  });
  it('addSinusoidalPositions adds the table; learnedPositions adds its first T rows and checks T <= L', () => {
    const x = rand(1, [2, 3, 4]);
    expectClose(addSinusoidalPositions().apply(null, x), vals(x).map((v, i) => v + vals(sinusoidalPositions(3, 4))[i % 12]!));
    const lp = learnedPositions(5, 4), p = lp.init(key(2));
    expect(p.positions.shape).toEqual([5, 4]);
    const rows = vals(p.positions).slice(0, 12);
    expectClose(lp.apply(p, x), vals(x).map((v, i) => v + rows[i % 12]!));
    expect(() => lp.run(p, null, rand(3, [1, 6, 4]), evalMode)).toThrow(ShapeMismatchError);
  });
  it('rotary: pairs (2i, 2i+1) rotate by m·base^(-2i/d) (interleaved, RoFormer)', () => {
    // d = 4, base 10000: pair (0, 1) turns by m, pair (2, 3) by m / 100
    const x = tensor([[1, 2, 3, 4], [1, 2, 3, 4]]);
    const r = vals(rotary(x));
    const rot = (a: number, b: number, t: number) => [a * Math.cos(t) - b * Math.sin(t), a * Math.sin(t) + b * Math.cos(t)];
    expectClose(r, [1, 2, 3, 4, ...rot(1, 2, 1), ...rot(3, 4, 0.01)]);
    expectClose(rotary(x, { offset: 5 }), [...rot(1, 2, 5), ...rot(3, 4, 0.05), ...rot(1, 2, 6), ...rot(3, 4, 0.06)]);
  });
  it('rotary: <rot(q, m), rot(k, n)> depends only on m - n, and norms are kept', () => {
    const d = 8, T = 6;
    const q = vals(rand(1, [d])), k = vals(rand(2, [d]));
    const rows = (v: number[]) => toTensor({ shape: [T, d], dtype: 'float32', data: Array.from({ length: T * d }, (_, i) => v[i % d]!) });
    const rq = vals(rotary(rows(q) as F)), rk = vals(rotary(rows(k) as F));
    const dot = (m: number, n: number) => Array.from({ length: d }, (_, i) => rq[m * d + i]! * rk[n * d + i]!).reduce((a, b) => a + b, 0);
    for (let m = 0; m + 1 < T; m++) for (let n = 0; n + 1 < T; n++) expect(dot(m + 1, n + 1)).toBeCloseTo(dot(m, n), 5);
    expect(dot(2, 2)).toBeCloseTo(q.reduce((s, v, i) => s + v * k[i]!, 0), 5);
    const norm = (v: number[], m: number) => Math.hypot(...v.slice(m * d, (m + 1) * d));
    expect(norm(rq, 5)).toBeCloseTo(Math.hypot(...q), 5);
    expect(() => rotary(rand(1, [3, 5]) as F)).toThrow(ShapeMismatchError);
  });
  it('rotary is differentiable (checkGrad) and batched over leading axes', () => {
    const x = rand(3, [2, 2, 3, 4]);
    expect(checkGrad((p: { x: F }) => sum(mul(rotary(p.x), rand(4, [2, 2, 3, 4]))) as Tensor<[]>, { x }).ok).toBe(true);
    expectClose(slice(rotary(x) as F, [1, 0, null, null]), vals(rotary(slice(x, [1, 0, null, null]) as F)));
    expect(mean(rotary(x)).shape).toEqual([]);
  });
});
