/** @file Runtime tests of the convolution and pooling layers: init, hand-computed outputs and gradients, checkGrad, a small CNN, errors. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  checkGrad, conv2d, fromArray, grad, key, leavesWithPath, mean, mul, nn, ShapeMismatchError, sum, tanh, toArray, ValueError, vjp, zeros,
  type AnyTensor, type Tensor,
} from '../../src/index.js';

type T = AnyTensor;
const vals = (t: T): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** a float32 tensor of `shape` from flat row-major data */
const nd = <const S extends readonly number[]>(shape: S, data: readonly number[]): Tensor<[...S]> => {
  const r = fromArray(data, shape);
  if (E.isLeft(r)) throw r.left;
  return r.right;
};
const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));
/** element-wise |actual - expected| <= atol + rtol |expected|, with the first bad index in the message */
const expectClose = (actual: T | readonly number[], expected: readonly number[], atol = 1e-5, rtol = 1e-6): void => {
  const a = Array.isArray(actual) ? actual as readonly number[] : vals(actual as T);
  expect(a.length).toBe(expected.length);
  const bad = a.findIndex((v, i) => !(Math.abs(v - expected[i]!) <= atol + rtol * Math.abs(expected[i]!)));
  expect(bad, bad < 0 ? '' : `index ${bad}: ${a[bad]} vs ${expected[bad]}`).toBe(-1);
};
const stats = (xs: readonly number[]): { mean: number; std: number } => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { mean: m, std: Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length) };
};
/** the error f throws (undefined when it does not) */
const thrown = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } return undefined; };
const evalCtx: nn.Context = { mode: 'eval' };
/** a layer's untyped run on any input (for the run-time checks the compiler would reject) */
const run = (layer: nn.AnyLayer, params: unknown, x: T): T => layer.run(params, null, x, evalCtx)[0];

// ---- init ---------------------------------------------------------------------------------------------

describe('conv layer init', () => {
  // kernel HWIO [...k, in / groups, out]; depthwise [kh, kw, C, M]; transposed [kh, kw, in, out / groups]; bias [out]
  const cases: readonly [string, nn.AnyLayer, readonly number[], readonly number[]][] = [
    ['conv2d(3, 8, 3)', nn.conv2d(3, 8, 3), [3, 3, 3, 8], [8]],
    ['conv2d(4, 6, [3, 5], groups 2)', nn.conv2d(4, 6, [3, 5], { groups: 2 }), [3, 5, 2, 6], [6]],
    ['conv1d(2, 5, 4)', nn.conv1d(2, 5, 4), [4, 2, 5], [5]],
    ['conv1d(6, 4, 3, groups 2)', nn.conv1d(6, 4, 3, { groups: 2 }), [3, 3, 4], [4]],
    ['depthwiseConv2d(4, 2, 3)', nn.depthwiseConv2d(4, 2, 3), [3, 3, 4, 2], [8]],
    ['depthwiseConv2d(3, 1, [1, 2])', nn.depthwiseConv2d(3, 1, [1, 2]), [1, 2, 3, 1], [3]],
    ['conv2dTranspose(2, 3, [2, 4])', nn.conv2dTranspose(2, 3, [2, 4]), [2, 4, 2, 3], [3]],
    ['conv2dTranspose(4, 6, 3, groups 2)', nn.conv2dTranspose(4, 6, 3, { groups: 2 }), [3, 3, 4, 3], [6]],
  ];
  it.each(cases)('%s: kernel and zero bias shapes', (_, layer, kernelShape, biasShape) => {
    const p = layer.init(key(0)) as { kernel: T; bias: T };
    expect(Object.keys(p).sort()).toEqual(['bias', 'kernel']);
    expect(p.kernel.shape).toEqual(kernelShape);
    expect(p.bias.shape).toEqual(biasShape);
    expect(vals(p.bias)).toEqual(new Array(biasShape[0]).fill(0));
  });

  // Glorot uniform a = sqrt(6 / (fanIn + fanOut)) with fanIn = receptive · kernel[-2], fanOut = receptive · kernel[-1]
  const glorot: readonly [string, nn.AnyLayer, number, number][] = [
    ['conv2d(16, 32, 3)', nn.conv2d(16, 32, 3), 9 * 16, 9 * 32],
    ['conv2d(16, 32, 3, groups 4)', nn.conv2d(16, 32, 3, { groups: 4 }), 9 * 4, 9 * 32],
    ['conv1d(8, 16, 5)', nn.conv1d(8, 16, 5), 5 * 8, 5 * 16],
    ['depthwiseConv2d(16, 4, 5)', nn.depthwiseConv2d(16, 4, 5), 25 * 16, 25 * 4],
    ['conv2dTranspose(16, 32, 3)', nn.conv2dTranspose(16, 32, 3), 9 * 16, 9 * 32],
  ];
  it.each(glorot)('%s: default kernel is Glorot uniform with fans (%i, %i)', (_, layer, fanIn, fanOut) => {
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    const w = vals((layer.init(key(3)) as { kernel: T }).kernel);
    const absMax = Math.max(...w.map(Math.abs));
    expect(absMax).toBeLessThanOrEqual(bound);
    // >= 640 uniform draws: P(all inside 0.98 bound) = 0.98^640 < 3e-6
    expect(absMax).toBeGreaterThan(0.98 * bound);
    const { mean: m, std } = stats(w);
    expect(Math.abs(m)).toBeLessThan(4 * bound / Math.sqrt(3 * w.length));
    // the std of U(-a, a) is a / sqrt(3); with >= 640 draws the sample std is within 8% (> 4 standard errors)
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.08);
  });

  it('inits deterministically per key', () => {
    const layers: readonly nn.AnyLayer[] = [nn.conv2d(2, 3, 3), nn.conv1d(2, 3, 3), nn.depthwiseConv2d(2, 2, 3), nn.conv2dTranspose(2, 3, 3)];
    for (const layer of layers) {
      const k = (seed: number) => vals((layer.init(key(seed)) as { kernel: T }).kernel);
      expect(k(7)).toEqual(k(7));
      expect(k(8)).not.toEqual(k(7));
    }
  });

  it('useBias: false gives { kernel } only; kernelInit and biasInit are used', () => {
    const layers: readonly nn.AnyLayer[] = [
      nn.conv2d(2, 3, 3, { useBias: false }), nn.conv1d(2, 3, 3, { useBias: false }),
      nn.depthwiseConv2d(2, 2, 3, { useBias: false }), nn.conv2dTranspose(2, 3, 3, { useBias: false }),
    ];
    for (const layer of layers) expect(Object.keys(layer.init(key(0)) as object)).toEqual(['kernel']);
    const p = nn.conv2d(2, 3, 1, { kernelInit: nn.init.ones, biasInit: nn.init.constant(0.5) }).init(key(0));
    expect(vals(p.kernel)).toEqual(new Array(6).fill(1));
    expect(vals(p.bias)).toEqual([0.5, 0.5, 0.5]);
  });
});

