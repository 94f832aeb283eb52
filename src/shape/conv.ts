/** @file Sliding-window shapes (convolution, transposed convolution, pooling): static rules and runtime twins. */
import type { Add, CeilDiv, Div, IsNatural, Mul, ShapeError, Sub } from '../../types/index.js';
import { type Dim, type DimEq, type IsDynRank, type Shape } from './dims.js';
import { ShapeMismatchError, ValueError } from './errors.js';

/** padding: 'valid' (none), 'same' (TF: out = ceil(in / stride), the extra at the end), 'causal' (1-D: all before), or [before, after] per spatial axis */
export type Padding = 'valid' | 'same' | 'causal' | readonly (readonly [number, number])[];
/** one value for every spatial axis, or one each */
export type PerAxis = number | readonly number[];

type At<P extends PerAxis, I extends number> = P extends number ? P : P extends readonly number[] ? (I extends keyof P ? P[I] & number : 1) : 1;
type PadAt<P, I extends number> = P extends readonly (readonly [number, number])[] ? (I extends keyof P ? P[I] : [0, 0]) : P;

/** the output size of one spatial axis of a window op */
export type WindowOut<N extends Dim, K extends number, S extends number, D extends number, P> =
  N extends number
    ? number extends N | K | S | D ? number
    : P extends 'same' | 'causal' ? CeilDiv<N, S>
    : (P extends readonly [infer B extends number, infer A extends number] ? Add<Add<N, B>, A> : N) extends infer Padded extends number
      ? Sub<Padded, Add<Mul<D, Sub<K, 1>>, 1>> extends infer R
        ? [R] extends [never] ? never : R extends number ? Add<Div<R, S>, 1> : number
        : never
      : number
    : number;
/** the output size of one spatial axis of a transposed convolution */
export type TransposeOut<N extends Dim, K extends number, S extends number, D extends number, P, OP extends number> =
  N extends number
    ? number extends N | K | S | D | OP ? number
    : P extends 'same' ? Mul<N, S>
    : Add<Add<Mul<Sub<N, 1>, S>, Mul<D, Sub<K, 1>>>, 1> extends infer Full extends number
      ? P extends readonly [infer B extends number, infer A extends number] ? Add<Sub<Sub<Full, B>, A>, OP> : Add<Full, OP>
      : number
    : number;

/** the window options of an op as the type sees them */
export interface WindowOpts { readonly strides: PerAxis; readonly dilations: PerAxis; readonly padding: Padding }
type Outs<Sp extends Shape, K extends readonly number[], O extends WindowOpts> =
  O['padding'] extends readonly unknown[]
    ? number extends O['padding']['length'] ? OutsRec<Sp, K, O>
    : O['padding']['length'] extends K['length'] ? OutsRec<Sp, K, O>
    : ShapeError<`${O['padding']['length']} padding pairs for ${K['length']} spatial axes`, Sp, K>
    : O['padding'] extends 'causal' ? (K['length'] extends 1 ? OutsRec<Sp, K, O> : ShapeError<"'causal' padding is for one spatial axis", Sp, K>)
    : OutsRec<Sp, K, O>;
type OutsRec<Sp extends Shape, K extends readonly number[], O extends WindowOpts, I extends 0[] = [], Acc extends Dim[] = []> =
  Sp extends readonly [infer N extends Dim, ...infer R extends Shape]
    ? WindowOut<N, K[I['length']] & number, At<O['strides'], I['length']>, At<O['dilations'], I['length']>, PadAt<O['padding'], I['length']>> extends infer W
      ? [W] extends [never] ? ShapeError<`window larger than the padded input at spatial axis ${I['length']}`, Sp, K>
      : OutsRec<R, K, O, [...I, 0], [...Acc, W & Dim]>
      : never
    : Acc;

/**
 * conv over [B, ...spatial, C] with a kernel of spatial size K, In input channels (per group
 * times groups) and Out output channels: [B, ...outs, Out], or a ShapeError naming op and dims.
 */
