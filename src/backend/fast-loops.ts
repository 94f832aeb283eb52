/** @file The inner loops of the fast elementwise kernels: one plain loop per op over a block of rows, no closures per element. */
import type { DType, Storage } from '../dtype/index.js';
import type { BinaryOp, UnaryOp } from './backend.js';
import { sigmoid } from './reference-math.js';

// Every loop writes `rows` x `n` elements to `d` from position `o` on, reading each operand from its
// start, stepping by its row step between rows and its element step along a row (0 where it is
// broadcast). The expression per element is the reference kernel's, in double, so the typed-array
// store rounds (float32) or wraps (int32, ToInt32 is `| 0`) exactly as the reference's store does.
// Tests give 0/1 through Number(bool), not `? 1 : 0`: V8 compiles the ternary to a branch, which
// mispredicts on data like activations (measured 5x slower on random signs).

/** d[...] = f(a[...], b[...]) over a block */
export type BinaryLoop = (
  d: Storage, o: number, rows: number, n: number,
  a: Storage, ai: number, ar: number, ac: number,
  b: Storage, bi: number, br: number, bc: number,
) => void;
/** d[...] = f(x[...]) over a block */
export type UnaryLoop = (d: Storage, o: number, rows: number, n: number, x: Storage, xi: number, xr: number, xc: number) => void;
/** d[...] = c[...] !== 0 ? a[...] : b[...] over a block */
export type WhereLoop = (
  d: Storage, o: number, rows: number, n: number,
  c: Storage, ci: number, cr: number, cc: number,
  a: Storage, ai: number, ar: number, ac: number,
  b: Storage, bi: number, br: number, bc: number,
) => void;

const add: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = a[p]! + b[q]!;
};
const sub: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = a[p]! - b[q]!;
};
const mul: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = a[p]! * b[q]!;
};
const imul: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Math.imul(a[p]!, b[q]!);
};
const div: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = a[p]! / b[q]!;
};
const maximum: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Math.max(a[p]!, b[q]!);
};
const minimum: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Math.min(a[p]!, b[q]!);
};
const equal: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! === b[q]!);
};
const notEqual: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! !== b[q]!);
};
const less: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! < b[q]!);
};
const lessEqual: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! <= b[q]!);
};
const greater: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! > b[q]!);
};
const greaterEqual: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! >= b[q]!);
};
const and: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! !== 0 && b[q]! !== 0);
};
const or: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = Number(a[p]! !== 0 || b[q]! !== 0);
};
const sigmoidGrad: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) { const y = b[q]!; d[o++] = a[p]! * (y * (1 - y)); }
};
const tanhGrad: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) { const y = b[q]!; d[o++] = a[p]! * (1 - y * y); }
};
const reluGrad: BinaryLoop = (d, o, rows, n, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ai += ar, bi += br) for (let j = 0, p = ai, q = bi; j < n; j++, p += ac, q += bc) d[o++] = b[q]! <= 0 ? 0 : a[p]!;
};

/**
 * The loop of `op` into dtype `out`, or undefined where the reference kernel is the one to run
 * (pow, mod, atan2, int32 division, arithmetic stored as bool): comparisons and logic give 0/1 in
 * any dtype; float arithmetic is the reference's double expression; int32 products need Math.imul.
 */
export const binaryLoop = (op: BinaryOp, out: DType): BinaryLoop | undefined => {
  switch (op) {
    case 'equal': return equal;
    case 'notEqual': return notEqual;
    case 'less': return less;
    case 'lessEqual': return lessEqual;
    case 'greater': return greater;
    case 'greaterEqual': return greaterEqual;
    case 'and': return and;
    case 'or': return or;
    default:
  }
  if (out === 'bool') return undefined;
  switch (op) {
    case 'add': return add;
    case 'sub': return sub;
    case 'mul': return out === 'int32' ? imul : mul;
    case 'div': return out === 'int32' ? undefined : div;
    case 'maximum': return maximum;
    case 'minimum': return minimum;
    case 'sigmoidGrad': return out === 'float32' ? sigmoidGrad : undefined;
    case 'tanhGrad': return out === 'float32' ? tanhGrad : undefined;
    case 'reluGrad': return out === 'float32' ? reluGrad : undefined;
    default: return undefined;
  }
};

