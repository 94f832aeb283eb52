/** @file transpose, reshape, flatten, expandDims, squeeze, tile: static rules and runtime twins. */
import type { Add, Compare, Div, IsNatural, Mul, Product, ShapeError, Sub } from '../../types/index.js';
import {
  normAxis, numel, showShape, type Dim, type HasWide, type IsDynRank, type NormAxis, type Numel, type Shape,
} from './dims.js';
import { ShapeMismatchError } from './errors.js';

type Indices<S extends Shape> = { [K in keyof S]: K extends `${infer I extends number}` ? I : never };
type Reverse<S extends Shape, Acc extends Dim[] = []> =
  S extends readonly [infer H extends Dim, ...infer R extends Shape] ? Reverse<R, [H, ...Acc]> : Acc;
type NormList<L extends readonly number[], R extends number> = { -readonly [K in keyof L]: NormAxis<L[K], R> };

/** transpose by a permutation of the axes (all axes reversed when omitted, as NumPy) */
export type Transpose<S extends Shape, Perm extends readonly number[] | undefined = undefined> =
  IsDynRank<S> extends true ? Dim[]
  : Perm extends readonly number[]
    ? number extends Perm['length'] ? Dim[]
    : Perm['length'] extends S['length']
      ? NormList<Perm, S['length']> extends infer P extends readonly number[]
        ? [Exclude<Indices<S>[number], P[number]>] extends [never]
          ? { -readonly [K in keyof P]: S[P[K]] }
          : ShapeError<`transpose: [${JoinNums<Perm>}] is not a permutation of ${S['length']} axes`, S, Perm>
        : never
      : ShapeError<`transpose: ${Perm['length']} axes given for rank ${S['length']}`, S, Perm>
    : Reverse<S>;
type JoinNums<L extends readonly number[], Acc extends string = ''> =
  L extends readonly [infer H extends number, ...infer R extends readonly number[]]
    ? JoinNums<R, Acc extends '' ? `${H}` : `${Acc}, ${H}`> : Acc;

/** runtime twin of Transpose: the output shape and the permutation used */
export function transposeShape<const S extends readonly number[], const P extends readonly number[] | undefined = undefined>(
  shape: S, perm?: P,
): Transpose<S, P> {
  return shape.length === 0 ? ([] as Transpose<S, P>) : transposePerm(shape, perm).map((i) => shape[i]!) as Transpose<S, P>;
}
/** the normalised permutation for transpose (reversal when omitted) */
export const transposePerm = (shape: readonly number[], perm?: readonly number[]): number[] => {
  const r = shape.length;
  if (perm === undefined) return shape.map((_, i) => r - 1 - i);
  if (perm.length !== r) throw new ShapeMismatchError('transpose', `${perm.length} axes given for rank ${r}`, [shape]);
  const p = perm.map((a) => normAxis('transpose', a, shape));
  if (new Set(p).size !== r) throw new ShapeMismatchError('transpose', `[${perm.join(', ')}] is not a permutation of ${r} axes`, [shape]);
  return p;
};

type Numeric<S extends Shape, Acc extends number[] = []> =
  S extends readonly [infer H, ...infer R extends Shape] ? Numeric<R, H extends number ? [...Acc, H] : Acc> : Acc;
type Symbolic<S extends Shape, Acc extends string[] = []> =
  S extends readonly [infer H, ...infer R extends Shape] ? Symbolic<R, H extends string ? [...Acc, H] : Acc> : Acc;
type CountNeg1<S extends Shape, C extends 0[] = []> =
  S extends readonly [infer H, ...infer R extends Shape] ? CountNeg1<R, H extends -1 ? [...C, 0] : C> : C['length'];
type Replace<S extends Shape, From, To extends Dim> = { -readonly [K in keyof S]: S[K] extends From ? To : S[K] };
type NonNeg1<S extends Shape> = Numeric<Replace<S, -1, 1>>;

/**
 * reshape From -> To: element counts must agree (checked on literals), one -1 is solved, and
 * named dims must appear in the same order on both sides (they stand for the same sizes).
 */
