/** @file Activation maximization: the exact ascent on a linear neuron, rising objectives on a CNN channel, determinism from the key. */
import { describe, expect, it } from 'vitest';
import { key, nn, tensor, toArray, ValueError } from '../../src/index.js';
import { maximizeActivation } from '../../src/analysis/index.js';

describe('maximizeActivation', () => {
  it('climbs a linear neuron by exactly lr·√n·‖w‖ per step without penalties', () => {
    // objective x·w + b has gradient w; the normalized step lr·w/rms(w) raises it by lr·‖w‖²/(‖w‖/√n)
    const model = nn.serial(nn.input([1, 4]), nn.dense(4, 2));
    const w = [1, -2, 0.5, 2];
    const params = [null, { kernel: tensor([[0, 1], [0, -2], [0, 0.5], [0, 2]]), bias: tensor([0, 0.25]) }] as const;
    const r = maximizeActivation(model, params as never, { path: '1', channel: 1, shape: [1, 4], key: key(0), steps: 5, learningRate: 0.1, l2: 0, tv: 0 });
    const rise = 0.1 * Math.sqrt(4) * Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    expect(r.history).toHaveLength(6);
    r.history.slice(1).forEach((h, i) => expect(h - r.history[i]!).toBeCloseTo(rise, 4));
    expect(r.image.shape).toEqual([1, 4]);
  });

  const cnn = nn.serial(
    nn.input([1, 8, 8, 1]), nn.conv2d(1, 4, 3, { padding: 'same' }), nn.relu(), nn.conv2d(4, 3, 3, { padding: 'same' }), nn.relu(),
  );
  const params = cnn.init(key(1));
  const options = { path: '4', channel: 2, shape: [1, 8, 8, 1] as const, steps: 20, learningRate: 0.1 };
  it('raises a conv channel with jitter, L2 and total variation', () => {
    const r = maximizeActivation(cnn, params, { ...options, key: key(2) });
    expect(r.image.shape).toEqual([1, 8, 8, 1]);
    expect(r.history).toHaveLength(21);
    expect(r.history.at(-1)!).toBeGreaterThan(r.history[0]! + 0.5);
  });
  it('is deterministic: the same key gives the same image, another key another', () => {
    const a = maximizeActivation(cnn, params, { ...options, key: key(3) });
    const b = maximizeActivation(cnn, params, { ...options, key: key(3) });
    const c = maximizeActivation(cnn, params, { ...options, key: key(4) });
    expect(Array.from(toArray(a.image))).toEqual(Array.from(toArray(b.image)));
    expect(a.history).toEqual(b.history);
    expect(Array.from(toArray(a.image))).not.toEqual(Array.from(toArray(c.image)));
  });
  it('smooths and shrinks the image where the activation gives no gradient (TV and L2 penalties alone)', () => {
    // a zero kernel: the channel is constant, so the ascent only lowers tv·TV(x) + l2·mean(x²)
    const flat = nn.serial(nn.input([1, 6, 6, 1]), nn.conv2d(1, 1, 1));
    const p = [null, { kernel: tensor([[[[0]]]]), bias: tensor([0]) }] as const;
    const tv = (t: number[]): number => {
      let s = 0;
      for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) s += (t[i * 6 + j + 1]! - t[i * 6 + j]!) ** 2 + (t[(j + 1) * 6 + i]! - t[j * 6 + i]!) ** 2;
      return s;
    };
    const sq = (t: number[]): number => t.reduce((s, v) => s + v * v, 0);
    const run = (steps: number, penalties: { tv: number; l2: number }) =>
      Array.from(toArray(maximizeActivation(flat, p as never, { path: '1', channel: 0, shape: [1, 6, 6, 1], key: key(6), steps, jitter: 0, learningRate: 0.02, ...penalties }).image));
    const start = run(0, { tv: 1, l2: 0 });
    expect(tv(run(10, { tv: 1, l2: 0 }))).toBeLessThan(0.5 * tv(start));
    expect(sq(run(10, { tv: 0, l2: 1 }))).toBeLessThan(0.9 * sq(start));
  });
  it('checks the path and the channel', () => {
    expect(() => maximizeActivation(cnn, params, { ...options, path: '9', key: key(5) })).toThrow(/no layer at path '9'/);
    expect(() => maximizeActivation(cnn, params, { ...options, channel: 3, key: key(5) })).toThrow(ValueError);
  });
});