// ---- hand-computed outputs ---------------------------------------------------------------------------

describe('conv layers by hand', () => {
  // one row per case: the layer applied to tiny inputs with params set by hand; expected values worked out in the comments
  const cases: readonly { readonly name: string; readonly y: () => T; readonly shape: readonly number[]; readonly values: readonly number[] }[] = [
    {
      // x = [1, 2, 3, 4, 5], k = [1, 10, 100], pads [1, 2]: padded [0, 1, 2, 3, 4, 5, 0, 0], windows start 0, 2, 4
      // [0, 1, 2] -> 210, [2, 3, 4] -> 432, [4, 5, 0] -> 54; + bias 0.5
      name: 'conv1d: stride 2, asymmetric pads [1, 2], bias',
      y: () => nn.conv1d(1, 1, 3, { strides: 2, padding: [[1, 2]] }).apply(
        { kernel: nd([3, 1, 1], [1, 10, 100]), bias: nd([1], [0.5]) }, nd([1, 5, 1], [1, 2, 3, 4, 5])),
      shape: [1, 3, 1], values: [210.5, 432.5, 54.5],
    },
    {
      // dilation 2, k 2 (span 3), valid: 3 outputs; K[0] = [[1, 1], [0, 1]], K[1] = [[2, 0], [0, -1]] (K[j][c][o])
      // y0[t] = x0[t] + 2 x0[t + 2]; y1[t] = x0[t] + x1[t] - x1[t + 2]
      // x0 = [1, 2, 3, 4, 5], x1 = [1, 0, 2, 5, -1]: y0 = [7, 10, 13], y1 = [1 + 1 - 2, 2 + 0 - 5, 3 + 2 + 1] = [0, -3, 6]
      name: 'conv1d: dilation 2, two channels in and out (channel mixing)',
      y: () => nn.conv1d(2, 2, 2, { dilations: 2 }).apply(
        { kernel: nd([2, 2, 2], [1, 1, 0, 1, 2, 0, 0, -1]), bias: nd([2], [0, 0]) }, nd([1, 5, 2], [1, 1, 2, 0, 3, 2, 4, 5, 5, -1])),
      shape: [1, 3, 2], values: [7, 0, 10, -3, 13, 6],
    },
    {
      // 'causal' with k 2: y[t] = 10 x[t - 1] + x[t] (x[-1] = 0): x = [1, 2, 3] -> [1, 12, 23]
      name: "conv1d: 'causal'",
      y: () => nn.conv1d(1, 1, 2, { padding: 'causal', useBias: false }).apply(
        { kernel: nd([2, 1, 1], [10, 1]) } as never, nd([1, 3, 1], [1, 2, 3])),
      shape: [1, 3, 1], values: [1, 12, 23],
    },
    {
      // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], k = [[1, 2], [3, 4]], pads top 1, right 1, stride 2:
      // padded [[0, 0, 0, 0], [1, 2, 3, 0], [4, 5, 6, 0], [7, 8, 9, 0]]
      // [0 0; 1 2] -> 3 + 8 = 11, [0 0; 3 0] -> 9, [4 5; 7 8] -> 4 + 10 + 21 + 32 = 67, [6 0; 9 0] -> 6 + 27 = 33; bias -1
      name: 'conv2d: stride 2, asymmetric pads [[1, 0], [0, 1]], bias',
      y: () => nn.conv2d(1, 1, 2, { strides: 2, padding: [[1, 0], [0, 1]] }).apply(
        { kernel: nd([2, 2, 1, 1], [1, 2, 3, 4]), bias: nd([1], [-1]) }, nd([1, 3, 3, 1], range(9, (i) => i + 1))),
      shape: [1, 2, 2, 1], values: [10, 8, 66, 32],
    },
    {
      // x[i, j] = 4i + j on 4x4, k 2 dilation 2 (span 3): 2x2 outputs
      // out 0, k [[1, 0], [0, 1]]: x[i, j] + x[i + 2, j + 2] = 8i + 2j + 10 -> [10, 12, 18, 20]
      // out 1, k [[0, 1], [-1, 0]]: x[i, j + 2] - x[i + 2, j] = -6
      name: 'conv2d: dilation 2, two output channels',
      y: () => nn.conv2d(1, 2, 2, { dilations: 2, useBias: false }).apply(
        { kernel: nd([2, 2, 1, 2], [1, 0, 0, 1, 0, -1, 1, 0]) } as never, nd([1, 4, 4, 1], range(16))),
      shape: [1, 2, 2, 2], values: [10, -6, 12, -6, 18, -6, 20, -6],
    },
    {
      // stride [1, 2], 'same' on 3x4 with k [1, 3]: H 3 (no pad), W ceil(4 / 2) = 2, total (2 - 1) 2 + 3 - 4 = 1 -> pads [0, 1]
      // rows r = [1, 2, 3, 4] + 4·row; k = [1, 0, -1]: windows [x0, x1, x2] -> x0 - x2 = -2, [x2, x3, 0] -> x2
      name: "conv2d: strides [1, 2], 'same' (the extra pad at the end)",
      y: () => nn.conv2d(1, 1, [1, 3], { strides: [1, 2], padding: 'same', useBias: false }).apply(
        { kernel: nd([1, 3, 1, 1], [1, 0, -1]) } as never, nd([1, 3, 4, 1], range(12, (i) => i + 1))),
      shape: [1, 3, 2, 1], values: [-2, 3, -2, 7, -2, 11],
    },
    {
      // groups 2, 1x1: in [1, 2 | 3, 4], kernel [ci in group][out] = [[1, 10, 100, 1000], [2, 20, 200, 2000]]
      // outs 0, 1 read in 0, 1: 1 + 4 = 5, 10 + 40 = 50; outs 2, 3 read in 2, 3: 300 + 800 = 1100, 3000 + 8000 = 11000
      name: 'conv2d: groups 2 map channel blocks to channel blocks',
      y: () => nn.conv2d(4, 4, 1, { groups: 2 }).apply(
        { kernel: nd([1, 1, 2, 4], [1, 10, 100, 1000, 2, 20, 200, 2000]), bias: nd([4], [0, 0, 0, 0.5]) }, nd([1, 1, 1, 4], [1, 2, 3, 4])),
      shape: [1, 1, 1, 4], values: [5, 50, 1100, 11000.5],
    },
    {
      // conv1d groups 3 on x = [[1, 2, 3], [4, 5, 6]] (2 steps, 3 channels), k 2, one in-channel per group, out 3:
      // out c = k[0][c] x[0, c] + k[1][c] x[1, c] with k[0] = [1, 1, 1], k[1] = [10, -1, 0] -> [41, -3, 3]
      name: 'conv1d: groups = channels (depthwise 1-D)',
      y: () => nn.conv1d(3, 3, 2, { groups: 3, useBias: false }).apply(
        { kernel: nd([2, 1, 3], [1, 1, 1, 10, -1, 0]) } as never, nd([1, 2, 3], [1, 2, 3, 4, 5, 6])),
      shape: [1, 1, 3], values: [41, -3, 3],
    },
    {
      // depthwise 1x1, C 2, M 3: out channel c·M + m = x[c] · k[c][m]; x = [2, 3], k = [[1, 10, 100], [2, 20, 200]]
      // -> [2, 20, 200, 6, 60, 600] + bias [1, 2, 3, 4, 5, 6]
      name: 'depthwiseConv2d: output channel c·M + m',
      y: () => nn.depthwiseConv2d(2, 3, 1).apply(
        { kernel: nd([1, 1, 2, 3], [1, 10, 100, 2, 20, 200]), bias: nd([6], [1, 2, 3, 4, 5, 6]) }, nd([1, 1, 1, 2], [2, 3])),
      shape: [1, 1, 1, 6], values: [3, 22, 203, 10, 65, 606],
    },
    {
      // depthwise 2x2 valid on 3x3, M 1: channel 0 = 1..9 with k [[1, 0], [0, 1]] -> x[i, j] + x[i + 1, j + 1] = [6, 8, 12, 14];
      // channel 1 = all ones with k all ones -> 4
      name: 'depthwiseConv2d: each channel its own filter',
      y: () => nn.depthwiseConv2d(2, 1, 2, { useBias: false }).apply(
        { kernel: nd([2, 2, 2, 1], [1, 1, 0, 1, 0, 1, 1, 1]) } as never, nd([1, 3, 3, 2], range(18, (i) => (i % 2 === 0 ? i / 2 + 1 : 1)))),
      shape: [1, 2, 2, 2], values: [6, 4, 8, 4, 12, 4, 14, 4],
    },
    {
      // depthwise 3x3 stride 2 'same' on 3x3 (C 1, M 2): out ceil(3 / 2) = 2, total (2 - 1) 2 + 3 - 3 = 2 -> pads [1, 1]
      // filter 0 = centre tap: y = x[2i, 2j] = [1, 3, 7, 9]; filter 1 = all ones: sums of the padded 3x3 windows
      // around (0, 0), (0, 2), (2, 0), (2, 2): 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28
      name: "depthwiseConv2d: stride 2 'same', multiplier 2",
      y: () => nn.depthwiseConv2d(1, 2, 3, { strides: 2, padding: 'same', useBias: false }).apply(
        { kernel: nd([3, 3, 1, 2], range(18, (i) => (i % 2 === 1 ? 1 : i === 8 ? 1 : 0))) } as never, nd([1, 3, 3, 1], range(9, (i) => i + 1))),
      shape: [1, 2, 2, 2], values: [1, 12, 3, 16, 7, 24, 9, 28],
    },
    {
      // transposed, stride 2, k 2, no overlap: each x[i, j] writes x[i, j] · k into block (i, j); x = [[1, 2], [3, 4]], k = [[1, 10], [100, 1000]]
      name: 'conv2dTranspose: stride 2 scatters x · kernel blocks',
      y: () => nn.conv2dTranspose(1, 1, 2, { strides: 2 }).apply(
        { kernel: nd([2, 2, 1, 1], [1, 10, 100, 1000]), bias: nd([1], [0]) }, nd([1, 2, 2, 1], [1, 2, 3, 4])),
      shape: [1, 4, 4, 1], values: [1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000],
    },
    {
      // stride 1: full[a, b] = sum x[i, j] k[a - i, b - j] (3x3), e.g. centre 1000 + 200 + 30 + 4 = 1234
      // full = [[1, 12, 20], [103, 1234, 2040], [300, 3400, 4000]]; pads [[1, 0], [0, 1]] crop the first row and last column
      name: 'conv2dTranspose: stride 1 overlaps add; explicit pads crop [before, after]',
      y: () => nn.conv2dTranspose(1, 1, 2, { padding: [[1, 0], [0, 1]] }).apply(
        { kernel: nd([2, 2, 1, 1], [1, 10, 100, 1000]), bias: nd([1], [0]) }, nd([1, 2, 2, 1], [1, 2, 3, 4])),
      shape: [1, 2, 2, 1], values: [103, 1234, 300, 3400],
    },
    {
      // H: x = [1, 2], k = [1, 10, 100], stride 2: full = [1, 10, 100 + 2, 20, 200] (5 = (2 - 1) 2 + 3);
      // 'same' (TF) gives 2 · 2 = 4 rows, cropping the extra one at the bottom: [1, 10, 102, 20]
      name: "conv2dTranspose: 'same' crops at the end (TF)",
      y: () => nn.conv2dTranspose(1, 1, [3, 1], { strides: [2, 1], padding: 'same' }).apply(
        { kernel: nd([3, 1, 1, 1], [1, 10, 100]), bias: nd([1], [0]) }, nd([1, 2, 1, 1], [1, 2])),
      shape: [1, 4, 1, 1], values: [1, 10, 102, 20],
    },
    {
      // the same full row with torch padding 1, output_padding 1: crop 1 at the top, 5 - 2 + 1 = 4 rows: [10, 102, 20, 200]
      name: 'conv2dTranspose: pads [1, 1] with outputPadding 1 crop at the top (PyTorch)',
      y: () => nn.conv2dTranspose(1, 1, [3, 1], { strides: [2, 1], padding: [[1, 1], [0, 0]], outputPadding: [1, 0] }).apply(
        { kernel: nd([3, 1, 1, 1], [1, 10, 100]), bias: nd([1], [0]) }, nd([1, 2, 1, 1], [1, 2])),
      shape: [1, 4, 1, 1], values: [10, 102, 20, 200],
    },
    {
      // outputPadding 1 with no crop adds one row past full (5 -> 6) that only the bias reaches
      name: 'conv2dTranspose: outputPadding adds a row that holds the bias',
      y: () => nn.conv2dTranspose(1, 1, [3, 1], { strides: [2, 1], outputPadding: [1, 0] }).apply(
        { kernel: nd([3, 1, 1, 1], [1, 10, 100]), bias: nd([1], [0.5]) }, nd([1, 2, 1, 1], [1, 2])),
      shape: [1, 6, 1, 1], values: [1.5, 10.5, 102.5, 20.5, 200.5, 0.5],
    },
    {
      // dilation 2, k 2, stride 1: full = (2 - 1) + 2 (2 - 1) + 1 = 4: x0 k0 at 0, x0 k1 at 2, x1 k0 at 1, x1 k1 at 3
      // x = [1, 2], k = [1, 10] -> [1, 2, 10, 20]
      name: 'conv2dTranspose: dilation 2',
      y: () => nn.conv2dTranspose(1, 1, [2, 1], { dilations: 2 }).apply(
        { kernel: nd([2, 1, 1, 1], [1, 10]), bias: nd([1], [0]) }, nd([1, 2, 1, 1], [1, 2])),
      shape: [1, 4, 1, 1], values: [1, 2, 10, 20],
    },
    {
      // groups 2, 1x1: in channel g feeds out channels [2g, 2g + 1] with k[g] = [[1, 10], [100, 1000]][g]; x = [1, 2]
      // -> [1 · 1, 1 · 10, 2 · 100, 2 · 1000]
      name: 'conv2dTranspose: groups 2 (kernel [kh, kw, in, out / groups])',
      y: () => nn.conv2dTranspose(2, 4, 1, { groups: 2 }).apply(
        { kernel: nd([1, 1, 2, 2], [1, 10, 100, 1000]), bias: nd([4], [0, 0, 0, 0]) }, nd([1, 1, 1, 2], [1, 2])),
      shape: [1, 1, 1, 4], values: [1, 10, 200, 2000],
    },
  ];
  it.each(cases)('$name', ({ y, shape, values }) => {
    const out = y();
    expect(out.shape).toEqual(shape);
    expectClose(out, values);
  });
});

