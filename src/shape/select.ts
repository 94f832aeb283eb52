/** @file Indexing shapes: slice (start/stop/step, negative indices), take, gather, oneHot, pad, topk. */
import type { Abs, Add, CeilDiv, Compare, IsNatural, IsNegative, Min, ShapeError, Sub } from '../../types/index.js';
import {
  normAxis, showShape, type Dim, type IsDynRank, type NormAxis, type Shape,
} from './dims.js';
import { ShapeMismatchError, ValueError } from './errors.js';

/** one axis of a slice: an index (drops the axis), null (keep all), or [start, stop?, step?] as Python */
export type SliceSpec = number | null | readonly [start: number | null, stop?: number | null, step?: number];

type Clamp0<N> = [N] extends [never] ? 0 : N;
/** Python start/stop for a positive step, clamped into [0, D] */
type PosBound<I extends number, D extends number> =
  IsNegative<I> extends true ? Clamp0<Sub<D, Abs<I>>> : Min<I, D>;
/** bound + 1 for a negative step, clamped into [0, D] (so -1, "before the start", is 0) */
type NegBound<I extends number, D extends number> =
  IsNegative<I> extends true ? Clamp0<Sub<Add<D, 1>, Abs<I>>> : Min<Add<I, 1>, D>;
type Span<Hi extends number, Lo extends number, Step extends number> =
  number extends Hi | Lo | Step ? number : Compare<Hi, Lo> extends 1 ? CeilDiv<Sub<Hi, Lo>, Step> : 0;
/** the length of one sliced axis of size D (Python semantics) */
export type SliceLen<D extends number, Start, Stop, Step extends number> =
  number extends D | Step ? number
  : Step extends 0 ? never
  : IsNegative<Step> extends true
    ? Span<Start extends number ? NegBound<Start, D> : D, Stop extends number ? NegBound<Stop, D> : 0, Abs<Step>>
    : Span<Stop extends number ? PosBound<Stop, D> : D, Start extends number ? PosBound<Start, D> : 0, Step>;

/** the shape after slicing; axes beyond the specs are kept */
export type Slice<S extends Shape, Sp extends readonly SliceSpec[]> =
  IsDynRank<S> extends true ? Dim[] : number extends Sp['length'] ? Dim[] : SliceRec<S, Sp, [], 0, S, Sp>;
type SliceRec<S extends Shape, Sp extends readonly SliceSpec[], Acc extends Dim[], Ax extends number, FS extends Shape, FSp> =
  Sp extends readonly [infer H, ...infer SR extends readonly SliceSpec[]]
    ? S extends readonly [infer D extends Dim, ...infer R extends Shape]
      ? H extends null ? SliceRec<R, SR, [...Acc, D], Add<Ax, 1>, FS, FSp>
      : H extends number
        ? D extends number
          ? number extends D | H ? SliceRec<R, SR, Acc, Add<Ax, 1>, FS, FSp>
          : IsNegative<H> extends true
            ? Compare<Abs<H>, D> extends 1 ? ShapeError<`slice: index ${H} out of range for axis ${Ax} of size ${D}`, FS, FSp> : SliceRec<R, SR, Acc, Add<Ax, 1>, FS, FSp>
          : Compare<H, D> extends -1 ? SliceRec<R, SR, Acc, Add<Ax, 1>, FS, FSp>
          : ShapeError<`slice: index ${H} out of range for axis ${Ax} of size ${D}`, FS, FSp>
          : SliceRec<R, SR, Acc, Add<Ax, 1>, FS, FSp>
      : H extends readonly [infer St, ...infer Rest]
        ? (Rest extends readonly [infer Sp2, infer Stp extends number] ? [Sp2, Stp] : Rest extends readonly [infer Sp2] ? [Sp2, 1] : [undefined, 1]) extends [infer Stop, infer Step extends number]
          ? Step extends 0 ? ShapeError<`slice: step 0 at axis ${Ax}`, FS, FSp>
          : SliceRec<R, SR, [...Acc, D extends number ? SliceLen<D, St, Stop, Step> : SameIfFull<D, St, Stop, Step>], Add<Ax, 1>, FS, FSp>
          : never
        : SliceRec<R, SR, [...Acc, number], Add<Ax, 1>, FS, FSp>
      : ShapeError<`slice: ${FSp extends readonly unknown[] ? FSp['length'] : 0} specs for rank ${FS['length']}`, FS, FSp>
    : [...Acc, ...S];
