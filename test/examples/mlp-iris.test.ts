/** @file The Iris example: a stratified, standardized split; the MLP reaches its quick bound and resumes from its checkpoint exactly. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { key, toArray } from '../../src/index.js';
import { iris } from '../../examples/data/iris.js';
import { bounds, main } from '../../examples/mlp-iris.js';

const counts = (labels: ArrayLike<number>) => [0, 1, 2].map((c) => Array.from(labels).filter((l) => l === c).length);

describe('examples/data/iris', () => {
  const data = iris(key(0));
  it('splits each species 40 / 10, the same for the same key', () => {
    expect(counts(toArray(data.train.y))).toEqual([40, 40, 40]);
    expect(counts(toArray(data.test.y))).toEqual([10, 10, 10]);
    expect(data.species).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(toArray(iris(key(0)).test.x)).toEqual(toArray(data.test.x));
    expect(toArray(iris(key(1)).test.x)).not.toEqual(toArray(data.test.x));
  });
  it('standardizes with the training set: per-feature mean 0 and std 1 there', () => {
    const x = toArray(data.train.x), n = x.length / 4;
    for (let f = 0; f < 4; f++) {
      const col = Array.from({ length: n }, (_, i) => x[i * 4 + f]!);
      const mean = col.reduce((a, b) => a + b, 0) / n;
      expect(mean).toBeCloseTo(0, 5);
      expect(Math.sqrt(col.reduce((a, v) => a + (v - mean) ** 2, 0) / n)).toBeCloseTo(1, 4);
    }
  });
});

describe('examples/mlp-iris', () => {
  it('reaches its quick-mode bound on the held-out flowers', async () => {
    const { accuracy, history, testSize } = await main({ epochs: 10 });
    expect(testSize).toBe(30);
    expect(accuracy).toBeGreaterThanOrEqual(bounds.quick);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
  });
  it('continues from its checkpoint: 5 epochs, save, 5 more equals 10 straight', async () => {
    const dir = await mkdtemp(`${tmpdir()}/sg-iris-`);
    const straight = await main({ epochs: 10 });
    await main({ epochs: 10, until: 5, save: `${dir}/a.safetensors` });
    const resumed = await main({ epochs: 10, resume: `${dir}/a.safetensors` });
    expect(resumed.history.map((h) => h.epoch)).toEqual([6, 7, 8, 9, 10]);
    expect(resumed.history.at(-1)!.loss).toBe(straight.history.at(-1)!.loss);
    expect(resumed.accuracy).toBe(straight.accuracy);
  });
});
