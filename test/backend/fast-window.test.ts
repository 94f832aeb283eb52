/** @file The fast patches and foldPatches against the reference on random geometries, layouts and dtypes: identical elements. */
import { describe, expect, it } from 'vitest';
import { fast } from '../../src/backend/fast.js';
import { reference } from '../../src/backend/reference.js';
import { windowCounts, type Window } from '../../src/backend/reference-window.js';
import type { DType } from '../../src/dtype/index.js';
import { LAYOUTS, expectSame, randomView, rng } from './fast-views.js';

/** [x shape [B, ...spatial, C], window]: conv 3x3 same, strided, dilated, pooling, 1-D and 3-D, C = 1, empty */
const CASES: readonly (readonly [readonly number[], Window])[] = [
  [[2, 5, 5, 3], { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] }],
  [[1, 6, 7, 1], { kernel: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [[0, 1], [2, 0]] }],
  [[3, 4, 4, 2], { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], pads: [[0, 0], [0, 0]] }],
  [[2, 9, 4], { kernel: [3], strides: [2], dilations: [2], pads: [[2, 0]] }],
  [[1, 3, 4, 3, 2], { kernel: [2, 2, 2], strides: [1, 2, 1], dilations: [1, 1, 1], pads: [[0, 1], [1, 0], [0, 0]] }],
  [[2, 2, 2, 1], { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[0, 0], [0, 0]] }],
  [[0, 4, 4, 2], { kernel: [2, 2], strides: [1, 1], dilations: [1, 1], pads: [[0, 0], [0, 0]] }],
];

describe('fast patches and foldPatches', () => {
  const next = rng(7);
  it.each(['float32', 'int32', 'bool'] as const)('patches of %s in every layout and geometry', (dtype: DType) => {
    for (const [shape, w] of CASES) {
      for (const layout of LAYOUTS) {
        const x = randomView(next, shape, dtype, layout);
        for (const value of [0, -Infinity]) {
          expectSame(fast.patches(x, w, value), reference.patches(x, w, value), `${layout} ${JSON.stringify(shape)} ${value}`);
        }
      }
    }
  });
  it.each(['float32', 'int32'] as const)('foldPatches of %s in every layout and geometry (overlaps add up in float64)', (dtype: DType) => {
    for (const [shape, w] of CASES) {
      const spatial = shape.slice(1, -1), outs = windowCounts(spatial, w);
      const pshape = [shape[0]!, ...outs, ...w.kernel, shape[shape.length - 1]!];
      for (const layout of LAYOUTS) {
        const p = randomView(next, pshape, dtype, layout);
        expectSame(fast.foldPatches(p, spatial, w), reference.foldPatches(p, spatial, w), `${layout} ${JSON.stringify(pshape)}`);
      }
    }
  });
  it('reuses the position table of a geometry for other batches and channel counts', () => {
    const [shape, w] = CASES[0]!;
    for (const c of [1, 3, 8]) {
      const x = randomView(next, [shape[0]! + c, ...shape.slice(1, -1), c], 'float32', 'sliced');
      expectSame(fast.patches(x, w, 0), reference.patches(x, w, 0), `C=${c}`);
    }
  });
  it('a product right after patches reads them where the wasm copier left them, and one in between does not see stale data', () => {
    const w: Window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] };
    const x = randomView(next, [2, 6, 5, 4], 'float32', 'contiguous'), k = randomView(next, [36, 3], 'float32', 'contiguous');
    const finite = (v: ReturnType<typeof randomView>) => { v.data.forEach((e, i, d) => { d[i] = Number.isFinite(e) ? e : 0.25; }); return v; };
    finite(x);
    finite(k);
    const rows = (p: ReturnType<typeof fast.patches>) => ({ ...p, shape: [p.shape.reduce((a, b) => a * b, 1) / 36, 36], strides: [36, 1] });
    const p = fast.patches(x, w, 0);
    const want = reference.matmul(rows(reference.patches(x, w, 0)), k, []);
    const near = (got: ReturnType<typeof fast.matmul>) => Array.from(got.data).every((v, i) => Math.abs(v - want.data[i]!) <= 1e-4 * (1 + Math.abs(want.data[i]!)));
    expect(near(fast.matmul(rows(p), k, []))).toBe(true);
    // another patches, then a product of the first ones: the memory now holds the second, so the first must be copied in again
    const x2 = finite(randomView(next, [2, 6, 5, 4], 'float32', 'contiguous'));
    fast.patches(x2, w, 0);
    expect(near(fast.matmul(rows(p), k, []))).toBe(true);
  });
});