// ---- pooling by hand --------------------------------------------------------------------------------

describe('pooling layers by hand', () => {
  const cases: readonly { readonly name: string; readonly y: () => T; readonly shape: readonly number[]; readonly values: readonly number[] }[] = [
    {
      // window 2, strides default to 2; 4x5 -> 2x2 (the last column is dropped); two channels pooled apart
      // channel 0 rows [1 5 2 0 9], [3 4 8 1 9], [0 0 9 9 9], [-1 -2 -3 -4 9]; channel 1 = -channel 0
      name: 'maxPool2d: strides default to the window, channels apart',
      y: () => {
        const c0 = [1, 5, 2, 0, 9, 3, 4, 8, 1, 9, 0, 0, 9, 9, 9, -1, -2, -3, -4, 9];
        return nn.maxPool2d(2).apply(null, nd([1, 4, 5, 2], c0.flatMap((v) => [v, -v])));
      },
      // channel 0: max(1, 5, 3, 4) = 5, max(2, 0, 8, 1) = 8, max(0, 0, -1, -2) = 0, max(9, 9, -3, -4) = 9
      // channel 1: max(-1, -5, -3, -4) = -1, max(-2, 0, -8, -1) = 0, max(0, 0, 1, 2) = 2, max(-9, -9, 3, 4) = 4
      shape: [1, 2, 2, 2], values: [5, -1, 8, 0, 0, 2, 9, 4],
    },
    {
      // window [1, 3] stride 1: running max along W of [3, 1, 4, 1, 5] -> [4, 4, 5]
      name: 'maxPool2d: window [1, 3] with stride 1',
      y: () => nn.maxPool2d([1, 3], { strides: 1 }).apply(null, nd([1, 1, 5, 1], [3, 1, 4, 1, 5])),
      shape: [1, 1, 3, 1], values: [4, 4, 5],
    },
    {
      // negative inputs with padding: -inf padding never wins; [[1, 1], [1, 1]] window 2 stride 2 on 2x2 -> 2x2 corners
      name: 'maxPool2d: padding never wins over negative values',
      y: () => nn.maxPool2d(2, { padding: [[1, 1], [1, 1]] }).apply(null, nd([1, 2, 2, 1], [-1, -2, -3, -4])),
      shape: [1, 2, 2, 1], values: [-1, -2, -3, -4],
    },
    {
      // 'same', window 2 on 5: out ceil(5 / 2) = 3, total (3 - 1) 2 + 2 - 5 = 1 -> pads [0, 1]: windows [0, 1], [2, 3], [4, pad]
      name: "maxPool1d: 'same' pads at the end",
      y: () => nn.maxPool1d(2, { padding: 'same' }).apply(null, nd([1, 5, 1], [-1, -4, -2, -3, -5])),
      shape: [1, 3, 1], values: [-1, -2, -5],
    },
    {
      // avg 'same' excludes the pad: the last window holds x4 alone -> [1.5, 3.5, 5]
      name: "avgPool1d: 'same' divides by the real elements",
      y: () => nn.avgPool1d(2, { padding: 'same' }).apply(null, nd([1, 5, 1], [1, 2, 3, 4, 5])),
      shape: [1, 3, 1], values: [1.5, 3.5, 5],
    },
    {
      // x = [1, 2, 3], window 3 stride 1 pads [1, 1]: windows [0, 1, 2], [1, 2, 3], [2, 3, 0]
      // countIncludePad false (default): [3 / 2, 6 / 3, 5 / 2]
      name: 'avgPool1d: countIncludePad false (default) divides by the real elements',
      y: () => nn.avgPool1d(3, { strides: 1, padding: [[1, 1]] }).apply(null, nd([1, 3, 1], [1, 2, 3])),
      shape: [1, 3, 1], values: [1.5, 2, 2.5],
    },
    {
      // countIncludePad true: [3 / 3, 6 / 3, 5 / 3]
      name: 'avgPool1d: countIncludePad true divides by the window',
      y: () => nn.avgPool1d(3, { strides: 1, padding: [[1, 1]], countIncludePad: true }).apply(null, nd([1, 3, 1], [1, 2, 3])),
      shape: [1, 3, 1], values: [1, 2, 5 / 3],
    },
    {
      // 2-D corner: x = 1..9 on 3x3, window 2 stride 2 pads [1, 0] both axes: windows (rows, cols) {pad, 0} x {pad, 0} ...
      // (0, 0): only x[0, 0] = 1 is real; (0, 1): x[0, 1], x[0, 2] = 2, 3; (1, 0): x[1, 0], x[2, 0] = 4, 7; (1, 1): 5, 6, 8, 9
      // exclude: [1, 2.5, 5.5, 7]; include (/ 4): [0.25, 1.25, 2.75, 7]
      name: 'avgPool2d: padded corner, countIncludePad false',
      y: () => nn.avgPool2d(2, { padding: [[1, 0], [1, 0]] }).apply(null, nd([1, 3, 3, 1], range(9, (i) => i + 1))),
      shape: [1, 2, 2, 1], values: [1, 2.5, 5.5, 7],
    },
    {
      name: 'avgPool2d: padded corner, countIncludePad true',
      y: () => nn.avgPool2d(2, { padding: [[1, 0], [1, 0]], countIncludePad: true }).apply(null, nd([1, 3, 3, 1], range(9, (i) => i + 1))),
      shape: [1, 2, 2, 1], values: [0.25, 1.25, 2.75, 7],
    },
    {
      // 'same' 2-D window 2 on 3x3: pads [0, 1] both axes: windows {0, 1} x {0, 1} -> (1 + 2 + 4 + 5) / 4 = 3; {0, 1} x {2} -> (3 + 6) / 2;
      // {2} x {0, 1} -> (7 + 8) / 2; {2} x {2} -> 9
      name: "avgPool2d: 'same'",
      y: () => nn.avgPool2d(2, { padding: 'same' }).apply(null, nd([1, 3, 3, 1], range(9, (i) => i + 1))),
      shape: [1, 2, 2, 1], values: [3, 4.5, 7.5, 9],
    },
    {
      // mean and max over H, W per example and channel: channel 0 = 0..5, channel 1 = 10 - 2i
      name: 'globalAvgPool: mean over the spatial axes',
      y: () => nn.globalAvgPool().apply(null, nd([1, 2, 3, 2], range(6).flatMap((i) => [i, 10 - 2 * i]))),
      shape: [1, 2], values: [2.5, 5],
    },
    {
      name: 'globalMaxPool: max over the spatial axes',
      y: () => nn.globalMaxPool().apply(null, nd([1, 2, 3, 2], range(6).flatMap((i) => [i, 10 - 2 * i]))),
      shape: [1, 2], values: [5, 10],
    },
    {
      // 7 -> 3 bins [0, 3), [2, 5), [4, 7) overlap; x = 0..6 along H: means [1, 3, 5]
      name: 'adaptiveAvgPool2d: 7 -> 3 overlapping bins',
      y: () => nn.adaptiveAvgPool2d([3, 1]).apply(null, nd([1, 7, 1, 1], range(7))),
      shape: [1, 3, 1, 1], values: [1, 3, 5],
    },
    {
      // x = [0, 1, 5, 2, 3, 1, 0]: max over [0, 3) = 5, [2, 5) = 5, [4, 7) = 3
      name: 'adaptiveMaxPool2d: 7 -> 3 overlapping bins',
      y: () => nn.adaptiveMaxPool2d([3, 1]).apply(null, nd([1, 7, 1, 1], [0, 1, 5, 2, 3, 1, 0])),
      shape: [1, 3, 1, 1], values: [5, 5, 3],
    },
    {
      // 4 -> 2 on W (bins [0, 2), [2, 4)) and 3 -> 2 on H (bins [0, 2), [1, 3)); x[i, j] = 4i + j
      // means: rows {0, 1} cols {0, 1} = (0 + 1 + 4 + 5) / 4 = 2.5; cols {2, 3} = 4.5; rows {1, 2}: 6.5, 8.5
      name: 'adaptiveAvgPool2d: bins on both axes',
      y: () => nn.adaptiveAvgPool2d([2, 2]).apply(null, nd([1, 3, 4, 1], range(12))),
      shape: [1, 2, 2, 1], values: [2.5, 4.5, 6.5, 8.5],
    },
  ];
  it.each(cases)('$name', ({ y, shape, values }) => {
    const out = y();
    expect(out.shape).toEqual(shape);
    expectClose(out, values);
  });

  /** the input gradient of <layer(x), g> */
  const inputGrad = (layer: nn.AnyLayer, x: T, g: T): number[] => {
    const [, pull] = vjp((xi: T) => run(layer, null, xi), x);
    return vals(pull(g)[0]);
  };
  it('maxPool: the gradient goes to the arg-max of each window', () => {
    // windows [3, 1], [4, 1], [5, 9] (window 2): arg-maxes at 0, 2, 5; cotangent [1, 10, 100]
    expectClose(inputGrad(nn.maxPool1d(2), nd([1, 6, 1], [3, 1, 4, 1, 5, 9]), nd([1, 3, 1], [1, 10, 100])), [1, 0, 10, 0, 0, 100]);
    // overlapping windows (window 3, stride 1) sharing one arg-max add up: x = [1, 7, 2, 3], both windows pick index 1
    expectClose(inputGrad(nn.maxPool1d(3, { strides: 1 }), nd([1, 4, 1], [1, 7, 2, 3]), nd([1, 2, 1], [1, 10])), [0, 11, 0, 0]);
    // 2-D, window 2: [[1, 5], [3, 4]] -> arg-max (0, 1)
    expectClose(inputGrad(nn.maxPool2d(2), nd([1, 2, 2, 1], [1, 5, 3, 4]), nd([1, 1, 1, 1], [2])), [0, 2, 0, 0]);
  });
  it('maxPool: exact ties split the gradient equally (documented choice; PyTorch gives it all to the first)', () => {
    expectClose(inputGrad(nn.maxPool1d(2), nd([1, 2, 1], [3, 3]), nd([1, 1, 1], [1])), [0.5, 0.5]);
    expectClose(inputGrad(nn.maxPool2d(2), nd([1, 2, 2, 1], [2, 2, 2, 1]), nd([1, 1, 1, 1], [3])), [1, 1, 1, 0]);
    expectClose(inputGrad(nn.globalMaxPool(), nd([1, 2, 2, 1], [4, 1, 4, 4]), nd([1, 1], [1])), [1 / 3, 0, 1 / 3, 1 / 3]);
  });
  it('avgPool: the gradient spreads g / divisor over the real elements', () => {
    // x = [1, 2, 3], window 3 stride 1 pads [1, 1], g = 1 everywhere
    // exclude: windows divide by 2, 3, 2: x0 in w0, w1 -> 1/2 + 1/3; x1 in all -> 1/2 + 1/3 + 1/2; x2 in w1, w2 -> 1/3 + 1/2
    expectClose(inputGrad(nn.avgPool1d(3, { strides: 1, padding: [[1, 1]] }), nd([1, 3, 1], [1, 2, 3]), nd([1, 3, 1], [1, 1, 1])),
      [5 / 6, 4 / 3, 5 / 6]);
    // include: every window divides by 3: [2/3, 1, 2/3]
    expectClose(inputGrad(nn.avgPool1d(3, { strides: 1, padding: [[1, 1]], countIncludePad: true }), nd([1, 3, 1], [1, 2, 3]), nd([1, 3, 1], [1, 1, 1])),
      [2 / 3, 1, 2 / 3]);
  });
  it('adaptive pools: gradients over overlapping bins (7 -> 3) add up', () => {
    // avg: each bin has 3 elements; indices 2 and 4 sit in two bins; g = [1, 10, 100]
    // -> [1, 1, 1 + 10, 10, 10 + 100, 100, 100] / 3
    expectClose(inputGrad(nn.adaptiveAvgPool2d([3, 1]), nd([1, 7, 1, 1], range(7)), nd([1, 3, 1, 1], [1, 10, 100])),
      [1, 1, 11, 10, 110, 100, 100].map((v) => v / 3));
    // max: x = [0, 1, 5, 2, 3, 1, 0]: bins 0 and 1 both pick index 2, bin 2 picks index 4
    expectClose(inputGrad(nn.adaptiveMaxPool2d([3, 1]), nd([1, 7, 1, 1], [0, 1, 5, 2, 3, 1, 0]), nd([1, 3, 1, 1], [1, 10, 100])),
      [0, 0, 11, 0, 100, 0, 0]);
  });
  it('rejects causal padding on conv2d and a wrong count of padding pairs, at compile time too', () => {
    // @ts-expect-error 'causal' is for one spatial axis
    expect(() => conv2d(zeros([1, 5, 5, 2]), zeros([3, 3, 2, 2]), { padding: 'causal' })).toThrow("'causal' padding is for one spatial axis");
    // @ts-expect-error one padding pair for two spatial axes
    expect(() => conv2d(zeros([1, 3, 3, 2]), zeros([1, 1, 2, 1]), { padding: [[0, 0]] })).toThrow('1 padding pairs for 2 spatial axes');
  });
  it('refuses padding wider than half the window (no window of padding only), as PyTorch', () => {
    expect(() => nn.maxPool1d(2, { padding: [[2, 0]] }).apply(null, nd([1, 2, 1], [1, 2]))).toThrow('maxPool1d: padding [2, 0] at spatial axis 0 must be at most half the window (2)');
    expect(() => nn.avgPool1d(2, { padding: [[2, 0]] }).apply(null, nd([1, 2, 1], [1, 2]))).toThrow(/avgPool1d: padding/);
  });
  it('globalAvgPool: the gradient is g / (H·W) everywhere', () => {
    expectClose(inputGrad(nn.globalAvgPool(), nd([1, 2, 2, 2], range(8)), nd([1, 2], [4, 8])), [1, 2, 1, 2, 1, 2, 1, 2]);
  });
});

