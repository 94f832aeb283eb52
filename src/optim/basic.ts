/** @file Stateless (or count-only) transformations: scaling, learning rate, weight decay, clipping, norms, freezing. */
import { abs, add, clip as clipValues, div, max, mul, pow, square, sum } from '../ops/index.js';
import { ValueError } from '../shape/index.js';
import { item, zeros } from '../tensor/index.js';
import { leaves, map, zipWith } from '../tree/index.js';
import { checkRange, countOf, nextCount, requireParams, zeroCount, type CountState, type Leaf } from './common.js';
import { masked, type Mask, type MaskedTransformation } from './masking.js';
import { valueAt, type ScheduleOrValue } from './schedules.js';
import { transformation, type GradientTransformation, type NoState } from './transform.js';

/** the updates unchanged */
export const identity = (): GradientTransformation<NoState> =>
  transformation({ init: () => null, update: (grads) => [grads, null] });

/** every update times a constant */
export const scale = (factor: number): GradientTransformation<NoState> => {
  checkRange('scale', { factor }, -Infinity);
  return transformation({ init: () => null, update: (grads) => [map(grads, (g) => mul(g, factor), 'scale'), null] });
};

/** the state function of scaleByLearningRate: nothing for a constant, the count for a schedule */
export type LearningRateState<L> = L extends number ? NoState : CountState;
/**
 * Multiplies the updates by -lr (descent); a schedule is evaluated at the number of updates made so far
 * (0 at the first), which is then kept in the state.
 */
export const scaleByLearningRate = <L extends ScheduleOrValue>(lr: L): GradientTransformation<LearningRateState<L>> => {
  const op = 'scaleByLearningRate';
  if (typeof lr === 'number') {
    checkRange(op, { lr }, -Infinity);
    return transformation({ init: () => null, update: (grads) => [map(grads, (g) => mul(g, -lr), op), null] });
  }
  if (typeof lr !== 'function') throw new ValueError(op, `lr is ${typeof lr}, not a number or a schedule`);
  return transformation({
    init: () => Object.freeze({ count: zeroCount() }),
    update: (grads, state) => {
      const n = countOf(state), rate = valueAt(lr, n);
      if (!Number.isFinite(rate)) throw new ValueError(op, `the schedule gave ${rate} at step ${n}`);
      return [map(grads, (g) => mul(g, -rate), op), Object.freeze({ count: nextCount(n) })];
    },
  });
};

/** zero updates: the parameters stay where they are (freezing, with multiTransform or masked) */
export const setToZero = (): GradientTransformation<NoState> =>
  transformation({ init: () => null, update: (grads) => [map(grads, (g) => zeros(g.shape as readonly number[], g.dtype), 'setToZero'), null] });

/**
 * updates + rate·params (weight decay; needs the params). With a mask (a boolean record shaped like the
 * params, or a function of them) only the leaves marked true decay. A rate of 0 needs no params.
 */
export function addDecayedWeights(rate: number): GradientTransformation<NoState>;
export function addDecayedWeights<const M extends Mask>(rate: number, mask: M): MaskedTransformation<NoState, M>;
export function addDecayedWeights(rate: number, mask?: Mask): GradientTransformation<NoState> {
  const op = 'addDecayedWeights';
  checkRange(op, { rate }, -Infinity);
  const decay = transformation<NoState>({
    init: () => null,
    update: (grads, _state, params) => {
      if (rate === 0) return [grads, null];
      requireParams(op, params);
      return [zipWith(grads, params, (g, p) => add(g, mul(p, rate)), op), null];
    },
  });
  return mask === undefined ? decay : masked(decay, mask);
}

/** every element limited to [-maxDelta, maxDelta] */
export const clip = (maxDelta: number): GradientTransformation<NoState> => {
  checkRange('clip', { maxDelta }, 0);
  return transformation({ init: () => null, update: (grads) => [map(grads, (g) => clipValues(g, -maxDelta, maxDelta), 'clip'), null] });
};

/** which norm: a p >= 1, or 'inf' (the largest |element|) */
export type NormType = number | 'inf';
const leafNorm = (g: Leaf, p: NormType): number => {
  if (g.size === 0) return 0;
  if (p === 'inf') return item(max(abs(g)));
  return item(sum(p === 2 ? square(g) : pow(abs(g), p)));
};
/** the norm of all the elements of a tree taken together (one vector), in float64 across leaves */
export const globalNorm = (tree: unknown, normType: NormType = 2): number => {
  if (normType !== 'inf' && !(normType >= 1 && Number.isFinite(normType))) {
    throw new ValueError('globalNorm', `normType ${normType} must be a number >= 1 or 'inf'`);
  }
  const parts = leaves(tree, 'globalNorm').map((g) => leafNorm(g, normType));
  if (normType === 'inf') return parts.reduce((a, b) => Math.max(a, b), 0);
  const total = parts.reduce((a, b) => a + b, 0);
  return normType === 2 ? Math.sqrt(total) : total ** (1 / normType);
};

/** clipByGlobalNorm options: the norm (2 by default, or 'inf', or any p >= 1) */
export interface ClipByGlobalNormOptions { readonly normType?: NormType }
/**
 * Scales every leaf by min(1, maxNorm / (total + 1e-6)), total being the global norm, as torch
 * clip_grad_norm_. (Optax clip_by_global_norm scales by maxNorm / total with no 1e-6, only when total > maxNorm.)
 */
export const clipByGlobalNorm = (maxNorm: number, options: ClipByGlobalNormOptions = {}): GradientTransformation<NoState> => {
  const { normType = 2 } = options;
  checkRange('clipByGlobalNorm', { maxNorm }, 0);
  return transformation({
    init: () => null,
    update: (grads) => {
      const coef = Math.min(1, maxNorm / (globalNorm(grads, normType) + 1e-6));
      return [coef === 1 ? grads : map(grads, (g) => mul(g, coef), 'clipByGlobalNorm'), null];
    },
  });
};

/** normalizeByGlobalNorm options: added to the norm (default 1e-6) */
export interface NormalizeOptions { readonly eps?: number }
/** every leaf divided by the global L2 norm (+ eps): updates of norm 1 (Optax normalize_by_update_norm) */
export const normalizeByGlobalNorm = (options: NormalizeOptions = {}): GradientTransformation<NoState> => {
  const { eps = 1e-6 } = options;
  checkRange('normalizeByGlobalNorm', { eps }, 0);
  return transformation({
    init: () => null,
    update: (grads) => {
      const norm = globalNorm(grads) + eps;
      return [map(grads, (g) => div(g, norm), 'normalizeByGlobalNorm'), null];
    },
  });
};
