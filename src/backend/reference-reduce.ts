/** @file Reference reductions and scans: reduce, argReduce, cumsum, argsort. */
import { arith, type DType } from '../dtype/index.js';
import { ShapeMismatchError, ValueError } from '../shape/index.js';
import type { ReduceOp } from './backend.js';
import { lines, without } from './reference-shared.js';
import { empty, offsets, type View } from './view.js';

/** how a reduction starts and folds one more element in (float64 accumulator) */
interface Fold {
  readonly init: number;
  readonly step: (acc: number, v: number) => number;
}
// Math.max/min propagate NaN, as NumPy's max/min do
const MAX: Fold = { init: -Infinity, step: Math.max };
const MIN: Fold = { init: Infinity, step: Math.min };
/** the fold of each op for an integer result: sums and products wrap like int32 at every step */
const INT_FOLD: { readonly [P in ReduceOp]: Fold } = {
  sum: { init: 0, step: (acc, v) => (acc + v) | 0 },
  prod: { init: 1, step: Math.imul },
  max: MAX,
  min: MIN,
};
/** the fold of each op for a float result */
const FLOAT_FOLD: { readonly [P in ReduceOp]: Fold } = {
  sum: { init: 0, step: (acc, v) => acc + v },
  prod: { init: 1, step: (acc, v) => acc * v },
  max: MAX,
  min: MIN,
};

/** the output dtype of a reduction: bool sums and products count in int32, max/min keep the dtype */
const reduceDType = (op: ReduceOp, d: DType): DType => (op === 'sum' || op === 'prod' ? arith(d) : d);

/** reduces `x` over sorted, distinct `axes`; the output drops them (rank 0 when all go) */
export const reduce = (op: ReduceOp, x: View, axes: readonly number[]): View => {
  const r = x.shape.length;
  if (axes.some((a, i) => !Number.isInteger(a) || a < 0 || a >= r || (i > 0 && a <= axes[i - 1]!))) {
    throw new ShapeMismatchError(op, `axes [${axes.join(', ')}] are not sorted, distinct axes of rank ${r}`, [x.shape]);
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const pick = (xs: readonly number[], ks: readonly number[]): number[] => ks.map((k) => xs[k]!);
  // every output element reads its storage start plus the same relative offsets of the reduced block
  const starts = offsets(pick(x.shape, kept), pick(x.strides, kept), x.offset);
  const block = offsets(pick(x.shape, axes), pick(x.strides, axes), 0);
  if (block.length === 0 && (op === 'max' || op === 'min')) throw new ValueError(op, 'reduction over an empty axis');
  const out = reduceDType(op, x.dtype);
  const { init, step } = (out === 'float32' ? FLOAT_FOLD : INT_FOLD)[op];
  const res = empty(out, pick(x.shape, kept));
  const src = x.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) {
    let acc = init;
    const s = starts[i]!;
    for (let j = 0; j < block.length; j++) acc = step(acc, src[s + block[j]!]!);
    dst[i] = acc;
  }
  return res;
};

/** the int32 index of the first max/min along `axis` (a NaN, if any, wins at its first index); axis dropped */
export const argReduce = (op: 'argmax' | 'argmin', x: View, axis: number): View => {
  const { starts, step, length, axis: ax } = lines(op, x, axis);
  if (length === 0) throw new ValueError(op, 'reduction over an empty axis');
  const beats = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  const res = empty('int32', without(x.shape, ax));
  const src = x.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) {
    const s = starts[i]!;
    let best = src[s]!, at = 0;
    for (let k = 1; k < length && best === best; k++) { // best !== best: a NaN has won
      const v = src[s + k * step]!;
      if (v !== v || beats(v, best)) { best = v; at = k; }
    }
    dst[i] = at;
  }
  return res;
};

/** running sums along `axis` (float64 accumulator; int32 wraps; bool counts in int32) */
export const cumsum = (x: View, axis: number, exclusive: boolean, reverse: boolean): View => {
  const out = arith(x.dtype);
  const res = empty(out, x.shape);
  const from = lines('cumsum', x, axis), to = lines('cumsum', res, axis);
  const add = out === 'int32' ? INT_FOLD.sum.step : FLOAT_FOLD.sum.step;
  const n = from.length, src = x.data, dst = res.data;
  for (let i = 0; i < from.starts.length; i++) {
    const s = from.starts[i]!, t = to.starts[i]!;
    let acc = 0;
    for (let j = 0; j < n; j++) {
      const k = reverse ? n - 1 - j : j;
      const v = src[s + k * from.step]!;
      if (exclusive) { dst[t + k * to.step] = acc; acc = add(acc, v); }
      else { acc = add(acc, v); dst[t + k * to.step] = acc; }
    }
  }
  return res;
};

/** ascending order with NaN last (ties compare equal, so a stable sort keeps them in place) */
const nanLastAscending = (a: number, b: number): number =>
  a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a < b ? -1 : a > b ? 1 : 0;
/** descending order with NaN first */
const nanFirstDescending = (a: number, b: number): number =>
  a !== a ? (b !== b ? 0 : -1) : b !== b ? 1 : a > b ? -1 : a < b ? 1 : 0;

/** int32 indices that sort each line along `axis`: stable, NaN last ascending and first descending */
export const argsort = (x: View, axis: number, descending: boolean): View => {
  const res = empty('int32', x.shape);
  const from = lines('argsort', x, axis), to = lines('argsort', res, axis);
  const order = descending ? nanFirstDescending : nanLastAscending;
  const n = from.length, src = x.data, dst = res.data, values = new Float64Array(n);
  for (let i = 0; i < from.starts.length; i++) {
    const s = from.starts[i]!, t = to.starts[i]!;
    for (let k = 0; k < n; k++) values[k] = src[s + k * from.step]!;
    // Array.prototype.sort is stable (ES2019), which gives the tie rule in both directions
    const idx = Array.from({ length: n }, (_, k) => k).sort((p, q) => order(values[p]!, values[q]!));
    for (let k = 0; k < n; k++) dst[t + k * to.step] = idx[k]!;
  }
  return res;
};
