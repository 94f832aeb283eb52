/** @file Convolutions and pooling against the PyTorch reference vectors (values and gradients), plus hand cases. */
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d, adaptiveMaxPool2d, add, avgPool1d, avgPool2d, checkGrad, conv1d, conv2d, conv2dTranspose, depthwiseConv2d,
  globalAvgPool, globalMaxPool, maxPool1d, maxPool2d, mul, sum, tensor, toNested, vjp, type AnyTensor, type Tensor,
} from '../../src/index.js';
import { resolvePads } from '../../src/shape/index.js';
import { casesStartingWith, expectMatches, loadCase, toTensor, type RefCase } from '../helpers/reference.js';

type T = AnyTensor;
type Pads = readonly (readonly [number, number])[];
const cfg = <V>(c: RefCase, k: string): V => c.config[k] as V;
const loose = <F>(f: F) => f as unknown as (...a: unknown[]) => T;

/** runs f on (x, params), compares y, then pulls the stored cotangent back and compares the gradients */
const check = (c: RefCase, f: (x: T, w: T | undefined, b: T | undefined) => T, weight: string | undefined) => {
  const x = toTensor(c.inputs['x']!);
  const w = weight ? toTensor(c.params[weight]!) : undefined;
  const b = c.params['bias'] ? toTensor(c.params['bias']) : undefined;
  const [y, pullback] = vjp((xi: T, wi: T, bi: T) => f(xi, weight ? wi : undefined, b ? bi : undefined), x, w ?? x, b ?? x);
  expectMatches(y, c.outputs['y']!, 'y');
  const [gx, gw, gb] = pullback(toTensor(c.cotangents['y']!));
  expectMatches(gx, c.grads['x']!, 'dL/dx');
  if (weight) expectMatches(gw, c.grads[weight]!, `dL/d${weight}`);
  if (b) expectMatches(gb, c.grads['bias']!, 'dL/dbias');
};
const withBias = (y: T, b: T | undefined): T => (b ? add(y, b) : y);

describe.each(casesStartingWith('conv').concat(casesStartingWith('medium_conv')))('%s', (name) => {
  const c = loadCase(name);
  const strides = cfg<number[]>(c, 'strides'), dilations = cfg<number[]>(c, 'dilation'), groups = cfg<number>(c, 'groups');
  if (name.includes('transpose')) {
    const torchPad = cfg<number[] | null>(c, 'torch_padding'), outPad = cfg<number[] | null>(c, 'torch_output_padding');
    const padding = torchPad === null ? 'same' as const : torchPad.map((p) => [p, p] as const);
    it('transposed: matches values and gradients (kernel [kh, kw, in, out/groups])', () => {
      check(c, (x, w, b) => withBias(loose(conv2dTranspose)(x, w, { strides, dilations, padding, outputPadding: outPad ?? 0, groups }), b), 'weight_hwio');
      expect(c.outputs['y']!.shape.slice(1, 3)).toEqual(cfg<number[]>(c, 'out_size'));
    });
    return;
  }
  const pads = cfg<Pads>(c, 'pads');
  const x = c.inputs['x']!.shape;
  it("resolves the padding mode to the reference's pads", () => {
    const k = cfg<number[]>(c, 'kernel_size');
    expect(resolvePads('conv', x.slice(1, -1), k, strides, dilations, cfg(c, 'padding'))).toEqual(pads);
  });
  const m = cfg<number | undefined>(c, 'depthwise_multiplier');
  if (m !== undefined && x.length === 4) {
    it('depthwise: matches with the [kh, kw, C, M] kernel', () => {
      check(c, (xi, w, b) => withBias(loose(depthwiseConv2d)(xi, w, { strides, dilations, padding: pads }), b), 'weight_depthwise_hwcm');
    });
  }
  it('matches values and gradients (HWIO kernel, explicit pads)', () => {
    const op = x.length === 3 ? conv1d : conv2d;
    check(c, (xi, w, b) => withBias(loose(op)(xi, w, { strides, dilations, padding: pads, groups }), b), x.length === 3 ? 'weight_wio' : 'weight_hwio');
  });
});

