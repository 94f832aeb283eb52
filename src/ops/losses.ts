/** @file Losses (softmax cross-entropy, BCE with logits, MSE, Huber) as composites of primitives, with their shape rules. */
import type { Check, ShapeError } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import {
  ShapeMismatchError, showShape, ValueError, type AsShape, type BroadcastTo, type Dim,
  type DimEq, type IsDynRank, type Shape,
} from '../shape/index.js';
import { toArray, type AnyTensor, type Tensor } from '../tensor/index.js';
import { logSoftmax, softplus } from './activations.js';
import { abs, add, cast, equal, exp, lessEqual, log1p, maximum, mul, neg, square, stopGradient, sub, where } from './elementwise.js';
import { primitives } from './primitives.js';
import { mean, sum } from './reduce.js';

type T = AnyTensor;

// ---- shape rules, each beside its runtime twin ---------------------------------------------------

/** how a loss folds its per-element values: their mean or sum (a scalar), or none */
export type Reduction = 'mean' | 'sum' | 'none';
/** the shape of a loss whose per-element values have shape S, after reduction R */
export type Reduced<S extends Shape, R extends Reduction> = R extends 'none' ? [...S] : [];

/** the positions of logits [..., C]: every axis but the last (the classes); a ShapeError for a scalar */
export type ClassPositions<S extends Shape, Op extends string> =
  IsDynRank<S> extends true ? Dim[]
  : S extends readonly [...infer P extends Shape, Dim] ? P
  : ShapeError<`${Op}: logits are a scalar; classes go on the last axis`, S>;
/** runtime twin of ClassPositions */
export const classPositions = (op: string, shape: readonly number[]): number[] => {
  if (shape.length === 0) throw new ShapeMismatchError(op, 'logits are a scalar; classes go on the last axis', [shape]);
  return shape.slice(0, -1);
};

/** Got when it has Want's rank and dims (a wide dim is checked at run time), else a ShapeError naming Op and What */
export type MatchShape<Got extends Shape, Want extends Shape, Op extends string, What extends string> =
  IsDynRank<Got> extends true ? [...Got] : IsDynRank<Want> extends true ? [...Got]
  : Got['length'] extends Want['length'] ? MatchRec<Got, Want, Op, What, [], Got, Want>
  : ShapeError<`${Op}: ${What} have rank ${Got['length']}, expected ${Want['length']}`, Got, Want>;
type MatchRec<G extends Shape, W extends Shape, Op extends string, What extends string, I extends 0[], FG extends Shape, FW extends Shape> =
  G extends readonly [infer g extends Dim, ...infer GR extends Shape]
    ? W extends readonly [infer w extends Dim, ...infer WR extends Shape]
      ? DimEq<g, w> extends true ? MatchRec<GR, WR, Op, What, [...I, 0], FG, FW>
      : ShapeError<`${Op}: ${What} have dim ${g} at axis ${I['length']}, expected ${w}`, FG, FW>
      : [...FG]
    : [...FG];
/** runtime twin of MatchShape */
export const matchShape = (op: string, what: string, got: readonly number[], want: readonly number[]): void => {
  if (got.length !== want.length) {
    throw new ShapeMismatchError(op, `${what} have rank ${got.length}, expected ${want.length} (${what} ${showShape(got)}, expected ${showShape(want)})`, [got, want]);
  }
  const axis = got.findIndex((d, i) => d !== want[i]);
  if (axis >= 0) throw new ShapeMismatchError(op, `${what} have dim ${got[axis]} at axis ${axis}, expected ${want[axis]}`, [got, want], axis);
};

/** integer labels for logits [..., C]: the logits' shape without the last axis */
export type LabelsFor<S extends Shape, L extends Shape, Op extends string> =
  ClassPositions<S, Op> extends infer P extends Shape ? MatchShape<L, P, Op, 'labels'> : ClassPositions<S, Op>;
/** runtime twin of LabelsFor, and a check of the values: int32 classes in [0, C) (gather would wrap -1 silently) */
export const checkLabels = (op: string, logits: T, labels: T): void => {
  const shape = logits.shape as readonly number[];
  matchShape(op, 'labels', labels.shape as readonly number[], classPositions(op, shape));
  if (labels.dtype !== 'int32') throw new ValueError(op, `labels must be int32 class indices, got ${labels.dtype}`);
  const c = shape[shape.length - 1]!;
  if (c === 0) throw new ValueError(op, `logits ${showShape(shape)} have no classes (the last axis has size 0)`);
  const values = toArray(labels);
  const at = values.findIndex((v) => v < 0 || v >= c);
  if (at >= 0) throw new ValueError(op, `label ${values[at]} at flat position ${at} is out of range for ${c} classes [0, ${c})`);
};

