/** @file The fast conv and convFilter (direct wasm kernels, one and two threads, and their fallbacks) against the reference's patches + matmul on random geometries and layouts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { fast } from '../../src/backend/fast.js';
import { makeConv, makeConvFilter } from '../../src/backend/fast-conv.js';
import { reference } from '../../src/backend/reference.js';
import { windowCounts, type Window } from '../../src/backend/reference-window.js';
import type { View } from '../../src/backend/view.js';
import { convWasm } from '../../src/backend/wasm-conv.js';
import { convFilterWasm } from '../../src/backend/wasm-conv-filter-run.js';
import { helperBooted, wasmKernels } from '../../src/backend/wasm-matmul.js';
import { resolvePads, type Padding } from '../../src/shape/index.js';
import { expectNear, expectSame, randomView, rng, thrown, type Layout } from './fast-views.js';

/** one convolution: x [B, ...spatial, C], the kernel matrix w [K·C, Cout], the window */
interface Case { readonly x: readonly number[]; readonly cout: number; readonly window: Window; readonly label: string }

const pick = <V>(next: () => number, xs: readonly V[]): V => xs[Math.floor(next() * xs.length)]!;
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/**
 * A random 1-D or 2-D geometry: batch 1..3, odd and even sizes, channel counts and Cout off the
 * tile sizes (MR 4, NR 8), kernels 1..4, strides 1..3, dilations 1..2, 'same' / 'valid' /
 * explicit (sometimes wider than the kernel) / causal pads; redrawn until it has an output.
 */
const randomCase = (next: () => number): Case => {
  for (;;) {
    const rank = next() < 0.35 ? 1 : 2;
    const spatial = Array.from({ length: rank }, () => 1 + Math.floor(next() * 11));
    const kernel = spatial.map(() => 1 + Math.floor(next() * 4));
    const strides = spatial.map(() => 1 + Math.floor(next() * 3)), dilations = spatial.map(() => 1 + Math.floor(next() * 2));
    const mode = pick(next, rank === 1 ? ['same', 'valid', 'explicit', 'causal'] as const : ['same', 'valid', 'explicit'] as const);
    const padding: Padding = mode === 'explicit' ? spatial.map(() => [Math.floor(next() * 4), Math.floor(next() * 4)] as const) : mode;
    const pads = resolvePads('conv', spatial, kernel, strides, dilations, padding);
    const window: Window = { kernel, strides, dilations, pads };
    const ok = spatial.every((n, i) => n + pads[i]![0] + pads[i]![1] >= dilations[i]! * (kernel[i]! - 1) + 1);
    if (!ok) continue;
    const x = [1 + Math.floor(next() * 3), ...spatial, pick(next, [1, 2, 3, 5, 8, 16, 17])];
    return { x, cout: pick(next, [1, 3, 8, 9, 13, 16, 24, 33]), window, label: `${JSON.stringify(x)} ${mode} ${JSON.stringify(window)}` };
  }
};
/** the W4 geometry, batches shared by rows (< 4 images) and by whole images, a wide 1-D one */
const FIXED: readonly Case[] = [
  { x: [5, 9, 7, 6], cout: 11, window: { kernel: [3, 2], strides: [1, 2], dilations: [1, 1], pads: [[2, 1], [0, 1]] }, label: '5 images' },
  { x: [9, 14, 13, 16], cout: 24, window: { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] }, label: '9 images' },
  { x: [2, 28, 28, 16], cout: 32, window: { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] }, label: 'W4 per image' },
  { x: [3, 20, 21, 16], cout: 40, window: { kernel: [3, 3], strides: [2, 1], dilations: [1, 2], pads: [[1, 1], [2, 2]] }, label: 'chunked' },
  { x: [2, 300, 12], cout: 20, window: { kernel: [5], strides: [1], dilations: [2], pads: [[8, 0]] }, label: '1-D causal' },
];

/** finite random contents (the specials would make whole outputs NaN) */
const finite = (v: View): View => {
  v.data.forEach((x, i, d) => { d[i] = Number.isFinite(x) ? x : 0.5; });
  return v;
};
const operands = (next: () => number, c: Case, lx: Layout, lw: Layout): [View, View] => {
  const kc = prod(c.window.kernel) * c.x[c.x.length - 1]!;
  return [finite(randomView(next, c.x, 'float32', lx)), finite(randomView(next, [kc, c.cout], 'float32', lw))];
};
/** the reference conv of |x| and |w|: the scale each output's rounding error is relative to */
const scaleOf = (x: View, w: View, win: Window): number[] =>
  Array.from(reference.conv(reference.unary('abs', x, 'float32'), reference.unary('abs', w, 'float32'), win).data);