describe.each([...casesStartingWith('max_pool'), ...casesStartingWith('avg_pool'), ...casesStartingWith('global_'), ...casesStartingWith('adaptive_')])('%s', (name) => {
  const c = loadCase(name);
  const rank = c.inputs['x']!.shape.length - 2;
  it('matches values and the input gradient', () => {
    if (name.startsWith('global_')) {
      check(c, (x) => (name.includes('avg') ? globalAvgPool(x as Tensor<number[]>) : globalMaxPool(x as Tensor<number[]>)) as T, undefined);
      return;
    }
    if (name.startsWith('adaptive_')) {
      const size = cfg<[number, number]>(c, 'output_size');
      check(c, (x) => (name.includes('avg') ? adaptiveAvgPool2d(x as Tensor<number[]>, size) : adaptiveMaxPool2d(x as Tensor<number[]>, size)) as T, undefined);
      return;
    }
    const size = cfg<number[]>(c, 'pool_size'), strides = cfg<number[]>(c, 'strides');
    const padding = cfg<string>(c, 'padding') === 'same' ? 'same' as const : cfg<Pads>(c, 'pads');
    const countIncludePad = cfg<boolean | undefined>(c, 'count_include_pad') ?? false;
    const op = name.startsWith('max') ? (rank === 1 ? maxPool1d : maxPool2d) : rank === 1 ? avgPool1d : avgPool2d;
    check(c, (x) => loose(op)(x, size, { strides, padding, countIncludePad }), undefined);
  });
});

describe('convolution by hand', () => {
  it('a 1-D valid convolution is a sliding dot product (no kernel flip)', () => {
    const y = conv1d(tensor([[[1], [2], [3], [4]]]), tensor([[[1]], [[10]]]));
    expect(toNested(y)).toEqual([[[21], [32], [43]]]);
  });
  it("'causal' pads only on the left", () => {
    const y = conv1d(tensor([[[1], [2], [3]]]), tensor([[[1]], [[10]]]), { padding: 'causal' });
    expect(toNested(y)).toEqual([[[10], [21], [32]]]);
  });
  it('stride 2 and dilation 2', () => {
    const x = tensor([[[1], [2], [3], [4], [5], [6], [7]]]);
    expect(toNested(conv1d(x, tensor([[[1]], [[1]]]), { strides: 2 }))).toEqual([[[3], [7], [11]]]);
    expect(toNested(conv1d(x, tensor([[[1]], [[1]]]), { dilations: 2 }))).toEqual([[[4], [6], [8], [10], [12]]]);
  });
  it('grad of grad through conv2d (finite differences, second order)', () => {
    const x = tensor([[[[0.5, -1], [2, 0.3], [1, 1]], [[0.2, 0.1], [-0.4, 0.9], [0.7, -0.3]], [[1, 0], [0, 1], [0.5, 0.5]]]]);
    const w = tensor([[[[0.3], [-0.2]], [[0.1], [0.4]]], [[[0.5], [0.25]], [[-0.6], [0.2]]]]);
    const r = checkGrad((p: { x: Tensor<[1, 3, 3, 2]>; w: Tensor<[2, 2, 2, 1]> }) => sum(mul(conv2d(p.x, p.w, { padding: 'same', strides: 2 }), conv2d(p.x, p.w, { padding: 'same', strides: 2 }))), { x, w }, { order: 2 });
    expect(r.ok).toBe(true);
  });
  it('transposed conv is the adjoint of conv (<conv(x, w), y> = <x, convT(y, w)>)', () => {
    const x = tensor([[[[1, 2], [3, 4], [5, 6]], [[0.5, -1], [2, 0], [1, 1]], [[0, 1], [1, 0], [2, 2]], [[1, 1], [0, 0], [3, -1]]]]);
    const w = tensor([[[[0.3, 1], [-0.2, 0.5]], [[0.1, 0], [0.4, 2]]], [[[0.5, -1], [0.25, 0]], [[-0.6, 1], [0.2, 0.1]]]]);
    const y = conv2d(x, w, { strides: 2 });
    const yb = tensor([[[[0.7, -0.3]], [[1.5, 2]]]]);
    const lhs = sum(mul(y, yb));
    // convT's kernel is [kh, kw, in, out]: for the adjoint of conv(x: 2 -> 2) it reads w as [kh, kw, out(2), in(2)] transposed
    const wt = tensor([[[[0.3, -0.2], [1, 0.5]], [[0.1, 0.4], [0, 2]]], [[[0.5, 0.25], [-1, 0]], [[-0.6, 0.2], [1, 0.1]]]]);
    const back = conv2dTranspose(yb, wt, { strides: 2, padding: [[0, 0], [0, 0]], outputPadding: [0, 1] });
    expect(back.shape).toEqual([1, 4, 3, 2]);
    expect(toNested(sum(mul(x, back)))).toBeCloseTo(toNested(lhs) as number, 4);
  });
});
