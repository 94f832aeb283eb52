/** @file The examples run and reach what they claim (so they never rot). */
import { describe, expect, it } from 'vitest';
import { toArray } from '../../src/index.js';
import { train } from '../../examples/linear-regression.js';

describe('examples/linear-regression', () => {
  it('recovers y = 3x - 2 with valueAndGrad and plain gradient steps', () => {
    const { params, history } = train(200, 0.1);
    expect(history[0]).toBeGreaterThan(1);
    expect(history.at(-1)).toBeLessThan(1e-3);
    expect(toArray(params.w)[0]).toBeCloseTo(3, 2);
    expect(toArray(params.b)[0]).toBeCloseTo(-2, 2);
  });
});

describe('examples/mlp-classifier', () => {
  it('reaches its quick-mode bound on held-out spirals (serial + adamw + warmup-cosine + clipping)', async () => {
    const { main } = await import('../../examples/mlp-classifier.js');
    const { accuracy, history } = main({ epochs: 8 });
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
  });
});