/** float32 sums over k·c products are off by at most about that many roundings of the |x| |w| scale */
const tolerance = (c: Case): number => 1.2e-7 * (prod(c.window.kernel) * c.x[c.x.length - 1]! + 4);

const KERNELS = [
  ['direct WebAssembly SIMD', makeConv({ wasm: true, threadsFrom: Infinity })],
  ['direct WebAssembly SIMD on two threads', makeConv({ wasm: true, threadsFrom: 0 })],
  ['patches + JS matmul fallback', makeConv({ wasm: false, threadsFrom: Infinity })],
] as const;
const X_LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'sliced', 'broadcast'];

describe.each(KERNELS)('fast conv on the %s kernel', (_, conv) => {
  const next = rng(11);
  const cases = [...FIXED, ...Array.from({ length: 60 }, () => randomCase(next))];
  beforeAll(() => {
    expect(helperBooted(10_000)).toBe(true); // so that the two-thread kernel really shares its rows
  });
  it.each(X_LAYOUTS)('matches the reference with a %s input and random kernel layouts', (lx) => {
    for (const c of cases) {
      const [x, w] = operands(next, c, lx, pick(next, ['contiguous', 'transposed', 'sliced'] as const));
      expectNear(conv(x, w, c.window), reference.conv(x, w, c.window), scaleOf(x, w, c.window), `${lx} ${c.label}`, tolerance(c));
    }
  });
});

const FILTERS = [
  ['direct WebAssembly SIMD', makeConvFilter({ wasm: true, threadsFrom: Infinity })],
  ['direct WebAssembly SIMD on two threads', makeConvFilter({ wasm: true, threadsFrom: 0 })],
  ['patches + JS matmul fallback', makeConvFilter({ wasm: false, threadsFrom: Infinity })],
] as const;
/** x and a cotangent dy of the conv's output shape */
const filterOperands = (next: () => number, c: Case, lx: Layout, ld: Layout): [View, View] => {
  const outs = windowCounts(c.x.slice(1, -1), c.window);
  return [finite(randomView(next, c.x, 'float32', lx)), finite(randomView(next, [c.x[0]!, ...outs, c.cout], 'float32', ld))];
};
const filterScale = (x: View, dy: View, win: Window): number[] =>
  Array.from(reference.convFilter(reference.unary('abs', x, 'float32'), reference.unary('abs', dy, 'float32'), win).data);
/** float32 sums over the output pixels: off by at most about that many roundings of the |x| |dy| scale */
const filterTolerance = (c: Case): number => 1.2e-7 * (c.x[0]! * prod(windowCounts(c.x.slice(1, -1), c.window)) + 4);

describe.each(FILTERS)('fast convFilter on the %s kernel', (_, convFilter) => {
  const next = rng(13);
  const cases = [...FIXED, ...Array.from({ length: 60 }, () => randomCase(next))];
  beforeAll(() => {
    expect(helperBooted(10_000)).toBe(true);
  });
  it.each(X_LAYOUTS)('matches the reference with a %s input and random cotangent layouts', (lx) => {
    for (const c of cases) {
      const [x, dy] = filterOperands(next, c, lx, pick(next, ['contiguous', 'transposed', 'sliced'] as const));
      expectNear(convFilter(x, dy, c.window), reference.convFilter(x, dy, c.window), filterScale(x, dy, c.window), `${lx} ${c.label}`, filterTolerance(c));
    }
  });
});

