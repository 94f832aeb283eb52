/** @file Tensor and per-layer statistics (hand values), and the training monitor: records, SGD update ratios, flags, curves, NaN diagnosis. */
import { describe, expect, it } from 'vitest';
import {
  fit, grad, key, leaves, log, meanSquaredError, nn, optim, tensor, toArray, trainStep, ValueError,
  type AnyTensor, type Tensor,
} from '../../src/index.js';
import { capture, layerStats, tensorStats, trainingMonitor } from '../../src/analysis/index.js';

const vals = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const norm = (xs: readonly number[]): number => Math.sqrt(xs.reduce((s, v) => s + v * v, 0));

describe('tensorStats', () => {
  it('matches a hand computation', () => {
    // [0, 3, -4, 0]: mean -1/4, mean |x| 7/4, deviations² 1/16 + 169/16 + 225/16 + 1/16 = 396/16, / 4 -> std √6.1875
    const s = tensorStats(tensor([[0, 3], [-4, 0]]));
    expect(s).toMatchObject({ size: 4, min: -4, max: 3, zeroFraction: 0.5, nonFinite: 0 });
    expect(s.mean).toBeCloseTo(-0.25, 12);
    expect(s.meanAbs).toBeCloseTo(1.75, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(6.1875), 12);
    expect(s.l2Norm).toBeCloseTo(5, 12);
  });
  it('counts NaN and Inf, and lets NaN through the moments', () => {
    const s = tensorStats(tensor([1, NaN, Infinity, -Infinity]));
    expect(s.nonFinite).toBe(3);
    expect(s.mean).toBeNaN();
    expect(s.min).toBeNaN();
    expect(tensorStats(tensor([1, Infinity])).max).toBe(Infinity);
  });
});

describe('layerStats', () => {
  const model = nn.serial(nn.dense(2, 2), nn.relu(), nn.dense(2, 1));
  const params = [{ kernel: tensor([[1, -2], [0, 2]]), bias: tensor([1, 0]) }, null, { kernel: tensor([[3], [4]]), bias: tensor([0]) }] as const;
  const grads = [{ kernel: tensor([[0.1, 0], [0, 0]]), bias: tensor([0, 0.2]) }, null, { kernel: tensor([[0], [0]]), bias: tensor([0]) }] as const;
  const updates = [{ kernel: tensor([[0.01, 0], [0, 0]]), bias: tensor([0, -0.02]) }, null, { kernel: tensor([[0.3], [0]]), bias: tensor([0]) }] as const;
  it('summarizes weights, gradients, updates and activations per layer in forward order', () => {
    const x = tensor([[1, 1], [-1, 0]]);
    const { activations } = capture(model)(params as never, x);
    const rows = layerStats(model, { params, grads, updates, activations });
    expect(rows.map((r) => [r.path, r.layer])).toEqual([['0', 'dense(2, 2)'], ['1', 'relu'], ['2', 'dense(2, 1)']]);
    const [d0, relu, d2] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]];
    // layer 0: ‖g‖ = √(0.01 + 0.04); ‖u‖ / ‖w‖ = √(0.0001 + 0.0004) / √(1 + 4 + 4 + 1)
    expect(d0.gradNorm).toBeCloseTo(Math.sqrt(0.05), 7);
    expect(d0.updateToWeight).toBeCloseTo(Math.sqrt(0.0005) / Math.sqrt(10), 7);
    expect(d0.params['kernel']!.updateToWeight).toBeCloseTo(0.01 / 3, 7);
    expect(d0.params['bias']!.weight).toMatchObject({ min: 0, max: 1, zeroFraction: 0.5 });
    // x W + b = [[2, 0], [0, 2]] -> relu keeps it: half zeros
    expect(relu.activation).toMatchObject({ zeroFraction: 0.5, max: 2, min: 0 });
    expect(relu.params).toEqual({});
    expect(d2.gradNorm).toBe(0);
    expect(d2.params['kernel']!.updateToWeight).toBeCloseTo(0.3 / 5, 7);
  });
});