/** a named dim survives a slice that keeps all of it ([null] or [0, null, 1]); otherwise it becomes number */
type SameIfFull<D extends Dim, St, Stop, Step> =
  (St extends null | 0 ? true : false) extends true ? (Stop extends null | undefined ? (Step extends 1 ? D : number) : number) : number;

/** one axis after a runtime slice: the source start, the step and the length (index axes have len -1) */
export interface AxisSlice { readonly start: number; readonly step: number; readonly len: number; readonly index: boolean }
/** runtime twin of Slice: per-axis starts/steps/lengths (Python semantics) */
export const slicePlan = (shape: readonly number[], specs: readonly SliceSpec[]): AxisSlice[] => {
  if (specs.length > shape.length) throw new ShapeMismatchError('slice', `${specs.length} specs for rank ${shape.length}`, [shape]);
  return shape.map((d, ax): AxisSlice => {
    const sp = specs[ax] ?? null;
    if (sp === null) return { start: 0, step: 1, len: d, index: false };
    if (typeof sp === 'number') {
      const i = sp < 0 ? sp + d : sp;
      if (!Number.isInteger(sp) || i < 0 || i >= d) throw new ShapeMismatchError('slice', `index ${sp} out of range for axis ${ax} of size ${d}`, [shape], ax);
      return { start: i, step: 1, len: 1, index: true };
    }
    const [st = null, sto = null, step = 1] = sp;
    if (!Number.isInteger(step) || step === 0) throw new ShapeMismatchError('slice', `step ${step} at axis ${ax}`, [shape], ax);
    for (const b of [st, sto]) {
      if (b !== null && !Number.isInteger(b)) throw new ShapeMismatchError('slice', `bound ${b} at axis ${ax} is not an integer`, [shape], ax);
    }
    if (step > 0) {
      const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + d : i, 0), d);
      const s = st === null ? 0 : clamp(st), e = sto === null ? d : clamp(sto);
      return { start: s, step, len: e > s ? Math.ceil((e - s) / step) : 0, index: false };
    }
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + d : i, -1), d - 1);
    const s = st === null ? d - 1 : clamp(st), e = sto === null ? -1 : clamp(sto);
    return { start: s, step, len: s > e ? Math.ceil((s - e) / -step) : 0, index: false };
  });
};
/** the output shape of a runtime slice */
export function sliceShape<const S extends readonly number[], const Sp extends readonly SliceSpec[]>(shape: S, specs: Sp): Slice<S, Sp> {
  return slicePlan(shape, specs).filter((a) => !a.index).map((a) => a.len) as Slice<S, Sp>;
}

