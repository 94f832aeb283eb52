/** @file Gradient checks of every primitive and composite op against float64 central differences: one spec table. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../helpers/mulberry32.js';
import { checkGrad, customVjp, grad } from '../../src/autodiff/index.js';
import {
  abs, add, argmax, argsort, atan2, broadcastTo, cast, ceil, clip, concat, conv1d, conv2d, cos, cumsum, div, dot, einsum, erf, exp,
  expandDims, expm1, flatten, floor, fromArray, gather, log, log1p, logSumExp, matmul, max, maximum, mean, min,
  minimum, mod, mul, neg, outer, pad, pow, prod, reciprocal, relu, reshape, round, rsqrt, sigmoid, sign, sin, slice,
  softmax, sort, split, standardize, sqrt, square, squeeze, stack, stopGradient, sub, sum, take, tanh, tensor, tile, toArray, topk,
  transpose, variance, where, type AnyTensor, type Operand, type Tensor,
} from '../../src/index.js';

// ---- deterministic inputs -----------------------------------------------------------------------

/** mulberry32: a tiny seeded generator, so that every run checks the same points */
const generator = mulberry32;
const draw = generator(0x5eed);
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const make = <const S extends readonly number[]>(shape: S, values: readonly number[]): Tensor<[...S]> => {
  const r = fromArray(values, shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
/** uniform in [lo, hi], redrawn while within `margin` of a kink (where the function is not smooth) */
const rand = <const S extends readonly number[]>(
  shape: S, lo = -1, hi = 1, kinks: readonly number[] = [], margin = 0.1,
): Tensor<[...S]> =>
  make(shape, Array.from({ length: numel(shape) }, () => {
    for (;;) {
      const v = lo + (hi - lo) * draw();
      if (kinks.every((k) => Math.abs(v - k) >= margin)) return v;
    }
  }));
/** |x| in [lo, hi] with a random sign: away from 0 */
const awayFromZero = <const S extends readonly number[]>(shape: S, lo = 0.3, hi = 1.5): Tensor<[...S]> =>
  make(shape, Array.from({ length: numel(shape) }, () => (draw() < 0.5 ? -1 : 1) * (lo + (hi - lo) * draw())));
/** pairwise distinct values in [lo, hi] (a shuffled, jittered grid): no ties for max, min and sort */
const distinct = <const S extends readonly number[]>(shape: S, lo = -1.5, hi = 1.5): Tensor<[...S]> => {
  const n = numel(shape);
  const grid = Array.from({ length: n }, (_, i) => lo + ((i + 0.25 + 0.5 * draw()) / n) * (hi - lo));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [grid[i], grid[j]] = [grid[j]!, grid[i]!];
  }
  return make(shape, grid);
};
/** values (k + phase + 0.3u) / 2 for integer k in [-2, 1]: phases 0 and 0.5 never come within 0.1 of each other */
const phased = (phase: number) => <const S extends readonly number[]>(shape: S): Tensor<[...S]> =>
  make(shape, Array.from({ length: numel(shape) }, () => (Math.floor(draw() * 4) - 2 + phase + 0.3 * draw()) / 2));
/** k + [0.2, 0.8] for integer k in [-2, 1]: a / b stays away from integers for b in [1, 1.05] (the jumps of mod) */
const modNumerator = <const S extends readonly number[]>(shape: S): Tensor<[...S]> =>
  make(shape, Array.from({ length: numel(shape) }, () => Math.floor(draw() * 4) - 2 + 0.2 + 0.6 * draw()));
const ints = <const S extends readonly number[]>(shape: S, values: readonly number[]): Tensor<[...S], 'int32'> => {
  const r = fromArray(values, shape, 'int32');
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
const integers = [-3, -2, -1, 0, 1, 2, 3];
const halves = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5];

// ---- the spec table -----------------------------------------------------------------------------

type Params = Readonly<Record<string, AnyTensor>>;
/** one gradient check: f is a scalar loss of params; order 2 also checks Hessian-vector products */
interface Spec {
  readonly name: string;
  readonly f: (p: Params) => Tensor<[]>;
  readonly params: Params;
  readonly order: 1 | 2;
  /** the gradient is zero everywhere (piecewise-constant ops, integer outputs) */
  readonly zero: boolean;
}

/**
 * A fixed scalar readout of an op's output(s): sum(w * y + y^2 / 4) with pseudo-random weights w
 * that depend only on the output's size. Non-uniform weights catch permuted or misplaced
 * cotangents; the square makes the Hessian of linear ops non-zero, so order 2 tests their
 * pullback's own pullback.
 */
const readout = (ys: AnyTensor | readonly AnyTensor[]): Tensor<[]> => {
  const list: readonly AnyTensor[] = Array.isArray(ys) ? ys : [ys as AnyTensor];
  const terms = list.map((y, k) => {
    const g = generator(7919 * y.size + 31 * k + 1);
    const w = make(y.shape as readonly number[], Array.from({ length: y.size }, () => 2 * g() - 1));
    return sum(mul(y, add(w, mul(y, 0.25))));
  });
  return terms.reduce((a, b) => add(a, b)) as Tensor<[]>;
};

/**
 * A spec row: the op's output goes through the readout. Every row is checked at order 2 (which
 * checks order 1 first): the piecewise ops (abs, relu, max, maximum, mod, clip, sort) are smooth at
 * the chosen inputs too, so their Hessian-vector products are checked as well.
 */
const row = <P extends Params>(
  name: string, params: P, op: (p: P) => AnyTensor | readonly AnyTensor[], options: { readonly zero?: boolean } = {},
): Spec => ({ name, params, f: (p) => readout(op(p as P)), order: 2, zero: options.zero ?? false });

const unaryRows: Spec[] = [
  row('neg', { x: rand([2, 3]) }, ({ x }) => neg(x)),
  row('abs (away from 0)', { x: awayFromZero([2, 3]) }, ({ x }) => abs(x)),
  row('sign (zero gradient)', { x: awayFromZero([2, 3]) }, ({ x }) => sign(x), { zero: true }),
  row('square', { x: rand([2, 3]) }, ({ x }) => square(x)),
  row('exp', { x: rand([2, 3]) }, ({ x }) => exp(x)),
  row('exp of a rank-0 tensor', { x: rand([]) }, ({ x }) => exp(x)),
  row('log', { x: rand([2, 3], 0.3, 3) }, ({ x }) => log(x)),
  row('log1p', { x: rand([2, 3], -0.6, 2) }, ({ x }) => log1p(x)),
  row('expm1', { x: rand([2, 3]) }, ({ x }) => expm1(x)),
  row('sqrt', { x: rand([2, 3], 0.3, 3) }, ({ x }) => sqrt(x)),
  row('rsqrt', { x: rand([2, 3], 0.3, 3) }, ({ x }) => rsqrt(x)),
  row('reciprocal', { x: awayFromZero([2, 3], 0.4, 2) }, ({ x }) => reciprocal(x)),
  row('sin', { x: rand([2, 3], -3, 3) }, ({ x }) => sin(x)),
  row('cos', { x: rand([2, 3], -3, 3) }, ({ x }) => cos(x)),
  row('tanh', { x: rand([2, 3], -2, 2) }, ({ x }) => tanh(x)),
  row('sigmoid', { x: rand([2, 3], -3, 3) }, ({ x }) => sigmoid(x)),
  row('erf', { x: rand([2, 3], -2, 2) }, ({ x }) => erf(x)),
  row('floor (zero gradient)', { x: rand([2, 3], -2.5, 2.5, integers) }, ({ x }) => floor(x), { zero: true }),
  row('ceil (zero gradient)', { x: rand([2, 3], -2.5, 2.5, integers) }, ({ x }) => ceil(x), { zero: true }),
  row('round (zero gradient)', { x: rand([2, 3], -2.5, 2.5, halves) }, ({ x }) => round(x), { zero: true }),
  row('relu (away from 0)', { x: awayFromZero([2, 3]) }, ({ x }) => relu(x)),
];

type Binary = (a: Operand, b: Operand) => AnyTensor;
type Sample = <const S extends readonly number[]>(shape: S) => AnyTensor;
/** a binary op with inputs from its smooth domain; na and nb are plain-number operands from the same domains */
interface BinarySpec { readonly name: string; readonly op: Binary; readonly a: Sample; readonly b: Sample; readonly na: number; readonly nb: number }
const any: Sample = (s) => rand(s);
const binarySpecs: readonly BinarySpec[] = [
  { name: 'add', op: add, a: any, b: any, na: 0.7, nb: -1.3 },
  { name: 'sub', op: sub, a: any, b: any, na: 0.7, nb: -1.3 },
  { name: 'mul', op: mul, a: any, b: any, na: 0.7, nb: -1.3 },
  { name: 'div', op: div, a: any, b: (s) => awayFromZero(s, 0.5, 2), na: 1.5, nb: -0.8 },
  { name: 'pow', op: pow, a: (s) => rand(s, 0.5, 2), b: (s) => rand(s, -1.5, 2.5), na: 1.7, nb: 2.5 },
  { name: 'maximum', op: maximum, a: phased(0), b: phased(0.5), na: 0.1, nb: 0.3 },
  { name: 'minimum', op: minimum, a: phased(0), b: phased(0.5), na: 0.1, nb: 0.3 },
  { name: 'mod', op: mod, a: modNumerator, b: (s) => rand(s, 1, 1.05), na: 2.5, nb: 1.02 },
  { name: 'mod (negative divisor)', op: mod, a: modNumerator, b: (s) => rand(s, -1.05, -1), na: 2.5, nb: -1.02 },
  { name: 'atan2', op: atan2, a: (s) => awayFromZero(s), b: (s) => awayFromZero(s), na: 0.8, nb: -0.6 },
];
const binaryRows: Spec[] = binarySpecs.flatMap(({ name, op, a, b, na, nb }) => [
  row(`${name} [2,3] x [2,3]`, { a: a([2, 3]), b: b([2, 3]) }, (p) => op(p.a, p.b)),
  row(`${name} [2,3] x [3]`, { a: a([2, 3]), b: b([3]) }, (p) => op(p.a, p.b)),
  row(`${name} [2,1] x [1,3]`, { a: a([2, 1]), b: b([1, 3]) }, (p) => op(p.a, p.b)),
  row(`${name} [4,1,3] x [2,3]`, { a: a([4, 1, 3]), b: b([2, 3]) }, (p) => op(p.a, p.b)),
  row(`${name} [] x [2,3]`, { a: a([]), b: b([2, 3]) }, (p) => op(p.a, p.b)),
  row(`${name} [2,3] x number`, { a: a([2, 3]) }, (p) => op(p.a, nb)),
  row(`${name} number x [2,3]`, { b: b([2, 3]) }, (p) => op(na, p.b)),
]).concat([
  row('pow, negative base, integer exponent', { x: awayFromZero([2, 3]) }, ({ x }) => pow(x, 3)),
  row('add [1,3,1] x [2,1,4]', { a: rand([1, 3, 1]), b: rand([2, 1, 4]) }, ({ a, b }) => add(a, b)),
  row('mul [3,1] x [1]', { a: rand([3, 1]), b: rand([1]) }, ({ a, b }) => mul(a, b)),
]);
const cond23 = tensor([[true, false, true], [false, false, true]]);
const cond21 = tensor([[false], [true]]);
const selectRows: Spec[] = [
  row('where, same shapes', { a: rand([2, 3]), b: rand([2, 3]) }, ({ a, b }) => where(cond23, a, b)),
  row('where, broadcast [2,3] ? [3] : [2,1]', { a: rand([3]), b: rand([2, 1]) }, ({ a, b }) => where(cond23, a, b)),
  row('where, broadcast cond [2,1] ? [1,3] : []', { a: rand([1, 3]), b: rand([]) }, ({ a, b }) => where(cond21, a, b)),
  row('where with numbers', { a: rand([2, 3]) }, ({ a }) => add(where(cond23, a, 0.5), where(cond23, -1.5, a))),
  row('clip (away from the bounds)', { x: rand([3, 4], -1.2, 1.2, [-0.5, 0.5]) }, ({ x }) => clip(x, -0.5, 0.5)),
  row('cast float32 -> float32', { x: rand([2, 3]) }, ({ x }) => cast(mul(x, 2), 'float32')),
  row('argmax (integer output, zero gradient)', { x: distinct([3, 4]) }, ({ x }) => cast(argmax(x, 1), 'float32'), { zero: true }),
  row('argsort (integer output, zero gradient)', { x: distinct([3, 4]) }, ({ x }) => cast(argsort(x), 'float32'), { zero: true }),
];

const reduceRows: Spec[] = [
  row('sum, all axes', { x: rand([2, 3, 4]) }, ({ x }) => sum(x)),
  row('sum, one axis', { x: rand([2, 3, 4]) }, ({ x }) => sum(x, 1)),
  row('sum, two axes', { x: rand([2, 3, 4]) }, ({ x }) => sum(x, [0, 2])),
  row('sum, negative axes', { x: rand([2, 3, 4]) }, ({ x }) => sum(x, [-1, -3])),
  row('sum, keepdims', { x: rand([2, 3, 4]) }, ({ x }) => sum(x, -1, { keepdims: true })),
  row('prod, all axes', { x: awayFromZero([2, 3], 0.5, 1.5) }, ({ x }) => prod(x)),
  row('prod, one axis', { x: awayFromZero([2, 3, 4], 0.5, 1.5) }, ({ x }) => prod(x, 1)),
  row('prod, two axes, keepdims', { x: awayFromZero([2, 3, 4], 0.5, 1.5) }, ({ x }) => prod(x, [0, -1], { keepdims: true })),
  row('prod with a zero element', { x: tensor([[0.7, 0, -1.2], [1.1, 0.9, -0.6]]) }, ({ x }) => prod(x, -1)),
  row('prod with two zeros in a slice', { x: tensor([[0, 0.5, 0, 1.3], [1.1, 0.9, -0.6, 0.8]]) }, ({ x }) => prod(x, 1)),
  row('prod over all with a zero', { x: tensor([[0.7, 0, -1.2], [1.1, 0.9, -0.6]]) }, ({ x }) => prod(x)),
  row('max, all axes', { x: distinct([2, 3, 4]) }, ({ x }) => max(x)),
  row('max, one axis', { x: distinct([2, 3, 4]) }, ({ x }) => max(x, 1)),
  row('max, two negative axes', { x: distinct([2, 3, 4]) }, ({ x }) => max(x, [-1, -3])),
  row('max, keepdims', { x: distinct([2, 3, 4]) }, ({ x }) => max(x, -1, { keepdims: true })),
  row('min, all axes', { x: distinct([2, 3, 4]) }, ({ x }) => min(x)),
  row('min, one axis', { x: distinct([2, 3, 4]) }, ({ x }) => min(x, 0)),
  row('min, two axes, keepdims', { x: distinct([2, 3, 4]) }, ({ x }) => min(x, [0, 2], { keepdims: true })),
  row('mean, all axes', { x: rand([2, 3, 4]) }, ({ x }) => mean(x)),
  row('mean, one axis', { x: rand([2, 3, 4]) }, ({ x }) => mean(x, 1)),
  row('mean, two axes, keepdims', { x: rand([2, 3, 4]) }, ({ x }) => mean(x, [0, -1], { keepdims: true })),
  row('variance, all axes', { x: rand([2, 3, 4]) }, ({ x }) => variance(x)),
  row('variance, one axis', { x: rand([2, 3, 4]) }, ({ x }) => variance(x, 1)),
  row('variance, ddof 1', { x: rand([2, 3, 4]) }, ({ x }) => variance(x, -1, { ddof: 1 })),
  row('variance, two axes, keepdims, ddof 1', { x: rand([2, 3, 4]) }, ({ x }) => variance(x, [0, 2], { keepdims: true, ddof: 1 })),
  row('logSumExp, all axes', { x: rand([2, 3, 4], -2, 2) }, ({ x }) => logSumExp(x)),
  row('logSumExp, one axis', { x: rand([2, 3, 4], -2, 2) }, ({ x }) => logSumExp(x, 1)),
  row('logSumExp, two axes', { x: rand([2, 3, 4], -2, 2) }, ({ x }) => logSumExp(x, [0, 2])),
  row('logSumExp, keepdims', { x: rand([2, 3, 4], -2, 2) }, ({ x }) => logSumExp(x, -1, { keepdims: true })),
  // softmax has its own fused pullback (activations.ts): checked to second order like a primitive
  row('softmax, last axis', { x: rand([3, 5], -2, 2) }, ({ x }) => softmax(x)),
  row('softmax, first axis', { x: rand([4, 3], -2, 2) }, ({ x }) => softmax(x, 0)),
  row('softmax, big enough for the wasm kernels', { x: rand([3, 700], -2, 2) }, ({ x }) => softmax(x)),
  // standardize (layer/group/instance norm's core) has its own fused pullback too
  row('standardize, last axis', { x: rand([3, 6], -2, 2) }, ({ x }) => standardize(x, -1)),
  row('standardize, two axes, eps 0.1', { x: rand([2, 3, 4], -2, 2) }, ({ x }) => standardize(x, [1, 2], { eps: 0.1 })),
  row('standardize, big enough for the wasm kernels', { x: rand([4, 600], -2, 2) }, ({ x }) => standardize(x, 1)),
  row('cumsum, axis 0', { x: rand([3, 4]) }, ({ x }) => cumsum(x, 0)),
  row('cumsum, axis -1', { x: rand([3, 4]) }, ({ x }) => cumsum(x, -1)),
  row('cumsum, exclusive', { x: rand([3, 4]) }, ({ x }) => cumsum(x, 1, { exclusive: true })),
  row('cumsum, reverse', { x: rand([3, 4]) }, ({ x }) => cumsum(x, 1, { reverse: true })),
  row('cumsum, exclusive and reverse', { x: rand([3, 4]) }, ({ x }) => cumsum(x, 0, { exclusive: true, reverse: true })),
  row('sort values, last axis', { x: distinct([3, 4]) }, ({ x }) => sort(x)),
  row('sort values, axis 0', { x: distinct([3, 4]) }, ({ x }) => sort(x, 0)),
  row('sort values, descending', { x: distinct([3, 4]) }, ({ x }) => sort(x, -1, { descending: true })),
  row('topk values', { x: distinct([3, 5]) }, ({ x }) => topk(x, 2).values),
];

const linalgRows: Spec[] = [
  row('matmul [2,3] @ [3,4]', { a: rand([2, 3]), b: rand([3, 4]) }, ({ a, b }) => matmul(a, b)),
  row('matmul batched [2,2,3] @ [2,3,4]', { a: rand([2, 2, 3]), b: rand([2, 3, 4]) }, ({ a, b }) => matmul(a, b)),
  row('matmul batch broadcast [2,1,2,3] @ [3,3,2]', { a: rand([2, 1, 2, 3]), b: rand([3, 3, 2]) }, ({ a, b }) => matmul(a, b)),
  row('matmul [2,2,3] @ [3,4] (rhs shared)', { a: rand([2, 2, 3]), b: rand([3, 4]) }, ({ a, b }) => matmul(a, b)),
  // a weight used at several steps (a recurrent kernel): its gradient is one product over the steps' rows stacked
  row('matmul, one weight used at three steps', { h: rand([2, 3], -0.5, 0.5), w: rand([3, 3], -0.8, 0.8) }, ({ h, w }) => {
    const h1 = tanh(matmul(h, w)), h2 = tanh(matmul(h1, w));
    return add(matmul(h2, w), h1);
  }),
  row('matmul, a weight shared by a batched and a plain product', { x: rand([2, 2, 3]), y: rand([4, 3]), w: rand([3, 2]) }, ({ x, y, w }) => [matmul(x, w), matmul(y, w)]),
  row('matmul 1-D lhs [3] @ [3,4]', { a: rand([3]), b: rand([3, 4]) }, ({ a, b }) => matmul(a, b)),
  row('matmul 1-D rhs [2,3] @ [3]', { a: rand([2, 3]), b: rand([3]) }, ({ a, b }) => matmul(a, b)),
  row('matmul 1-D lhs, batched rhs [3] @ [2,3,4]', { a: rand([3]), b: rand([2, 3, 4]) }, ({ a, b }) => matmul(a, b)),
  row('matmul batched lhs, 1-D rhs [2,2,3] @ [3]', { a: rand([2, 2, 3]), b: rand([3]) }, ({ a, b }) => matmul(a, b)),
  row('dot', { a: rand([4]), b: rand([4]) }, ({ a, b }) => dot(a, b)),
  row('outer', { a: rand([3]), b: rand([4]) }, ({ a, b }) => outer(a, b)),
  row("einsum 'ij,jk->ik'", { a: rand([2, 3]), b: rand([3, 4]) }, ({ a, b }) => einsum('ij,jk->ik', a, b)),
  row("einsum 'bij,bjk->bik'", { a: rand([2, 2, 3]), b: rand([2, 3, 2]) }, ({ a, b }) => einsum('bij,bjk->bik', a, b)),
  row("einsum 'i,i->'", { a: rand([4]), b: rand([4]) }, ({ a, b }) => einsum('i,i->', a, b)),
  row("einsum 'i,j->ij'", { a: rand([3]), b: rand([4]) }, ({ a, b }) => einsum('i,j->ij', a, b)),
  row("einsum 'ij,ij->'", { a: rand([2, 3]), b: rand([2, 3]) }, ({ a, b }) => einsum('ij,ij->', a, b)),
  row("einsum 'ij,jk->ki'", { a: rand([2, 3]), b: rand([3, 4]) }, ({ a, b }) => einsum('ij,jk->ki', a, b)),
  row("einsum 'ij->ji'", { a: rand([2, 3]) }, ({ a }) => einsum('ij->ji', a)),
  row("einsum 'ij->'", { a: rand([2, 3]) }, ({ a }) => einsum('ij->', a)),
];

const fixedInput = rand([1, 4, 3, 2]);
// conv1d and conv2d with one group run the conv primitive (a direct kernel forward; patches and matmul in its VJP)
const fixedKernel = rand([2, 2, 2, 3]);
const convRows: Spec[] = [
  row('conv2d [1,4,5,2] * [3,3,2,3], same', { x: rand([1, 4, 5, 2]), w: rand([3, 3, 2, 3]) }, ({ x, w }) => conv2d(x, w, { padding: 'same' })),
  row('conv2d [2,5,4,1] * [2,2,1,2], strides [2,1], dilations [1,2], explicit pads', { x: rand([2, 5, 4, 1]), w: rand([2, 2, 1, 2]) },
    ({ x, w }) => conv2d(x, w, { strides: [2, 1], dilations: [1, 2], padding: [[1, 0], [0, 2]] })),
  row('conv2d [1,5,5,3] * [3,3,3,2], stride 3, valid', { x: rand([1, 5, 5, 3]), w: rand([3, 3, 3, 2]) }, ({ x, w }) => conv2d(x, w, { strides: 3 })),
  row('conv2d, input only (kernel constant)', { x: rand([1, 3, 4, 2]) }, ({ x }) => conv2d(x, fixedKernel, { padding: 'same' })),
  row('conv2d, kernel only (input constant)', { w: rand([2, 2, 2, 3]) }, ({ w }) => conv2d(fixedInput, w, { strides: 2, padding: 'same' })),
  row('conv1d [2,6,2] * [3,2,2], dilation 2, causal', { x: rand([2, 6, 2]), w: rand([3, 2, 2]) }, ({ x, w }) => conv1d(x, w, { dilations: 2, padding: 'causal' })),
  row('conv2d [1,5,6,2] * [3,2,2,3], dilations [2,1], explicit pads, stride 1', { x: rand([1, 5, 6, 2]), w: rand([3, 2, 2, 3]) },
    ({ x, w }) => conv2d(x, w, { dilations: [2, 1], padding: [[2, 1], [0, 1]] })),
  row('conv1d [1,4,2] * [2,2,3], pads wider than the kernel', { x: rand([1, 4, 2]), w: rand([2, 2, 3]) }, ({ x, w }) => conv1d(x, w, { padding: [[3, 2]] })),
  row('conv1d [1,7,3] * [2,3,4], stride 2, same', { x: rand([1, 7, 3]), w: rand([2, 3, 4]) }, ({ x, w }) => conv1d(x, w, { strides: 2, padding: 'same' })),
];

const layoutRows: Spec[] = [
  row('reshape', { x: rand([2, 3, 4]) }, ({ x }) => reshape(x, [4, 6])),
  row('reshape with -1', { x: rand([2, 3, 4]) }, ({ x }) => reshape(x, [-1, 4])),
  row('flatten', { x: rand([2, 3, 4]) }, ({ x }) => flatten(x)),
  row('flatten from axis 1', { x: rand([2, 3, 4]) }, ({ x }) => flatten(x, 1)),
  row('transpose (reversed)', { x: rand([2, 3, 4]) }, ({ x }) => transpose(x)),
  row('transpose [1,2,0]', { x: rand([2, 3, 4]) }, ({ x }) => transpose(x, [1, 2, 0])),
  row('expandDims', { x: rand([2, 3]) }, ({ x }) => expandDims(x, 1)),
  row('expandDims at -1', { x: rand([2, 3]) }, ({ x }) => expandDims(x, -1)),
  row('squeeze, all', { x: rand([2, 1, 3, 1]) }, ({ x }) => squeeze(x)),
  row('squeeze, one axis', { x: rand([2, 1, 3]) }, ({ x }) => squeeze(x, 1)),
  row('broadcastTo [3] -> [2,3]', { x: rand([3]) }, ({ x }) => broadcastTo(x, [2, 3])),
  row('broadcastTo [2,1] -> [2,2,3]', { x: rand([2, 1]) }, ({ x }) => broadcastTo(x, [2, 2, 3])),
  row('tile [2,3] by [2,1]', { x: rand([2, 3]) }, ({ x }) => tile(x, [2, 1])),
  row('tile [3] by [2,2]', { x: rand([3]) }, ({ x }) => tile(x, [2, 2])),
  row('concat, axis 0', { a: rand([2, 3]), b: rand([1, 3]) }, ({ a, b }) => concat([a, b], 0)),
  row('concat, axis 1', { a: rand([2, 3]), b: rand([2, 2]) }, ({ a, b }) => concat([a, b], 1)),
  row('concat, three, axis -1', { a: rand([2, 1]), b: rand([2, 3]), c: rand([2, 2]) }, ({ a, b, c }) => concat([a, b, c], -1)),
  row('stack, axis 0', { a: rand([2, 3]), b: rand([2, 3]) }, ({ a, b }) => stack([a, b])),
  row('stack, three, axis 1', { a: rand([2, 3]), b: rand([2, 3]), c: rand([2, 3]) }, ({ a, b, c }) => stack([a, b, c], 1)),
  row('stack, axis -1', { a: rand([2, 3]), b: rand([2, 3]) }, ({ a, b }) => stack([a, b], -1)),
  row('split into equal parts', { x: rand([6, 2]) }, ({ x }) => split(x, 3)),
  row('split by sizes, axis 1', { x: rand([2, 5]) }, ({ x }) => split(x, [2, 3], 1)),
  row('split, one part unused', { x: rand([4, 2]) }, ({ x }) => split(x, 2)[1]!),
];

const indexRows: Spec[] = [
  row('slice with steps', { x: rand([4, 6]) }, ({ x }) => slice(x, [[1, 3], [0, 6, 2]])),
  row('slice, step 3 not dividing', { x: rand([7]) }, ({ x }) => slice(x, [[1, null, 3]])),
  row('slice, reversed', { x: rand([4, 6]) }, ({ x }) => slice(x, [null, [null, null, -1]])),
  row('slice, negative steps', { x: rand([4, 6]) }, ({ x }) => slice(x, [[3, 0, -2], [5, null, -2]])),
  row('slice, negative indices', { x: rand([4, 6]) }, ({ x }) => slice(x, [[-3, -1], [-4, null]])),
  row('slice, integer index', { x: rand([4, 6]) }, ({ x }) => slice(x, [1, [1, 4]])),
  row('slice, integer index after a kept axis', { x: rand([4, 6]) }, ({ x }) => slice(x, [null, -2])),
  row('slice, negative integer index first', { x: rand([4, 6]) }, ({ x }) => slice(x, [-3, [null, null, 2]])),
  row('slice, empty', { x: rand([4, 6]) }, ({ x }) => add(sum(slice(x, [[2, 2]])), sum(x))),
  row('take, repeated indices', { x: rand([5]) }, ({ x }) => take(x, ints([5], [0, 2, 0, 4, 2]))),
  row('take, negative indices', { x: rand([4, 3]) }, ({ x }) => take(x, ints([3], [-1, 0, -1]))),
  row('take, 2-D indices', { x: rand([4, 3]) }, ({ x }) => take(x, ints([2, 2], [0, 3, 3, 1]))),
  row('take, axis 1', { x: rand([4, 3]) }, ({ x }) => take(x, ints([3], [2, 0, 2]), 1)),
  row('take, axis -1', { x: rand([2, 4]) }, ({ x }) => take(x, ints([3], [3, 3, 1]), -1)),
  row('gather, axis 1, repeats', { x: rand([3, 4]) }, ({ x }) => gather(x, ints([3, 2], [0, 0, 3, 1, 2, 2]), 1)),
  row('gather, axis 0, negative', { x: rand([3, 4]) }, ({ x }) => gather(x, ints([2, 4], [-1, 0, 1, 0, 0, 2, -1, 2]), 0)),
  row('gather, indices smaller than the input', { x: rand([3, 4]) }, ({ x }) => gather(x, ints([2, 2], [3, 0, 1, 1]), 1)),
  row('pad constant', { x: rand([2, 3]) }, ({ x }) => pad(x, [[1, 0], [2, 1]])),
  row('pad constant with a value', { x: rand([2, 3]) }, ({ x }) => pad(x, [[0, 2], [1, 1]], { value: 0.5 })),
  row('pad reflect', { x: rand([3, 4]) }, ({ x }) => pad(x, [[1, 2], [2, 1]], { mode: 'reflect' })),
  row('pad reflect, one side per axis', { x: rand([3, 4]) }, ({ x }) => pad(x, [[0, 2], [3, 0]], { mode: 'reflect' })),
  row('pad reflect, wide, 1-D', { x: rand([5]) }, ({ x }) => pad(x, [[3, 4]], { mode: 'reflect' })),
];

const specs: readonly Spec[] = [...unaryRows, ...binaryRows, ...selectRows, ...reduceRows, ...linalgRows, ...convRows, ...layoutRows, ...indexRows];

// ---- the checks ---------------------------------------------------------------------------------

const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const elements = (p: Params): number => Object.values(p).reduce((n, t) => n + t.size, 0);

describe('checkGrad over every op', () => {
  it('has one spec per name', () => {
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  it.each(specs)('$name', ({ f, params, order, zero }) => {
    const report = checkGrad(f, params, { order });
    expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
    expect(report.checked).toBe(order * elements(params));
    // guards against vacuous rows: the gradient is exactly zero where it should be, and not everywhere zero elsewhere
    const g = Object.values(grad(f)(params)).flatMap(values);
    if (zero) expect(g.every((v) => v === 0)).toBe(true);
    else expect(g.some((v) => v !== 0)).toBe(true);
  });
});

describe('checkGrad itself', () => {
  const x = rand([3]);
  it('fails a wrong first derivative', () => {
    const wrongSin = customVjp((t: Tensor<[3]>) => [sin(t), t] as const, (t, g) => [mul(g, sin(t))] as const);
    const report = checkGrad((p: { x: Tensor<[3]> }) => sum(wrongSin(p.x)), { x });
    expect(report.ok).toBe(false);
    expect(report.worst?.order).toBe(1);
    expect(report.worst?.numeric).toBeCloseTo(Math.cos(values(x)[report.worst!.index]!), 6);
  });
  it('fails a rule that is right at first order but not differentiable (order 2 only)', () => {
    // bwd stops the gradient through its residual: grad is right, grad of grad misses cos' = -sin
    const frozen = customVjp((t: Tensor<[3]>) => [sin(t), t] as const, (t, g) => [mul(g, cos(stopGradient(t)))] as const);
    const f = (p: { x: Tensor<[3]> }) => sum(frozen(p.x));
    expect(checkGrad(f, { x }, { order: 1 }).ok).toBe(true);
    const report = checkGrad(f, { x }, { order: 2 });
    expect(report.ok).toBe(false);
    expect(report.worst?.order).toBe(2);
  });
  it('reports a NaN gradient as a failure', () => {
    const nan = customVjp((t: Tensor<[3]>) => [exp(t), t] as const, (_t, g) => [mul(g, NaN)] as const);
    const report = checkGrad((p: { x: Tensor<[3]> }) => sum(nan(p.x)), { x });
    expect(report.ok).toBe(false);
    expect(report.maxAbsError).toBe(Infinity);
  });
  it('skips integer leaves', () => {
    const report = checkGrad((p: { x: Tensor<[3]>; i: Tensor<[3], 'int32'> }) => sum(mul(p.x, cast(p.i, 'float32'))), { x, i: ints([3], [1, 2, 3]) });
    expect(report).toMatchObject({ ok: true, checked: 3 });
  });
});