describe('fast conv', () => {
  const next = rng(12);
  it('runs the direct kernels (no fallback) on every 1-D and 2-D geometry, one thread or two', () => {
    const kern = wasmKernels();
    expect(kern).toBeDefined();
    for (const c of [...FIXED, ...Array.from({ length: 30 }, () => randomCase(next))]) {
      const [x, w] = operands(next, c, 'sliced', 'transposed');
      const [, dy] = filterOperands(next, c, 'contiguous', 'sliced');
      for (const threadsFrom of [Infinity, 0]) {
        expect(convWasm(kern!, x, w, c.window, threadsFrom), c.label).toBeDefined();
        expect(convFilterWasm(kern!, x, dy, c.window, threadsFrom), c.label).toBeDefined();
      }
    }
  });
  it('propagates NaN and infinities as the reference does', () => {
    const c = FIXED.find((f) => f.label === 'W4 per image')!;
    const x = randomView(next, c.x, 'float32', 'contiguous'), w = finite(randomView(next, [144, c.cout], 'float32', 'contiguous'));
    const got = Array.from(fast.conv(x, w, c.window).data), want = Array.from(reference.conv(x, w, c.window).data);
    expect(got.map(Number.isNaN)).toEqual(want.map(Number.isNaN));
    expect(got.map((v) => v === Infinity || v === -Infinity)).toEqual(want.map((v) => v === Infinity || v === -Infinity));
  });
  it('gives the reference its own numbers where it falls back: float64 storage, int32, 3-D windows, empty outputs', () => {
    const win2: Window = { kernel: [2, 3], strides: [1, 2], dilations: [1, 1], pads: [[1, 0], [1, 1]] };
    const x64 = finite(randomView(next, [2, 5, 6, 3], 'float32', 'float64')), w64 = finite(randomView(next, [18, 5], 'float32', 'float64'));
    expectSame(fast.conv(x64, w64, win2), reference.conv(x64, w64, win2), 'float64 storage');
    const xi = randomView(next, [2, 5, 6, 3], 'int32', 'sliced'), wi = randomView(next, [18, 5], 'int32', 'contiguous');
    expectSame(fast.conv(xi, wi, win2), reference.conv(xi, wi, win2), 'int32');
    const win3: Window = { kernel: [2, 1, 2], strides: [1, 2, 1], dilations: [1, 1, 1], pads: [[0, 1], [0, 0], [1, 0]] };
    const x3 = finite(randomView(next, [1, 3, 4, 3, 2], 'float32', 'transposed')), w3 = finite(randomView(next, [8, 3], 'float32', 'contiguous'));
    expectNear(fast.conv(x3, w3, win3), reference.conv(x3, w3, win3), scaleOf(x3, w3, win3), '3-D', 1e-6);
    const x0 = randomView(next, [0, 5, 6, 3], 'float32', 'contiguous');
    expectSame(fast.conv(x0, w64, win2), reference.conv(x0, w64, win2), 'empty batch');
    const xc = randomView(next, [2, 5, 6, 0], 'float32', 'contiguous'), wc = randomView(next, [0, 4], 'float32', 'contiguous');
    expectSame(fast.conv(xc, wc, win2), reference.conv(xc, wc, win2), 'no channels');
    const dy64 = finite(randomView(next, [2, 5, 3, 5], 'float32', 'float64')), dyi = randomView(next, [2, 5, 3, 5], 'int32', 'transposed');
    expectSame(fast.convFilter(x64, dy64, win2), reference.convFilter(x64, dy64, win2), 'convFilter, float64 storage');
    expectSame(fast.convFilter(xi, dyi, win2), reference.convFilter(xi, dyi, win2), 'convFilter, int32');
    const dy3 = finite(randomView(next, [1, 3, 2, 3, 4], 'float32', 'sliced'));
    expectNear(fast.convFilter(x3, dy3, win3), reference.convFilter(x3, dy3, win3), filterScale(x3, dy3, win3), 'convFilter, 3-D', 1e-6);
    const dy0 = randomView(next, [0, 5, 3, 5], 'float32', 'contiguous');
    expectSame(fast.convFilter(x0, dy0, win2), reference.convFilter(x0, dy0, win2), 'convFilter, empty batch');
  });
  it('throws what the reference throws (conv and convFilter)', () => {
    const win: Window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [[1, 1], [1, 1]] };
    const x = randomView(next, [1, 4, 4, 2], 'float32', 'contiguous'), w = randomView(next, [17, 3], 'float32', 'contiguous');
    expect(thrown(() => fast.conv(x, w, win))).not.toBe('no error');
    expect(thrown(() => fast.conv(x, w, win))).toBe(thrown(() => reference.conv(x, w, win)));
    const dy = randomView(next, [1, 4, 3, 3], 'float32', 'contiguous');
    expect(thrown(() => fast.convFilter(x, dy, win))).not.toBe('no error');
    expect(thrown(() => fast.convFilter(x, dy, win))).toBe(thrown(() => reference.convFilter(x, dy, win)));
  });
});