// ---- gradients against finite differences --------------------------------------------------------------

describe('checkGrad on small layers', () => {
  /** deterministic, distinct, well-spread values (no max-pool ties, no two within 1e-3) */
  const spread = (n: number, seed: number): number[] => range(n, (i) => Math.sin(7.31 * (i + 1) + seed) * 1.5 + 0.002 * i);
  const sq = (y: T) => sum(mul(y, y));
  // conv layers: L = sum(y²) is bilinear-squared in (kernel, x), so its second derivative mixes both: order 2
  const convCases: readonly [string, nn.AnyLayer, readonly number[]][] = [
    ['conv1d stride 2, same', nn.conv1d(2, 3, 3, { strides: 2, padding: 'same' }), [2, 5, 2]],
    ['conv1d causal, dilation 2, groups 2', nn.conv1d(2, 4, 2, { padding: 'causal', dilations: 2, groups: 2 }), [1, 5, 2]],
    ['conv2d stride [2, 1], pads [[1, 0], [0, 1]]', nn.conv2d(2, 2, 2, { strides: [2, 1], padding: [[1, 0], [0, 1]] }), [1, 3, 3, 2]],
    ['conv2d dilation 2, groups 2', nn.conv2d(2, 2, 2, { dilations: 2, groups: 2, padding: 'same' }), [1, 3, 4, 2]],
    ['depthwiseConv2d M 2, stride 2 same', nn.depthwiseConv2d(2, 2, 2, { strides: 2, padding: 'same' }), [1, 3, 3, 2]],
    ['conv2dTranspose stride 2 same', nn.conv2dTranspose(2, 2, 3, { strides: 2, padding: 'same' }), [1, 2, 2, 2]],
    ['conv2dTranspose pads, outputPadding, groups 2', nn.conv2dTranspose(2, 4, 2, { strides: 2, padding: [[1, 0], [0, 0]], outputPadding: 1, groups: 2 }), [1, 2, 2, 2]],
  ];
  it.each(convCases)('%s: order 2 in params and input', (_, layer, shape) => {
    const p = layer.init(key(5)) as { kernel: T; bias: T };
    // non-zero bias so its terms count
    const params = { p: { kernel: p.kernel, bias: nd(p.bias.shape as readonly number[], spread(p.bias.shape[0] as number, 9)) }, x: nd(shape, spread(shape.reduce((a, b) => a * b, 1), 1)) };
    const report = checkGrad((q: typeof params) => sq(run(layer, q.p, q.x)) as Tensor<[]>, params, { order: 2 });
    expect(report.ok, JSON.stringify(report.worst)).toBe(true);
    // both orders ran over every element of kernel, bias and x
    const n = [params.p.kernel, params.p.bias, params.x].reduce((a, t) => a + (t.shape as readonly number[]).reduce((u, v) => u * v, 1), 0);
    expect(report.checked).toBe(2 * n);
  });
  const poolCases: readonly [string, nn.AnyLayer, readonly number[], readonly number[]][] = [
    ['maxPool1d same', nn.maxPool1d(2, { padding: 'same' }), [1, 5, 2], [1, 3, 2]],
    ['maxPool2d window 3 stride 2 pads 1', nn.maxPool2d(3, { strides: 2, padding: [[1, 1], [1, 1]] }), [1, 5, 4, 2], [1, 3, 2, 2]],
    ['avgPool1d window 3 stride 1 pads 1', nn.avgPool1d(3, { strides: 1, padding: [[1, 1]] }), [1, 4, 2], [1, 4, 2]],
    ['avgPool2d same, countIncludePad', nn.avgPool2d(2, { padding: 'same', countIncludePad: true }), [1, 3, 3, 2], [1, 2, 2, 2]],
    ['globalAvgPool', nn.globalAvgPool(), [2, 2, 3, 2], [2, 2]],
    ['globalMaxPool', nn.globalMaxPool(), [2, 2, 3, 2], [2, 2]],
    ['adaptiveAvgPool2d 5x4 -> 3x3', nn.adaptiveAvgPool2d([3, 3]), [1, 5, 4, 2], [1, 3, 3, 2]],
    ['adaptiveMaxPool2d 7x5 -> 3x2', nn.adaptiveMaxPool2d([3, 2]), [1, 7, 5, 1], [1, 3, 2, 1]],
  ];
  it.each(poolCases)('%s: order 1 (weighted sum)', (_, layer, shape, outShape) => {
    const g = nd(outShape, spread(outShape.reduce((a, b) => a * b, 1), 4));
    const x = nd(shape, spread(shape.reduce((a, b) => a * b, 1), 2));
    const report = checkGrad((xi: T) => sum(mul(run(layer, null, xi), g)) as Tensor<[]>, x);
    expect(report.ok, JSON.stringify(report.worst)).toBe(true);
    expect(report.checked).toBe(shape.reduce((a, b) => a * b, 1));
  });
});

