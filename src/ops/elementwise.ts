/** @file Elementwise ops: unary math, binary arithmetic with broadcasting, comparisons, where, clip, cast. */
import type { Check } from '../../types/index.js';
import type { BinaryOp, UnaryOp } from '../backend/index.js';
import { bind } from '../core/index.js';
import { arith, isDType, type Arith, type DType } from '../dtype/index.js';
import { broadcastShapes, ValueError, type Broadcast, type Broadcast3, type Shape } from '../shape/index.js';
import { isTensor, type AnyTensor, type Tensor } from '../tensor/index.js';
import {
  arithDType, commonDType, lift, scalar, type ArithOf, type Common, type Operand, type OperandDType, type OperandShape,
  type Result,
} from './operand.js';
import { primitives } from './primitives.js';

// ---- unary ----------------------------------------------------------------------------------

/** a unary op whose result is float32 whatever the input (exp of an int32 tensor is float32) */
export type FloatUnary = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, 'float32'>;
/** a unary op that keeps the arithmetic dtype (bool counts as int32) */
export type ArithUnary = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, Arith<D>>;
/** a unary op that keeps the dtype */
export type SameUnary = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, D>;

const unary = (op: UnaryOp, out: (d: DType) => DType) =>
  (x: AnyTensor): AnyTensor => bind(primitives.unary, [x], { op, out: out(x.dtype) });
const toFloat = (): 'float32' => 'float32';
const same = (d: DType): DType => d;

/** -x */
export const neg = unary('neg', arith) as ArithUnary;
/** |x| */
export const abs = unary('abs', arith) as ArithUnary;
/** -1, 0 or 1 by the sign of x (NaN stays NaN) */
export const sign = unary('sign', arith) as ArithUnary;
/** x * x */
export const square = unary('square', arith) as ArithUnary;
/** e^x */
export const exp = unary('exp', toFloat) as FloatUnary;
/** natural logarithm */
export const log = unary('log', toFloat) as FloatUnary;
/** log(1 + x), accurate near 0 */
export const log1p = unary('log1p', toFloat) as FloatUnary;
/** e^x - 1, accurate near 0 */
export const expm1 = unary('expm1', toFloat) as FloatUnary;
/** square root */
export const sqrt = unary('sqrt', toFloat) as FloatUnary;
/** 1 / sqrt(x) */
export const rsqrt = unary('rsqrt', toFloat) as FloatUnary;
/** 1 / x */
export const reciprocal = unary('reciprocal', toFloat) as FloatUnary;
/** sine */
export const sin = unary('sin', toFloat) as FloatUnary;
/** cosine */
export const cos = unary('cos', toFloat) as FloatUnary;
/** hyperbolic tangent */
export const tanh = unary('tanh', toFloat) as FloatUnary;
/** 1 / (1 + e^-x), stable for large |x| */
export const sigmoid = unary('sigmoid', toFloat) as FloatUnary;
/** the error function */
export const erf = unary('erf', toFloat) as FloatUnary;
/** round down */
export const floor = unary('floor', same) as SameUnary;
/** round up */
export const ceil = unary('ceil', same) as SameUnary;
/** round half to even (as NumPy) */
export const round = unary('round', same) as SameUnary;
/** logical not of a bool tensor */
export const logicalNot = <S extends Shape>(x: Tensor<S, 'bool'>): Tensor<S, 'bool'> => {
  requireBool('logicalNot', x);
  return bind(primitives.unary, [x], { op: 'not', out: 'bool' }) as Tensor<S, 'bool'>;
};

// ---- binary ---------------------------------------------------------------------------------

/** how a binary op picks its result dtype */
type Kind = 'arith' | 'float' | 'bool';
type OutOf<K extends Kind, X, Y> = K extends 'float' ? 'float32' : K extends 'bool' ? 'bool' : ArithOf<X, Y>;
type BShape<X, Y, Op extends string> = Broadcast<OperandShape<X>, OperandShape<Y>, Op>;

/** a broadcasting binary op: data-first `add(a, b)`, or data-last `add(b)` for `pipe(a, add(b))` */
export interface Binary<Op extends string, K extends Kind> {
  <const X extends Operand, const Y extends Operand>(a: X, b: Check<BShape<X, Y, Op>, Y>): Result<BShape<X, Y, Op>, OutOf<K, X, Y>>;
  <const Y extends Operand>(b: Y): <const X extends Operand>(a: Check<BShape<X, Y, Op>, X>) => Result<BShape<X, Y, Op>, OutOf<K, X, Y>>;
}

const operandsFor = (op: BinaryOp, kind: Kind, a: Operand, b: Operand): [AnyTensor, AnyTensor, DType] => {
  if (kind === 'bool') {
    // comparisons read both sides exactly as they are; only a number is lifted
    // (an integer that fits in int32 stays exact; anything else is compared as float32)
    const liftCmp = (x: Operand) => (isTensor(x) ? x : scalar(x, Number.isInteger(x) && Math.abs(x) < 2 ** 31 ? 'int32' : 'float32'));
    return [liftCmp(a), liftCmp(b), 'bool'];
  }
  const d = kind === 'float' ? 'float32' : arithDType(a, b);
  return [lift(op, a, d), lift(op, b, d), d];
};
const binary = <Op extends BinaryOp, K extends Kind>(op: Op, kind: K): Binary<Op, K> => {
  const apply = (a: Operand, b: Operand): AnyTensor => {
    const [x, y, out] = operandsFor(op, kind, a, b);
    return bind(primitives.binary, [x, y], { op, out });
  };
  function f(...args: [Operand, Operand] | [Operand]): AnyTensor | ((a: Operand) => AnyTensor) {
    if (args.length === 1) return (a: Operand) => apply(a, args[0]);
    return apply(args[0], args[1]);
  }
  return f as Binary<Op, K>;
};

