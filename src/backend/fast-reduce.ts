/** @file Fast reductions: one walk over the input in storage order, folding into float64 accumulators (the reference's order, so its results). */
import { arith, type DType } from '../dtype/index.js';
import type { ReduceOp } from './backend.js';
import { plan } from './fast-plan.js';
import * as ref from './reference-reduce.js';
import { empty, type View } from './view.js';

/**
 * Folds a block of `rows` x `n` elements of `x` into `acc`. Where the accumulator's element step
 * is 0 (the innermost axis is reduced) a row folds into a local and is stored once (sums and
 * max: four rows side by side, so that their chains of dependent operations overlap); where its row
 * step is 0 (rows reduced onto one row: column sums, pooling windows) the hot folds walk four
 * columns (sums: eight) at a time down the rows in locals. Every accumulator still takes its elements in the
 * reference's order.
 */
type FoldLoop = (acc: Float64Array, ai: number, ar: number, ac: number, rows: number, n: number, x: ArrayLike<number>, xi: number, xr: number, xc: number) => void;

const sumFloat: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  if (ac !== 0 && ar === 0) { // rows fold onto one row of accumulators: keep eight (then four) of them in locals
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const q = ai + j * ac;
      let s0 = acc[q]!, s1 = acc[q + ac]!, s2 = acc[q + 2 * ac]!, s3 = acc[q + 3 * ac]!;
      let s4 = acc[q + 4 * ac]!, s5 = acc[q + 5 * ac]!, s6 = acc[q + 6 * ac]!, s7 = acc[q + 7 * ac]!;
      for (let r = 0, p = xi + j * xc; r < rows; r++, p += xr) {
        s0 += x[p]!; s1 += x[p + xc]!; s2 += x[p + 2 * xc]!; s3 += x[p + 3 * xc]!;
        s4 += x[p + 4 * xc]!; s5 += x[p + 5 * xc]!; s6 += x[p + 6 * xc]!; s7 += x[p + 7 * xc]!;
      }
      acc[q] = s0; acc[q + ac] = s1; acc[q + 2 * ac] = s2; acc[q + 3 * ac] = s3;
      acc[q + 4 * ac] = s4; acc[q + 5 * ac] = s5; acc[q + 6 * ac] = s6; acc[q + 7 * ac] = s7;
    }
    for (; j + 4 <= n; j += 4) {
      const q = ai + j * ac;
      let s0 = acc[q]!, s1 = acc[q + ac]!, s2 = acc[q + 2 * ac]!, s3 = acc[q + 3 * ac]!;
      for (let r = 0, p = xi + j * xc; r < rows; r++, p += xr) { s0 += x[p]!; s1 += x[p + xc]!; s2 += x[p + 2 * xc]!; s3 += x[p + 3 * xc]!; }
      acc[q] = s0; acc[q + ac] = s1; acc[q + 2 * ac] = s2; acc[q + 3 * ac] = s3;
    }
    for (; j < n; j++) { let s = acc[ai + j * ac]!; for (let r = 0, p = xi + j * xc; r < rows; r++, p += xr) s += x[p]!; acc[ai + j * ac] = s; }
    return;
  }
  let r = 0;
  if (ac === 0 && ar !== 0) { // rows fold into distinct accumulators: four rows at a time, each still in order, so that four chains of adds overlap
    for (; r + 4 <= rows; r += 4, ai += 4 * ar, xi += 4 * xr) {
      let s0 = acc[ai]!, s1 = acc[ai + ar]!, s2 = acc[ai + 2 * ar]!, s3 = acc[ai + 3 * ar]!;
      for (let j = 0, p = xi; j < n; j++, p += xc) { s0 += x[p]!; s1 += x[p + xr]!; s2 += x[p + 2 * xr]!; s3 += x[p + 3 * xr]!; }
      acc[ai] = s0; acc[ai + ar] = s1; acc[ai + 2 * ar] = s2; acc[ai + 3 * ar] = s3;
    }
  }
  for (; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) { let s = acc[ai]!; for (let j = 0, p = xi; j < n; j++, p += xc) s += x[p]!; acc[ai] = s; }
    else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) acc[q] = acc[q]! + x[p]!;
  }
};
const sumInt: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) { let s = acc[ai]!; for (let j = 0, p = xi; j < n; j++, p += xc) s = (s + x[p]!) | 0; acc[ai] = s; }
    else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) acc[q] = (acc[q]! + x[p]!) | 0;
  }
};
const prodFloat: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) { let s = acc[ai]!; for (let j = 0, p = xi; j < n; j++, p += xc) s *= x[p]!; acc[ai] = s; }
    else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) acc[q] = acc[q]! * x[p]!;
  }
};
const prodInt: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) { let s = acc[ai]!; for (let j = 0, p = xi; j < n; j++, p += xc) s = Math.imul(s, x[p]!); acc[ai] = s; }
    else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) acc[q] = Math.imul(acc[q]!, x[p]!);
  }
};
// Math.max/min propagate NaN and order -0 below +0, as the reference (and NumPy) do; they are
// called only where the element could change the running extreme (v >= s, or v NaN), which on
// real data is rare after the first few elements, so the loops mostly run one compare each; four
// rows side by side call it on every element (20% faster there than the compare and its branches).
const max: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  if (ac !== 0 && ar === 0) { // rows fold onto one row of accumulators (pooling windows): keep four in locals
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const q = ai + j * ac;
      let s0 = acc[q]!, s1 = acc[q + ac]!, s2 = acc[q + 2 * ac]!, s3 = acc[q + 3 * ac]!;
      for (let r = 0, p = xi + j * xc; r < rows; r++, p += xr) {
        const v0 = x[p]!, v1 = x[p + xc]!, v2 = x[p + 2 * xc]!, v3 = x[p + 3 * xc]!;
        if (v0 >= s0 || v0 !== v0) s0 = Math.max(s0, v0);
        if (v1 >= s1 || v1 !== v1) s1 = Math.max(s1, v1);
        if (v2 >= s2 || v2 !== v2) s2 = Math.max(s2, v2);
        if (v3 >= s3 || v3 !== v3) s3 = Math.max(s3, v3);
      }
      acc[q] = s0; acc[q + ac] = s1; acc[q + 2 * ac] = s2; acc[q + 3 * ac] = s3;
    }
    for (; j < n; j++) {
      let s = acc[ai + j * ac]!;
      for (let r = 0, p = xi + j * xc; r < rows; r++, p += xr) { const v = x[p]!; if (v >= s || v !== v) s = Math.max(s, v); }
      acc[ai + j * ac] = s;
    }
    return;
  }
  let r = 0;
  if (ac === 0 && ar !== 0) { // rows fold into distinct accumulators: four rows at a time, as sumFloat
    for (; r + 4 <= rows; r += 4, ai += 4 * ar, xi += 4 * xr) {
      let s0 = acc[ai]!, s1 = acc[ai + ar]!, s2 = acc[ai + 2 * ar]!, s3 = acc[ai + 3 * ar]!;
      for (let j = 0, p = xi; j < n; j++, p += xc) {
        s0 = Math.max(s0, x[p]!); s1 = Math.max(s1, x[p + xr]!); s2 = Math.max(s2, x[p + 2 * xr]!); s3 = Math.max(s3, x[p + 3 * xr]!);
      }
      acc[ai] = s0; acc[ai + ar] = s1; acc[ai + 2 * ar] = s2; acc[ai + 3 * ar] = s3;
    }
  }
  for (; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) {
      let s = acc[ai]!;
      for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; if (v >= s || v !== v) s = Math.max(s, v); }
      acc[ai] = s;
    } else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) { const v = x[p]!; if (v >= acc[q]! || v !== v) acc[q] = Math.max(acc[q]!, v); }
  }
};
const min: FoldLoop = (acc, ai, ar, ac, rows, n, x, xi, xr, xc) => {
  for (let r = 0; r < rows; r++, ai += ar, xi += xr) {
    if (ac === 0) {
      let s = acc[ai]!;
      for (let j = 0, p = xi; j < n; j++, p += xc) { const v = x[p]!; if (v <= s || v !== v) s = Math.min(s, v); }
      acc[ai] = s;
    } else for (let j = 0, p = xi, q = ai; j < n; j++, p += xc, q += ac) { const v = x[p]!; if (v <= acc[q]! || v !== v) acc[q] = Math.min(acc[q]!, v); }
  }
};

