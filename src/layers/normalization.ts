/** @file Normalization layers, channels-last: batchNorm (running statistics as state), layerNorm, rmsNorm, groupNorm, instanceNorm. */
import type { Check, Compare, Mod, ShapeError } from '../../types/index.js';
import { add, fuse, mean, mul, reshape, rsqrt, square, standardize, stopGradient, sub } from '../ops/index.js';
import { split, type Key } from '../random/index.js';
import { numel, ShapeMismatchError, showShape, ValueError, type DimEq, type Dim, type IsDynRank, type Shape } from '../shape/index.js';
import { full, type AnyTensor, type Tensor } from '../tensor/index.js';
import * as init from './initializers.js';
import { defineLayer, requireDType, type Context, type Layer, type ShapeFn } from './layer.js';

type T = AnyTensor;

// ---- shape rules -------------------------------------------------------------------------------

/**
 * The input shape, kept, when its last dims are N and its rank is at least Min; else a ShapeError
 * naming the layer: `batchNorm(4): input has 3 channels, expected 4`. The variadic part of
 * [...Dim[], 16] is not checked. (The shape comes back as [...In], not In: a bare In in a branch
 * makes TypeScript 6 infer the layer's input type from the whole tensor and lose the shape.)
 */
export type CheckTrailing<In, N extends Shape, Name extends string, What extends string, Min extends number = N['length']> =
  In extends Shape
    ? IsDynRank<In> extends true ? MatchTrailing<In, N, N, Name, What, [...In]>
    : Compare<In['length'], Min> extends -1 ? ShapeError<`${Name}: input has rank ${In['length']}, expected at least ${Min}`, In>
    : MatchTrailing<In, N, N, Name, What, [...In]>
    : never;
/** compares the trailing dims from the end: Ok when they match, else the error */
type MatchTrailing<In extends Shape, N extends Shape, FullN extends Shape, Name extends string, What extends string, Ok extends Shape> =
  N extends readonly [...infer NR extends Shape, infer n extends Dim]
    ? In extends readonly [...infer IR extends Shape, infer i extends Dim]
      ? DimEq<i, n> extends true ? MatchTrailing<IR, NR, FullN, Name, What, Ok>
      : FullN extends readonly [Dim] ? ShapeError<`${Name}: input has ${i} ${What}, expected ${n}`, Ok>
      : ShapeError<`${Name}: input shape does not end in [${JoinDims<FullN>}]`, Ok, FullN>
      : Ok
    : Ok;
type JoinDims<N extends Shape> = N extends readonly [infer H extends Dim, ...infer R extends Shape] ? R extends readonly [] ? `${H}` : `${H}, ${JoinDims<R>}` : '';

/** runtime twin of CheckTrailing: throws a ShapeMismatchError naming the layer */
const checkTrailing = (name: string, what: string, shape: readonly number[], trailing: readonly number[], minRank = trailing.length): void => {
  if (shape.length < minRank) throw new ShapeMismatchError(name, `input has rank ${shape.length}, expected at least ${minRank}`, [shape]);
  const tail = shape.slice(shape.length - trailing.length);
  if (tail.every((d, i) => d === trailing[i])) return;
  throw trailing.length === 1
    ? new ShapeMismatchError(name, `input has ${tail[0]} ${what}, expected ${trailing[0]}`, [shape])
    : new ShapeMismatchError(name, `input shape does not end in ${showShape(trailing)}`, [shape, trailing]);
};

/** [..., C] -> [..., C] (batchNorm(C)); the last dim must be C */
export interface BatchNormFn<C extends number> extends ShapeFn {
  readonly canonical: [...Dim[], C];
  readonly out: CheckTrailing<this['in'], [C], `batchNorm(${C})`, 'channels', 1>;
}
/** [..., ...N] -> the same shape (layerNorm(N)); the last dims must be N */
export interface LayerNormFn<N extends Shape> extends ShapeFn {
  readonly canonical: [...Dim[], ...N];
  readonly out: CheckTrailing<this['in'], N, `layerNorm([${JoinDims<N>}])`, 'features'>;
}
/** [..., D] -> [..., D] (rmsNorm(D)) */
export interface RmsNormFn<D extends number> extends ShapeFn {
  readonly canonical: [...Dim[], D];
  readonly out: CheckTrailing<this['in'], [D], `rmsNorm(${D})`, 'features', 1>;
}
/** [B, ...spatial, C] -> the same shape (groupNorm(G, C)); rank at least 2 */
export interface GroupNormFn<G extends number, C extends number> extends ShapeFn {
  readonly canonical: [...Dim[], C];
  readonly out: CheckTrailing<this['in'], [C], `groupNorm(${G}, ${C})`, 'channels', 2>;
}
/** [B, ...spatial, C] -> the same shape (instanceNorm(C)); at least one spatial axis */
export interface InstanceNormFn<C extends number> extends ShapeFn {
  readonly canonical: [...Dim[], C];
  readonly out: CheckTrailing<this['in'], [C], `instanceNorm(${C})`, 'channels', 3>;
}
/** C when G groups split it evenly (or either is not a literal), else the error, put on the channels argument */
export type GroupsDivide<G extends number, C extends number> =
  number extends Mod<C, G> ? C : Mod<C, G> extends 0 ? C : ShapeError<`groupNorm: ${C} channels do not split into ${G} groups`, C, G>;