export type ConvShape<Op extends string, X extends Shape, K extends readonly number[], In extends number, Out extends number, O extends WindowOpts> =
  IsDynRank<X> extends true ? Dim[]
  : X extends readonly [infer B extends Dim, ...infer Sp extends Shape, infer C extends Dim]
    ? Sp['length'] extends K['length']
      ? DimEq<C, In> extends false ? ShapeError<`${Op}: input has ${C} channels, kernel expects ${In}`, X, K>
      : Outs<Sp, K, O> extends infer R ? R extends Dim[] ? [B, ...R, Out] : ShapeError<`${Op}: ${R extends ShapeError<infer M> ? M : 'bad window'}`, X, K> : never
      : ShapeError<`${Op}: input must be [batch, ${K['length'] extends 1 ? 'width' : 'height, width'}, channels]`, X, K>
    : ShapeError<`${Op}: input must be [batch, ...spatial, channels]`, X, K>;

/** pooling over [B, ...spatial, C] with window K: [B, ...outs, C] */
export type PoolShape<Op extends string, X extends Shape, K extends readonly number[], O extends WindowOpts> =
  IsDynRank<X> extends true ? Dim[]
  : X extends readonly [infer B extends Dim, ...infer Sp extends Shape, infer C extends Dim]
    ? Sp['length'] extends K['length']
      ? Outs<Sp, K, O> extends infer R ? R extends Dim[] ? [B, ...R, C] : ShapeError<`${Op}: ${R extends ShapeError<infer M> ? M : 'bad window'}`, X, K> : never
      : ShapeError<`${Op}: input must be [batch, ${K['length'] extends 1 ? 'width' : 'height, width'}, channels]`, X, K>
    : ShapeError<`${Op}: input must be [batch, ...spatial, channels]`, X, K>;

type TOuts<Sp extends Shape, K extends readonly number[], S extends PerAxis, D extends PerAxis, P, OP extends PerAxis, I extends 0[] = [], Acc extends Dim[] = []> =
  Sp extends readonly [infer N extends Dim, ...infer R extends Shape]
    ? TOuts<R, K, S, D, P, OP, [...I, 0], [...Acc, TransposeOut<N, K[I['length']] & number, At<S, I['length']>, At<D, I['length']>, PadAt<P, I['length']>, At<OP, I['length']>> & Dim]>
    : Acc;
/** transposed conv over [B, ...spatial, In]: [B, ...outs, Out] */
export type ConvTransposeShape<Op extends string, X extends Shape, K extends readonly number[], In extends number, Out extends number,
  S extends PerAxis, D extends PerAxis, P, OP extends PerAxis> =
  IsDynRank<X> extends true ? Dim[]
  : X extends readonly [infer B extends Dim, ...infer Sp extends Shape, infer C extends Dim]
    ? Sp['length'] extends K['length']
      ? DimEq<C, In> extends false ? ShapeError<`${Op}: input has ${C} channels, kernel expects ${In}`, X, K>
      : [B, ...TOuts<Sp, K, S, D, P, OP>, Out]
      : ShapeError<`${Op}: input must be [batch, ${K['length'] extends 1 ? 'width' : 'height, width'}, channels]`, X, K>
    : ShapeError<`${Op}: input must be [batch, ...spatial, channels]`, X, K>;
/** true when groups divides both channel counts (literals) */
export type GroupsDivide<In extends number, Out extends number, G extends number> =
  IsNatural<G> extends false ? true : G extends 0 ? false
  : number extends In | Out ? true
  : [Sub<In, Mul<Div<In, G>, G>>, Sub<Out, Mul<Div<Out, G>, G>>] extends [0, 0] ? true : false;

// ---- runtime twins -------------------------------------------------------------------------------