// ---- a small CNN --------------------------------------------------------------------------------------

describe('a small CNN in serial', () => {
  // 12 -conv3-> 10 -pool2-> 5 -conv3-> 3 -global-> [B, 8] -dense-> [B, 3]
  const cnn = nn.serial(nn.input(['B', 12, 12, 1]), nn.conv2d(1, 4, 3), nn.relu(), nn.maxPool2d(2), nn.conv2d(4, 8, 3), nn.relu(),
    nn.globalAvgPool(), nn.dense(8, 3));
  const params = cnn.init(key(21));
  const x = nd([2, 12, 12, 1], range(288, (i) => Math.cos(0.37 * i)));
  it('runs forward to [B, 3]', () => {
    const y = cnn.apply(params, x);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y).every(Number.isFinite)).toBe(true);
  });
  it('its gradient has the params\' structure (nulls kept) and the dense bias gets 1 / 3 per unit', () => {
    const g = grad((p: typeof params, xi: typeof x) => mean(tanh(cnn.apply(p, xi))))(params, x);
    const shapes = (tree: unknown) => leavesWithPath(tree).map(([path, t]) => [path, t.shape]);
    expect(shapes(g)).toEqual(shapes(params));
    expect([g[0], g[2], g[3], g[5], g[6]]).toEqual([null, null, null, null, null]);
    expect([g[1].kernel.shape, g[4].kernel.shape, g[7].kernel.shape]).toEqual([[3, 3, 1, 4], [3, 3, 4, 8], [8, 3]]);
    // L = mean over 2 x 3 of tanh(y): dL/db_j = sum_n (1 - tanh²(y_nj)) / 6
    const y = vals(cnn.apply(params, x));
    expectClose(g[7].bias, [0, 1, 2].map((j) => (2 - Math.tanh(y[j]!) ** 2 - Math.tanh(y[3 + j]!) ** 2) / 6), 1e-6, 1e-4);
  });
});

