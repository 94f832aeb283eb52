/** @file capture (paths and values worked out by hand), the model's structure as paths, and locating the first NaN/Inf. */
import { describe, expect, it } from 'vitest';
import { div, exp, key, log, nn, sub, tensor, toArray, type AnyTensor, type Tensor } from '../../src/index.js';
import { capture, firstNonFinite, describeNonFinite, layerAt, layerEntries, paramsByLayer } from '../../src/analysis/index.js';

import { affine, close, relu, vals } from '../helpers/plain.js';

const model = nn.serial(
  nn.input(['B', 3]), nn.dense(3, 2), nn.relu(), nn.residual(nn.serial(nn.dense(2, 2), nn.relu())), nn.dense(2, 1),
);
const K1 = [[1, -1], [0, 2], [-1, 1]], b1 = [0.5, -0.5];
const K2 = [[1, 1], [-2, 1]], b2 = [0, 1];
const K3 = [[1], [-1]], b3 = [0.25];
const params = [
  null, { kernel: tensor(K1), bias: tensor(b1) }, null,
  [{ kernel: tensor(K2), bias: tensor(b2) }, null], { kernel: tensor(K3), bias: tensor(b3) },
] as unknown as ReturnType<typeof model.init>;
const X = [[1, 2, 3], [-1, 0, 2]];

describe('capture', () => {
  const { output, activations, observations } = capture(model)(params, tensor(X) as Tensor<[number, 3]>);
  // by hand: h1 = x K1 + b1, h2 = relu(h1), inner = relu(h2 K2 + b2), h3 = h2 + inner, y = h3 K3 + b3
  const h1 = affine(X, K1, b1), h2 = relu(h1), pre = affine(h2, K2, b2), inner = relu(pre);
  const h3 = h2.map((r, i) => r.map((v, j) => v + inner[i]![j]!)), y = affine(h3, K3, b3);

  it('records every layer output by path, with the values of a hand computation', () => {
    expect(Object.keys(activations).sort()).toEqual(['0', '1', '2', '3', '3.wraps', '3.wraps.0', '3.wraps.1', '4']);
    close(vals(activations['0']), X.flat());
    close(vals(activations['1']), h1.flat());
    close(vals(activations['2']), h2.flat());
    close(vals(activations['3.wraps.0']), pre.flat());
    close(vals(activations['3.wraps']), inner.flat());
    close(vals(activations['3']), h3.flat());
    close(vals(activations['4']), y.flat());
    close(vals(output), y.flat());
    expect(activations['3'].shape).toEqual([2, 2]);
  });
  it('observes children before the composite around them, the model itself last', () => {
    expect(observations.map((o) => o.path)).toEqual(['0', '1', '2', '3.wraps.0', '3.wraps.1', '3.wraps', '3', '4', '']);
    expect(observations.map((o) => o.layer).slice(0, 3)).toEqual(['input', 'dense(3, 2)', 'relu']);
  });
  it('leaves the output as apply gives it', () => {
    close(vals(output), vals(model.apply(params, tensor(X) as Tensor<[number, 3]>)));
  });
  it('reports the new state of stateful layers', () => {
    const bn = nn.serial(nn.dense(2, 2), nn.batchNorm(2));
    const p = bn.init(key(0));
    const r = capture(bn)(p, tensor([[1, 2], [3, 5]]), nn.trainMode(key(1)));
    // PyTorch momentum 0.1: running mean = 0.9 * 0 + 0.1 * batch mean of the dense output
    const d = vals(r.activations['0']);
    close(vals((r.state[1] as { runningMean: AnyTensor }).runningMean), [0.1 * (d[0]! + d[2]!) / 2, 0.1 * (d[1]! + d[3]!) / 2]);
  });
  it('names parallel branches by index', () => {
    const par = nn.serial(nn.dense(2, 3), nn.parallel('concat', nn.dense(3, 1), nn.dense(3, 2)));
    const r = capture(par)(par.init(key(2)), tensor([[1, 2]]));
    expect(Object.keys(r.activations).sort()).toEqual(['0', '1', '1.0', '1.1']);
    close(vals(r.activations['1']), [...vals(r.activations['1.0']), ...vals(r.activations['1.1'])]);
  });
});

describe('structure', () => {
  it('lists the layers in the order the observer sees them', () => {
    const { observations } = capture(model)(params, tensor(X) as Tensor<[number, 3]>);
    expect(layerEntries(model).map((e) => e.path)).toEqual(observations.map((o) => o.path));
    expect(layerEntries(model).filter((e) => e.composite).map((e) => e.path)).toEqual(['3.wraps', '3', '']);
  });
  it('splits a params-shaped record by leaf layer (a wrapper passes its params to the inner layer)', () => {
    const parts = paramsByLayer(model, params);
    expect(parts.map((p) => [p.path, p.layer])).toEqual([['1', 'dense(3, 2)'], ['3.wraps.0', 'dense(2, 2)'], ['4', 'dense(2, 1)']]);
    close(vals((parts[1]!.params as { kernel: AnyTensor }).kernel), K2.flat());
  });
  it('finds a layer by path and names the known paths otherwise', () => {
    expect(layerAt(model, '3.wraps.1').layer).toBe('relu');
    expect(() => layerAt(model, '9')).toThrow(/no layer at path '9'.*'3.wraps.0'/);
  });
});

