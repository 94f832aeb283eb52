/** @file injectHyperparams: hyperparameters (numbers or schedules) kept in the state as scalar tensors, readable and editable. */
import { ValueError } from '../shape/index.js';
import { full, item, type Tensor } from '../tensor/index.js';
import { countOf, nextCount, zeroCount, type Count } from './common.js';
import type { ScheduleOrValue } from './schedules.js';
import { transformation, type GradientTransformation, type StateFn, type StateOf } from './transform.js';

/** injectHyperparams' state: the count, the hyperparameters last used (float32 scalars) and the inner state S */
export interface InjectedState<H, S> {
  readonly count: Count;
  readonly hyperparams: { readonly [K in keyof H]: Tensor<[], 'float32'> };
  readonly inner: S;
}
/** the state function of injectHyperparams over a factory of transformations with state function F */
export interface InjectState<H, F extends StateFn> extends StateFn { readonly out: InjectedState<H, StateOf<F, this['in']>> }
/** the hyperparameters given to injectHyperparams: each a number or a schedule */
export type Hyperparams<H> = { readonly [K in keyof H]: ScheduleOrValue };

interface InjectRuntime { readonly count: Count; readonly hyperparams: Readonly<Record<string, Tensor<[], 'float32'>>>; readonly inner: unknown }

/**
 * Optax inject_hyperparams: `injectHyperparams(factory)(hyperparams)` rebuilds `factory(values)` at every
 * update with the values of the hyperparameters at the count (schedules evaluated at the number of updates
 * made so far). The values are in the state as float32 scalars: after init the ones the first update will
 * use, after each update the ones it used (e.g. the learning rate, for a progress bar). A number (not a
 * schedule) is read back from the state, so it can be changed between updates by replacing its tensor.
 * The factory's parameter must be annotated (its keys are the hyperparameters' names).
 * @example injectHyperparams((h: { lr: number }) => adam(h.lr))({ lr: warmupCosine({ peak: 1e-3, warmupSteps: 100, decaySteps: 1000 }) })
 */
export const injectHyperparams = <H extends Readonly<Record<string, number>>, F extends StateFn>(
  factory: (hyperparams: H) => GradientTransformation<F>,
) => (hyperparams: Hyperparams<H>): GradientTransformation<InjectState<H, F>> => {
  const op = 'injectHyperparams';
  const names = Object.keys(hyperparams) as (keyof H & string)[];
  names.forEach((k) => {
    const v: unknown = hyperparams[k];
    if (!(typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new ValueError(op, `hyperparameter ${k} is ${String(v)}, not a finite number or a schedule`);
    }
  });
  const evaluate = (n: number, stored?: Readonly<Record<string, Tensor<[], 'float32'>>>): [string, number][] => {
    const values = names.map((k): [string, number] => {
      const h: ScheduleOrValue = hyperparams[k];
      if (typeof h === 'function') return [k, h(n)];
      // the stored float32 scalar wins unless it is just the original number rounded (then keep its float64 value)
      const s = stored?.[k] === undefined ? h : item(stored[k]!);
      return [k, s === Math.fround(h) ? h : s];
    });
    const bad = values.find(([, v]) => !Number.isFinite(v));
    if (bad) throw new ValueError(op, `hyperparameter ${bad[0]} is ${bad[1]} at step ${n}`);
    return values;
  };
  const asRecord = (values: [string, number][]) => Object.freeze(Object.fromEntries(values)) as H;
  const asTensors = (values: [string, number][]) => Object.freeze(Object.fromEntries(values.map(([k, v]) => [k, full([], v)])));
  return transformation({
    init: (params) => {
      const h = evaluate(0);
      return Object.freeze({ count: zeroCount(), hyperparams: asTensors(h), inner: factory(asRecord(h)).init(params) });
    },
    update: (grads, state, params) => {
      const s = state as InjectRuntime;
      const n = countOf(s), h = evaluate(n, s.hyperparams);
      const [updates, inner] = factory(asRecord(h)).update(grads, s.inner as never, params);
      return [updates, Object.freeze({ count: nextCount(n), hyperparams: asTensors(h), inner })];
    },
  });
};
