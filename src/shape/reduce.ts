/** @file Reductions over axes (with keepdims) and single-axis ops: static rules and runtime twins. */
import type { ShapeError } from '../../types/index.js';
import { normAxes, normAxis, type Dim, type IsDynRank, type NormAxis, type Shape } from './dims.js';

/** the axes a reduction accepts: one, a list, or undefined for all */
export type Axes = number | readonly number[] | undefined;
type AxisList<Ax> = Ax extends readonly number[] ? Ax : Ax extends number ? [Ax] : [];
/** normalised axes as a union, or a ShapeError for the first one out of range */
type NormAll<Op extends string, L extends readonly number[], S extends Shape, Acc extends number = never> =
  L extends readonly [infer H extends number, ...infer R extends readonly number[]]
    ? [NormAxis<H, S['length']>] extends [never]
      ? ShapeError<`${Op}: axis ${H} out of range for rank ${S['length']}`, S, L>
      : [NormAxis<H, S['length']>] extends [Acc] ? ShapeError<`${Op}: axis ${H} is repeated`, S, L>
      : NormAll<Op, R, S, Acc | NormAxis<H, S['length']>>
    : Acc;
/** shape after reducing axes Ax of S (all when undefined); keepdims leaves 1s */
export type Reduce<S extends Shape, Ax extends Axes, Keep extends boolean = false, Op extends string = 'reduce'> =
  Ax extends undefined ? (IsDynRank<S> extends true ? (Keep extends true ? Dim[] : []) : Keep extends true ? { -readonly [K in keyof S]: 1 } : [])
  : IsDynRank<S> extends true ? Dim[]
  : number extends (Ax extends readonly number[] ? Ax[number] : Ax) ? (Ax extends readonly [] ? [...S] : Dim[])
  : NormAll<Op, AxisList<Ax>, S> extends infer U
    ? [U] extends [never] ? [...S]
    : [U] extends [ShapeError<string>] ? U : ReduceAt<S, U & number, Keep>
    : never;
type ReduceAt<S extends Shape, Ax extends number, Keep extends boolean, I extends 0[] = [], Acc extends Dim[] = []> =
  S extends readonly [infer H extends Dim, ...infer R extends Shape]
    ? ReduceAt<R, Ax, Keep, [...I, 0], I['length'] extends Ax ? (Keep extends true ? [...Acc, 1] : Acc) : [...Acc, H]>
    : Acc;

/** runtime twin of Reduce */
export function reduceShape<const S extends readonly number[], const Ax extends Axes, const K extends boolean = false>(
  shape: S, axes: Ax, keepdims?: K, op = 'reduce',
): Reduce<S, Ax, K> {
  const ax = new Set(normAxes(op, axes, shape));
  const out: number[] = [];
  shape.forEach((d, i) => { if (!ax.has(i)) out.push(d); else if (keepdims) out.push(1); });
  return out as Reduce<S, Ax, K>;
}

/** an op over one axis that keeps the shape (cumsum, sort, softmax): S, or a ShapeError */
export type AlongAxis<S extends Shape, Ax extends number, Op extends string> =
  IsDynRank<S> extends true ? [...S]
  : [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`${Op}: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : [...S];
/** runtime twin of AlongAxis: the normalised axis */
export const alongAxis = (op: string, shape: readonly number[], axis: number): number => normAxis(op, axis, shape);
