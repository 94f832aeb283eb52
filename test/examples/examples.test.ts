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
    const { accuracy, history } = await main({ epochs: 8 });
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
  });
});

describe('examples/mlp-classifier --resume', () => {
  it('continues from its checkpoint: 4 epochs, save, 4 more equals 8 straight', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/sg-`);
    const { main } = await import('../../examples/mlp-classifier.js');
    const straight = await main({ epochs: 8 });
    await main({ epochs: 8, until: 4, save: `${dir}/a.safetensors` });
    const resumed = await main({ epochs: 8, resume: `${dir}/a.safetensors` });
    expect(resumed.accuracy).toBe(straight.accuracy);
    expect(resumed.history.at(-1)!.loss).toBe(straight.history.at(-1)!.loss);
  });
});

describe('examples/quickstart', () => {
  it('is the code README shows, and it trains', async () => {
    const { readFileSync } = await import('node:fs');
    const code = readFileSync(new URL('../../examples/quickstart.ts', import.meta.url), 'utf8').split('\n').slice(1).join('\n')
      .replace("from '../src/index.js'", "from 'shapegrad'").trimEnd();
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(code);
    const { finalLoss } = await import('../../examples/quickstart.js');
    expect(toArray(finalLoss)[0]).toBeLessThan(0.1);
  });
});

describe('examples/cnn-digits', () => {
  it('the CNN (conv, batchNorm, relu, maxPool twice, global pooling, dense) reaches its quick bound with batch-norm running statistics in eval mode', async () => {
    const { main } = await import('../../examples/cnn-digits.js');
    const { accuracy, history } = main({ epochs: 3, trainSize: 1000 });
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
  });
});
