/** @file The fine-tuning example (quick mode): every way learns 5-9, freezing leaves the conv layers bit-identical, discriminative rates move them less. */
import { beforeAll, describe, expect, it } from 'vitest';
import { toArray } from '../../src/index.js';
import { bounds, main } from '../../examples/finetune.js';

describe('examples/finetune --quick', () => {
  let result: ReturnType<typeof main>;
  beforeAll(() => { result = main({ quick: true }); }, 60_000);
  const row = (method: string) => result.rows.find((r) => r.method === method)!;

  it('pretrains on 0-4 and learns 5-9 from 10 examples per class every way, within the quick bound', () => {
    expect(result.sourceAccuracy).toBeGreaterThanOrEqual(bounds.quick.kept);
    expect(result.rows.map((r) => r.method)).toEqual(['from scratch', 'fine-tune, one rate', 'fine-tune, discriminative', 'conv layers frozen']);
    for (const r of result.rows) expect(r.accuracy, r.method).toBeGreaterThanOrEqual(bounds.quick.accuracy);
  });
  it('freezing with multiTransform + setToZero leaves the conv kernels and biases exactly as pretrained, and 0-4 exactly as it was', () => {
    const { pretrained, tuned } = result;
    expect(toArray(tuned.frozen[1].kernel)).toEqual(toArray(pretrained[1].kernel));
    expect(toArray(tuned.frozen[1].bias)).toEqual(toArray(pretrained[1].bias));
    expect(toArray(tuned.frozen[4].kernel)).toEqual(toArray(pretrained[4].kernel));
    expect(toArray(tuned.frozen[4].bias)).toEqual(toArray(pretrained[4].bias));
    expect(toArray(tuned.frozen[8].kernel)).not.toEqual(toArray(pretrained[8].kernel));
    expect(row('conv layers frozen').conv1Change).toBe(0);
    expect(row('conv layers frozen').kept).toBe(result.sourceAccuracy);
  });
  it('discriminative rates move the first conv layer far less than one rate does, and keep 0-4', () => {
    const one = row('fine-tune, one rate').conv1Change!, disc = row('fine-tune, discriminative').conv1Change!;
    expect(disc).toBeGreaterThan(0);
    expect(disc).toBeLessThan(one / 4);
    expect(row('fine-tune, discriminative').kept).toBeGreaterThanOrEqual(bounds.quick.kept);
  });
});