/** per-axis values from a number or a list, checked to be positive integers */
export const perAxis = (op: string, what: string, v: PerAxis | undefined, rank: number, fallback: number): number[] => {
  const list = v === undefined ? new Array<number>(rank).fill(fallback) : typeof v === 'number' ? new Array<number>(rank).fill(v) : [...v];
  if (list.length !== rank) throw new ValueError(op, `${list.length} ${what} for ${rank} spatial axes`);
  list.forEach((n, i) => { if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `${what} ${n} at spatial axis ${i} must be a positive integer`); });
  return list;
};
/** [before, after] per spatial axis for a padding mode (TF rule for 'same': the extra at the end) */
export const resolvePads = (op: string, spatial: readonly number[], kernel: readonly number[], strides: readonly number[],
  dilations: readonly number[], padding: Padding): [number, number][] => {
  if (padding === 'valid') return spatial.map(() => [0, 0]);
  if (padding === 'causal') {
    if (spatial.length !== 1) throw new ValueError(op, "'causal' padding is for one spatial axis");
    return [[dilations[0]! * (kernel[0]! - 1), 0]];
  }
  if (padding === 'same') {
    return spatial.map((n, i) => {
      const out = Math.ceil(n / strides[i]!);
      const total = Math.max((out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  if (padding.length !== spatial.length) throw new ValueError(op, `${padding.length} padding pairs for ${spatial.length} spatial axes`);
  return padding.map(([b, a], i) => {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) throw new ValueError(op, `padding [${b}, ${a}] at spatial axis ${i} must be non-negative integers`);
    return [b, a];
  });
};
/** checks an input [B, ...spatial, C] of a window op: rank and (when given) channels; returns the spatial dims */
export const windowInput = (op: string, x: readonly number[], spatialRank: number, channels?: number): number[] => {
  if (x.length !== spatialRank + 2) {
    throw new ShapeMismatchError(op, `input must be [batch, ${spatialRank === 1 ? 'width' : 'height, width'}, channels], got rank ${x.length}`, [x]);
  }
  if (channels !== undefined && x[x.length - 1] !== channels) {
    throw new ShapeMismatchError(op, `input has ${x[x.length - 1]} channels, kernel expects ${channels}`, [x], x.length - 1);
  }
  return x.slice(1, -1);
};
/** the window counts, or an error naming the axis where the window is larger than the padded input */
export const windowOuts = (op: string, spatial: readonly number[], kernel: readonly number[], strides: readonly number[],
  dilations: readonly number[], pads: readonly (readonly [number, number])[]): number[] =>
  spatial.map((n, i) => {
    const span = dilations[i]! * (kernel[i]! - 1) + 1, padded = n + pads[i]![0] + pads[i]![1];
    if (padded < span) throw new ShapeMismatchError(op, `window larger than the padded input at spatial axis ${i} (${span} > ${padded})`, [spatial, kernel]);
    return Math.floor((padded - span) / strides[i]!) + 1;
  });
/** the transposed conv's full size and crop per axis, for its output size */
export const transposePlan = (op: string, spatial: readonly number[], kernel: readonly number[], strides: readonly number[],
  dilations: readonly number[], padding: 'valid' | 'same' | readonly (readonly [number, number])[], outputPadding: readonly number[]) =>
  spatial.map((n, i) => {
    const s = strides[i]!, d = dilations[i]!, k = kernel[i]!, op_ = outputPadding[i]!;
    if (!Number.isInteger(op_) || op_ < 0 || op_ >= Math.max(s, d)) throw new ValueError(op, `output padding ${op_} at spatial axis ${i} must be in [0, max(stride, dilation))`);
    const full = (n - 1) * s + d * (k - 1) + 1;
    if (padding === 'same') {
      const before = Math.floor(Math.max(d * (k - 1) + 1 - s, 0) / 2);
      return { full, before, out: n * s };
    }
    const [b, a] = padding === 'valid' ? [0, 0] : padding[i] ?? [0, 0];
    const out = full - b - a + op_;
    if (out <= 0) throw new ShapeMismatchError(op, `padding [${b}, ${a}] leaves no output at spatial axis ${i}`, [spatial]);
    return { full, before: b, out };
  });