/** soft targets for logits [..., C]: the logits' own shape */
export type ProbsFor<S extends Shape, P extends Shape, Op extends string> =
  ClassPositions<S, Op> extends Shape ? MatchShape<P, S, Op, 'probs'> : ClassPositions<S, Op>;
/** pos_weight must broadcast to the logits' shape (usually [C], one weight per class on the last axis) */
export type PosWeightFor<W extends Shape, S extends Shape, Op extends string> =
  BroadcastTo<W, S> extends Shape ? [...W] : ShapeError<`${Op}: posWeight does not broadcast to the logits' shape`, W, S>;
/** runtime twin of PosWeightFor */
export const posWeightFor = (op: string, w: readonly number[], shape: readonly number[]): void => {
  const lead = shape.length - w.length;
  if (lead < 0 || w.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeMismatchError(op, `posWeight ${showShape(w)} does not broadcast to the logits' shape ${showShape(shape)}`, [w, shape]);
  }
};

// ---- reduction -------------------------------------------------------------------------------

const reductions: { readonly [R in Reduction]: (op: string, loss: T) => T } = {
  none: (_op, loss) => loss,
  sum: (_op, loss) => sum(loss),
  mean: (op, loss) => {
    // the mean of nothing is NaN: say so instead
    if (loss.size === 0) throw new ValueError(op, `reduction 'mean' over no elements (shape ${showShape(loss.shape)})`);
    return mean(loss);
  },
};
const reduce = (op: string, loss: T, reduction: Reduction | undefined): T => {
  const r = reduction ?? 'mean';
  if (!Object.hasOwn(reductions, r)) throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${String(r)}`);
  return reductions[r](op, loss);
};
/** a target as a float32 constant: targets carry no gradient */
const constant = (x: T): T => stopGradient(x.dtype === 'float32' ? x : cast(x, 'float32'));
const reshapeTo = (x: T, shape: readonly number[]): T => bind(primitives.reshape, [x], { shape });

// ---- losses ----------------------------------------------------------------------------------

/** reduction: 'mean' (default, over every element), 'sum' or 'none' */
export interface LossOptions<R extends Reduction> { readonly reduction?: R }
/** cross-entropy options: reduction, and label smoothing ε in [0, 1] */
export interface CrossEntropyOptions<R extends Reduction> extends LossOptions<R> { readonly labelSmoothing?: number }
/** the result of a loss over positions P: float32 of P for 'none', a scalar otherwise (a union for a union R) */
export type LossResult<P, R extends Reduction> = R extends Reduction ? Tensor<AsShape<Reduced<AsShape<P>, R>>, 'float32'> : never;

/**
 * Cross-entropy of softmax(logits) (classes on the last axis) with int32 labels; with label
 * smoothing ε, -(1-ε)·logp[y] - (ε/C)·Σ_c logp[c]. 'mean' averages over every position.
 * @example softmaxCrossEntropy(zeros([8, 10]), zeros([8], 'int32')) // log 10
 */
export const softmaxCrossEntropy = <S extends Shape, D extends DType, L extends Shape, const R extends Reduction = 'mean'>(
  logits: Tensor<S, D>, labels: Check<LabelsFor<S, L, 'softmaxCrossEntropy'>, Tensor<L, 'int32'>>,
  options: CrossEntropyOptions<R> = {},
): LossResult<ClassPositions<S, 'softmaxCrossEntropy'>, R> => {
  const op = 'softmaxCrossEntropy', x = logits as T, y = labels as T;
  checkLabels(op, x, y);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ValueError(op, `labelSmoothing ${eps} must be in [0, 1]`);
  // log-softmax is x - logSumExp(x): no log of 0 and no overflow for any logits
  const logp = logSoftmax(x);
  const picked = reshapeTo(bind(primitives.gather, [logp, reshapeTo(y, [...y.shape, 1])], { axis: -1 }), y.shape);
  // ε = 0 skips the smoothing term, so a -Infinity logit elsewhere cannot turn 0·∞ into NaN
  const loss = eps === 0 ? neg(picked) : sub(mul(picked, eps - 1), mul(mean(logp, -1), eps));
  return reduce(op, loss, options.reduction) as LossResult<ClassPositions<S, 'softmaxCrossEntropy'>, R>;
};

/** cross-entropy of softmax(logits) with probability targets of the same shape: -Σ_c p[c]·logp[c] (0·log 0 = 0) */
export const softmaxCrossEntropyWithProbs = <S extends Shape, D extends DType, P extends Shape, PD extends DType, const R extends Reduction = 'mean'>(
  logits: Tensor<S, D>, probs: Check<ProbsFor<S, P, 'softmaxCrossEntropyWithProbs'>, Tensor<P, PD>>, options: LossOptions<R> = {},
): LossResult<ClassPositions<S, 'softmaxCrossEntropyWithProbs'>, R> => {
  const op = 'softmaxCrossEntropyWithProbs', x = logits as T;
  const shape = x.shape as readonly number[];
  classPositions(op, shape);
  matchShape(op, 'probs', (probs as T).shape as readonly number[], shape);
  const p = constant(probs as T), logp = logSoftmax(x);
  // a class with p = 0 contributes 0 even where its logit is -Infinity
  const terms = where(equal(p, 0), 0, mul(p, logp));
  return reduce(op, neg(sum(terms, -1)), options.reduction) as LossResult<ClassPositions<S, 'softmaxCrossEntropyWithProbs'>, R>;
};

/** BCE options: reduction, and posWeight (the weight of positive targets, broadcast over the last axis) */
export interface BceOptions<R extends Reduction, W extends Shape> extends LossOptions<R> { readonly posWeight?: Tensor<W> }
/**
 * Binary cross-entropy on logits, -[pw·y·log σ(x) + (1-y)·log(1-σ(x))], elementwise; soft targets
 * allowed. Stable for any |x|: no log or exp of a large number is taken.
 */
export const binaryCrossEntropyWithLogits = <
  S extends Shape, D extends DType, Y extends Shape, YD extends DType, const R extends Reduction = 'mean', W extends Shape = [],
>(
  logits: Tensor<S, D>, targets: Check<MatchShape<Y, S, 'binaryCrossEntropyWithLogits', 'targets'>, Tensor<Y, YD>>,
  options?: Check<PosWeightFor<W, S, 'binaryCrossEntropyWithLogits'>, BceOptions<R, W>>,
): LossResult<S, R> => {
  const op = 'binaryCrossEntropyWithLogits', x = cast(logits as T, 'float32');
  const shape = x.shape as readonly number[];
  matchShape(op, 'targets', (targets as T).shape as readonly number[], shape);
  const y = constant(targets as T), o = (options ?? {}) as BceOptions<R, W>;
  // (1-y)·x + softplus(-x), written as max(x, 0) - x·y + log(1 + e^-|x|): the same value, and no
  // cancellation of -x against softplus(-x) for y = 0, x << 0 (the loss stays accurate when tiny)
  let loss = add(sub(maximum(x, 0), mul(x, y)), log1p(exp(neg(abs(x)))));
  if (o.posWeight !== undefined) {
    posWeightFor(op, o.posWeight.shape as readonly number[], shape);
    // the README's (1 + (pw-1)·y)·softplus(-x): the extra (pw-1)·y·softplus(-x)
    loss = add(loss, mul(mul(sub(cast(o.posWeight as T, 'float32'), 1), y), softplus(neg(x))));
  }
  return reduce(op, loss, o.reduction) as LossResult<S, R>;
};

/** mean (or sum, or none) of (pred - target)² */
export const meanSquaredError = <S extends Shape, D extends DType, Y extends Shape, YD extends DType, const R extends Reduction = 'mean'>(
  pred: Tensor<S, D>, target: Check<MatchShape<Y, S, 'meanSquaredError', 'target'>, Tensor<Y, YD>>, options: LossOptions<R> = {},
): LossResult<S, R> => {
  const op = 'meanSquaredError';
  matchShape(op, 'target', (target as T).shape as readonly number[], pred.shape as readonly number[]);
  return reduce(op, square(sub(cast(pred as T, 'float32'), constant(target as T))), options.reduction) as LossResult<S, R>;
};

/** Huber options: reduction, and delta > 0 where the loss turns from quadratic to linear (default 1) */
export interface HuberOptions<R extends Reduction> extends LossOptions<R> { readonly delta?: number }
/** with d = pred - target: 0.5·d² where |d| ≤ δ, else δ·(|d| - 0.5·δ) (torch HuberLoss, Keras Huber) */
export const huber = <S extends Shape, D extends DType, Y extends Shape, YD extends DType, const R extends Reduction = 'mean'>(
  pred: Tensor<S, D>, target: Check<MatchShape<Y, S, 'huber', 'target'>, Tensor<Y, YD>>, options: HuberOptions<R> = {},
): LossResult<S, R> => {
  const op = 'huber', delta = options.delta ?? 1;
  if (!(delta > 0 && Number.isFinite(delta))) throw new ValueError(op, `delta ${delta} must be a positive finite number`);
  matchShape(op, 'target', (target as T).shape as readonly number[], pred.shape as readonly number[]);
  const d = sub(cast(pred as T, 'float32'), constant(target as T)), a = abs(d);
  const loss = where(lessEqual(a, delta), mul(square(d), 0.5), mul(sub(a, 0.5 * delta), delta));
  return reduce(op, loss, options.reduction) as LossResult<S, R>;
};
