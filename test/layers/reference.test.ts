/** @file Dense, activation and embedding layers against the PyTorch reference vectors: outputs and gradients. */
import { describe, expect, it } from 'vitest';
import { key, mul, nn, sum, vjp, type AnyTensor } from '../../src/index.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
const activations: Readonly<Record<string, () => nn.AnyLayer>> = {
  linear: () => nn.lambda((x) => x, 'identity'),
  relu: nn.relu,
  sigmoid: nn.sigmoid,
  tanh: nn.tanh,
  silu: nn.silu,
  softplus: nn.softplus,
  elu: () => nn.elu(1),
  gelu: () => nn.gelu(),
  gelu_tanh: () => nn.gelu({ approximate: true }),
  'leaky_relu_0.01': () => nn.leakyRelu(0.01),
  'leaky_relu_0.2': () => nn.leakyRelu(0.2),
};
const activationFor = (c: RefCase): nn.AnyLayer => {
  const name = String(c.config['activation']);
  const axis = typeof c.config['axis'] === 'number' ? c.config['axis'] : -1;
  if (name === 'softmax') return nn.softmax(axis);
  if (name === 'log_softmax') return nn.logSoftmax(axis);
  const make = activations[name];
  if (make === undefined) throw new Error(`no activation for ${name}`);
  return make();
};
/** L = sum(y * G): its gradient is the vector-Jacobian product with G */
const lossWith = (y: T, g: T): T => sum(mul(y, g)) as T;

describe.each(casesStartingWith('act_'))('%s', (name) => {
  const c = loadCase(name);
  const layer = activationFor(c);
  it('matches the outputs and the input gradient', () => {
    const x = toTensor(c.inputs['x']!);
    const [y, pullback] = vjp((xi: T) => layer.run(null, null, xi, { mode: 'eval' })[0], x);
    expectMatches(y, c.outputs['y']!, 'y');
    const [gx] = pullback(toTensor(c.cotangents['y']!));
    expectMatches(gx, c.grads['x']!, 'dL/dx');
  });
});

describe.each(casesStartingWith('dense_'))('%s', (name) => {
  const c = loadCase(name);
  const inF = Number(c.config['in_features']), outF = Number(c.config['out_features']);
  const layer: nn.AnyLayer = nn.serial(nn.dense(inF, outF, { useBias: c.config['bias'] !== false }), activationFor(c));
  it('matches the outputs and the gradients of x, kernel [in, out] and bias', () => {
    const x = toTensor(c.inputs['x']!);
    const params = { kernel: toTensor(c.params['weight_io']!), ...(c.params['bias'] ? { bias: toTensor(c.params['bias']) } : {}) };
    const run = (p: typeof params, xi: T) => layer.run([p, null], [null, null], xi, { mode: 'eval' })[0];
    const [y, pullback] = vjp(run, params, x);
    expectMatches(y, c.outputs['y']!, 'y');
    expect(lossWith(y, toTensor(c.cotangents['y']!)).shape).toEqual([]);
    const [gp, gx] = pullback(toTensor(c.cotangents['y']!));
    expectMatches(gx, c.grads['x']!, 'dL/dx');
    expectMatches(gp.kernel, c.grads['weight_io']!, 'dL/dkernel');
    if (c.grads['bias']) expectMatches((gp as { bias: T }).bias, c.grads['bias'], 'dL/dbias');
  });
});

describe.each(casesStartingWith('embedding_'))('%s', (name) => {
  const c = loadCase(name);
  const pad = c.config['padding_idx'];
  const emb = nn.embedding(Number(c.config['num_embeddings']), Number(c.config['embedding_dim']),
    typeof pad === 'number' ? { paddingIdx: pad } : {});
  const layer: nn.AnyLayer = emb;
  it('looks rows up and scatter-adds gradients (repeated indices accumulate)', () => {
    const ids = toTensor(c.inputs['indices']!);
    const [y, pullback] = vjp((w: T) => layer.run({ embedding: w }, null, ids, { mode: 'eval' })[0], toTensor(c.params['weight']!));
    expectMatches(y, c.outputs['y']!, 'y');
    expectMatches(pullback(toTensor(c.cotangents['y']!))[0], c.grads['weight']!, 'dL/dweight');
  });
  it('initializes a table of the right shape', () => {
    expect(emb.init(key(0)).embedding.shape).toEqual([Number(c.config['num_embeddings']), Number(c.config['embedding_dim'])]);
  });
});
