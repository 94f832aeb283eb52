/** @file concat, stack and split: static rules and runtime twins. */
import type { Add, Div, IsNatural, Mod, ShapeError, Sum } from '../../types/index.js';
import {
  normAxis, showShape, type Dim, type DimEq, type IsDynRank, type NormAxis, type Shape, type UnifyDim,
} from './dims.js';
import { ShapeMismatchError } from './errors.js';

/** join shapes along Ax: other dims must agree, Ax's dims add up */
export type Concat<Ss extends readonly Shape[], Ax extends number> =
  Ss extends readonly [infer F extends Shape, ...infer R extends readonly Shape[]]
    ? IsDynRank<F> extends true ? Dim[]
    : [NormAxis<Ax, F['length']>] extends [never] ? ShapeError<`concat: axis ${Ax} out of range for rank ${F['length']}`, F, Ax>
    : ConcatAll<R, NormAxis<Ax, F['length']>, [...F], 1>
    : number extends Ss['length'] ? Dim[] : ShapeError<'concat: no inputs'>;
type ConcatAll<Ss extends readonly Shape[], Ax extends number, Acc extends Shape, I extends number> =
  Ss extends readonly [infer H extends Shape, ...infer R extends readonly Shape[]]
    ? ConcatPair<Acc, H, Ax, I> extends infer N ? N extends Shape ? ConcatAll<R, Ax, N, Add<I, 1>> : N : never
    : Acc;
type ConcatPair<A extends Shape, B extends Shape, Ax extends number, Which extends number, I extends 0[] = [], Acc extends Dim[] = [], FB extends Shape = B> =
  number extends Ax ? Dim[]
  : IsDynRank<B> extends true ? Dim[]
  : A extends readonly [infer a extends Dim, ...infer AR extends Shape]
    ? B extends readonly [infer b extends Dim, ...infer BR extends Shape]
      ? I['length'] extends Ax
        ? ConcatPair<AR, BR, Ax, Which, [...I, 0], [...Acc, a extends number ? b extends number ? Add<a, b> : number : number], FB>
        : DimEq<a, b> extends true ? ConcatPair<AR, BR, Ax, Which, [...I, 0], [...Acc, UnifyDim<a, b>], FB>
        : ShapeError<`concat: input ${Which} has dim ${b} at axis ${I['length']}, expected ${a}`, FB, Ax>
      : ShapeError<`concat: input ${Which} has a different rank`, FB, Ax>
    : B extends readonly [] ? Acc : ShapeError<`concat: input ${Which} has a different rank`, FB, Ax>;

/** runtime twin of Concat: the output shape and the normalised axis */
export function concatShape<const Ss extends readonly (readonly number[])[], const A extends number>(shapes: Ss, axis: A): Concat<Ss, A> {
  return concatPlan(shapes, axis).shape as Concat<Ss, A>;
}
/** output shape and normalised axis of a concat */
export const concatPlan = (shapes: readonly (readonly number[])[], axis: number): { shape: number[]; axis: number } => {
  const first = shapes[0];
  if (first === undefined) throw new ShapeMismatchError('concat', 'no inputs', []);
  const ax = normAxis('concat', axis, first);
  const out = [...first];
  shapes.slice(1).forEach((s, k) => {
    if (s.length !== first.length) throw new ShapeMismatchError('concat', `input ${k + 1} has a different rank`, [first, s]);
    s.forEach((d, i) => {
      if (i === ax) out[i]! += d;
      else if (d !== first[i]) {
        throw new ShapeMismatchError('concat', `input ${k + 1} has dim ${d} at axis ${i}, expected ${first[i]}`, [first, s], i);
      }
    });
  });
  return { shape: out, axis: ax };
};

/** stack equal shapes along a new axis Ax (in [-(rank+1), rank]) */
export type Stack<Ss extends readonly Shape[], Ax extends number> =
  Ss extends readonly [infer F extends Shape, ...infer R extends readonly Shape[]]
    ? IsDynRank<F> extends true ? Dim[]
    : [NormAxis<Ax, Add<F['length'], 1>>] extends [never] ? ShapeError<`stack: axis ${Ax} out of range for rank ${F['length']}`, F, Ax>
    : AllSame<R, [...F], 1> extends infer U
      ? U extends Shape ? InsertAt<U, NormAxis<Ax, Add<F['length'], 1>>, Ss['length']> : U
      : never
    : number extends Ss['length'] ? Dim[] : ShapeError<'stack: no inputs'>;
type AllSame<Ss extends readonly Shape[], Acc extends Shape, I extends number> =
  Ss extends readonly [infer H extends Shape, ...infer R extends readonly Shape[]]
    ? SamePair<Acc, H, I> extends infer N ? N extends Shape ? AllSame<R, N, Add<I, 1>> : N : never
    : Acc;
