/** @file Classification metrics (accuracy, top-k accuracy) as float32 scalars; they carry no gradient. */
import type { Check, Compare, IsNatural, ShapeError } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import { ValueError, type Dim, type IsDynRank, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { cast, equal, stopGradient } from './elementwise.js';
import { checkLabels, type LabelsFor } from './losses.js';
import { primitives } from './primitives.js';
import { any, argmax, mean, topk } from './reduce.js';

type T = AnyTensor;

/** k for logits [..., C]: a positive integer no larger than C (checked where both are literals) */
export type TopKWithin<S extends Shape, K extends number, Op extends string> =
  number extends K ? K
  : IsNatural<K> extends false ? ShapeError<`${Op}: k = ${K} must be a positive integer`, S, K>
  : K extends 0 ? ShapeError<`${Op}: k = ${K} must be a positive integer`, S, K>
  : IsDynRank<S> extends true ? K
  : S extends readonly [...Shape, infer C extends Dim]
    ? C extends number ? number extends C ? K : Compare<K, C> extends 1 ? ShapeError<`${Op}: k = ${K} exceeds the ${C} classes`, S, K> : K : K
    : K;
/** runtime twin of TopKWithin */
export const checkTopK = (op: string, shape: readonly number[], k: number): void => {
  const c = shape[shape.length - 1]!;
  if (!Number.isInteger(k) || k < 1 || k > c) throw new ValueError(op, `k = ${k} must be an integer in [1, ${c}] for ${c} classes`);
};

/** the fraction of true hits among every position (no positions: an error, not NaN) */
const fraction = (op: string, hits: T): Tensor<[]> => {
  if (hits.size === 0) throw new ValueError(op, 'no positions to score (the labels are empty)');
  return mean(cast(hits, 'float32')) as Tensor<[]>;
};

/**
 * The fraction of positions whose argmax over the last axis (classes) equals the label.
 * Ties: argmax takes the first (lowest) class index among equal maxima; NaN counts as the maximum.
 */
export const accuracy = <S extends Shape, D extends DType, L extends Shape>(
  logits: Tensor<S, D>, labels: Check<LabelsFor<S, L, 'accuracy'>, Tensor<L, 'int32'>>,
): Tensor<[]> => {
  const x = stopGradient(logits as T), y = labels as T;
  checkLabels('accuracy', x, y);
  return fraction('accuracy', equal(argmax(x, -1), y));
};

/**
 * The fraction of positions whose label is among the k largest logits (classes on the last axis).
 * Ties break as a stable sort: among equal logits the lower class index ranks first, so k = 1
 * agrees with accuracy.
 */
export const topKAccuracy = <S extends Shape, D extends DType, L extends Shape, const K extends number>(
  logits: Tensor<S, D>, labels: Check<LabelsFor<S, L, 'topKAccuracy'>, Tensor<L, 'int32'>>, k: Check<TopKWithin<S, K, 'topKAccuracy'>, K>,
): Tensor<[]> => {
  const op = 'topKAccuracy', x = stopGradient(logits as T), y = labels as T;
  checkLabels(op, x, y);
  checkTopK(op, x.shape as readonly number[], k as number);
  const top = topk(x, k as number).indices;
  const hits = equal(top, bind(primitives.reshape, [y], { shape: [...y.shape, 1] })) as Tensor<Dim[], 'bool'>;
  return fraction(op, any(hits, -1));
};
