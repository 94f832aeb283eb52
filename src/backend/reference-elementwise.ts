/** @file Reference elementwise kernels: unary, binary, where and cast over strided, broadcast views. */
import type { DType } from '../dtype/index.js';
import { ValueError } from '../shape/index.js';
import type { BinaryOp, UnaryOp } from './backend.js';
import { erf, modFloat, modInt, powFloat, powInt, roundHalfEven, sigmoid, sign } from './reference-math.js';
import { broadcastOffsets, storeAs } from './reference-shared.js';
import { empty, offsets, type View } from './view.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

/** each unary op on doubles; integer and bool inputs are read as their values */
const UNARY: { readonly [P in UnaryOp]: Fn1 } = {
  neg: (x) => -x,
  abs: Math.abs,
  sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  not: (x) => (x === 0 ? 1 : 0),
  relu: (x) => (x <= 0 ? 0 : x),
};

/** the op computing into dtype `out`: int32 squares wrap (x * x may pass 2^53); the rest are exact and wrap on store */
const unaryFor = (op: UnaryOp, out: DType): Fn1 =>
  out === 'int32' && op === 'square' ? (x) => Math.imul(x, x) : UNARY[op];

/** each binary op on doubles (float semantics); comparisons and logic give 1 or 0 */
const BINARY: { readonly [P in BinaryOp]: Fn2 } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powFloat,
  maximum: Math.max, // Math.max/min propagate NaN, as NumPy's maximum/minimum
  minimum: Math.min,
  mod: modFloat,
  atan2: Math.atan2,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  sigmoidGrad: (g, y) => g * (y * (1 - y)),
  tanhGrad: (g, y) => g * (1 - y * y),
  reluGrad: (g, x) => (x <= 0 ? 0 : g),
};

/**
 * The op computing into dtype `out`. With an int32 result the inputs are integers: sums and
 * differences are exact in doubles and wrap on store, products need Math.imul, pow and mod are
 * integer algorithms, and division is the caller's business (it casts to float32 first).
 */
const binaryFor = (op: BinaryOp, out: DType): Fn2 => {
  if (out !== 'int32') return BINARY[op];
  switch (op) {
    case 'mul': return Math.imul;
    case 'pow': return powInt;
    case 'mod': return modInt;
    case 'div': throw new ValueError('div', 'int32 division is not a kernel; cast the operands to float32 first');
    default: return BINARY[op];
  }
};

/** applies `f` to every element of `x` (read through its strides) and stores the results as dtype `out` */
const mapElements = (x: View, out: DType, f: Fn1): View => {
  const store = storeAs(out);
  const res = empty(out, x.shape);
  const src = x.data, dst = res.data, xo = offsets(x.shape, x.strides, x.offset);
  for (let i = 0; i < dst.length; i++) dst[i] = store(f(src[xo[i]!]!));
  return res;
};

/** out[i] = f(x[i]) in double, stored as `out` */
export const unary = (op: UnaryOp, x: View, out: DType): View => mapElements(x, out, unaryFor(op, out));

/** out[i] = f(a[i], b[i]) over the broadcast `shape`, stored as `out` */
export const binary = (op: BinaryOp, a: View, b: View, shape: readonly number[], out: DType): View => {
  const f = binaryFor(op, out), store = storeAs(out);
  const ao = broadcastOffsets(op, a, shape), bo = broadcastOffsets(op, b, shape);
  const res = empty(out, shape);
  const ad = a.data, bd = b.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) dst[i] = store(f(ad[ao[i]!]!, bd[bo[i]!]!));
  return res;
};

/** out[i] = cond[i] ? a[i] : b[i] over the broadcast `shape`, stored as `out` (cond is true when nonzero) */
export const where = (cond: View, a: View, b: View, shape: readonly number[], out: DType): View => {
  const store = storeAs(out);
  const co = broadcastOffsets('where', cond, shape), ao = broadcastOffsets('where', a, shape), bo = broadcastOffsets('where', b, shape);
  const res = empty(out, shape);
  const cd = cond.data, ad = a.data, bd = b.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) dst[i] = store(cd[co[i]!] !== 0 ? ad[ao[i]!]! : bd[bo[i]!]!);
  return res;
};

/** converts to dtype `to`: float -> int32 truncates toward zero (NaN -> 0), anything -> bool is `!== 0` */
export const cast = (x: View, to: DType): View => mapElements(x, to, (v) => v);