/** a + b */
export const add = binary('add', 'arith');
/** a - b */
export const sub = binary('sub', 'arith');
/** a * b */
export const mul = binary('mul', 'arith');
/** a / b (true division: always float32) */
export const div = binary('div', 'float');
/** a ** b (int32 ** negative int32 is an error) */
export const pow = binary('pow', 'arith');
/** elementwise max (NaN propagates) */
export const maximum = binary('maximum', 'arith');
/** elementwise min (NaN propagates) */
export const minimum = binary('minimum', 'arith');
/** floored modulo: the result has the sign of b (as NumPy and Python) */
export const mod = binary('mod', 'arith');
/** atan2(a, b): the angle of the point (b, a) */
export const atan2 = binary('atan2', 'float');
/** a == b */
export const equal = binary('equal', 'bool');
/** a != b */
export const notEqual = binary('notEqual', 'bool');
/** a < b */
export const less = binary('less', 'bool');
/** a <= b */
export const lessEqual = binary('lessEqual', 'bool');
/** a > b */
export const greater = binary('greater', 'bool');
/** a >= b */
export const greaterEqual = binary('greaterEqual', 'bool');

const requireBool = (op: string, ...xs: AnyTensor[]): void => {
  xs.forEach((x) => { if (x.dtype !== 'bool') throw new ValueError(op, `expects bool tensors, got ${x.dtype}`); });
};
/** a logical op of two bool tensors, with broadcasting; errors name the public op */
type Logical<Op extends string> = <A extends Shape, B extends Shape>(
  a: Tensor<A, 'bool'>, b: Check<Broadcast<A, B, Op>, Tensor<B, 'bool'>>,
) => Result<Broadcast<A, B, Op>, 'bool'>;
const logical = <Op extends string>(name: Op, op: 'and' | 'or'): Logical<Op> =>
  ((a: AnyTensor, b: AnyTensor) => {
    requireBool(name, a, b);
    broadcastShapes(a.shape as readonly number[], b.shape as readonly number[], name);
    return bind(primitives.binary, [a, b], { op, out: 'bool' });
  }) as Logical<Op>;
/** a && b for bool tensors, with broadcasting */
export const logicalAnd = logical('logicalAnd', 'and');
/** a || b for bool tensors, with broadcasting */
export const logicalOr = logical('logicalOr', 'or');

// ---- selection, clipping, casting -----------------------------------------------------------

type WShape<C extends Shape, X, Y> = Broadcast3<C, OperandShape<X>, OperandShape<Y>, 'where'>;
/** cond ? a : b elementwise, with all three broadcast together */
export const where = <C extends Shape, const X extends Operand, const Y extends Operand>(
  cond: Tensor<C, 'bool'>, a: X, b: Check<WShape<C, X, Y>, Y>,
): Result<WShape<C, X, Y>, ArithOrBool<X, Y>> => {
  const y = b as Operand;
  const d = commonDType(a, y);
  return bind(primitives.where, [cond, lift('where', a, d), lift('where', y, d)], { out: d }) as Result<WShape<C, X, Y>, ArithOrBool<X, Y>>;
};
type ArithOrBool<X, Y> = Common<OperandDType<X>, OperandDType<Y>>;

/** max(x, 0); NaN stays NaN and the gradient at 0 is 0 */
export const relu = <S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, Arith<D>> =>
  bind(primitives.unary, [x as AnyTensor], { op: 'relu', out: arith(x.dtype) }) as AnyTensor as Tensor<S, Arith<D>>;

/** limits x to [lo, hi] (NaN stays NaN) */
export const clip = <S extends Shape, D extends DType>(x: Tensor<S, D>, lo: number, hi: number): Tensor<S, Arith<D>> => {
  if (!(lo <= hi)) throw new ValueError('clip', `lower bound ${lo} is above upper bound ${hi}`);
  return minimum(maximum(x as AnyTensor, lo), hi) as AnyTensor as Tensor<S, Arith<D>>;
};

/** converts to another dtype (float -> int32 truncates toward zero; -> bool is x != 0) */
export const cast = <S extends Shape, D extends DType, To extends DType>(x: Tensor<S, D>, dtype: To): Tensor<S, To> => {
  if (!isDType(dtype)) throw new ValueError('cast', `unknown dtype ${String(dtype)} (float32, int32 or bool)`);
  return bind(primitives.cast, [x], { to: dtype }) as Tensor<S, To>;
};

/** the same values, seen by autodiff as a constant */
export const stopGradient = <S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<S, D> =>
  bind(primitives.stopGradient, [x], {}) as Tensor<S, D>;
