/** @file The fast reductions against the reference on random shapes, axes, layouts and dtypes: identical elements (same order, float64 accumulators). */
import { describe, expect, it } from 'vitest';
import type { ReduceOp } from '../../src/backend/backend.js';
import { fast } from '../../src/backend/fast.js';
import { reference } from '../../src/backend/reference.js';
import type { DType } from '../../src/dtype/index.js';
import { LAYOUTS, expectSame, randomView, rng, thrown } from './fast-views.js';

/** every subset of the axes of a rank-r shape, as sorted lists */
const subsets = (r: number): number[][] =>
  Array.from({ length: 2 ** r }, (_, m) => Array.from({ length: r }, (_, i) => i).filter((i) => (m >> i) & 1));

const SHAPES: readonly (readonly number[])[] = [[], [6], [3, 5], [2, 3, 4], [4, 1, 3, 2], [2, 2, 2, 2, 3], [0, 3], [3, 0]];
const OPS: readonly ReduceOp[] = ['sum', 'prod', 'max', 'min'];

describe('fast reduce', () => {
  const next = rng(4);
  const cases: readonly (readonly [ReduceOp, DType])[] = [
    ...OPS.map((op) => [op, 'float32'] as const), ...OPS.map((op) => [op, 'int32'] as const), ['sum', 'bool'], ['max', 'bool'],
  ];
  it.each(cases)('%s of %s over every subset of axes, in every layout', (op, dtype) => {
    for (const shape of SHAPES) {
      for (const axes of subsets(shape.length)) {
        const layout = LAYOUTS[Math.floor(next() * LAYOUTS.length)]!;
        const x = randomView(next, shape, dtype, layout);
        const what = `${op} ${layout} ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`;
        const want = thrown(() => reference.reduce(op, x, axes));
        if (want === 'no error') expectSame(fast.reduce(op, x, axes), reference.reduce(op, x, axes), what);
        else expect(thrown(() => fast.reduce(op, x, axes)), what).toBe(want);
      }
    }
  });
  it('accumulates a long row in float64 and pools 2x2 windows (a broadcast middle-axis view)', () => {
    const x = randomView(next, [5, 300], 'float32', 'contiguous');
    expectSame(fast.reduce('sum', x, [1]), reference.reduce('sum', x, [1]), 'row sums');
    const p = { ...randomView(next, [2, 4, 4, 3], 'float32', 'contiguous') };
    const windows = { ...p, shape: [2, 4, 4, 2, 2, 3], strides: [48, 12, 3, 0, 0, 1] };
    expectSame(fast.reduce('max', windows, [3, 4]), reference.reduce('max', windows, [3, 4]), 'pool');
  });
  it.each(['sum', 'max'] as const)('%s of many rows (folded four rows at a time) and of many columns (eight at a time), in every layout', (op) => {
    for (const shape of [[9, 130], [2, 7, 33], [4, 4, 4, 5], [13, 1], [6, 3, 2], [5, 23]]) {
      for (const layout of LAYOUTS) {
        const x = randomView(next, shape, 'float32', layout);
        for (const axes of [[shape.length - 1], [0], shape.slice(1).map((_, i) => i)]) {
          expectSame(fast.reduce(op, x, axes), reference.reduce(op, x, axes), `${op} ${layout} ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`);
        }
      }
    }
  });
  it('throws what the reference throws (unsorted axes)', () => {
    const x = randomView(next, [2, 3], 'float32', 'contiguous');
    const want = thrown(() => reference.reduce('sum', x, [1, 0]));
    expect(want).not.toBe('no error');
    expect(thrown(() => fast.reduce('sum', x, [1, 0]))).toBe(want);
  });
});
