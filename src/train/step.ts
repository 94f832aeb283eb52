/** @file trainStep: one pure training step (forward, gradient, optimizer update) built from a model, an optimizer and a loss. */
import { valueAndGradAt } from '../autodiff/index.js';
import { trainMode, type AnyLayer } from '../layers/index.js';
import { applyUpdates, type GradientTransformation, type StateFn, type StateOf } from '../optim/index.js';
import type { Key } from '../random/index.js';
import { ValueError } from '../shape/index.js';
import { isTensor, item, type AnyTensor, type Tensor } from '../tensor/index.js';

/** a batch: inputs and targets */
export interface Batch<X = AnyTensor, Y = AnyTensor> { readonly x: X; readonly y: Y }
/** a metric computed on the predictions of a training batch (a scalar tensor or a number) */
export type Metric<Y> = (predictions: AnyTensor, targets: Y) => AnyTensor | number;
/** what a step returns: the new params and states, the batch loss and the metrics */
export interface StepResult<P, S, M extends string> {
  readonly params: P;
  readonly optState: S;
  /** the model's own state (batch-norm statistics), threaded through; null for stateless models */
  readonly modelState: unknown;
  readonly loss: number;
  readonly metrics: { readonly [K in M]: number };
}
/** a training step: pure, nothing is mutated */
export type Step<P, S, X, Y, M extends string> =
  (params: P, optState: S, batch: Batch<X, Y>, key: Key, modelState?: unknown) => StepResult<P, S, M>;

const toNumber = (v: AnyTensor | number): number => (isTensor(v) ? (item(v as Tensor<[]>) as number) : v);

/**
 * Builds `(params, optState, batch, key, modelState?) => { params, optState, modelState, loss, metrics }`:
 * the model runs in train mode (key for dropout), `loss(predictions, targets)` is differentiated
 * with respect to the params, and the optimizer's updates are applied.
 */
export const trainStep = <P, F extends StateFn, X extends AnyTensor = AnyTensor, Y = AnyTensor, M extends string = never>(
  model: AnyLayer,
  optimizer: GradientTransformation<F>,
  loss: (predictions: AnyTensor, targets: Y) => Tensor<[]>,
  options: { readonly metrics?: { readonly [K in M]: Metric<Y> } } = {},
): Step<P, StateOf<F, P>, X, Y, M> =>
  (params, optState, batch, key, modelState) => {
    const state = modelState === undefined ? model.initState() : modelState;
    const objective = (p: P) => {
      const [pred, next] = model.run(p, state, batch.x, trainMode(key));
      return [loss(pred, batch.y), { pred, next }] as const;
    };
    const [[value, aux], grads] = valueAndGradAt(objective, params);
    const [updates, nextOpt] = optimizer.update(grads, optState, params);
    const lossValue = item(value) as number;
    if (!Number.isFinite(lossValue)) throw new ValueError('trainStep', `the loss is ${lossValue}`);
    const metrics = Object.fromEntries(Object.entries(options.metrics ?? {}).map(([name, m]) =>
      [name, toNumber((m as Metric<Y>)(aux.pred, batch.y))])) as { readonly [K in M]: number };
    return { params: applyUpdates(params, updates), optState: nextOpt, modelState: aux.next, loss: lossValue, metrics };
  };