export type Reshape<From extends Shape, To extends Shape> =
  IsDynRank<To> extends true ? Dim[]
  : CountNeg1<To> extends 0 | 1
    ? HasWide<From> extends true ? SolveWide<To>
    : HasWide<To> extends true ? SolveWide<To>
    : Symbolic<From> extends Symbolic<To>
      ? Symbolic<To> extends Symbolic<From>
        ? ReshapeNum<From, To, Product<Numeric<From>>, Product<NonNeg1<To>>>
        : ShapeError<'reshape: named dims differ', From, To>
      : ShapeError<'reshape: named dims differ', From, To>
    : ShapeError<'reshape: more than one -1', From, To>;
type SolveWide<To extends Shape> = Replace<To, -1, number>;
type ReshapeNum<From extends Shape, To extends Shape, NF extends number, NT extends number> =
  CountNeg1<To> extends 0
    ? (NF extends NT ? [...To] : ShapeError<`reshape: ${NF} elements cannot become ${NT}`, From, To>)
    : NT extends 0 ? ShapeError<'reshape: cannot solve -1 next to a zero dim', From, To>
    : Div<NF, NT> extends infer Q extends number
      ? (Mul<Q, NT> extends NF ? Replace<To, -1, Q> : ShapeError<`reshape: ${NF} elements are not divisible by ${NT}`, From, To>)
      : never;

/** runtime twin of Reshape; named (string) target dims are solved like -1 */
export function reshapeShape<const F extends readonly number[], const T extends readonly Dim[]>(from: F, to: T): Reshape<F, T> {
  const total = numel(from);
  const unknown = to.flatMap((d, i) => (typeof d !== 'number' || d === -1 ? [i] : []));
  const bad = to.find((d) => typeof d === 'number' && d !== -1 && (!Number.isSafeInteger(d) || d < 0));
  if (bad !== undefined) throw new ShapeMismatchError('reshape', `invalid dim ${String(bad)}`, [from, to]);
  if (unknown.length > 1) throw new ShapeMismatchError('reshape', 'more than one unknown (-1 or named) dim', [from, to]);
  const known = numel(to.filter((d): d is number => typeof d === 'number' && d !== -1));
  const out = to.map((d) => (typeof d === 'number' && d !== -1 ? d : known === 0 ? -1 : total / known));
  if (out.some((d) => !Number.isInteger(d) || d < 0) || numel(out) !== total) {
    throw new ShapeMismatchError('reshape', `${total} elements cannot become ${showShape(to)}`, [from, to]);
  }
  return out as Reshape<F, T>;
}

/** flatten dims from Start to the end into one (torch.flatten(x, start)) */
export type Flatten<S extends Shape, Start extends number = 0> =
  IsDynRank<S> extends true ? Dim[]
  : [NormAxis<Start, S['length']>] extends [never]
    ? S extends readonly [] ? (Start extends 0 ? [1] : ShapeError<`flatten: axis ${Start} out of range for rank 0`, S, Start>)
    : ShapeError<`flatten: axis ${Start} out of range for rank ${S['length']}`, S, Start>
  : FlattenAt<S, NormAxis<Start, S['length']>>;
type FlattenAt<S extends Shape, Start extends number, Acc extends Dim[] = []> =
  number extends Start ? Dim[]
  : Acc['length'] extends Start ? [...Acc, Numel<S>]
  : S extends readonly [infer H extends Dim, ...infer R extends Shape] ? FlattenAt<R, Start, [...Acc, H]> : never;
/** runtime twin of Flatten */
export function flattenShape<const S extends readonly number[], const St extends number = 0>(shape: S, start?: St): Flatten<S, St> {
  if (shape.length === 0 && (start ?? 0) === 0) return [1] as Flatten<S, St>;
  const a = normAxis('flatten', start ?? 0, shape);
  return [...shape.slice(0, a), numel(shape.slice(a))] as Flatten<S, St>;
}

