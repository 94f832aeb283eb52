/** @file Joining and splitting: concat, stack, split. */
import type { Check, ShapeError } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import { splitPlan, stackShape, type AsShape, type Concat, type Shape, type Split, type Stack } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { primitives } from './primitives.js';

type Shapes<Xs extends readonly AnyTensor[]> = { -readonly [K in keyof Xs]: Xs[K] extends Tensor<infer S, DType> ? S : never };
type DTypeOfAll<Xs extends readonly AnyTensor[]> = Xs[number] extends Tensor<Shape, infer D> ? D : never;
type IsUnion<T, U = T> = T extends U ? ([U] extends [T] ? false : true) : never;
/** the join's shape rule, or an error when the inputs' dtypes differ */
type Joined<Xs extends readonly AnyTensor[], R, Op extends string> =
  DType extends DTypeOfAll<Xs> ? R : true extends IsUnion<DTypeOfAll<Xs>> ? ShapeError<`${Op}: inputs have different dtypes (${DTypeOfAll<Xs>})`, Shapes<Xs>> : R;

/** joins tensors along an existing axis; the other dims must agree */
export const concat = <const Xs extends readonly AnyTensor[], const A extends number = 0>(
  xs: Check<Joined<Xs, Concat<Shapes<Xs>, A>, 'concat'>, Xs>, axis?: A,
): Tensor<AsShape<Concat<Shapes<Xs>, NoInfer<A>>>, DTypeOfAll<Xs>> =>
  bind(primitives.concat, xs as Xs, { axis: axis ?? 0 }) as Tensor<AsShape<Concat<Shapes<Xs>, A>>, DTypeOfAll<Xs>>;

/** joins equal-shaped tensors along a new axis */
export const stack = <const Xs extends readonly AnyTensor[], const A extends number = 0>(
  xs: Check<Joined<Xs, Stack<Shapes<Xs>, A>, 'stack'>, Xs>, axis?: A,
): Tensor<AsShape<Stack<Shapes<Xs>, NoInfer<A>>>, DTypeOfAll<Xs>> => {
  const ts = xs as Xs, ax = axis ?? 0;
  const shape = stackShape(ts.map((t) => t.shape as readonly number[]), ax) as number[];
  const a = shape.length > 0 && ax < 0 ? ax + shape.length : ax;
  const parts = ts.map((t) => bind(primitives.reshape, [t], { shape: shape.map((d, i) => (i === a ? 1 : d)) }));
  return bind(primitives.concat, parts, { axis: a }) as Tensor<AsShape<Stack<Shapes<Xs>, A>>, DTypeOfAll<Xs>>;
};

type SplitOut<S extends Shape, D extends DType, R> =
  R extends readonly Shape[] ? { -readonly [K in keyof R]: R[K] extends infer X extends Shape ? Tensor<X, D> : never } : never;
/** splits into `sizes` equal parts (a number) or parts of the given sizes (a list) along an axis */
export const split = <S extends Shape, D extends DType, const Z extends number | readonly number[], const A extends number = 0>(
  x: Tensor<S, D>, sizes: Check<Split<S, Z, A>, Z>, axis?: A,
): SplitOut<S, D, Split<S, Z, A>> => {
  const plan = splitPlan(x.shape as readonly number[], sizes as Z, axis ?? 0);
  let start = 0;
  const parts = plan.sizes.map((n) => {
    const specs = (x.shape as readonly number[]).map((_, i) => (i === plan.axis ? ([start, start + n] as const) : null));
    start += n;
    return bind(primitives.slice, [x], { specs });
  });
  return parts as SplitOut<S, D, Split<S, Z, A>>;
};