describe('firstNonFinite', () => {
  const x = tensor([[1, 2], [-1, 3]]);
  const dense = { kernel: tensor([[1, 0], [0, 1]]), bias: tensor([0, 0]) };
  it('names the first layer whose output is NaN, and the op inside it', () => {
    // log of the negative entry -1 is NaN; the later layers only carry it on
    const m = nn.serial(nn.dense(2, 2), nn.lambda((t) => log(t), 'log'), nn.dense(2, 2));
    const r = firstNonFinite(m, [dense, null, dense], x);
    expect(r).toMatchObject({ path: '1', layer: 'log', where: 'activation', value: 'NaN' });
    expect(r?.op).toMatchObject({ index: 0, inputShapes: [[2, 2]], outputShape: [2, 2] });
    expect(describeNonFinite(r!)).toMatch(/^layer '1' \(log\): NaN in its output, first from op #0/);
  });
  it('finds the op that divides by zero after finite ones in the same layer', () => {
    // exp(x) (finite), x - x (zeros), exp(x) / 0 = +Inf: the third op of the layer
    const m = nn.serial(nn.dense(2, 2), nn.lambda((t) => div(exp(t), sub(t, t)) as AnyTensor, 'ratio'));
    expect(firstNonFinite(m, [dense, null], x)).toMatchObject({ path: '1', value: 'Inf', op: { index: 2, inputShapes: [[2, 2], [2, 2]] } });
  });
  it('reports a non-finite parameter before running, and a non-finite input first of all', () => {
    const m = nn.serial(nn.dense(2, 2), nn.relu(), nn.dense(2, 2));
    const bad = { kernel: tensor([[1, Infinity], [0, 1]]), bias: tensor([0, 0]) };
    expect(firstNonFinite(m, [dense, null, bad], x)).toMatchObject({ path: '2', where: 'weight', param: 'kernel', value: 'Inf' });
    expect(firstNonFinite(m, [dense, null, bad], tensor([[NaN, 0]]))).toMatchObject({ path: '', where: 'input', value: 'NaN' });
  });
  it('is undefined when everything is finite', () => {
    const m = nn.serial(nn.dense(2, 2), nn.relu());
    expect(firstNonFinite(m, [dense, null], x)).toBeUndefined();
  });
});

describe('capture inside transformer blocks', () => {
  const E = 8, F = 16;
  const x = tensor(Array.from({ length: 2 }, (_, b) => Array.from({ length: 3 }, (_, t) => Array.from({ length: E }, (_, e) => Math.sin(1 + b * 7 + t * 3 + e)))));
  it('an encoder block reports its norms, attention and feed-forward layers under their params keys, consistent with its output', () => {
    const net = nn.serial(nn.transformerEncoderBlock(E, 2, F, { norm: 'pre', activation: 'relu' }));
    const p = net.init(key(5));
    const { output, activations } = capture(net)(p, x);
    for (const k of ['norm1', 'attention', 'norm2', 'ff1', 'ff2']) expect(activations[`0.${k}`], k).toBeDefined();
    expect(activations['0.ff1']!.shape).toEqual([2, 3, F]);
    // pre-norm: h = x + attention(LN1(x)), y = h + ff2(relu(ff1(LN2(h))))
    const h = vals(x).map((v, i) => v + vals(activations['0.attention'])[i]!);
    close(vals(output), h.map((v, i) => v + vals(activations['0.ff2'])[i]!));
    // norm2 normalizes h: each row has mean 0 (its gain and bias start at 1 and 0)
    const n2 = vals(activations['0.norm2']);
    for (let r = 0; r < 6; r++) expect(Math.abs(n2.slice(r * E, (r + 1) * E).reduce((a, b) => a + b, 0))).toBeLessThan(1e-4);
    // ff1's output is the dense map before the activation: some entries negative
    expect(vals(activations['0.ff1']).some((v) => v < 0)).toBe(true);
  });
  it('a decoder block used as a layer reports its self-attention, norms and feed-forward', () => {
    const net = nn.serial(nn.transformerDecoderBlock(E, 2, F));
    const { activations } = capture(net)(net.init(key(6)), x);
    for (const k of ['norm1', 'selfAttention', 'norm3', 'ff1', 'ff2']) expect(activations[`0.${k}`], k).toBeDefined();
    expect(activations['0.crossAttention']).toBeUndefined(); // no memory: the cross-attention sub-block does not run
  });
});
