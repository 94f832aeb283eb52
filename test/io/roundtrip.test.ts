/** @file Round trips: every layer kind's params (and batch norm's state) and every optimizer's state, values and structure equal. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  isTensor, key, leavesWithPath, mapTree, nn, optim, random, tensor, toArray, zeros, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { deserialize, deserializeTensors, readMetadata, restore, serialize, type LoadError } from '../../src/io/index.js';

const right = <A>(e: E.Either<LoadError, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
/** the structure with every tensor replaced by its description: records, arrays and nulls kept */
const skeleton = (x: unknown): unknown => {
  if (isTensor(x)) return `${x.dtype}[${(x.shape as readonly number[]).join(',')}]`;
  if (Array.isArray(x)) return x.map(skeleton);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, skeleton(v)]));
  return x;
};
/** the bits of every element (so -0 and NaN compare exactly) */
const bits = (t: AnyTensor): string[] => Array.from(toArray(t) as ArrayLike<number>, (v) => (Object.is(v, -0) ? '-0' : String(v)));
const expectSameRecord = (actual: unknown, expected: unknown): void => {
  expect(skeleton(actual)).toEqual(skeleton(expected));
  const [a, e] = [leavesWithPath(actual), leavesWithPath(expected)];
  expect(a.map(([p]) => p)).toEqual(e.map(([p]) => p));
  a.forEach(([p, t], i) => expect(bits(t), p).toEqual(bits(e[i]![1])));
};
/** a number from a path, so each leaf gets its own noise */
const hash = (path: string): number => [...path].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_003, 7);
/** saved from `record`, loaded into `template` (same structure, other values) */
const roundTrip = <T>(record: T, template: T): T => right(deserialize(serialize(record), template));

// ---- layers ----

interface LayerCase { readonly name: string; readonly layer: { init(k: ReturnType<typeof key>): unknown } }
const layerCases: LayerCase[] = [
  { name: 'dense', layer: nn.dense(3, 4) },
  { name: 'dense without bias', layer: nn.dense(3, 4, { useBias: false }) },
  { name: 'conv1d', layer: nn.conv1d(2, 3, 3) },
  { name: 'conv2d', layer: nn.conv2d(2, 4, [3, 2], { groups: 2 }) },
  { name: 'depthwiseConv2d', layer: nn.depthwiseConv2d(3, 2, 3) },
  { name: 'conv2dTranspose', layer: nn.conv2dTranspose(2, 3, 3) },
  { name: 'simpleRnn', layer: nn.simpleRnn(2, 3) },
  { name: 'lstm', layer: nn.lstm(2, 3) },
  { name: 'gru', layer: nn.gru(2, 3) },
  { name: 'gru (reset before)', layer: nn.gru(2, 3, { resetAfter: false }) },
  { name: 'bidirectional lstm', layer: nn.bidirectional(nn.lstm(2, 3)) },
  { name: 'multiHeadAttention', layer: nn.multiHeadAttention(8, 2) },
  { name: 'multiHeadAttention without biases', layer: nn.multiHeadAttention(8, 2, { useBias: false }) },
  { name: 'transformerEncoderBlock', layer: nn.transformerEncoderBlock(8, 2, 16) },
  { name: 'batchNorm', layer: nn.batchNorm(4) },
  { name: 'layerNorm', layer: nn.layerNorm([2, 3]) },
  { name: 'groupNorm', layer: nn.groupNorm(2, 4) },
  { name: 'rmsNorm', layer: nn.rmsNorm(4) },
  { name: 'embedding', layer: nn.embedding(10, 4) },
  { name: 'learnedPositions', layer: nn.learnedPositions(6, 4) },
  { name: 'serial with parameter-free layers (nulls)', layer: nn.serial(nn.dense(3, 8), nn.relu(), nn.dropout(0.5), nn.dense(8, 2)) },
];

describe('layer params round trip', () => {
  it.each(layerCases)('$name', ({ layer }) => {
    // normal noise on top of init, so zero-initialized biases and ones-initialized scales are not trivially equal
    const noisy = (p: unknown, seed: number) => mapTree(p, (t, path) => random.normal(key(seed + hash(path)), t.shape as readonly number[]));
    const saved = noisy(layer.init(key(1)), 1);
    const template = noisy(layer.init(key(2)), 7);
    const loaded = roundTrip(saved, template);
    expectSameRecord(loaded, saved);
  });

  it('a layer without params (null) round trips as an empty file', () => {
    const params = nn.layerNorm(4, { affine: false }).init(key(0));
    expect(params).toBeNull();
    expect(roundTrip(params, params)).toBeNull();
  });

  it('batchNorm: params and the running statistics after training steps, saved together', () => {
    const bn = nn.batchNorm(3);
    const params = bn.init(key(0));
    let state = bn.initState();
    for (let s = 0; s < 3; s++) {
      const x = random.normal(key(10 + s), [5, 2, 3]) as Tensor<[5, 2, 3]>;
      state = bn.applyWithState(params, state, x, nn.trainMode(key(s)))[1];
    }
    const loaded = roundTrip({ params, state }, { params: bn.init(key(9)), state: bn.initState() });
    expectSameRecord(loaded, { params, state });
    const x = random.normal(key(99), [2, 3]) as Tensor<[2, 3]>;
    expect(bits(bn.applyWithState(loaded.params, loaded.state, x)[0])).toEqual(bits(bn.applyWithState(params, state, x)[0]));
  });
});

