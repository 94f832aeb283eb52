/** @file capture: a model's output and every layer's output keyed by its path, with shapes in the type where the model says them. */
import type { Check } from '../../types/index.js';
import type { DType } from '../dtype/index.js';
import {
  evalMode, type AnyLayer, type Apply, type Context, type Flow, type FnOf, type OutShape, type ParamsOf, type Serial, type StateOf,
} from '../layers/index.js';
import type { Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';

/** one layer output as the observer saw it */
export interface Observation { readonly path: string; readonly layer: string; readonly output: AnyTensor }

/** runs `run` with a context that records every layer's output, in the order the layers finish (children before their parent) */
export const observing = <R>(ctx: Context, run: (ctx: Context) => R): readonly [R, readonly Observation[]] => {
  const seen: Observation[] = [];
  const result = run({ ...ctx, observe: (path, layer, output) => { seen.push({ path, layer, output }); } });
  return [result, seen];
};

type AsTensor<S> = S extends Shape ? Tensor<S> : AnyTensor;
/** the outputs of a serial model's own children on input X, keyed '0', '1', ..., with their shapes */
export type TopActivations<L extends readonly unknown[], X> =
  Flow<L, X> extends infer F extends readonly unknown[]
    ? { readonly [K in keyof F as K extends `${number}` ? K : never]: AsTensor<F[K]> }
    : {};
/** outputs of layers inside composites ('3.wraps.0', '2.1'): their paths are known at run time only */
export type NestedActivations = { readonly [path: `${string}.${string}`]: AnyTensor };
/**
 * Every layer's output keyed by its path. For a serial model the top-level children ('0', '1', ...)
 * are typed with the shapes the compiler computes from the layers and the input shape X.
 */
export type Activations<M, X> = (M extends Serial<infer L> ? TopActivations<L, X> : {}) & NestedActivations;

/** what capture returns */
export interface Captured<Out, A, S> {
  readonly output: Out;
  /** the output of every layer except the model itself, by path (a path seen twice keeps the later, outer output) */
  readonly activations: A;
  /** every observed output in order (children before parents; the model itself last, path '') */
  readonly observations: readonly Observation[];
  /** the model's new state (batch-norm statistics in train mode) */
  readonly state: S;
}

/**
 * Runs a model and returns its output with every layer's output keyed by its path ('2',
 * '3.wraps.0'), without changing any layer: the layers report to an observer in the context.
 * `state` defaults to `model.initState()`; pass the trained state for batch norm in eval mode.
 * @example const { activations } = capture(model)(params, x); activations['2'] // Tensor<['B', 128]>
 */
export const capture = <M extends AnyLayer>(model: M) =>
  <const X extends Shape, D extends DType = 'float32'>(
    params: ParamsOf<M>, x: Check<Apply<FnOf<M>, X>, Tensor<X, D>>, ctx: Context = evalMode, state?: StateOf<M>,
  ): Captured<Tensor<OutShape<FnOf<M>, X>>, Activations<M, X>, StateOf<M>> => {
    const [[output, next], observations] = observing(ctx, (c) => model.run(params, state ?? model.initState(), x as AnyTensor, c));
    const activations = Object.freeze(Object.fromEntries(observations.filter((o) => o.path !== '').map((o) => [o.path, o.output])));
    return {
      output: output as Tensor<OutShape<FnOf<M>, X>>, activations: activations as Activations<M, X>,
      observations, state: next as StateOf<M>,
    };
  };

/** capture without types: the observations of a model run on any input (library code generic in the model) */
export const captureRun = (model: AnyLayer, params: unknown, x: AnyTensor, ctx: Context = evalMode, state?: unknown) =>
  observing(ctx, (c) => model.run(params, state ?? model.initState(), x, c));
