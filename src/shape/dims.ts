/** @file Dims and shapes: static (literal), symbolic (named) and dynamic (number); axis normalisation. */
import type { Compare, IsNatural, Product, ShapeError, Sub } from '../../types/index.js';
import { ShapeMismatchError } from './errors.js';

/** a dimension: `784` static, `'B'` a named symbolic size, `number` unknown until run time */
export type Dim = number | string;
/** a shape: a tuple of dims, or `Dim[]` (or `number[]`) for a shape of unknown rank */
export type Shape = readonly Dim[];
/** what a tensor's runtime `shape` looks like: every dim is a number, literals kept */
export type RuntimeShape<S extends Shape> = { readonly [K in keyof S]: S[K] extends number ? S[K] : number };

/** true when the rank is not known at compile time */
export type IsDynRank<S extends Shape> = number extends S['length'] ? true : false;
/** true for a dim the compiler cannot check (`number` or `string`) */
export type Wide<D> = number extends D ? true : string extends D ? true : false;
/** true when some dim of S is wide (or the rank is unknown) */
export type HasWide<S extends Shape> =
  IsDynRank<S> extends true ? true : true extends { [K in keyof S]: Wide<S[K]> }[number] ? true : false;
/** unify two dims: equal dims unify; a wide dim takes the other (checked at run time); else never */
export type UnifyDim<A extends Dim, B extends Dim> =
  [A, B] extends [B, A] ? A : Wide<A> extends true ? B : Wide<B> extends true ? A : never;
/** true when two dims may be equal */
export type DimEq<A extends Dim, B extends Dim> = [UnifyDim<A, B>] extends [never] ? false : true;
/** narrows a computed shape to Shape (errors become never) */
export type AsShape<T> = T extends Shape ? T : never;
/** any dim with numeric literals widened: the type of a dim the caller does not know */
export type Loose<S extends Shape> = { -readonly [K in keyof S]: S[K] extends number ? number : S[K] };

/** number of elements of a shape in the type (number unless every dim is a literal) */
export type Numel<S extends Shape> = HasWide<S> extends true ? number
  : S extends readonly number[] ? Product<S> : number;

/** Python-style axis: -1 is the last; never when out of range */
export type NormAxis<Ax extends number, Rank extends number> =
  number extends Ax ? number : number extends Rank ? number
  : `${Ax}` extends `-${infer P extends number}` ? Sub<Rank, P> extends infer R extends number ? ([R] extends [never] ? never : R) : never
  : IsNatural<Ax> extends true ? (Compare<Ax, Rank> extends -1 ? Ax : never) : never;
/** an axis checked against rank: its normalised value, or a ShapeError naming the op */
export type CheckAxis<Op extends string, Ax extends number, S extends Shape> =
  [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`${Op}: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : NormAxis<Ax, S['length']>;

/** number of elements */
export const numel = (shape: readonly number[]): number => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};
/** row-major strides */
export const contiguousStrides = (shape: readonly number[]): number[] => {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= shape[i]!; }
  return st;
};
/** `[2,3]` for messages */
export const showShape = (shape: readonly Dim[]): string => `[${shape.join(', ')}]`;
/** true when two shapes are equal */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** runtime twin of NormAxis/CheckAxis: a normalised axis, or a thrown error naming the op */
export const normAxis = (op: string, axis: number, shape: readonly number[]): number => {
  const r = shape.length;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new ShapeMismatchError(op, `axis ${axis} out of range for rank ${r}`, [shape], axis);
  }
  return axis < 0 ? axis + r : axis;
};
/** normalises a list of axes (or all axes for undefined); rejects repeats */
export const normAxes = (op: string, axes: number | readonly number[] | undefined, shape: readonly number[]): number[] => {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normAxis(op, a, shape));
  if (new Set(out).size !== out.length) throw new ShapeMismatchError(op, `repeated axis in [${list.join(', ')}]`, [shape]);
  return out;
};
/** checks that a runtime shape is valid: non-negative safe integers */
export const validShape = (op: string, shape: readonly unknown[]): number[] => {
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeMismatchError(op, `dim ${String(d)} at axis ${i} is not a non-negative integer`, [], i);
    }
  });
  return shape as number[];
};