type SamePair<A extends Shape, B extends Shape, Which extends number, I extends 0[] = [], Acc extends Dim[] = [], FB extends Shape = B> =
  IsDynRank<B> extends true ? A
  : A extends readonly [infer a extends Dim, ...infer AR extends Shape]
    ? B extends readonly [infer b extends Dim, ...infer BR extends Shape]
      ? DimEq<a, b> extends true ? SamePair<AR, BR, Which, [...I, 0], [...Acc, UnifyDim<a, b>], FB>
      : ShapeError<`stack: input ${Which} has dim ${b} at axis ${I['length']}, expected ${a}`, FB>
      : ShapeError<`stack: input ${Which} has a different rank`, FB>
    : B extends readonly [] ? Acc : ShapeError<`stack: input ${Which} has a different rank`, FB>;
type InsertAt<S extends Shape, At extends number, X extends Dim, Acc extends Dim[] = []> =
  number extends At ? Dim[]
  : Acc['length'] extends At ? [...Acc, X, ...S]
  : S extends readonly [infer H extends Dim, ...infer R extends Shape] ? InsertAt<R, At, X, [...Acc, H]> : [...Acc, X];

/** runtime twin of Stack */
export function stackShape<const Ss extends readonly (readonly number[])[], const A extends number>(shapes: Ss, axis: A): Stack<Ss, A> {
  const first = shapes[0];
  if (first === undefined) throw new ShapeMismatchError('stack', 'no inputs', []);
  const r = first.length;
  if (!Number.isInteger(axis) || axis < -(r + 1) || axis > r) throw new ShapeMismatchError('stack', `axis ${axis} out of range for rank ${r}`, [first], axis);
  const ax = axis < 0 ? axis + r + 1 : axis;
  shapes.forEach((s, k) => {
    if (s.length !== first.length || s.some((d, i) => d !== first[i])) {
      throw new ShapeMismatchError('stack', `input ${k} has shape ${showShape(s)}, expected ${showShape(first)}`, [first, s]);
    }
  });
  return [...first.slice(0, ax), shapes.length, ...first.slice(ax)] as Stack<Ss, A>;
}

/** split into N equal parts (a list of one shape) or into given sizes (a tuple of shapes) along Ax */
export type Split<S extends Shape, Sizes extends number | readonly number[], Ax extends number> =
  IsDynRank<S> extends true ? Dim[][]
  : [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`split: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : S[NormAxis<Ax, S['length']>] extends infer D
    ? Sizes extends readonly number[]
      ? number extends Sizes['length'] ? Dim[][]
      : D extends number
        ? number extends D ? { -readonly [K in keyof Sizes]: WithDim<S, NormAxis<Ax, S['length']>, Sizes[K] & number> }
        : Sum<Sizes> extends D ? { -readonly [K in keyof Sizes]: WithDim<S, NormAxis<Ax, S['length']>, Sizes[K] & number> }
        : ShapeError<`split: sizes add up to ${Sum<Sizes>}, not ${D}`, S, Sizes>
        : { -readonly [K in keyof Sizes]: WithDim<S, NormAxis<Ax, S['length']>, Sizes[K] & number> }
      : Sizes extends number
        ? D extends number
          ? number extends D | Sizes ? WithDim<S, NormAxis<Ax, S['length']>, number>[]
          : IsNatural<Sizes> extends false ? ShapeError<`split: ${Sizes} is not a positive count`, S, Sizes>
          : Sizes extends 0 ? ShapeError<'split: 0 is not a positive count', S, Sizes>
          : Mod<D, Sizes> extends 0 ? WithDim<S, NormAxis<Ax, S['length']>, Div<D, Sizes>>[]
          : ShapeError<`split: ${D} is not divisible into ${Sizes} parts`, S, Sizes>
          : WithDim<S, NormAxis<Ax, S['length']>, number>[]
        : never
    : never;
type WithDim<S extends Shape, At extends number, X extends Dim> =
  { -readonly [K in keyof S]: K extends `${At}` ? X : S[K] };

/** runtime twin of Split: the sizes of the parts along the normalised axis */
export const splitPlan = (shape: readonly number[], sizes: number | readonly number[], axis: number): { sizes: number[]; axis: number } => {
  const ax = normAxis('split', axis, shape);
  const d = shape[ax]!;
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ShapeMismatchError('split', `${sizes} is not a positive count`, [shape], ax);
    if (d % sizes !== 0) throw new ShapeMismatchError('split', `${d} is not divisible into ${sizes} parts`, [shape], ax);
    return { sizes: new Array<number>(sizes).fill(d / sizes), axis: ax };
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== d) {
    throw new ShapeMismatchError('split', `sizes [${sizes.join(', ')}] add up to ${total}, not ${d}`, [shape], ax);
  }
  return { sizes: [...sizes], axis: ax };
};
