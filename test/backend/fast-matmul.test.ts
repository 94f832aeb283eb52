/** @file The fast matmul against the reference on random shapes (off the tile sizes), strides and broadcast batches: within float32 rounding. */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { fast } from '../../src/backend/fast.js';
import { makeMatmul } from '../../src/backend/fast-matmul.js';
import { helperBooted, wasmKernels } from '../../src/backend/wasm-matmul.js';
import { reference } from '../../src/backend/reference.js';
import type { View } from '../../src/backend/view.js';
import { withFloat64 } from '../../src/dtype/index.js';
import { LAYOUTS, expectNear, expectSame, randomView, rng, thrown } from './fast-views.js';

/** [a shape, b shape, batch]: plain, off-tile sizes, vectors as matrices, batch 1, broadcast batches, empty */
const CASES: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
  [[4, 4], [4, 4], []],
  [[5, 7], [7, 3], []],
  [[1, 9], [9, 1], []],
  [[13, 1], [1, 6], []],
  [[17, 33], [33, 18], []],
  [[1, 3, 5], [1, 5, 2], [1]],
  [[3, 6, 5], [5, 7], [3]],
  [[2, 1, 4, 3], [3, 3, 2], [2, 3]],
  [[2, 5, 6], [1, 6, 5], [2]],
  [[0, 3], [3, 4], []],
  [[3, 0], [0, 4], []],
  [[2, 3], [3, 0], []],
  [[9, 70], [70, 24], []],
  [[3, 10], [10, 72], []],
  [[5, 300], [300, 9], []],
  [[2, 7, 520], [520, 16], [2]],
];

/** the reference product of |a| and |b|: the scale each output's rounding error is relative to */
const scaleOf = (a: View, b: View, batch: readonly number[]): number[] =>
  Array.from(reference.matmul(reference.unary('abs', a, 'float32'), reference.unary('abs', b, 'float32'), batch).data);

/** finite random contents (the specials would make every row NaN) */
const finite = (v: View): View => {
  v.data.forEach((x, i, d) => { d[i] = Number.isFinite(x) ? x : 0.5; });
  return v;
};

const KERNELS = [
  ['WebAssembly SIMD', makeMatmul({ wasm: true, threadsFrom: Infinity })],
  ['WebAssembly SIMD on two threads', makeMatmul({ wasm: true, threadsFrom: 0 })],
  ['JS fallback', makeMatmul({ wasm: false, threadsFrom: Infinity })],
] as const;

describe.each(KERNELS)('fast matmul on the %s kernel', (_, matmul) => {
  const next = rng(5);
  beforeAll(() => {
    expect(helperBooted(10_000)).toBe(true); // so that the two-thread kernel really splits its products
  });
  it.each(LAYOUTS)('matches the reference with a %s left operand and random right layouts', (la) => {
    for (const [sa, sb, batch] of CASES) {
      for (const lb of [LAYOUTS[Math.floor(next() * LAYOUTS.length)]!, 'transposed' as const]) {
        const a = finite(randomView(next, sa, 'float32', la)), b = finite(randomView(next, sb, 'float32', lb));
        // float32 sums (the wasm lanes) are off by at most about k roundings of the |a| |b| scale
        const rel = 1.2e-7 * (sa[sa.length - 1]! + 4);
        expectNear(matmul(a, b, batch), reference.matmul(a, b, batch), scaleOf(a, b, batch), `${la}/${lb} ${JSON.stringify([sa, sb])}`, rel);
      }
    }
  });
});

describe('fast matmul', () => {
  const next = rng(6);
  it('runs on WebAssembly SIMD here (Node 20 has it), and the JS kernel gives the reference its own order of float64 sums', () => {
    expect(wasmKernels()).toBeDefined();
    const a = finite(randomView(next, [7, 300], 'float32', 'transposed')), b = finite(randomView(next, [300, 5], 'float32', 'sliced'));
    expectSame(makeMatmul({ wasm: false, threadsFrom: Infinity })(a, b, []), reference.matmul(a, b, []), 'js');
  });
  it('propagates NaN and infinities as the reference does', () => {
    const a = randomView(next, [6, 5], 'float32', 'contiguous'), b = randomView(next, [5, 7], 'float32', 'transposed');
    a.data[3] = NaN;
    a.data[11] = Infinity;
    const got = Array.from(fast.matmul(a, b, []).data), want = Array.from(reference.matmul(a, b, []).data);
    expect(got.map(Number.isNaN)).toEqual(want.map(Number.isNaN));
    expect(got.map((x) => x === Infinity || x === -Infinity)).toEqual(want.map((x) => x === Infinity || x === -Infinity));
  });
  it('sums in float64 under withFloat64 (Float64Array storage), as the reference', () => {
    const a = finite(randomView(next, [9, 11], 'float32', 'float64')), b = finite(randomView(next, [11, 6], 'float32', 'float64'));
    withFloat64(() => expectSame(fast.matmul(a, b, []), reference.matmul(a, b, []), 'float64'));
  });
  it('leaves int32 and the errors to the reference', () => {
    const a = randomView(next, [3, 4], 'int32', 'contiguous'), b = randomView(next, [4, 2], 'int32', 'sliced');
    expectSame(fast.matmul(a, b, []), reference.matmul(a, b, []), 'int32');
    const c = randomView(next, [3, 5], 'float32', 'contiguous');
    expect(thrown(() => fast.matmul(c, c, []))).toBe(thrown(() => reference.matmul(c, c, [])));
  });
  it('runs the relaxed-SIMD fused kernel where the runtime has it (Node 20 behind a flag, so in a child process)', () => {
    const src = (f: string) => new URL(`../../src/backend/${f}`, import.meta.url).pathname;
    const code = `
      import { makeMatmul } from '${src('fast-matmul.ts')}';
      import { helperBooted, wasmKernels } from '${src('wasm-matmul.ts')}';
      import { reference } from '${src('reference.ts')}';
      import { fromStorage } from '${src('view.ts')}';
      const a = fromStorage('float32', Float32Array.from({ length: 37 * 300 }, (_, i) => Math.sin(i)), [37, 300]);
      const b = fromStorage('float32', Float32Array.from({ length: 300 * 20 }, (_, i) => Math.cos(i)), [300, 20]);
      const threads = helperBooted(10000);
      const got = makeMatmul({ wasm: true, threadsFrom: 0 })(a, b, []).data, want = reference.matmul(a, b, []).data;
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]) / 300);
      console.log(JSON.stringify({ fused: wasmKernels()?.fused, threads, err }));`;
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    const { fused, threads, err } = JSON.parse(out) as { fused: boolean; threads: boolean; err: number };
    expect({ fused, threads }).toEqual({ fused: true, threads: true });
    expect(err).toBeLessThan(1e-6); // |a|, |b| <= 1: the error per output stays within k float32 roundings
  });
});
