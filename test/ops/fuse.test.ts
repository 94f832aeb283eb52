/** @file fuse: fused elementwise functions against the same ops applied one by one, their gradients against finite differences, and their errors. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { mulberry32 } from '../helpers/mulberry32.js';
import { checkGrad, grad, vjp } from '../../src/autodiff/index.js';
import {
  add, cast, div, exp, fromArray, fuse, greater, log, matmul, maximum, mul, neg, relu, reshape, sigmoid, sqrt, square, sub, sum,
  tanh, toArray, where, ShapeMismatchError, ValueError, type AnyTensor, type Tensor,
} from '../../src/index.js';

const draw = mulberry32(0xf05e);
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const rand = <const S extends readonly number[]>(shape: S, lo = -2, hi = 2): Tensor<[...S]> => {
  const r = fromArray(Array.from({ length: numel(shape) }, () => lo + (hi - lo) * draw()), shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
/** equal as float32 bit patterns (NaN positions included) */
const bitsEqual = (a: AnyTensor, b: AnyTensor): boolean => {
  const x = values(a), y = values(b);
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]) || (Number.isNaN(v) && Number.isNaN(y[i])));
};
/** within `ulps` float32 units in the last place of each other (relative), or both NaN */
const ulpClose = (a: AnyTensor, b: AnyTensor, ulps: number): boolean => {
  const x = values(a), y = values(b);
  return x.length === y.length && x.every((v, i) => {
    const w = y[i]!;
    if (Number.isNaN(v) || Number.isNaN(w)) return Number.isNaN(v) && Number.isNaN(w);
    return Math.abs(v - w) <= ulps * 2 ** -23 * Math.max(Math.abs(v), Math.abs(w), 2 ** -126);
  });
};

// gelu's tanh form: many nodes, three kinds of transcendental-free arithmetic and one tanh
const geluTanh = <T extends AnyTensor>(t: T): T => {
  const x = t as unknown as Tensor<number[]>;
  return mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(x, square(x)), 0.044715)), Math.sqrt(2 / Math.PI))), 1)) as AnyTensor as T;
};

describe('fuse computes what its ops compute one by one', () => {
  // sizes below and above the wasm threshold, and not multiples of 4 or 8
  it.each([[7], [1000], [4099], [1 << 16]])('relu(a + b) on %i elements, bit for bit', (n) => {
    const a = rand([n]), b = rand([n]);
    const f = (x: Tensor<[number]>, y: Tensor<[number]>) => relu(add(x, y));
    expect(bitsEqual(fuse(f)(a, b), f(a, b))).toBe(true);
  });

  it('broadcasts a bias row, a column and numbers, bit for bit', () => {
    const x = rand([67, 129]), bias = rand([129]), col = rand([67, 1]);
    const f = (a: Tensor<[67, 129]>, b: Tensor<[129]>, c: Tensor<[67, 1]>, s: number) =>
      maximum(sub(mul(add(a, b), c), s), div(a, add(square(c), 1)));
    expect(bitsEqual(fuse(f)(x, bias, col, 0.25), f(x, bias, col, 0.25))).toBe(true);
  });

  it('takes comparisons, where and bool arguments, bit for bit', () => {
    const x = rand([5000]), y = rand([5000]), mask = greater(rand([5000]), 0);
    const f = (a: Tensor<[5000]>, b: Tensor<[5000]>, m: Tensor<[5000], 'bool'>) =>
      where(m, mul(a, b), where(greater(a, b), sub(a, b), cast(greater(b, 0.5), 'float32')));
    expect(bitsEqual(fuse(f)(x, y, mask), f(x, y, mask))).toBe(true);
  });

  it('agrees within the fast kernels\' ulps with exp, log, tanh and sigmoid on the path', () => {
    const x = rand([3000, 3]);
    const f = (a: Tensor<number[]>) => add(mul(sigmoid(a), log(add(exp(neg(square(a))), 1))), geluTanh(a));
    expect(ulpClose(fuse(f)(x), f(x), 16)).toBe(true);
  });

  it('reads the tensors and numbers it closes over afresh on every call', () => {
    let w = rand([4100]);
    let lr = 0.1;
    const step = fuse((p: Tensor<[4100]>) => sub(p, mul(w, lr)));
    const p = rand([4100]);
    const first = step(p);
    expect(bitsEqual(first, sub(p, mul(w, lr)))).toBe(true);
    w = rand([4100]);
    lr = 0.01;
    expect(bitsEqual(step(p), sub(p, mul(w, lr)))).toBe(true);
  });

  it('inlines a fused function called inside another', () => {
    const inner = fuse((a: Tensor<[9000]>) => sqrt(add(square(a), 1)));
    const outer = fuse((a: Tensor<[9000]>, b: Tensor<[9000]>) => mul(inner(a), b));
    const a = rand([9000]), b = rand([9000]);
    expect(bitsEqual(outer(a, b), mul(sqrt(add(square(a), 1)), b))).toBe(true);
  });

  it('leaves its arguments as they were', () => {
    const a = rand([5000]), b = rand([5000]);
    const before = [values(a), values(b)];
    fuse((x: Tensor<[5000]>, y: Tensor<[5000]>) => relu(sub(mul(x, y), x)))(a, b);
    expect([values(a), values(b)]).toEqual(before);
  });

  it('keeps the function\'s type', () => {
    const f = fuse((a: Tensor<['B', 3]>, b: Tensor<[3]>) => relu(add(a, b)));
    expectTypeOf(f).toEqualTypeOf<(a: Tensor<['B', 3]>, b: Tensor<[3]>) => Tensor<['B', 3]>>();
  });
});