/** insert a 1 at Axis (in [-(rank+1), rank]) */
export type ExpandDims<S extends Shape, Ax extends number> =
  IsDynRank<S> extends true ? Dim[]
  : [NormAxis<Ax, Add<S['length'], 1>>] extends [never]
    ? ShapeError<`expandDims: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : InsertAt<S, NormAxis<Ax, Add<S['length'], 1>>, 1>;
type InsertAt<S extends Shape, At extends number, X extends Dim, Acc extends Dim[] = []> =
  number extends At ? Dim[]
  : Acc['length'] extends At ? [...Acc, X, ...S]
  : S extends readonly [infer H extends Dim, ...infer R extends Shape] ? InsertAt<R, At, X, [...Acc, H]> : [...Acc, X];
/** runtime twin of ExpandDims */
export function expandDimsShape<const S extends readonly number[], const A extends number>(shape: S, axis: A): ExpandDims<S, A> {
  const r = shape.length;
  if (!Number.isInteger(axis) || axis < -(r + 1) || axis > r) throw new ShapeMismatchError('expandDims', `axis ${axis} out of range for rank ${r}`, [shape], axis);
  const a = axis < 0 ? axis + r + 1 : axis;
  return [...shape.slice(0, a), 1, ...shape.slice(a)] as ExpandDims<S, A>;
}

/** remove axis Ax, which must be 1; with no axis, remove every literal 1 (rank unknown if any dim is wide) */
export type Squeeze<S extends Shape, Ax extends number | undefined = undefined> =
  IsDynRank<S> extends true ? Dim[]
  : Ax extends number
    ? [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`squeeze: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
    : S[NormAxis<Ax, S['length']>] extends infer D
      ? D extends 1 ? RemoveAt<S, NormAxis<Ax, S['length']>>
      : number extends D ? RemoveAt<S, NormAxis<Ax, S['length']>>
      : ShapeError<`squeeze: axis ${Ax} has size ${D & Dim}, not 1`, S, Ax>
      : never
    : HasWide<S> extends true ? Dim[] : RemoveOnes<S>;
type RemoveAt<S extends Shape, At extends number, Acc extends Dim[] = []> =
  S extends readonly [infer H extends Dim, ...infer R extends Shape]
    ? Acc['length'] extends At ? [...Acc, ...R] : RemoveAt<R, At, [...Acc, H]> : Acc;
type RemoveOnes<S extends Shape, Acc extends Dim[] = []> =
  S extends readonly [infer H extends Dim, ...infer R extends Shape] ? RemoveOnes<R, H extends 1 ? Acc : [...Acc, H]> : Acc;
/** runtime twin of Squeeze */
export function squeezeShape<const S extends readonly number[], const A extends number | undefined = undefined>(
  shape: S, axis?: A,
): Squeeze<S, A> {
  if (axis === undefined) return shape.filter((d) => d !== 1) as Squeeze<S, A>;
  const a = normAxis('squeeze', axis, shape);
  if (shape[a] !== 1) throw new ShapeMismatchError('squeeze', `axis ${axis} has size ${shape[a]}, not 1`, [shape], axis);
  return shape.filter((_, i) => i !== a) as Squeeze<S, A>;
}

/** tile: each dim times its repeat count; reps longer than the rank prepend axes (NumPy) */
export type Tile<S extends Shape, Reps extends readonly number[]> =
  IsDynRank<S> extends true ? Dim[] : number extends Reps['length'] ? Dim[]
  : Compare<Reps['length'], S['length']> extends -1
    ? ShapeError<`tile: ${Reps['length']} repeats for rank ${S['length']}`, S, Reps>
    : TileRec<PadLeft<S, Sub<Reps['length'], S['length']>>, Reps>;
type PadLeft<S extends Shape, N extends number, Acc extends Dim[] = []> =
  Acc['length'] extends N ? [...Acc, ...S] : PadLeft<S, N, [...Acc, 1]>;
type TileRec<S extends Shape, R extends readonly number[]> = {
  -readonly [K in keyof S]: K extends keyof R
    ? R[K] extends infer r extends number ? (S[K] extends number ? (IsNatural<r> extends true ? Mul<S[K], r> : number) : r extends 1 ? S[K] : number) : never
    : S[K]
};
/** runtime twin of Tile */
export function tileShape<const S extends readonly number[], const R extends readonly number[]>(shape: S, reps: R): Tile<S, R> {
  if (reps.length < shape.length) throw new ShapeMismatchError('tile', `${reps.length} repeats for rank ${shape.length}`, [shape]);
  reps.forEach((r, i) => {
    if (!Number.isSafeInteger(r) || r < 0) throw new ShapeMismatchError('tile', `repeat ${r} at axis ${i} is not a non-negative integer`, [shape], i);
  });
  const padded = [...new Array<number>(reps.length - shape.length).fill(1), ...shape];
  return padded.map((d, i) => d * reps[i]!) as Tile<S, R>;
}
