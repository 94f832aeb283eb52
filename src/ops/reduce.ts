/** @file Reductions (sum, mean, max, ..., logSumExp, variance), arg-reductions, cumsum, sort and top-k. */
import type { Check } from '../../types/index.js';
import type { ReduceOp } from '../backend/index.js';
import { bind } from '../core/index.js';
import type { Arith, DType } from '../dtype/index.js';
import {
  normAxes, normAxis, numel, reduceShape, topkShape, ValueError, type AlongAxis, type AsShape, type Axes,
  type Reduce, type Shape, type TopK,
} from '../shape/index.js';
import { full, type AnyTensor, type Tensor } from '../tensor/index.js';
import { abs, add, cast, div, equal, exp, greater, less, log, logicalNot, square, stopGradient, sub, where } from './elementwise.js';
import { primitives } from './primitives.js';

/** keepdims: keep reduced axes as size 1 */
export interface ReduceOptions<K extends boolean> { readonly keepdims?: K }
/** a reduction over `axis` (one, a list, or all when omitted) whose result has dtype Out<D> */
type ReduceFn<Op extends string, Out extends 'arith' | 'same' | 'float' | 'bool'> =
  <S extends Shape, D extends DType, const Ax extends Axes = undefined, const K extends boolean = false>(
    x: Tensor<S, D>, axis?: Check<Reduce<S, Ax, K, Op>, Ax>, options?: ReduceOptions<K>,
  ) => Tensor<AsShape<Reduce<S, NoInfer<Ax>, NoInfer<K>, Op>>, OutDType<Out, D>>;
type OutDType<Out, D extends DType> = Out extends 'arith' ? Arith<D> : Out extends 'same' ? D : Out extends 'bool' ? 'bool' : 'float32';

const keep = (x: AnyTensor, reduced: AnyTensor, axes: Axes, keepdims: boolean | undefined, op: string): AnyTensor =>
  keepdims ? bind(primitives.reshape, [reduced], { shape: reduceShape(x.shape, axes, true, op) as number[] }) : reduced;
const reduceWith = (op: ReduceOp, name: string) =>
  (x: AnyTensor, axis?: Axes, options?: ReduceOptions<boolean>): AnyTensor => {
    const axes = normAxes(name, axis, x.shape);
    return keep(x, bind(primitives.reduce, [x], { op, axes }), axis, options?.keepdims, name);
  };