describe('fuse differentiates', () => {
  // checkGrad: float64 central differences of the fused function
  it.each<[string, (p: { a: Tensor<[6, 5]>; b: Tensor<[5]> }) => Tensor<[]>, 1 | 2]>([
    ['relu(a + b) with a broadcast b', (p) => sum(fuse((x: Tensor<[6, 5]>, y: Tensor<[5]>) => relu(add(x, y)))(p.a, p.b)), 1],
    ['a chain through the broadcast b: a * exp(b * b)', (p) => sum(fuse((x: Tensor<[6, 5]>, y: Tensor<[5]>) => mul(x, exp(mul(y, y))))(p.a, p.b)), 2],
    ['gelu (tanh form) times sigmoid(b)', (p) => sum(fuse((x: Tensor<[6, 5]>, y: Tensor<[5]>) => mul(geluTanh(x), sigmoid(y)))(p.a, p.b)), 2],
    ['a quotient and a maximum', (p) => sum(fuse((x: Tensor<[6, 5]>, y: Tensor<[5]>) => div(maximum(x, y), add(square(y), 1)))(p.a, p.b)), 2],
    ['where with a comparison', (p) => sum(fuse((x: Tensor<[6, 5]>, y: Tensor<[5]>) => where(greater(x, y), tanh(x), mul(y, x)))(p.a, p.b)), 1],
  ])('%s (order %i)', (_, f, order) => {
    const params = { a: rand([6, 5], -1.5, 1.5), b: rand([5], -1, 1) };
    const report = checkGrad(f, params, { order });
    expect(report.ok, `worst: ${JSON.stringify(report.worst)}`).toBe(true);
    expect(report.checked).toBe(order * 35);
  });

  it('gives the gradient the unfused ops give, on sizes the wasm kernel takes', () => {
    const a = rand([64, 96]), b = rand([96]);
    const f = (x: Tensor<[64, 96]>, y: Tensor<[96]>) => mul(geluTanh(x), sigmoid(y));
    const fused = fuse(f);
    const gf = grad((p: { a: Tensor<[64, 96]>; b: Tensor<[96]> }) => sum(fused(p.a, p.b)))({ a, b });
    const gu = grad((p: { a: Tensor<[64, 96]>; b: Tensor<[96]> }) => sum(f(p.a, p.b)))({ a, b });
    expect(ulpClose(gf.a, gu.a, 64)).toBe(true);
    // b's gradient is a sum over 64 rows in two orders: a relative tolerance for the sums
    values(gf.b).forEach((v, i) => expect(Math.abs(v - values(gu.b)[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
  });

  it('sends gradients to the tensors it closes over, and none to masks', () => {
    const w = rand([40]), x = rand([40]), m = greater(rand([40]), 0);
    const [, pull] = vjp((p: { w: Tensor<[40]>; x: Tensor<[40]> }) =>
      fuse((a: Tensor<[40]>, mm: Tensor<[40], 'bool'>) => where(mm, mul(a, p.w), 0))(p.x, m), { w, x } as { w: Tensor<[40]>; x: Tensor<[40]> });
    const g = rand([40]);
    const [got] = pull(g);
    const mv = values(m), gv = values(g), wv = values(w), xv = values(x);
    values(got.w).forEach((v, i) => expect(v).toBeCloseTo(mv[i] ? gv[i]! * xv[i]! : 0, 6));
    values(got.x).forEach((v, i) => expect(v).toBeCloseTo(mv[i] ? gv[i]! * wv[i]! : 0, 6));
  });

  it('gives zeros to an argument the output does not depend on', () => {
    const g = grad((p: { a: Tensor<[3]>; b: Tensor<[3]> }) => sum(fuse((x: Tensor<[3]>, _y: Tensor<[3]>) => exp(x))(p.a, p.b)))({ a: rand([3]), b: rand([3]) });
    expect(values(g.b)).toEqual([0, 0, 0]);
  });
});

describe('fuse refuses what is not elementwise', () => {
  it('names the op that is not elementwise', () => {
    const f = fuse((a: Tensor<[4, 4]>) => matmul(a, a));
    expect(() => f(rand([4, 4]))).toThrow(ValueError);
    expect(() => f(rand([4, 4]))).toThrow(/fuse.*matmul is not an elementwise function/);
    expect(() => fuse((a: Tensor<[4]>) => add(a, sum(a)))(rand([4]))).toThrow(/reduce is not an elementwise function/);
    expect(() => fuse((a: Tensor<[4]>) => reshape(a, [2, 2]) as unknown as Tensor<[4]>)(rand([4]))).toThrow(/reshape is not an elementwise function/);
  });

  it('refuses to read a tensor\'s values while staging', () => {
    const peek = fuse((a: Tensor<[4]>) => mul(a, (toArray(a) as Float32Array)[0] ?? 0));
    expect(() => peek(rand([4]))).toThrow(/fuse: the function reads the values of a tensor \[4\] while it is staged/);
  });

  it('gives the unfused op\'s shape error for a shape mistake inside', () => {
    const bad = fuse((a: Tensor<[number]>, b: Tensor<[number]>) => add(a, b));
    expect(() => bad(rand([3]), rand([4]))).toThrow(ShapeMismatchError);
    expect(() => bad(rand([3]), rand([4]))).toThrow(/add.*\[3\].*\[4\]/);
  });

  it('compares with integers (which comparisons lift to int32 scalars) as exact float32 numbers', () => {
    const x = rand([5000]);
    const f = (a: Tensor<[5000]>) => where(greater(a, 0), a, mul(a, 0.01));
    expect(bitsEqual(fuse(f)(x), f(x))).toBe(true);
    const big = fuse((a: Tensor<[5000]>) => where(greater(a, 2 ** 24 + 1), a, 0));
    expect(() => big(x)).toThrow(/fuse: the function reads a int32 tensor \[\]/);
  });

  it('refuses int32 arguments and int32 tensors it closes over', () => {
    const i = cast(rand([3]), 'int32');
    expect(() => fuse((a: Tensor<[3]>) => add(a, 1))(i as unknown as Tensor<[3]>)).toThrow(/fuse: argument 0 is int32/);
    expect(() => fuse((a: Tensor<[3]>) => add(a, cast(i, 'float32')))(rand([3]))).toThrow(/fuse.*int32/);
  });
});
