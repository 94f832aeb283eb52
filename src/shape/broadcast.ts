/** @file NumPy broadcasting: the static rule and its runtime twin. */
import type { ShapeError } from '../../types/index.js';
import { showShape, type Dim, type IsDynRank, type Shape, type UnifyDim } from './dims.js';
import { ShapeMismatchError } from './errors.js';

/** one pair of dims, right-aligned: 1 stretches, equal dims unify, wide dims defer to run time */
export type BroadcastDim<A extends Dim, B extends Dim> = A extends 1 ? B : B extends 1 ? A : UnifyDim<A, B>;
/** the broadcast of two shapes, or a ShapeError naming the op, the dims and the axis (from the end) */
export type Broadcast<A extends Shape, B extends Shape, Op extends string = 'broadcast'> =
  IsDynRank<A> extends true ? Dim[] : IsDynRank<B> extends true ? Dim[] : BroadcastRec<A, B, Op, [], A, B>;
type BroadcastRec<A extends Shape, B extends Shape, Op extends string, Acc extends Dim[], FA extends Shape, FB extends Shape> =
  A extends readonly [...infer AR extends Shape, infer a extends Dim]
    ? B extends readonly [...infer BR extends Shape, infer b extends Dim]
      ? [BroadcastDim<a, b>] extends [never]
        ? ShapeError<`${Op}: dims ${a} and ${b} do not broadcast (axis -${[...Acc, 0]['length']})`, FA, FB>
        : BroadcastRec<AR, BR, Op, [BroadcastDim<a, b>, ...Acc], FA, FB>
      : [...A, ...Acc]
    : [...B, ...Acc];
/** the broadcast of three shapes (where) */
export type Broadcast3<A extends Shape, B extends Shape, C extends Shape, Op extends string> =
  Broadcast<A, B, Op> extends infer AB extends Shape ? Broadcast<AB, C, Op> : Broadcast<A, B, Op>;

/** runtime twin of Broadcast */
export function broadcastShapes<const A extends readonly number[], const B extends readonly number[]>(
  a: A, b: B, op = 'broadcast',
): Broadcast<A, B> {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i] ?? 1, y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeMismatchError(op, `dims ${x} and ${y} do not broadcast (axis -${i})`, [a, b], -i);
    }
    out[n - i] = x === 1 ? y : x;
  }
  return out as Broadcast<A, B>;
}

/** runtime check that `from` broadcasts to exactly `to` (broadcastTo) */
export const checkBroadcastTo = (op: string, from: readonly number[], to: readonly number[]): void => {
  if (from.length > to.length) throw new ShapeMismatchError(op, `cannot broadcast ${showShape(from)} to lower rank ${showShape(to)}`, [from, to]);
  for (let i = 1; i <= from.length; i++) {
    const x = from[from.length - i]!, y = to[to.length - i]!;
    if (x !== y && x !== 1) throw new ShapeMismatchError(op, `dim ${x} cannot broadcast to ${y} (axis -${i})`, [from, to], -i);
  }
};
/** the static twin of checkBroadcastTo: To itself, or a ShapeError */
export type BroadcastTo<S extends Shape, To extends Shape> =
  IsDynRank<S> extends true ? [...To] : IsDynRank<To> extends true ? [...To]
  : BroadcastToRec<S, To, [], S, To>;
type BroadcastToRec<S extends Shape, T extends Shape, I extends 0[], FS extends Shape, FT extends Shape> =
  S extends readonly [...infer SR extends Shape, infer s extends Dim]
    ? T extends readonly [...infer TR extends Shape, infer t extends Dim]
      ? s extends 1 ? BroadcastToRec<SR, TR, [...I, 0], FS, FT>
      : [UnifyDim<s, t>] extends [never] ? ShapeError<`broadcastTo: dim ${s} cannot broadcast to ${t} (axis -${[...I, 0]['length']})`, FS, FT>
      : BroadcastToRec<SR, TR, [...I, 0], FS, FT>
      : ShapeError<`broadcastTo: cannot broadcast rank ${FS['length']} to lower rank ${FT['length']}`, FS, FT>
    : [...FT];