// ---- shared pieces -----------------------------------------------------------------------------

/** the learned per-element affine map y·scale + bias, of the normalized shape S */
export interface AffineParams<S extends Shape> { readonly scale: Tensor<S>; readonly bias: Tensor<S> }
/** the params of a layer with an optional affine map: none (null) when affine is false */
export type MaybeAffine<S extends Shape, A extends boolean> = A extends false ? null : AffineParams<S>;
/** options shared by the normalization layers: eps in the square root, and the affine map's initializers */
export interface NormOptions {
  /** added to the variance under the square root (default 1e-5) */
  readonly eps?: number;
  /** the scale's initializer (ones by default) */
  readonly scaleInit?: init.Initializer;
  /** the bias's initializer (zeros by default) */
  readonly biasInit?: init.Initializer;
}
/** options of the layers whose affine map can be switched off */
export interface AffineOptions<A extends boolean> extends NormOptions {
  /** learn a scale and a bias (default true) */
  readonly affine?: A;
}

const positive = (name: string, what: string, n: number): void => {
  if (!Number.isInteger(n) || n <= 0) throw new ValueError(name, `${what} ${n} must be a positive integer`);
};
const checkEps = (name: string, eps: number): number => {
  if (!(eps >= 0)) throw new ValueError(name, `eps ${eps} must be non-negative`);
  return eps;
};
const affineInit = (options: NormOptions, shape: readonly number[]) => (key: Key): AffineParams<Shape> => {
  const [k1, k2] = split(key);
  return { scale: (options.scaleInit ?? init.ones)(k1, shape), bias: (options.biasInit ?? init.zeros)(k2, shape) };
};
/** y·scale + bias, broadcast over the leading axes (one fused pass) */
const scaleShift = fuse((y: T, scale: T, bias: T): T => add(mul(y, scale), bias) as T);
const affine = (y: T, p: AffineParams<Shape> | null): T => (p === null ? y : scaleShift(y, p.scale, p.bias));
const axesBetween = (from: number, to: number): number[] => Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);
/**
 * (x - mean) / sqrt(var + eps) with the mean and biased variance over `axes` (kept as size-1 axes).
 * A composite of primitives: its gradient comes from theirs, no hand-written VJP.
 */
const standardizeWithMoments = (x: T, axes: readonly number[], eps: number): { readonly y: T; readonly mean: T; readonly variance: T } => {
  const mu = mean(x as Tensor<Shape>, axes as number[], { keepdims: true }) as T;
  const centred = sub(x, mu) as T;
  const variance = mean(square(centred), axes as number[], { keepdims: true }) as T;
  return { y: mul(centred, rsqrt(add(variance, eps))) as T, mean: mu, variance };
};
const standardized = (x: T, axes: readonly number[], eps: number): T => standardize(x, axes, { eps }) as T;
const shapeOf = (x: T): readonly number[] => x.shape as readonly number[];

// ---- batchNorm -----------------------------------------------------------------------------------

/** batch norm's state: running estimates of each channel's mean and (unbiased) variance */
export interface BatchNormState<C extends number> { readonly runningMean: Tensor<[C]>; readonly runningVar: Tensor<[C]> }
/** batchNorm options: momentum in the PyTorch sense (weight of the new batch), eps, initializers */
export interface BatchNormOptions extends NormOptions {
  /** rm' = (1 - momentum)·rm + momentum·batch mean (default 0.1; Keras' 0.99 is 0.01 here) */
  readonly momentum?: number;
}
/**
 * Batch normalization over every axis but the last (channels-last), as PyTorch's BatchNorm.
 * Train: y = (x - mean)/√(var + eps)·scale + bias with the batch's mean and biased variance; the new
 * state moves the running mean and the running unbiased variance (n/(n-1)) by `momentum`, and
 * carries no gradient. A channel with a single value (n = 1) has no unbiased variance: a ValueError,
 * as PyTorch's "Expected more than 1 value per channel". Eval: the running statistics, as constants.
 * `apply` runs from `initState()` and drops the new state: right in train mode, but in eval mode it
 * normalizes with the initial statistics (mean 0, variance 1); `applyWithState` takes and returns the state.
 * @example batchNorm(16) // [B, H, W, 16] -> [B, H, W, 16]; state { runningMean: [16], runningVar: [16] }
 */
