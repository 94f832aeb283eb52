/** @file The fast matmul's batch path (every entry placed at once, whole entries shared between two threads) against the reference on attention-like layouts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeMatmul } from '../../src/backend/fast-matmul.js';
import { helperBooted } from '../../src/backend/wasm-matmul.js';
import { reference } from '../../src/backend/reference.js';
import type { View } from '../../src/backend/view.js';
import { LAYOUTS, expectNear, randomView, rng } from './fast-views.js';

/** finite random storage of `length` floats */
const storage = (next: () => number, length: number): Float32Array => Float32Array.from({ length }, () => (next() - 0.5) * 8);

/**
 * [B, H, T, d] views of one [B, T, H, d] array (attention heads: q, v), of its transpose per entry
 * [B, H, d, T] (k read as kᵀ: unit row step), and [B, H, T, T] scores read transposed (pᵀ)
 */
const heads = (next: () => number, b: number, h: number, t: number, d: number): { q: View; kT: View; pT: View; p: View } => {
  const x = storage(next, b * t * h * d), s = storage(next, b * h * t * t);
  return {
    q: { dtype: 'float32', data: x, shape: [b, h, t, d], strides: [t * h * d, d, h * d, 1], offset: 0 },
    kT: { dtype: 'float32', data: x, shape: [b, h, d, t], strides: [t * h * d, d, 1, h * d], offset: 0 },
    p: { dtype: 'float32', data: s, shape: [b, h, t, t], strides: [h * t * t, t * t, t, 1], offset: 0 },
    pT: { dtype: 'float32', data: s, shape: [b, h, t, t], strides: [h * t * t, t * t, 1, t], offset: 0 },
  };
};

/** the reference product of |a| and |b|: the scale each output's rounding error is relative to */
const scaleOf = (a: View, b: View, batch: readonly number[]): number[] =>
  Array.from(reference.matmul(reference.unary('abs', a, 'float32'), reference.unary('abs', b, 'float32'), batch).data);

const check = (matmul: (a: View, b: View, batch: readonly number[]) => View, a: View, b: View, batch: readonly number[], what: string): void => {
  const rel = 1.2e-7 * (a.shape[a.shape.length - 1]! + 4);
  expectNear(matmul(a, b, batch), reference.matmul(a, b, batch), scaleOf(a, b, batch), what, rel);
};

/** [batch, heads, T, d]: off the tiles (MR = 4, NR = 8), on them, one entry, one row */
const SIZES = [[2, 3, 13, 5], [1, 2, 9, 8], [2, 2, 16, 8], [1, 1, 7, 3], [3, 1, 4, 17], [2, 2, 1, 6], [2, 3, 33, 12]] as const;

const KERNELS = [
  ['one thread', makeMatmul({ wasm: true, threadsFrom: Infinity, batchBelow: Infinity })],
  ['two threads', makeMatmul({ wasm: true, threadsFrom: 0, batchBelow: Infinity })],
] as const;

describe.each(KERNELS)('fast batched matmul, whole entries on %s', (_, matmul) => {
  const next = rng(11);
  beforeAll(() => {
    expect(helperBooted(10_000)).toBe(true); // so that the two-thread kernel really shares its entries
  });
  it.each(SIZES)('matches the reference on attention layouts, B %i H %i T %i d %i', (b, h, t, d) => {
    const { q, kT, p, pT } = heads(next, b, h, t, d);
    const batch = [b, h];
    check(matmul, q, kT, batch, 'q @ kᵀ');
    check(matmul, p, q, batch, 'p @ v');
    check(matmul, pT, q, batch, 'pᵀ @ dy');
    check(matmul, kT, p, batch, 'kᵀ @ p');
  });
  it('matches the reference on random layouts and broadcast batches', () => {
    const cases = [
      [[3, 6, 5], [5, 7], [3]], [[2, 1, 4, 3], [3, 3, 2], [2, 3]], [[2, 5, 6], [1, 6, 5], [2]], [[4, 9, 20], [4, 20, 16], [4]], [[1, 5, 8], [3, 8, 9], [3]],
    ] as const;
    for (const [sa, sb, batch] of cases) {
      for (const la of LAYOUTS) {
        for (const lb of LAYOUTS) {
          const a = randomView(next, sa, 'float32', la), b = randomView(next, sb, 'float32', lb);
          [a, b].forEach((v) => v.data.forEach((x, i, data) => { data[i] = Number.isFinite(x) ? x : 0.5; }));
          check(matmul, a, b, batch, `${la}/${lb} ${JSON.stringify([sa, sb])}`);
        }
      }
    }
  });
});
