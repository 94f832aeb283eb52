/** @file Derivatives of the elementwise functions, one exhaustive table each (null: no gradient). */
import type { BinaryOp, UnaryOp } from '../backend/index.js';
import { bind } from '../core/index.js';
import type { AnyTensor } from '../tensor/index.js';
import { primitives } from './primitives.js';
import {
  add, cast, cos, div, equal, exp, floor, greater, log, mul, neg, pow, sign, sin, square, sub, where,
} from './elementwise.js';

type T = AnyTensor;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** d/dx of each unary function as a pullback of g, given x and y = f(x) */
export const unaryDerivatives: { readonly [F in UnaryOp]: ((g: T, x: T, y: T) => T) | null } = {
  neg: (g) => neg(g),
  // d|x| = sign(x): 0 at 0 (a subgradient), as JAX and PyTorch
  abs: (g, x) => mul(g, sign(x)),
  sign: null,
  square: (g, x) => mul(g, mul(x, 2)),
  exp: (g, _x, y) => mul(g, y),
  log: (g, x) => div(g, x),
  log1p: (g, x) => div(g, add(x, 1)),
  expm1: (g, _x, y) => mul(g, add(y, 1)),
  sqrt: (g, _x, y) => div(mul(g, 0.5), y),
  // y = x^-1/2: dy/dx = -y^3 / 2
  rsqrt: (g, _x, y) => mul(g, mul(pow(y, 3), -0.5)),
  reciprocal: (g, _x, y) => neg(mul(g, square(y))),
  sin: (g, x) => mul(g, cos(x)),
  cos: (g, x) => neg(mul(g, sin(x))),
  // g · (1 − y²) and g · y · (1 − y), each one pass (the binary ops below)
  tanh: (g, _x, y) => fused('tanhGrad', g, y),
  sigmoid: (g, _x, y) => fused('sigmoidGrad', g, y),
  erf: (g, x) => mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)),
  floor: null,
  ceil: null,
  round: null,
  not: null,
  // g where x > 0 (and where x is NaN, as the where it replaces passed it); 0 at 0; one pass
  relu: (g, x) => fused('reluGrad', g, x),
};

/**
 * [d/da, d/db] of each binary function as pullbacks of g (before summing back broadcast axes);
 * `need` says which of the two the caller keeps, so a side it drops may be skipped (null).
 */
export const binaryDerivatives: {
  readonly [F in BinaryOp]: ((g: T, a: T, b: T, out: T, need: readonly [boolean, boolean]) => readonly [T | null, T | null]) | null
} = {
  add: (g) => [g, g],
  sub: (g, _a, _b, _out, [, nb]) => [g, nb ? neg(g) : null],
  mul: (g, a, b, _out, [na, nb]) => [na ? mul(g, b) : null, nb ? mul(g, a) : null],
  div: (g, _a, b, out, [na, nb]) => [na ? div(g, b) : null, nb ? neg(div(mul(g, out), b)) : null],
  // d/da = b a^(b-1), taken as 0 where b = 0; d/db = out log a, taken as 0 where a <= 0
  pow: (g, a, b, out, [na, nb]) => [
    na ? mul(g, where(equal(b, 0), 0, mul(b, pow(a, sub(b, 1))))) : null,
    nb ? mul(g, where(greater(a, 0), mul(out, log(where(greater(a, 0), a, 1))), 0)) : null,
  ],
  // ties split the gradient equally between a and b (as JAX and PyTorch)
  maximum: (g, a, b) => tieSplit(g, greater(a, b), equal(a, b)),
  minimum: (g, a, b) => tieSplit(g, greater(b, a), equal(a, b)),
  // a mod b = a - floor(a / b) * b
  mod: (g, a, b, _out, [, nb]) => [g, nb ? neg(mul(g, floor(div(a, b)))) : null],
  atan2: (g, a, b) => {
    const r2 = add(square(a), square(b));
    return [mul(g, div(b, r2)), neg(mul(g, div(a, r2)))];
  },
  equal: null,
  notEqual: null,
  less: null,
  lessEqual: null,
  greater: null,
  greaterEqual: null,
  and: null,
  or: null,
  // a · s(y) with s(y) = y (1 − y): d/da = s(y), d/dy = a (1 − 2y)
  sigmoidGrad: (g, a, y, _out, [na, ny]) => [na ? fused('sigmoidGrad', g, y) : null, ny ? mul(mul(g, a), sub(1, mul(y, 2))) : null],
  // a · (1 − y²): d/da = 1 − y², d/dy = −2 a y
  tanhGrad: (g, a, y, _out, [na, ny]) => [na ? fused('tanhGrad', g, y) : null, ny ? mul(mul(g, a), mul(y, -2)) : null],
  // a where x > 0: linear in a, piecewise constant in x
  reluGrad: (g, _a, x) => [fused('reluGrad', g, x), null],
};

/** a fused derivative op on float32 operands */
const fused = (op: 'sigmoidGrad' | 'tanhGrad' | 'reluGrad', a: T, y: T): T => bind(primitives.binary, [a, y], { op, out: 'float32' });

const tieSplit = (g: T, first: T, tie: T): readonly [T, T] => {
  const wa = add(cast(first, 'float32'), mul(cast(tie, 'float32'), 0.5));
  return [mul(g, wa), mul(g, sub(1, wa))];
};