// ---- optimizers ----

const model = nn.serial(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
type Params = ReturnType<typeof model.init>;
const params: Params = model.init(key(0));
const gradsAt = (step: number): Params => mapTree(params, (t, path) => random.normal(key(100 * step + hash(path)), t.shape as readonly number[]));

interface OptCase { readonly name: string; readonly make: () => optim.AnyTransformation }
const optCases: OptCase[] = [
  { name: 'sgd with momentum', make: () => optim.sgd(0.1, { momentum: 0.9 }) },
  { name: 'sgd, nesterov, weight decay', make: () => optim.sgd(0.1, { momentum: 0.9, nesterov: true, weightDecay: 1e-2 }) },
  { name: 'adam', make: () => optim.adam(1e-2) },
  { name: 'adam (amsgrad, scheduled lr)', make: () => optim.adam(optim.exponentialDecay(1e-2, 0.9), { amsgrad: true }) },
  { name: 'adamw', make: () => optim.adamw(1e-2) },
  { name: 'adamw with a mask', make: () => optim.adamw(1e-2, { mask: [{ kernel: true, bias: false }, null, { kernel: true, bias: false }] }) },
  { name: 'rmsprop (centered, momentum)', make: () => optim.rmsprop(1e-2, { centered: true, momentum: 0.9 }) },
  { name: 'adagrad (lr decay)', make: () => optim.adagrad(0.1, { lrDecay: 1e-3 }) },
  {
    name: 'chain(clipByGlobalNorm, injectHyperparams(adam))',
    make: () => optim.chain(optim.clipByGlobalNorm(1), optim.injectHyperparams((h: { lr: number; b1: number }) => optim.adam(h.lr, { b1: h.b1 }))({
      lr: optim.warmupCosine({ peak: 1e-2, warmupSteps: 2, decaySteps: 10 }), b1: 0.8,
    })),
  },
];

describe('optimizer state round trip', () => {
  it.each(optCases)('$name: the state after 3 updates, and the updates that follow', ({ make }) => {
    const opt = make();
    let p = params, s = opt.init(params);
    for (let k = 0; k < 3; k++) {
      const [u, next] = opt.update(gradsAt(k), s, p);
      p = optim.applyUpdates(p, u as Params);
      s = next;
    }
    const loaded = roundTrip(s, opt.init(params));
    expectSameRecord(loaded, s);
    const [u1, s1] = opt.update(gradsAt(3), s, p);
    const [u2, s2] = opt.update(gradsAt(3), loaded, p);
    expectSameRecord(u2, u1);
    expectSameRecord(s2, s1);
  });
});

// ---- metadata, restore, templates ----

describe('metadata and template-free reads', () => {
  it('metadata round trips, unicode and empty strings included', () => {
    const metadata = { step: '1200', 'model name': 'mlp ✓', empty: '', json: '{"a": [1, 2]}' };
    expect(right(readMetadata(serialize(params, metadata)))).toEqual(metadata);
  });

  it('deserializeTensors gives every tensor by dotted name; restore puts them back in the template', () => {
    const flat = right(deserializeTensors(serialize(params)));
    expect(Object.keys(flat).sort()).toEqual(['0.bias', '0.kernel', '2.bias', '2.kernel']);
    expectSameRecord(right(restore(flat, model.init(key(5)))), params);
  });

  it('restore reports what does not fit the template', () => {
    const r = restore({ '0.kernel': zeros([3, 4]), '0.bias': zeros([4], 'int32'), '2.kernel': zeros([4, 3]), junk: tensor([1]) }, params);
    expect(E.isLeft(r) && r.left.kind === 'mismatch' ? r.left.problems : []).toEqual([
      { kind: 'dtype', name: '0.bias', expected: 'float32', actual: 'int32' },
      { kind: 'missing', name: '2.bias', expected: { shape: [2], dtype: 'float32' } },
      { kind: 'shape', name: '2.kernel', expected: [4, 2], actual: [4, 3] },
      { kind: 'unexpected', name: 'junk', actual: { shape: [1], dtype: 'float32' } },
    ]);
  });

  it('the loaded record is frozen and keeps the template structure (tuples as arrays, nulls)', () => {
    const loaded = roundTrip(params, model.init(key(3)));
    expect(Array.isArray(loaded)).toBe(true);
    expect(loaded[1]).toBeNull();
    expect(Object.isFrozen(loaded)).toBe(true);
  });

  it('a template with a non-tensor leaf is a programmer error, thrown', () => {
    expect(() => deserialize(serialize({ a: zeros([1]) }), { a: 3 })).toThrow(/a is number/);
  });
});
