/** @file Transformations with moment state: scaleByAdam, scaleByRms, scaleByMomentum, scaleByRss (PyTorch update rules). */
import { add, div, fuse, maximum, mul, sqrt, square, sub } from '../ops/index.js';
import type { AnyTensor } from '../tensor/index.js';
import { map, zipWith } from '../tree/index.js';
import { checkRange, countOf, filledLike, nextCount, zeroCount, type Count, type IfTrue } from './common.js';
import { transformation, type GradientTransformation, type StateFn } from './transform.js';
import { ValueError } from '../shape/index.js';

// ---- one pass per update rule ------------------------------------------------------------------
// Each rule below is one fused kernel (ops/fuse) over float32 leaves: the same ops in the same
// order, so the same float32 values as written out, in one pass over memory instead of one per op.

type Rule = (a: AnyTensor, b: AnyTensor) => AnyTensor;
/** the rule as one fused kernel where both leaves are float32 (else its ops one by one) */
const fused = (rule: Rule): Rule => {
  const one = fuse(rule);
  return (a, b) => (a.dtype === 'float32' && b.dtype === 'float32' ? one(a, b) : rule(a, b));
};
/** b·m + c·g: an exponential moving average (b and c numbers) */
const ema = (b: number, c: number): Rule => fused((m, g) => add(mul(m, b), mul(g, c)));
/** b·v + c·g²: a moving average of squares */
const emaSquares = (b: number, c: number): Rule => fused((v, g) => add(mul(v, b), mul(square(g), c)));

// ---- Adam -------------------------------------------------------------------------------------

/** Adam's state for params P: the step count, the first moment mu and the second moment nu (torch exp_avg, exp_avg_sq) */
export interface AdamMoments<P> { readonly count: Count; readonly mu: P; readonly nu: P }
/** AMSGrad's state for params P: Adam's, and the running maximum of nu (torch max_exp_avg_sq) */
export interface AmsgradMoments<P> extends AdamMoments<P> { readonly nuMax: P }
/** the state function of scaleByAdam */
export interface AdamState extends StateFn { readonly out: AdamMoments<this['in']> }
/** the state function of scaleByAdam with amsgrad */
export interface AmsgradState extends StateFn { readonly out: AmsgradMoments<this['in']> }
/** scaleByAdam options (defaults b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, amsgrad false) */
export interface ScaleByAdamOptions {
  readonly b1?: number;
  readonly b2?: number;
  /** added to the square root of the second moment */
  readonly eps?: number;
  /** added inside the square root (Optax eps_root) */
  readonly epsRoot?: number;
  /** keep the maximum of the second moment and divide by it instead */
  readonly amsgrad?: boolean;
}
/** the state function of scaleByAdam for options O */
export type ScaleByAdamState<O> = IfTrue<O, 'amsgrad', AmsgradState, AdamState>;

interface AdamRuntime { readonly count: Count; readonly mu: unknown; readonly nu: unknown; readonly nuMax?: unknown }

/**
 * Adam's direction (t = 1 at the first update): mu = b1·mu + (1 - b1)·g, nu = b2·nu + (1 - b2)·g²,
 * update = (mu/(1 - b1^t)) / (√(nu/(1 - b2^t) + epsRoot) + eps). With amsgrad, nuMax = max(nuMax, nu) replaces nu
 * (the raw maximum, bias-corrected after, as torch; Optax scale_by_amsgrad takes the maximum of the corrected nu).
 */
export const scaleByAdam = <const O extends ScaleByAdamOptions = {}>(options?: O): GradientTransformation<ScaleByAdamState<O>> => {
  const op = 'scaleByAdam';
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0 } = options ?? {};
  const amsgrad = options?.amsgrad === true;
  checkRange(op, { b1, b2 }, 0, 1, false);
  checkRange(op, { eps, epsRoot }, 0);
  return transformation({
    init: (params) => Object.freeze({
      count: zeroCount(), mu: filledLike(params, 0, op), nu: filledLike(params, 0, op),
      ...(amsgrad ? { nuMax: filledLike(params, 0, op) } : {}),
    }),
    update: (grads, state) => {
      const s = state as AdamRuntime;
      const n = countOf(s), t = n + 1;
      const mu = zipWith(s.mu, grads, ema(b1, 1 - b1), op);
      const nu = zipWith(s.nu, grads, emaSquares(b2, 1 - b2), op);
      const nuMax = amsgrad ? zipWith(s.nuMax, nu, (a, b) => maximum(a, b), op) : undefined;
      const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
      const updates = zipWith(mu, nuMax ?? nu, fused((m, v) => div(div(m, bc1), add(sqrt(add(div(v, bc2), epsRoot)), eps))), op);
      return [updates, Object.freeze({ count: nextCount(n), mu, nu, ...(amsgrad ? { nuMax } : {}) })];
    },
  });
};

// ---- RMSprop ----------------------------------------------------------------------------------

/** RMSprop's state for params P: the running mean nu of g² (torch square_avg) */
export interface RmsMoments<P> { readonly nu: P }
/** centered RMSprop's state for params P: the running means of g² (nu, torch square_avg) and of g (mu, torch grad_avg) */
export interface CenteredRmsMoments<P> extends RmsMoments<P> { readonly mu: P }
/** the state function of scaleByRms */
export interface RmsState extends StateFn { readonly out: RmsMoments<this['in']> }
/** the state function of scaleByRms with centered */
export interface CenteredRmsState extends StateFn { readonly out: CenteredRmsMoments<this['in']> }
/** scaleByRms options (defaults as torch RMSprop: decay 0.99, eps 1e-8, not centered, initialScale 0) */
export interface ScaleByRmsOptions {
  /** torch alpha */
  readonly decay?: number;
  /** added to the square root (outside it) */
  readonly eps?: number;
  /** divide by the standard deviation of g instead of its root mean square */
  readonly centered?: boolean;
  /** the initial value of the running mean of g² */
  readonly initialScale?: number;
}
/** the state function of scaleByRms for options O */
export type ScaleByRmsState<O> = IfTrue<O, 'centered', CenteredRmsState, RmsState>;

