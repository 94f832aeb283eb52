/** @file Learning-rate schedules: pure functions of the step count (0 for the first update), in float64. */
import { ValueError } from '../shape/index.js';

/** a hyperparameter as a function of the number of updates already made (the first update sees 0) */
export type Schedule = (step: number) => number;
/** a learning rate (or other hyperparameter): a constant or a schedule */
export type ScheduleOrValue = number | Schedule;

const finite = (op: string, what: Readonly<Record<string, number>>): void => {
  for (const [k, v] of Object.entries(what)) if (!Number.isFinite(v)) throw new ValueError(op, `${k} is ${v}, not a finite number`);
};
const positive = (op: string, what: Readonly<Record<string, number>>): void => {
  for (const [k, v] of Object.entries(what)) if (!(v > 0 && Number.isFinite(v))) throw new ValueError(op, `${k} is ${v}; it must be > 0`);
};
/** the value of a number-or-schedule at `step` */
export const valueAt = (x: ScheduleOrValue, step: number): number => (typeof x === 'number' ? x : x(step));
/** half a cosine from 1 (p = 0) down to 0 (p = 1) */
const halfCosine = (p: number): number => 0.5 * (1 + Math.cos(Math.PI * p));

/** the same value at every step */
export const constant = (value: number): Schedule => {
  finite('constant', { value });
  return () => value;
};

/** from `init` to `end` linearly over `steps` steps, then `end` (Optax linear_schedule) */
export const linear = (init: number, end: number, steps: number): Schedule => {
  finite('linear', { init, end });
  positive('linear', { steps });
  return (t) => init + (end - init) * Math.min(Math.max(t, 0), steps) / steps;
};

/** exponentialDecay options: decay by `rate` every `transitionSteps` steps (default 1), in whole steps when staircase */
export interface ExponentialDecayOptions { readonly transitionSteps?: number; readonly staircase?: boolean }
/**
 * init · rate^(t / transitionSteps) (Keras ExponentialDecay; floor of the exponent when staircase).
 * torch ExponentialLR(gamma) is exponentialDecay(init, gamma).
 */
export const exponentialDecay = (init: number, rate: number, options: ExponentialDecayOptions = {}): Schedule => {
  const { transitionSteps = 1, staircase = false } = options;
  finite('exponentialDecay', { init, rate });
  positive('exponentialDecay', { transitionSteps });
  return (t) => init * rate ** (staircase ? Math.floor(t / transitionSteps) : t / transitionSteps);
};

/** init · gamma^floor(t / stepSize) (torch StepLR) */
export const stepDecay = (init: number, gamma: number, stepSize: number): Schedule => {
  finite('stepDecay', { init, gamma });
  positive('stepDecay', { stepSize });
  return (t) => init * gamma ** Math.floor(t / stepSize);
};

/**
 * `init`, multiplied by `scale` from each `boundary` on (t >= boundary), as Optax piecewise_constant_schedule.
 * @example piecewiseConstant(0.1, { 100: 0.1, 200: 0.1 }) // 0.1, then 0.01 from step 100, 0.001 from 200
 */
export const piecewiseConstant = (init: number, boundariesAndScales: Readonly<Record<number, number>>): Schedule => {
  const pairs = Object.entries(boundariesAndScales).map(([b, s]) => [Number(b), s] as const).sort((a, b) => a[0] - b[0]);
  finite('piecewiseConstant', { init, ...Object.fromEntries(pairs.map(([b, s]) => [`scale at ${b}`, s])) });
  pairs.forEach(([b]) => { if (!(Number.isInteger(b) && b >= 0)) throw new ValueError('piecewiseConstant', `boundary ${b} is not a step (an integer >= 0)`); });
  return (t) => pairs.reduce((v, [b, s]) => (t >= b ? v * s : v), init);
};

/** cosineDecay options: the final value as a fraction of init (default 0) */
export interface CosineDecayOptions { readonly alpha?: number }
/** init · ((1 - alpha) · ½(1 + cos(π·min(t, T)/T)) + alpha) (Optax cosine_decay_schedule): init down to alpha·init over T steps */
export const cosineDecay = (init: number, decaySteps: number, options: CosineDecayOptions = {}): Schedule => {
  const { alpha = 0 } = options;
  finite('cosineDecay', { init, alpha });
  positive('cosineDecay', { decaySteps });
  return (t) => init * ((1 - alpha) * halfCosine(Math.min(Math.max(t, 0), decaySteps) / decaySteps) + alpha);
};

/**
 * etaMin + (base - etaMin) · ½(1 + cos(πt/T)) (torch CosineAnnealingLR's closed form). As in torch it is
 * not clamped: after T steps the cosine rises again (period 2T); use cosineDecay to stay at the floor.
 */