const requireBool = (op: string, x: AnyTensor): void => {
  if (x.dtype !== 'bool') throw new ValueError(op, `expects a bool tensor, got ${x.dtype}`);
};
const count = (op: string, x: AnyTensor, axis: Axes): number => {
  const axes = normAxes(op, axis, x.shape);
  const n = numel(axes.map((a) => x.shape[a]!));
  if (n === 0) {
    const empty = axes.find((a) => x.shape[a] === 0);
    throw new ValueError(op, `reduction over an empty axis (axis ${empty ?? 'of a size-0 tensor'} of shape [${x.shape.join(', ')}])`);
  }
  return n;
};
/** max/min/argmax/argmin have no value over an empty axis: say so with the op, the axis and the shape */
const nonEmpty = <F extends (x: AnyTensor, axis?: never, o?: never) => AnyTensor>(op: string, f: F): F =>
  ((x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => {
    count(op, x, axis);
    return (f as (x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => AnyTensor)(x, axis, o);
  }) as F;

/** sum over axes */
export const sum = reduceWith('sum', 'sum') as ReduceFn<'sum', 'arith'>;
/** product over axes */
export const prod = reduceWith('prod', 'prod') as ReduceFn<'prod', 'arith'>;
/** maximum over axes (NaN propagates; an empty axis is an error) */
export const max = nonEmpty('max', reduceWith('max', 'max')) as ReduceFn<'max', 'same'>;
/** minimum over axes (NaN propagates; an empty axis is an error) */
export const min = nonEmpty('min', reduceWith('min', 'min')) as ReduceFn<'min', 'same'>;
/** a reduction of bool tensors */
type BoolReduceFn<Op extends string> =
  <S extends Shape, const Ax extends Axes = undefined, const K extends boolean = false>(
    x: Tensor<S, 'bool'>, axis?: Check<Reduce<S, Ax, K, Op>, Ax>, options?: ReduceOptions<K>,
  ) => Tensor<AsShape<Reduce<S, NoInfer<Ax>, NoInfer<K>, Op>>, 'bool'>;
/** true when any element is true (false over an empty axis) */
export const any = ((x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => {
  requireBool('any', x);
  return greater(reduceWith('sum', 'any')(x, axis, o), 0);
}) as BoolReduceFn<'any'>;
/** true when every element is true (true over an empty axis) */
export const all = ((x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => {
  requireBool('all', x);
  return equal(reduceWith('sum', 'all')(logicalNot(x as Tensor<Shape, 'bool'>), axis, o), 0);
}) as BoolReduceFn<'all'>;

/** arithmetic mean over axes (float32) */
export const mean = ((x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => {
  const n = count('mean', x, axis);
  return div(reduceWith('sum', 'mean')(cast(x, 'float32'), axis, o), n);
}) as ReduceFn<'mean', 'float'>;

/** variance options: keepdims, and ddof (divide by n - ddof; 1 gives the unbiased estimate) */
export interface VarianceOptions<K extends boolean> extends ReduceOptions<K> { readonly ddof?: number }
/** variance over axes: mean of squared deviations, divided by n - ddof */
export const variance = <S extends Shape, D extends DType, const Ax extends Axes = undefined, const K extends boolean = false>(
  x: Tensor<S, D>, axis?: Check<Reduce<S, Ax, K, 'variance'>, Ax>, options?: VarianceOptions<K>,
): Tensor<AsShape<Reduce<S, NoInfer<Ax>, NoInfer<K>, 'variance'>>, 'float32'> => {
  const ax = axis as Axes, ddof = options?.ddof ?? 0;
  const n = count('variance', x, ax);
  if (!(ddof >= 0 && ddof < n)) throw new ValueError('variance', `ddof ${ddof} must be in [0, ${n}) for ${n} elements`);
  const xf = cast(x as AnyTensor, 'float32');
  const centred = sub(xf, mean(xf, ax, { keepdims: true }));
  const s = reduceWith('sum', 'variance')(square(centred), ax, options);
  return div(s, n - ddof) as AnyTensor as Tensor<AsShape<Reduce<S, Ax, K, 'variance'>>, 'float32'>;
};

/** log(sum(exp(x))) over axes, computed stably (the max is subtracted first) */
export const logSumExp = ((x: AnyTensor, axis?: Axes, o?: ReduceOptions<boolean>) => {
  const shape = reduceShape(x.shape, axis, o?.keepdims ?? false, 'logSumExp') as number[];
  // the log of an empty sum is -Infinity (as NumPy and SciPy)
  if (normAxes('logSumExp', axis, x.shape).some((a) => x.shape[a] === 0)) return full(shape, -Infinity);
  const xf = cast(x, 'float32');
  const m = stopGradient(reduceWith('max', 'logSumExp')(xf, axis, { keepdims: true }));
  // an all -inf (or +inf) slice would give inf - inf = NaN: shift by 0 there instead
  const shift = where(less(abs(m), Infinity), m, 0);
  const lse = add(log(reduceWith('sum', 'logSumExp')(exp(sub(xf, shift)), axis, { keepdims: true })), shift);
  return o?.keepdims ? lse : bind(primitives.reshape, [lse], { shape: reduceShape(x.shape, axis, false, 'logSumExp') as number[] });
}) as ReduceFn<'logSumExp', 'float'>;

/** an arg-reduction over one axis (or over all elements, flattened, when omitted) */
type ArgFn<Op extends string> =
  <S extends Shape, D extends DType, const Ax extends number | undefined = undefined, const K extends boolean = false>(
    x: Tensor<S, D>, axis?: Check<Reduce<S, Ax, K, Op>, Ax>, options?: ReduceOptions<K>,
  ) => Tensor<AsShape<Reduce<S, NoInfer<Ax>, NoInfer<K>, Op>>, 'int32'>;
const argWith = (op: 'argmax' | 'argmin') => (x: AnyTensor, axis?: number, o?: ReduceOptions<boolean>): AnyTensor => {
  if (axis === undefined) {
    const flat = bind(primitives.reshape, [x], { shape: [x.size] });
    return keep(x, bind(primitives.argReduce, [flat], { op, axis: 0 }), undefined, o?.keepdims, op);
  }
  return keep(x, bind(primitives.argReduce, [x], { op, axis }), axis, o?.keepdims, op);
};
/** index of the first maximum (NaN counts as the maximum, as NumPy) */
export const argmax = nonEmpty('argmax', argWith('argmax')) as ArgFn<'argmax'>;
/** index of the first minimum */
export const argmin = nonEmpty('argmin', argWith('argmin')) as ArgFn<'argmin'>;

/** cumsum options: exclusive (start from 0), reverse (sum from the end) */
export interface CumsumOptions { readonly exclusive?: boolean; readonly reverse?: boolean }
/** running sum along an axis */
export const cumsum = <S extends Shape, D extends DType, const Ax extends number>(
  x: Tensor<S, D>, axis: Check<AlongAxis<S, Ax, 'cumsum'>, Ax>, options?: CumsumOptions,
): Tensor<S, Arith<D>> =>
  bind(primitives.cumsum, [x], { axis: axis as number, exclusive: options?.exclusive ?? false, reverse: options?.reverse ?? false }) as Tensor<S, Arith<D>>;

/** sort options: descending order */
export interface SortOptions { readonly descending?: boolean }
/** indices that sort along an axis (stable; NaN sorts last ascending) */
export const argsort = <S extends Shape, D extends DType, const Ax extends number = -1>(
  x: Tensor<S, D>, axis?: Check<AlongAxis<S, Ax, 'argsort'>, Ax>, options?: SortOptions,
): Tensor<S, 'int32'> =>
  bind(primitives.argsort, [x], { axis: (axis as number | undefined) ?? -1, descending: options?.descending ?? false }) as Tensor<S, 'int32'>;
/** values sorted along an axis (stable) */
export const sort = <S extends Shape, D extends DType, const Ax extends number = -1>(
  x: Tensor<S, D>, axis?: Check<AlongAxis<S, Ax, 'sort'>, Ax>, options?: SortOptions,
): Tensor<S, D> => {
  const ax = normAxis('sort', (axis as number | undefined) ?? -1, x.shape as readonly number[]);
  const idx = bind(primitives.argsort, [x], { axis: ax, descending: options?.descending ?? false });
  return bind(primitives.gather, [x, idx], { axis: ax }) as Tensor<S, D>;
};

/** the k largest values along the last axis, in descending order, with their indices */
export const topk = <S extends Shape, D extends DType, const K extends number>(
  x: Tensor<S, D>, k: Check<TopK<S, K>, K>,
): TopKResult<AsShape<TopK<S, NoInfer<K>>>, D> => {
  const shape = x.shape as readonly number[];
  topkShape(shape, k as number);
  const order = bind(primitives.argsort, [x], { axis: -1, descending: true });
  const specs = [...shape.slice(0, -1).map(() => null), [0, k as number] as const];
  const indices = bind(primitives.slice, [order], { specs });
  const values = bind(primitives.gather, [x, indices], { axis: -1 });
  return { values: values as Tensor<AsShape<TopK<S, K>>, D>, indices: indices as Tensor<AsShape<TopK<S, K>>, 'int32'> };
};
/** what topk returns */
export interface TopKResult<S extends Shape, D extends DType> {
  readonly values: Tensor<S, D>;
  readonly indices: Tensor<S, 'int32'>;
}