// ---- run-time errors ---------------------------------------------------------------------------------

describe('run-time errors name the op', () => {
  const conv = nn.conv2d(3, 4, 3);
  const cp = conv.init(key(0));
  const cases: readonly [string, () => unknown, typeof ShapeMismatchError | typeof ValueError, RegExp][] = [
    ['conv2d: channels', () => run(conv, cp, nd([1, 5, 5, 2], range(50))), ShapeMismatchError, /conv2d: input has 2 channels, kernel expects 3/],
    ['conv2d: rank', () => run(conv, cp, nd([5, 5, 3], range(75))), ShapeMismatchError, /conv2d: input must be \[batch, height, width, channels\], got rank 3/],
    ['conv2d: window larger than the input', () => run(conv, cp, nd([1, 2, 5, 3], range(30))), ShapeMismatchError, /conv2d: window larger than the padded input at spatial axis 0 \(3 > 2\)/],
    ['conv2d: groups do not divide (constructor)', () => nn.conv2d(4, 6, 3, { groups: 4 } as never), ValueError, /conv2d: groups 4 .*4 input and 6 output/],
    ['conv2d: groups 0', () => nn.conv2d(4, 6, 3, { groups: 0 } as never), ValueError, /conv2d: groups 0/],
    ['conv2d: strides 0', () => run(nn.conv2d(1, 1, 1, { strides: 0 }), { kernel: nd([1, 1, 1, 1], [1]), bias: nd([1], [0]) }, nd([1, 3, 3, 1], range(9))), ValueError, /conv2d: strides 0 at spatial axis 0/],
    ['conv2d: strides 1.5', () => run(nn.conv2d(1, 1, 1, { strides: [1, 1.5] }), { kernel: nd([1, 1, 1, 1], [1]), bias: nd([1], [0]) }, nd([1, 3, 3, 1], range(9))), ValueError, /conv2d: strides 1.5 at spatial axis 1/],
    ['conv2d: three strides', () => run(nn.conv2d(1, 1, 1, { strides: [1, 1, 1] }), { kernel: nd([1, 1, 1, 1], [1]), bias: nd([1], [0]) }, nd([1, 3, 3, 1], range(9))), ValueError, /conv2d: 3 strides for 2 spatial axes/],
    ['conv2d: causal padding', () => run(nn.conv2d(1, 1, 1, { padding: 'causal' }), { kernel: nd([1, 1, 1, 1], [1]), bias: nd([1], [0]) }, nd([1, 3, 3, 1], range(9))), ValueError, /conv2d: 'causal' padding/],
    ['conv2d: negative pads', () => run(nn.conv2d(1, 1, 1, { padding: [[0, 0], [-1, 0]] }), { kernel: nd([1, 1, 1, 1], [1]), bias: nd([1], [0]) }, nd([1, 3, 3, 1], range(9))), ValueError, /conv2d: padding \[-1, 0\] at spatial axis 1/],
    ['conv1d: channels', () => run(nn.conv1d(2, 3, 2), nn.conv1d(2, 3, 2).init(key(1)), nd([1, 4, 3], range(12))), ShapeMismatchError, /conv1d: input has 3 channels, kernel expects 2/],
    ['conv1d: rank', () => run(nn.conv1d(2, 3, 2), nn.conv1d(2, 3, 2).init(key(1)), nd([1, 4, 4, 2], range(32))), ShapeMismatchError, /conv1d: input must be \[batch, width, channels\]/],
    ['conv1d: groups do not divide (constructor)', () => nn.conv1d(3, 6, 3, { groups: 2 } as never), ValueError, /conv1d: groups 2/],
    ['depthwiseConv2d: channels', () => run(nn.depthwiseConv2d(3, 2, 2), nn.depthwiseConv2d(3, 2, 2).init(key(2)), nd([1, 3, 3, 2], range(18))), ShapeMismatchError, /depthwiseConv2d: input has 2 channels, kernel expects 3/],
    ['depthwiseConv2d: dilations 0', () => run(nn.depthwiseConv2d(1, 1, 2, { dilations: 0 }), nn.depthwiseConv2d(1, 1, 2).init(key(2)), nd([1, 3, 3, 1], range(9))), ValueError, /depthwiseConv2d: dilations 0/],
    ['conv2dTranspose: channels', () => run(nn.conv2dTranspose(2, 3, 2), nn.conv2dTranspose(2, 3, 2).init(key(3)), nd([1, 2, 2, 3], range(12))), ShapeMismatchError, /conv2dTranspose: input has 3 channels, kernel expects 2/],
    ['conv2dTranspose: groups do not divide (constructor)', () => nn.conv2dTranspose(4, 6 as number, 3, { groups: 4 }), ValueError, /conv2dTranspose: groups 4/],
    ['conv2dTranspose: outputPadding >= stride', () => run(nn.conv2dTranspose(1, 1, 2, { strides: 2, outputPadding: 2 }), nn.conv2dTranspose(1, 1, 2).init(key(3)), nd([1, 2, 2, 1], range(4))), ValueError, /conv2dTranspose: output padding 2/],
    ['conv2dTranspose: crop leaves nothing', () => run(nn.conv2dTranspose(1, 1, 1, { padding: [[1, 1], [0, 0]] }), nn.conv2dTranspose(1, 1, 1).init(key(3)), nd([1, 2, 2, 1], range(4))), ShapeMismatchError, /conv2dTranspose: padding \[1, 1\] leaves no output/],
    ['maxPool2d: window larger than the input', () => run(nn.maxPool2d(3), null, nd([1, 2, 8, 1], range(16))), ShapeMismatchError, /maxPool2d: window larger than the padded input at spatial axis 0/],
    ['maxPool2d: rank', () => run(nn.maxPool2d(2), null, nd([4, 4, 1], range(16))), ShapeMismatchError, /maxPool2d: input must be \[batch, height, width, channels\]/],
    ['maxPool1d: strides 0', () => run(nn.maxPool1d(2, { strides: 0 }), null, nd([1, 4, 1], range(4))), ValueError, /maxPool1d: strides 0/],
    ['avgPool2d: window 0', () => run(nn.avgPool2d(0), null, nd([1, 4, 4, 1], range(16))), ValueError, /avgPool2d: window size 0/],
    ['avgPool1d: window larger than the input', () => run(nn.avgPool1d(5), null, nd([1, 4, 1], range(4))), ShapeMismatchError, /avgPool1d: window larger/],
    ['globalAvgPool: rank 2', () => run(nn.globalAvgPool(), null, nd([2, 3], range(6))), ValueError, /globalAvgPool: input must be \[batch, \.\.\.spatial, channels\], got rank 2/],
    ['globalMaxPool: rank 2', () => run(nn.globalMaxPool(), null, nd([2, 3], range(6))), ValueError, /globalMaxPool/],
    ['adaptiveAvgPool2d: rank', () => run(nn.adaptiveAvgPool2d([2, 2]), null, nd([1, 4, 1], range(4))), ShapeMismatchError, /adaptiveAvgPool2d: input must be \[batch, height, width, channels\]/],
    ['adaptiveMaxPool2d: size 0', () => run(nn.adaptiveMaxPool2d([0, 2]), null, nd([1, 4, 4, 1], range(16))), ValueError, /adaptiveMaxPool2d: output size \[0, 2\]/],
  ];
  it.each(cases)('%s', (_, f, type, message) => {
    const err = thrown(f);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
  });
});