const neg: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = -x[p]!;
};
const abs: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Math.abs(x[p]!);
};
const exp: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Math.exp(x[p]!);
};
const log: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Math.log(x[p]!);
};
const sqrt: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Math.sqrt(x[p]!);
};
const rsqrt: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = 1 / Math.sqrt(x[p]!);
};
const tanh: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Math.tanh(x[p]!);
};
const logistic: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = sigmoid(x[p]!);
};
const square: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; d[o++] = v * v; }
};
const isquare: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; d[o++] = Math.imul(v, v); }
};
const reciprocal: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = 1 / x[p]!;
};
const not: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Number(x[p]! === 0);
};
const relu: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; d[o++] = v <= 0 ? 0 : v; }
};
/**
 * relu on the bit patterns of float32 storage (Int32Array views), without a branch: a float is
 * kept when its pattern, read as an int32, is above -Infinity's (-2^23): the non-negative floats
 * and the NaNs with the sign bit set; every other negative float, -0 and -Infinity become +0.
 * The same values as the reference (NaN patterns are copied as they are).
 */
export const reluBits: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; d[o++] = v & -Number(v > -8388608); }
};
/** a plain copy: casts to float32 and int32 (the store rounds or truncates and wraps) */
export const copy: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = x[p]!;
};
/** the cast to bool: nonzero (and NaN) is true */
export const truth: UnaryLoop = (d, o, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, xi += xr) for (let j = 0, p = xi; j < n; j++, p += xc) d[o++] = Number(x[p]! !== 0);
};

/**
 * The loop of `op` into dtype `out`, or undefined where the reference kernel is the one to run (the
 * rarer functions, bool results but `not`). exp, log, tanh and sigmoid into float32 mostly run on
 * their wasm loops instead (fast-elementwise); these loops remain for float64 storage, strided
 * views the copy-in does not suit, small arrays and runtimes without wasm SIMD, and give the
 * correctly rounded results the wasm loops are measured against.
 */
export const unaryLoop = (op: UnaryOp, out: DType): UnaryLoop | undefined => {
  if (op === 'not') return not;
  if (out === 'bool') return undefined;
  if (out === 'int32') return op === 'neg' ? neg : op === 'abs' ? abs : op === 'square' ? isquare : op === 'relu' ? relu : undefined;
  switch (op) {
    case 'neg': return neg;
    case 'abs': return abs;
    case 'exp': return exp;
    case 'log': return log;
    case 'sqrt': return sqrt;
    case 'rsqrt': return rsqrt;
    case 'tanh': return tanh;
    case 'sigmoid': return logistic;
    case 'square': return square;
    case 'reciprocal': return reciprocal;
    case 'relu': return relu;
    default: return undefined;
  }
};

/** the select loop (any storage; a bool result goes to the reference); branches on each condition */
export const select: WhereLoop = (d, o, rows, n, c, ci, cr, cc, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ci += cr, ai += ar, bi += br) {
    for (let j = 0, s = ci, p = ai, q = bi; j < n; j++, s += cc, p += ac, q += bc) d[o++] = c[s]! !== 0 ? a[p]! : b[q]!;
  }
};
/**
 * The select loop on the 32-bit patterns of `a`, `b` and `d` (Int32Array views of float32 or int32
 * storage of one dtype): a mask from the condition picks bits without a branch, the same values
 * the branching loop copies.
 */
export const selectBits: WhereLoop = (d, o, rows, n, c, ci, cr, cc, a, ai, ar, ac, b, bi, br, bc) => {
  for (let r = 0; r < rows; r++, ci += cr, ai += ar, bi += br) {
    for (let j = 0, s = ci, p = ai, q = bi; j < n; j++, s += cc, p += ac, q += bc) {
      const m = -Number(c[s]! !== 0);
      d[o++] = (a[p]! & m) | (b[q]! & ~m);
    }
  }
};