export const batchNorm = <const C extends number>(
  channels: C, options: BatchNormOptions = {},
): Layer<BatchNormFn<C>, AffineParams<[C]>, BatchNormState<C>> => {
  const name = 'batchNorm';
  positive(name, 'channels', channels);
  const eps = checkEps(name, options.eps ?? 1e-5), m = options.momentum ?? 0.1;
  if (!(m >= 0 && m <= 1)) throw new ValueError(name, `momentum ${m} must be in [0, 1]`);
  const initState = (): BatchNormState<C> =>
    ({ runningMean: full([channels], 0), runningVar: full([channels], 1) }) as BatchNormState<C>;
  const run = (p: AffineParams<[C]>, s: BatchNormState<C>, x: T, ctx: Context): readonly [T, BatchNormState<C>] => {
    requireDType(name, x, ['float32']);
    const shape = shapeOf(x);
    checkTrailing(name, 'channels', shape, [channels], 1);
    const params = p as AffineParams<Shape>;
    if (ctx.mode === 'eval') {
      const y = mul(sub(x, stopGradient(s.runningMean)), rsqrt(add(stopGradient(s.runningVar), eps))) as T;
      return [affine(y, params), s];
    }
    const n = numel(shape.slice(0, -1));
    if (n < 2) throw new ValueError(name, `expected more than 1 value per channel when training, got input shape ${showShape(shape)}`);
    const batch = standardizeWithMoments(x, axesBetween(0, shape.length - 1), eps);
    // the running statistics are estimates, not part of the model's function: no gradient flows into them
    const moved = (old: T, stat: T, correction: number): Tensor<[C]> =>
      stopGradient(add(mul(old, 1 - m), mul(reshape(stat as Tensor<Shape>, [channels as number]) as T, m * correction))) as T as Tensor<[C]>;
    const next: BatchNormState<C> = { runningMean: moved(s.runningMean, batch.mean, 1), runningVar: moved(s.runningVar, batch.variance, n / (n - 1)) };
    return [affine(batch.y, params), next];
  };
  return defineLayer<BatchNormFn<C>, AffineParams<[C]>, BatchNormState<C>>(
    `batchNorm(${channels})`, affineInit(options, [channels]) as (key: Key) => AffineParams<[C]>, run, initState);
};

// ---- layerNorm, rmsNorm --------------------------------------------------------------------------

/** a normalized shape given as a number or a tuple, as a tuple */
export type NormalizedShape<N extends number | readonly number[]> = N extends number ? [N] : N extends readonly number[] ? [...N] : never;
/**
 * Layer normalization over the last k axes, where `shape` (a number or a k-tuple) is their shape,
 * as PyTorch's LayerNorm: biased variance, eps 1e-5 (Keras' default is 1e-3); scale and bias of that shape.
 * @example layerNorm(512) // [B, T, 512] -> [B, T, 512], params { scale: [512], bias: [512] }
 */
export const layerNorm = <const N extends number | readonly number[], const A extends boolean = true>(
  shape: N, options: AffineOptions<A> = {},
): Layer<LayerNormFn<NormalizedShape<N>>, MaybeAffine<NormalizedShape<N>, A>> => {
  const name = 'layerNorm';
  const ns: readonly number[] = typeof shape === 'number' ? [shape] : shape as readonly number[];
  if (ns.length === 0) throw new ValueError(name, 'the normalized shape is empty');
  ns.forEach((d) => positive(name, 'dim', d));
  const eps = checkEps(name, options.eps ?? 1e-5);
  const isAffine = options.affine ?? true;
  type P = MaybeAffine<NormalizedShape<N>, A>;
  return defineLayer<LayerNormFn<NormalizedShape<N>>, P>(`layerNorm(${showShape(ns)})`,
    (key) => (isAffine ? affineInit(options, ns)(key) : null) as P,
    (p, s, x) => {
      requireDType(name, x, ['float32']);
      const xs = shapeOf(x);
      checkTrailing(name, 'features', xs, ns);
      return [affine(standardized(x, axesBetween(xs.length - ns.length, xs.length), eps), p as AffineParams<Shape> | null), s];
    });
};