describe('trainingMonitor', () => {
  const model = nn.serial(nn.dense(2, 3), nn.tanh(), nn.dense(3, 1));
  const loss = (pred: AnyTensor, y: AnyTensor) => meanSquaredError(pred as Tensor<[number, 1]>, y as Tensor<[number, 1]>);
  const batch = { x: tensor([[1, 2], [0, -1], [2, 1]]), y: tensor([[1], [0], [-1]]) };
  const params = model.init(key(0));
  const lr = 0.1;
  const optimizer = optim.sgd(lr);
  const step = trainStep<typeof params, optim.StateFnOf<typeof optimizer>>(model, optimizer, loss);
  const run = (mon: ReturnType<typeof trainingMonitor<AnyTensor>>, epochs: number) =>
    fit(mon.wrap(step), { params, optState: optimizer.init(params) }, { epochs, batches: () => [batch], key: key(1), onProgress: mon.onProgress });

  it('records statistics every N steps; SGD updates are -lr times the gradients', () => {
    const mon = trainingMonitor(model, loss, { every: 2 });
    run(mon, 5);
    expect(mon.records().map((r) => r.step)).toEqual([1, 3, 5]);
    const first = mon.records()[0]!;
    expect(first.layers.map((l) => l.path)).toEqual(['0', '1', '2']);
    // the gradient at the initial params, computed on its own
    const g = grad((p: typeof params) => loss(model.apply(p, batch.x), batch.y))(params);
    expect(first.layers[0]!.gradNorm).toBeCloseTo(norm(leaves(g[0]).flatMap(vals)), 5);
    const w0 = norm(leaves(params[0]).flatMap(vals));
    expect(first.layers[0]!.updateToWeight).toBeCloseTo((lr * norm(leaves(g[0]).flatMap(vals))) / w0, 5);
    expect(first.layers[2]!.params['bias']!.update!.mean).toBeCloseTo(-lr * vals(g[2].bias)[0]!, 5);
    expect(first.layers[1]!.activation!.size).toBe(9);
    expect(first.flags).toEqual([]);
  });
  it('records the training curves from onProgress', () => {
    const mon = trainingMonitor(model, loss);
    const result = run(mon, 3);
    expect(mon.curves().map((c) => c.step)).toEqual([1, 2, 3]);
    expect(mon.curves()[2]!.loss).toBeCloseTo(result.history[2]!.loss, 10);
  });
  it('flags exploding and vanishing gradients by layer', () => {
    const exploding = trainingMonitor(model, loss, { explodingAbove: 1e-9 });
    run(exploding, 1);
    expect(exploding.flags().map((f) => [f.kind, f.path])).toEqual([['exploding', '0'], ['exploding', '2']]);
    const vanishing = trainingMonitor(model, loss, { vanishingBelow: 1e9 });
    run(vanishing, 1);
    expect(vanishing.flags().map((f) => [f.kind, f.path])).toEqual([['vanishing', '0'], ['vanishing', '2']]);
  });
  it('diagnoses a NaN loss: the first layer and op where it appears', () => {
    // log of a negative pre-activation gives NaN in layer 1
    const bad = nn.serial(nn.dense(2, 2), nn.lambda((t) => log(t), 'log'), nn.dense(2, 1));
    const p = [{ kernel: tensor([[1, 0], [0, 1]]), bias: tensor([0, 0]) }, null, { kernel: tensor([[1], [1]]), bias: tensor([0]) }] as const;
    const badStep = trainStep<typeof p, optim.StateFnOf<typeof optimizer>>(bad, optimizer, loss);
    const mon = trainingMonitor(bad, loss);
    expect(() => mon.wrap(badStep)(p, optimizer.init(p), batch, key(2))).toThrow(ValueError);
    expect(() => mon.wrap(badStep)(p, optimizer.init(p), batch, key(2))).toThrow(/layer '1' \(log\): NaN in its output, first from op #0/);
    expect(mon.flags()[0]).toMatchObject({ kind: 'nonFinite', step: 1, path: '1', layer: 'log', where: 'activation' });
    expect(mon.records()[0]!.layers.find((l) => l.path === '1')!.activation!.nonFinite).toBeGreaterThan(0);
  });
});
