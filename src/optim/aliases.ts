/** @file Optimizers as one-line chains with PyTorch's update rules and defaults: sgd, adam, adamw, rmsprop, adagrad. */
import { ValueError } from '../shape/index.js';
import { addDecayedWeights, identity, scaleByLearningRate, type LearningRateState } from './basic.js';
import { withState, type CountState, type IfGiven } from './common.js';
import type { CheckedTransformation, Mask, MaskCheck } from './masking.js';
import {
  scaleByAdam, scaleByMomentum, scaleByRms, scaleByRss, type MomentumState, type RssState, type ScaleByAdamState,
  type ScaleByRmsState,
} from './moments.js';
import { valueAt, type ScheduleOrValue } from './schedules.js';
import { chain, type ChainState, type GradientTransformation, type NoState } from './transform.js';

// The state layout depends on which options are given, never on their values: a slot is null when its
// transformation keeps no state (weight decay always has a slot, so a checkpoint loads whatever the decay).

/** sgd options (torch.optim.SGD): momentum (a buffer is kept when given), nesterov, dampening, weightDecay (L2, coupled) */
export interface SgdOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly dampening?: number;
  readonly weightDecay?: number;
}
/** sgd's state function: [weight decay, momentum (when given), learning rate] */
export type SgdState<L, O> = ChainState<[NoState, IfGiven<O, 'momentum', MomentumState>, LearningRateState<L>]>;
/** SGD as torch: g += wd·p; buf = g at t = 1, else momentum·buf + (1 - dampening)·g; g + momentum·buf (nesterov) or buf; p -= lr·that */
export const sgd = <L extends ScheduleOrValue, const O extends SgdOptions = {}>(lr: L, options?: O): GradientTransformation<SgdState<L, O>> => {
  if (options?.momentum === undefined && (options?.nesterov !== undefined || options?.dampening !== undefined)) {
    throw new ValueError('sgd', 'nesterov and dampening need a momentum');
  }
  return withState(chain(
    addDecayedWeights(options?.weightDecay ?? 0),
    options?.momentum === undefined ? identity() : scaleByMomentum({ momentum: options.momentum, nesterov: options.nesterov ?? false, dampening: options.dampening ?? 0 }),
    scaleByLearningRate(lr)));
};

/** adam options (torch.optim.Adam): b1, b2, eps, amsgrad, weightDecay (L2, coupled: g += wd·p) */
export interface AdamOptions {
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
  readonly amsgrad?: boolean;
  readonly weightDecay?: number;
}
/** adam's state function: [weight decay, Adam moments, learning rate] */
export type AdamOptimizerState<L, O> = ChainState<[NoState, ScaleByAdamState<O>, LearningRateState<L>]>;
/** Adam as torch (weightDecay is L2 added to the gradient; for decoupled decay use adamw) */
export const adam = <L extends ScheduleOrValue, const O extends AdamOptions = {}>(lr: L, options?: O): GradientTransformation<AdamOptimizerState<L, O>> =>
  withState(chain(
    addDecayedWeights(options?.weightDecay ?? 0),
    scaleByAdam({ b1: options?.b1 ?? 0.9, b2: options?.b2 ?? 0.999, eps: options?.eps ?? 1e-8, amsgrad: options?.amsgrad ?? false }),
    scaleByLearningRate(lr)));

/** adamw options (torch.optim.AdamW): as adam, weightDecay decoupled (default 1e-2), and a mask of the params that decay */
export interface AdamwOptions extends Omit<AdamOptions, 'weightDecay'> {
  readonly weightDecay?: number;
  readonly mask?: Mask;
}
/** adamw's state function: [Adam moments, weight decay, learning rate] */
export type AdamwState<L, O> = ChainState<[ScaleByAdamState<O>, NoState, LearningRateState<L>]>;
/** what adamw returns: checked against the params when a mask record is given */
export type Adamw<L, O> = O extends { readonly mask: infer M } ? CheckedTransformation<AdamwState<L, O>, MaskCheck<M>> : GradientTransformation<AdamwState<L, O>>;
/**
 * AdamW as torch (decoupled: p *= 1 - lr·wd, then Adam), written as Optax does:
 * chain(scaleByAdam, addDecayedWeights(wd, mask), scaleByLearningRate(lr)) = -lr·(adam + wd·p).
 */
export const adamw = <L extends ScheduleOrValue, const O extends AdamwOptions = {}>(lr: L, options?: O): Adamw<L, O> => {
  const decay = options?.mask === undefined ? addDecayedWeights(options?.weightDecay ?? 1e-2) : addDecayedWeights(options.weightDecay ?? 1e-2, options.mask);
  const adamPart = scaleByAdam({ b1: options?.b1 ?? 0.9, b2: options?.b2 ?? 0.999, eps: options?.eps ?? 1e-8, amsgrad: options?.amsgrad ?? false });
  return withState(chain(adamPart, decay, scaleByLearningRate(lr))) as Adamw<L, O>;
};

/** rmsprop options (torch.optim.RMSprop): decay (torch alpha, 0.99), eps (1e-8), momentum (a buffer when given), centered, weightDecay */
export interface RmspropOptions {
  readonly decay?: number;
  readonly eps?: number;
  readonly momentum?: number;
  readonly centered?: boolean;
  readonly weightDecay?: number;
}
/** rmsprop's state function: [weight decay, mean squares, momentum (when given), learning rate] */
export type RmspropState<L, O> = ChainState<[NoState, ScaleByRmsState<O>, IfGiven<O, 'momentum', MomentumState>, LearningRateState<L>]>;
/** RMSprop as torch (eps outside the square root; momentum: buf = momentum·buf + g/avg, p -= lr·buf) */
export const rmsprop = <L extends ScheduleOrValue, const O extends RmspropOptions = {}>(lr: L, options?: O): GradientTransformation<RmspropState<L, O>> =>
  withState(chain(
    addDecayedWeights(options?.weightDecay ?? 0),
    scaleByRms({ decay: options?.decay ?? 0.99, eps: options?.eps ?? 1e-8, centered: options?.centered ?? false }),
    options?.momentum === undefined ? identity() : scaleByMomentum({ momentum: options.momentum }),
    scaleByLearningRate(lr)));

/** adagrad options (torch.optim.Adagrad): initialAccumulatorValue (0), eps (1e-10), lrDecay, weightDecay */
export interface AdagradOptions {
  readonly initialAccumulatorValue?: number;
  readonly eps?: number;
  /** lr/(1 + (t - 1)·lrDecay) at step t (a count is kept when given) */
  readonly lrDecay?: number;
  readonly weightDecay?: number;
}
/** adagrad's state function: [weight decay, sum of squares, learning rate] */
export type AdagradState<L, O> = ChainState<[NoState, RssState, IfGiven<O, 'lrDecay', CountState, LearningRateState<L>>]>;
/** Adagrad as torch: clr = lr/(1 + (t - 1)·lrDecay); g += wd·p; sum += g²; p -= clr·g/(√sum + eps) */
export const adagrad = <L extends ScheduleOrValue, const O extends AdagradOptions = {}>(lr: L, options?: O): GradientTransformation<AdagradState<L, O>> => {
  const lrDecay = options?.lrDecay;
  const rate: ScheduleOrValue = lrDecay === undefined ? lr : (t: number) => valueAt(lr, t) / (1 + t * lrDecay);
  return withState(chain(
    addDecayedWeights(options?.weightDecay ?? 0),
    scaleByRss({ initialAccumulatorValue: options?.initialAccumulatorValue ?? 0, eps: options?.eps ?? 1e-10 }),
    scaleByLearningRate(rate)));
};