/** rmsNorm options: eps under the square root (default 1e-6) and the scale's initializer */
export interface RmsNormOptions { readonly eps?: number; readonly scaleInit?: init.Initializer }
/**
 * Root-mean-square normalization over the last axis: x / √(mean(x²) + eps) · scale (no centring, no bias).
 * @example rmsNorm(512) // [B, T, 512] -> [B, T, 512], params { scale: [512] }
 */
export const rmsNorm = <const D extends number>(dim: D, options: RmsNormOptions = {}): Layer<RmsNormFn<D>, { readonly scale: Tensor<[D]> }> => {
  const name = 'rmsNorm';
  positive(name, 'dim', dim);
  const eps = checkEps(name, options.eps ?? 1e-6);
  return defineLayer<RmsNormFn<D>, { readonly scale: Tensor<[D]> }>(`rmsNorm(${dim})`,
    (key) => ({ scale: (options.scaleInit ?? init.ones)(key, [dim]) }),
    (p, s, x) => {
      requireDType(name, x, ['float32']);
      checkTrailing(name, 'features', shapeOf(x), [dim], 1);
      const ms = mean(square(x as Tensor<Shape>), -1, { keepdims: true });
      return [mul(mul(x, rsqrt(add(ms, eps))), p.scale) as T, s];
    });
};

// ---- groupNorm, instanceNorm ----------------------------------------------------------------------

/**
 * Group normalization, channels-last [B, ...spatial, C]: per sample and group, statistics over the
 * spatial positions and the group's channels [g·C/G, (g+1)·C/G) (biased variance); per-channel
 * scale and bias. groupNorm(1, C) normalizes each sample over (spatial, C); groupNorm(C, C) is instanceNorm.
 * Channels that the groups do not split evenly are a compile-time error (literal sizes) and a ValueError.
 * @example groupNorm(8, 32) // [B, H, W, 32] -> [B, H, W, 32]
 */
export const groupNorm = <const G extends number, const C extends number, const A extends boolean = true>(
  groups: G, channels: Check<GroupsDivide<NoInfer<G>, NoInfer<C>>, C>, options: AffineOptions<A> = {},
): Layer<GroupNormFn<G, C>, MaybeAffine<[C], A>> => {
  const name = 'groupNorm', c = channels as number;
  positive(name, 'groups', groups);
  positive(name, 'channels', c);
  if (c % groups !== 0) throw new ValueError(name, `${c} channels do not split into ${groups} groups`);
  const eps = checkEps(name, options.eps ?? 1e-5);
  const isAffine = options.affine ?? true;
  return defineLayer<GroupNormFn<G, C>, MaybeAffine<[C], A>>(`groupNorm(${groups}, ${c})`,
    (key) => (isAffine ? affineInit(options, [c])(key) : null) as MaybeAffine<[C], A>,
    (p, s, x) => {
      requireDType(name, x, ['float32']);
      const xs = shapeOf(x), r = xs.length;
      checkTrailing(name, 'channels', xs, [c], 2);
      // [B, ...spatial, C] -> [B, ...spatial, G, C/G]: reduce the spatial axes and the last one, keep B and G
      const grouped = reshape(x as Tensor<Shape>, [...xs.slice(0, -1), groups, c / groups] as Dim[]) as T;
      const y = reshape(standardized(grouped, [...axesBetween(1, r - 1), r], eps) as Tensor<Shape>, xs as Dim[]) as T;
      return [affine(y, p as AffineParams<Shape> | null), s];
    });
};

/**
 * Instance normalization, channels-last [B, ...spatial, C]: per sample and channel over the spatial
 * axes (biased variance), per-channel scale and bias, no running statistics (PyTorch's InstanceNorm
 * with track_running_stats false; affine by default here, where PyTorch's default is affine=False).
 * Needs at least one spatial axis.
 * @example instanceNorm(3) // [B, H, W, 3] -> [B, H, W, 3]
 */
export const instanceNorm = <const C extends number, const A extends boolean = true>(
  channels: C, options: AffineOptions<A> = {},
): Layer<InstanceNormFn<C>, MaybeAffine<[C], A>> => {
  const name = 'instanceNorm';
  positive(name, 'channels', channels);
  const eps = checkEps(name, options.eps ?? 1e-5);
  const isAffine = options.affine ?? true;
  return defineLayer<InstanceNormFn<C>, MaybeAffine<[C], A>>(`instanceNorm(${channels})`,
    (key) => (isAffine ? affineInit(options, [channels])(key) : null) as MaybeAffine<[C], A>,
    (p, s, x) => {
      requireDType(name, x, ['float32']);
      const xs = shapeOf(x);
      checkTrailing(name, 'channels', xs, [channels], 3);
      return [affine(standardized(x, axesBetween(1, xs.length - 1), eps), p as AffineParams<Shape> | null), s];
    });
};