export const cosineAnnealing = (base: number, T: number, etaMin = 0): Schedule => {
  finite('cosineAnnealing', { base, etaMin });
  positive('cosineAnnealing', { T });
  return (t) => etaMin + (base - etaMin) * halfCosine(t / T);
};

/** warmupCosine options: peak value, warmup length, total length (warmup included), start and final values */
export interface WarmupCosineOptions {
  readonly peak: number;
  readonly warmupSteps: number;
  /** the total number of steps, warmup included (HuggingFace num_training_steps, Optax decay_steps) */
  readonly decaySteps: number;
  /** the value after decaySteps (default 0) */
  readonly end?: number;
  /** the value at step 0 (default 0) */
  readonly init?: number;
}
/**
 * Linear warmup then cosine decay (HuggingFace get_cosine_schedule_with_warmup, with an end value):
 * t < W: init + (peak - init)·t/W; then p = min((t - W)/(decaySteps - W), 1), end + (peak - end)·½(1 + cos πp).
 */
export const warmupCosine = (options: WarmupCosineOptions): Schedule => {
  const { peak, warmupSteps: W, decaySteps: T, end = 0, init = 0 } = options;
  finite('warmupCosine', { peak, end, init });
  if (!(Number.isInteger(W) && W >= 0 && Number.isInteger(T) && T > W)) {
    throw new ValueError('warmupCosine', `warmupSteps ${W} and decaySteps ${T} must be integers with 0 <= warmupSteps < decaySteps`);
  }
  return (t) => (t < W ? init + (peak - init) * t / W : end + (peak - end) * halfCosine(Math.min((t - W) / (T - W), 1)));
};

/** oneCycle options (torch OneCycleLR names; cos annealing) */
export interface OneCycleOptions {
  readonly maxLr: number;
  readonly totalSteps: number;
  /** the fraction of the steps spent rising (default 0.3) */
  readonly pctStart?: number;
  /** initial lr = maxLr / divFactor (default 25) */
  readonly divFactor?: number;
  /** final lr = initial lr / finalDivFactor (default 1e4) */
  readonly finalDivFactor?: number;
  /** rise, fall back to the initial lr, then anneal to the final lr (default false: rise, then anneal) */
  readonly threePhase?: boolean;
}
/**
 * The 1cycle policy as torch OneCycleLR with anneal_strategy 'cos': cosine from maxLr/divFactor up to maxLr
 * over the first pctStart·totalSteps - 1 steps, then down to initial/finalDivFactor at totalSteps - 1. Momentum
 * cycling is not included. Where torch raises (past totalSteps) this stays at the final value.
 */
export const oneCycle = (options: OneCycleOptions): Schedule => {
  const { maxLr, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4, threePhase = false } = options;
  finite('oneCycle', { maxLr });
  positive('oneCycle', { divFactor, finalDivFactor });
  if (!(Number.isInteger(totalSteps) && totalSteps > 1)) throw new ValueError('oneCycle', `totalSteps ${totalSteps} must be an integer > 1`);
  if (!(pctStart > 0 && pctStart < 1)) throw new ValueError('oneCycle', `pctStart ${pctStart} must be in (0, 1)`);
  const initial = maxLr / divFactor, final = initial / finalDivFactor, rise = pctStart * totalSteps - 1;
  const phases: readonly (readonly [end: number, from: number, to: number])[] = threePhase
    ? [[rise, initial, maxLr], [2 * pctStart * totalSteps - 2, maxLr, initial], [totalSteps - 1, initial, final]]
    : [[rise, initial, maxLr], [totalSteps - 1, maxLr, final]];
  return (t) => {
    if (t >= totalSteps - 1) return final;
    let start = 0;
    for (const [end, from, to] of phases) {
      if (t <= end) return to + (from - to) * halfCosine((t - start) / (end - start));
      start = end;
    }
    return final;
  };
};

/**
 * One schedule after another (Optax join_schedules): from boundaries[i] on, schedules[i + 1] runs and
 * sees `step - boundaries[i]`.
 * @example joinSchedules([linear(0, 0.1, 100), cosineDecay(0.1, 900)], [100])
 */
export const joinSchedules = (schedules: readonly Schedule[], boundaries: readonly number[]): Schedule => {
  if (schedules.length !== boundaries.length + 1) {
    throw new ValueError('joinSchedules', `${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`);
  }
  if (boundaries.some((b, i) => !Number.isFinite(b) || (i > 0 && b < boundaries[i - 1]!))) {
    throw new ValueError('joinSchedules', `boundaries [${boundaries.join(', ')}] must be finite and non-decreasing`);
  }
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]!) i++;
    return schedules[i]!(i === 0 ? t : t - boundaries[i - 1]!);
  };
};