/** the fold and its starting value for `op` into dtype `out` (sums and products of int32 wrap at every step) */
const foldFor = (op: ReduceOp, out: DType): readonly [FoldLoop, number] => {
  const isInt = out !== 'float32';
  switch (op) {
    case 'sum': return [isInt ? sumInt : sumFloat, 0];
    case 'prod': return [isInt ? prodInt : prodFloat, 1];
    case 'max': return [max, -Infinity];
    case 'min': return [min, Infinity];
  }
};

/** true when `axes` are sorted, distinct axes of a rank-`r` view */
const validAxes = (axes: readonly number[], r: number): boolean =>
  axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < r && (i === 0 || a > axes[i - 1]!));

/** reduces `x` over sorted, distinct `axes` (the output drops them); invalid axes and empty max/min go to the reference, which throws */
export const reduce = (op: ReduceOp, x: View, axes: readonly number[]): View => {
  const r = x.shape.length;
  const reduced = x.shape.map((_, i) => axes.includes(i));
  const blockSize = x.shape.reduce((p, d, i) => (reduced[i] ? p * d : p), 1);
  if (!validAxes(axes, r) || (blockSize === 0 && (op === 'max' || op === 'min'))) return ref.reduce(op, x, axes);
  const out = op === 'sum' || op === 'prod' ? arith(x.dtype) : x.dtype;
  const res = empty(out, x.shape.filter((_, i) => !reduced[i]));
  const [fold, init] = foldFor(op, out);
  const acc = new Float64Array(res.data.length).fill(init);
  if (blockSize > 0 && acc.length > 0) {
    // the accumulator is read as a view of x's shape: stride 0 on reduced axes, row-major on kept ones
    const accStrides = new Array<number>(r);
    for (let i = r - 1, s = 1; i >= 0; i--) {
      accStrides[i] = reduced[i] ? 0 : s;
      if (!reduced[i]) s *= x.shape[i]!;
    }
    const p = plan(x.shape, [x, { strides: accStrides, offset: 0 }]);
    const [xs, as] = p.starts, [xr, ar] = p.rowSteps, [xc, ac] = p.steps, src = x.data;
    for (let k = 0; k < p.blocks; k++) fold(acc, as![k]!, ar!, ac!, p.rows, p.n, src, xs![k]!, xr!, xc!);
  }
  res.data.set(acc); // rounds to float32 (or keeps the int32 values) as the reference's store
  return res;
};