interface RmsRuntime { readonly nu: unknown; readonly mu?: unknown }

/**
 * RMSprop's direction as torch: nu = decay·nu + (1 - decay)·g², update = g / (√nu + eps); centered:
 * mu = decay·mu + (1 - decay)·g and g / (√(nu - mu²) + eps). eps is OUTSIDE the square root, as torch
 * (Optax scale_by_rms and TF1 put it inside: g / √(nu + eps)).
 */
export const scaleByRms = <const O extends ScaleByRmsOptions = {}>(options?: O): GradientTransformation<ScaleByRmsState<O>> => {
  const op = 'scaleByRms';
  const { decay = 0.99, eps = 1e-8, initialScale = 0 } = options ?? {};
  const centered = options?.centered === true;
  checkRange(op, { decay }, 0, 1);
  checkRange(op, { eps, initialScale }, 0);
  return transformation({
    init: (params) => Object.freeze({
      nu: filledLike(params, initialScale, op), ...(centered ? { mu: filledLike(params, 0, op) } : {}),
    }),
    update: (grads, state) => {
      const s = state as RmsRuntime;
      const nu = zipWith(s.nu, grads, emaSquares(decay, 1 - decay), op);
      const mu = centered ? zipWith(s.mu, grads, ema(decay, 1 - decay), op) : undefined;
      const variance = mu === undefined ? nu : zipWith(nu, mu, (v, m) => sub(v, square(m)), op);
      const updates = zipWith(grads, variance, fused((g, v) => div(g, add(sqrt(v), eps))), op);
      return [updates, Object.freeze({ nu, ...(centered ? { mu } : {}) })];
    },
  });
};

// ---- momentum ---------------------------------------------------------------------------------

/** momentum's state for params P: the step count and the momentum buffer (torch momentum_buffer) */
export interface MomentumTrace<P> { readonly count: Count; readonly trace: P }
/** the state function of scaleByMomentum */
export interface MomentumState extends StateFn { readonly out: MomentumTrace<this['in']> }
/** scaleByMomentum options (nesterov false, dampening 0 by default) */
export interface ScaleByMomentumOptions {
  readonly momentum: number;
  readonly nesterov?: boolean;
  readonly dampening?: number;
}
interface MomentumRuntime { readonly count: Count; readonly trace: unknown }

/**
 * Heavy-ball momentum as torch SGD: trace = g at t = 1, else momentum·trace + (1 - dampening)·g; the
 * update is trace, or g + momentum·trace with nesterov. (Optax trace has no dampening and starts from 0,
 * which is the same when dampening is 0.)
 */
export const scaleByMomentum = (options: ScaleByMomentumOptions): GradientTransformation<MomentumState> => {
  const op = 'scaleByMomentum';
  const { momentum, nesterov = false, dampening = 0 } = options;
  checkRange(op, { momentum, dampening }, 0);
  if (nesterov && !(momentum > 0 && dampening === 0)) throw new ValueError(op, 'nesterov needs momentum > 0 and dampening 0');
  return transformation({
    init: (params) => Object.freeze({ count: zeroCount(), trace: filledLike(params, 0, op) }),
    update: (grads, state) => {
      const s = state as MomentumRuntime;
      const n = countOf(s);
      const trace = n === 0
        ? map(grads, (g) => g, op)
        : zipWith(s.trace, grads, ema(momentum, 1 - dampening), op);
      const updates = nesterov ? zipWith(grads, trace, fused((g, b) => add(g, mul(b, momentum))), op) : trace;
      return [updates, Object.freeze({ count: nextCount(n), trace })];
    },
  });
};

// ---- Adagrad ----------------------------------------------------------------------------------

/** Adagrad's state for params P: the running sum of g² (torch sum) */
export interface RssSums<P> { readonly sumOfSquares: P }
/** the state function of scaleByRss */
export interface RssState extends StateFn { readonly out: RssSums<this['in']> }
/** scaleByRss options (defaults as torch Adagrad: initialAccumulatorValue 0, eps 1e-10) */
export interface ScaleByRssOptions {
  readonly initialAccumulatorValue?: number;
  readonly eps?: number;
}

/**
 * Adagrad's direction as torch: sum += g², update = g / (√sum + eps). (Optax scale_by_rss puts eps inside
 * the root and starts the sum at 0.1.)
 */
export const scaleByRss = (options: ScaleByRssOptions = {}): GradientTransformation<RssState> => {
  const op = 'scaleByRss';
  const { initialAccumulatorValue = 0, eps = 1e-10 } = options;
  checkRange(op, { initialAccumulatorValue, eps }, 0);
  return transformation({
    init: (params) => Object.freeze({ sumOfSquares: filledLike(params, initialAccumulatorValue, op) }),
    update: (grads, state) => {
      const sum = zipWith((state as { readonly sumOfSquares: unknown }).sumOfSquares, grads, (s, g) => add(s, square(g)), op);
      const updates = zipWith(grads, sum, (g, s) => div(g, add(sqrt(s), eps)), op);
      return [updates, Object.freeze({ sumOfSquares: sum })];
    },
  });
};