/** NumPy take: the indices' shape replaces axis Ax */
export type Take<S extends Shape, I extends Shape, Ax extends number> =
  IsDynRank<S> extends true ? Dim[] : IsDynRank<I> extends true ? Dim[]
  : [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`take: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : ReplaceAt<S, NormAxis<Ax, S['length']>, I>;
type ReplaceAt<S extends Shape, At extends number, I extends Shape, Acc extends Dim[] = []> =
  number extends At ? Dim[]
  : S extends readonly [infer H extends Dim, ...infer R extends Shape]
    ? Acc['length'] extends At ? [...Acc, ...I, ...R] : ReplaceAt<R, At, I, [...Acc, H]>
    : Acc;
/** runtime twin of Take */
export function takeShape<const S extends readonly number[], const I extends readonly number[], const A extends number>(
  shape: S, indices: I, axis: A,
): Take<S, I, A> {
  const ax = normAxis('take', axis, shape);
  return [...shape.slice(0, ax), ...indices, ...shape.slice(ax + 1)] as Take<S, I, A>;
}

/** torch.gather / take_along_axis: indices of the same rank; the result has the indices' shape */
export type Gather<S extends Shape, I extends Shape, Ax extends number> =
  IsDynRank<S> extends true ? [...I] : IsDynRank<I> extends true ? [...I]
  : [NormAxis<Ax, S['length']>] extends [never] ? ShapeError<`gather: axis ${Ax} out of range for rank ${S['length']}`, S, Ax>
  : S['length'] extends I['length'] ? GatherDims<S, I, NormAxis<Ax, S['length']>, [], S, I>
  : ShapeError<`gather: indices have rank ${I['length']}, input has rank ${S['length']}`, S, I>;
/** off the gather axis, an indices dim may not exceed the input's (torch.gather) */
type GatherDims<S extends Shape, I extends Shape, Ax extends number, K extends 0[], FS extends Shape, FI extends Shape> =
  S extends readonly [infer s, ...infer SR extends Shape] ? I extends readonly [infer i, ...infer IR extends Shape]
    ? K['length'] extends Ax ? GatherDims<SR, IR, Ax, [...K, 0], FS, FI>
    : s extends number ? i extends number ? Compare<i, s> extends 1
      ? ShapeError<`gather: indices dim ${i} exceeds input dim ${s} at axis ${K['length']}`, FS, FI>
      : GatherDims<SR, IR, Ax, [...K, 0], FS, FI> : GatherDims<SR, IR, Ax, [...K, 0], FS, FI> : GatherDims<SR, IR, Ax, [...K, 0], FS, FI>
    : [...FI] : [...FI];
/** runtime twin of Gather */
export function gatherShape<const S extends readonly number[], const I extends readonly number[], const A extends number>(
  shape: S, indices: I, axis: A,
): Gather<S, I, A> {
  const ax = normAxis('gather', axis, shape);
  if (indices.length !== shape.length) throw new ShapeMismatchError('gather', `indices have rank ${indices.length}, input has rank ${shape.length}`, [shape, indices]);
  indices.forEach((d, i) => {
    if (i !== ax && d > shape[i]!) throw new ShapeMismatchError('gather', `indices dim ${d} exceeds input dim ${shape[i]} at axis ${i}`, [shape, indices], i);
  });
  return [...indices] as Gather<S, I, A>;
}

/** one-hot: a trailing axis of size N */
export type OneHot<I extends Shape, N extends number> = IsDynRank<I> extends true ? Dim[] : [...I, N];

/** pad widths: one [before, after] per axis */
export type PadWidths = readonly (readonly [number, number])[];
/** each dim grows by before + after */
export type Pad<S extends Shape, W extends PadWidths> =
  IsDynRank<S> extends true ? Dim[] : number extends W['length'] ? Dim[]
  : W['length'] extends S['length']
    ? { -readonly [K in keyof S]: K extends keyof W ? PadDim<S[K], W[K]> : S[K] }
    : ShapeError<`pad: ${W['length']} widths for rank ${S['length']}`, S, W>;
type PadDim<D, W> = W extends readonly [infer B extends number, infer A extends number]
  ? [B, A] extends [0, 0] ? D
  : D extends number ? (IsNatural<B> extends true ? IsNatural<A> extends true ? Add<Add<D, B>, A> : number : number) : number
  : never;
/** runtime twin of Pad (and its checks: widths non-negative; reflect needs widths < dim) */
export function padShape<const S extends readonly number[], const W extends PadWidths>(
  shape: S, widths: W, mode: 'constant' | 'reflect' = 'constant',
): Pad<S, W> {
  if (widths.length !== shape.length) throw new ShapeMismatchError('pad', `${widths.length} widths for rank ${shape.length}`, [shape]);
  return shape.map((d, i) => {
    const [b, a] = widths[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ShapeMismatchError('pad', `widths [${b}, ${a}] at axis ${i} must be non-negative integers`, [shape], i);
    }
    if (mode === 'reflect' && (b > d - 1 || a > d - 1)) {
      throw new ShapeMismatchError('pad', `reflect widths [${b}, ${a}] need a dim larger than both; axis ${i} has ${d}`, [shape], i);
    }
    return d + b + a;
  }) as Pad<S, W>;
}

/** top-k along the last axis: K must not exceed it */
export type TopK<S extends Shape, K extends number> =
  IsDynRank<S> extends true ? Dim[]
  : S extends readonly [...infer Init extends Shape, infer D extends Dim]
    ? D extends number
      ? number extends D | K ? [...Init, K]
      : Compare<K, D> extends 1 ? ShapeError<`topk: k = ${K} exceeds the last dim ${D}`, S, K> : [...Init, K]
      : [...Init, K]
    : ShapeError<'topk: input is a scalar', S, K>;
/** runtime twin of TopK */
export function topkShape<const S extends readonly number[], const K extends number>(shape: S, k: K): TopK<S, K> {
  const d = shape[shape.length - 1];
  if (d === undefined) throw new ShapeMismatchError('topk', 'input is a scalar', [shape]);
  if (!Number.isInteger(k) || k < 0 || k > d) throw new ValueError('topk', `k = ${k} must be an integer in [0, ${d}] for shape ${showShape(shape)}`);
  return [...shape.slice(0, -1), k] as TopK<S, K>;
}
