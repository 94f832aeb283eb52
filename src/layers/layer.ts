/** @file The layer model: a readonly record { init, apply } whose shape mapping is a type-level function. */
import type { Check } from '../../types/index.js';
import type { DType } from '../dtype/index.js';
import { foldIn, type Key } from '../random/index.js';
import { ValueError, type Dim, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';

/**
 * A shape function in the `this`-based encoding: `out` is computed from `this['in']`.
 * `canonical` is the most general input the layer accepts (e.g. `[...Dim[], 784]` for
 * dense(784, n)); serial starts its compile-time check there when no input shape is given.
 */
export interface ShapeFn { readonly in: unknown; readonly out: unknown; readonly canonical: Shape }
/** F applied to the input shape S */
export type Apply<F extends ShapeFn, S> = (F & { readonly in: S })['out'];
/** the output shape of F on S as a Shape (unknown rank where F says nothing) */
export type OutShape<F extends ShapeFn, S> = Apply<F, S> extends infer O extends Shape ? O : Dim[];
/** the identity shape function (activations, dropout) */
export interface SameShape extends ShapeFn { readonly out: this['in'] extends infer S extends Shape ? [...S] : this['in']; readonly canonical: Dim[] }

/** sees every layer's output as it is computed: its path in the model ('2', '3.wraps.0'), name and output */
export type Observer = (path: string, layer: string, output: AnyTensor) => void;
/** analysis options every context may carry: an observer and the current layer's path */
interface Observed { readonly observe?: Observer; readonly path?: string }
/** how a model runs: eval (inference) or train; train needs a key for dropout and the like */
export type Context = ({ readonly mode: 'eval' } | { readonly mode: 'train'; readonly key: Key }) & Observed;
/** evaluation mode, the default */
export const evalMode: Context = { mode: 'eval' };
/** training mode with a key for the layers that draw random numbers */
export const trainMode = (key: Key): Context => ({ mode: 'train', key });

/** the untyped run function every layer is built from: params, state, input, context -> [output, state] */
export type Run<P, S> = (params: P, state: S, x: AnyTensor, ctx: Context) => readonly [AnyTensor, S];

declare const FN: unique symbol;
/**
 * A layer: `init(key)` gives its parameter record; `apply(params, x, ctx?)` its output, with the
 * output shape computed from x's shape by F at compile time. Stateful layers (batch norm) keep
 * their state apart: `initState()`, and `applyWithState(params, state, x, ctx)` returns the new state.
 */
export interface Layer<F extends ShapeFn, P, S = null> {
  /** phantom: the layer's shape function (exists only in the type, like a tensor's shape) */
  readonly [FN]: F;
  readonly name: string;
  /** the parameter record, from a key */
  init(key: Key): P;
  /** the initial state record (null for stateless layers) */
  initState(): S;
  /** the output for input x; its shape is F of x's shape */
  apply<const X extends Shape, D extends DType = 'float32'>(
    params: P, x: Check<Apply<F, X>, Tensor<X, D>>, ctx?: Context,
  ): Tensor<OutShape<F, X>>;
  /** the output and the new state */
  applyWithState<const X extends Shape, D extends DType = 'float32'>(
    params: P, state: S, x: Check<Apply<F, X>, Tensor<X, D>>, ctx?: Context,
  ): readonly [Tensor<OutShape<F, X>>, S];
  /** the untyped form combinators use */
  run(params: P, state: S, x: AnyTensor, ctx: Context): readonly [AnyTensor, S];
}
/** any layer */
export type AnyLayer = Layer<ShapeFn, unknown, unknown>;
/** the shape function of a layer type */
export type FnOf<L> = L extends Layer<infer F, infer _P, infer _S> ? F : never;
/** the parameter record of a layer type */
export type ParamsOf<L> = L extends Layer<ShapeFn, infer P, infer _S> ? P : never;
/** the state record of a layer type */
export type StateOf<L> = L extends Layer<ShapeFn, infer _P, infer S> ? S : never;

/** the context for child `i` of a composite: the key folded with i (no two children draw the same numbers), the path extended */
export const childContext = (ctx: Context, i: number | string): Context => {
  const path = ctx.path === undefined || ctx.path === '' ? String(i) : `${ctx.path}.${i}`;
  const keyed = ctx.mode === 'train' && typeof i === 'number' ? { ...ctx, key: foldIn(ctx.key, i) } : ctx;
  return ctx.observe === undefined ? keyed : { ...keyed, path };
};
/** builds a layer from its untyped parts (the one place a layer's typed face is attached) */
export const defineLayer = <F extends ShapeFn, P, S = null>(
  name: string, init: (key: Key) => P, compute: Run<P, S>, initState: () => S = () => null as S,
): Layer<F, P, S> => {
  // every layer reports its output to an observer in the context (analysis captures activations this way)
  const run: Run<P, S> = (params, state, x, ctx) => {
    const out = compute(params, state, x, ctx);
    ctx.observe?.(ctx.path ?? '', name, out[0]);
    return out;
  };
  type Out<X extends Shape> = Tensor<OutShape<F, X>>;
  // the typed face: shapes were checked by the compiler, and the ops check them again at run time
  const apply = <const X extends Shape, D extends DType = 'float32'>(params: P, x: Check<Apply<F, X>, Tensor<X, D>>, ctx: Context = evalMode) =>
    run(params, initState(), x as AnyTensor, ctx)[0] as Out<X>;
  const applyWithState = <const X extends Shape, D extends DType = 'float32'>(params: P, state: S, x: Check<Apply<F, X>, Tensor<X, D>>, ctx: Context = evalMode) =>
    run(params, state, x as AnyTensor, ctx) as readonly [Out<X>, S];
  const layer = { name, init, initState, run, apply, applyWithState };
  return Object.freeze(layer) as typeof layer & { readonly [FN]: F };
};

/** a parameter-free layer from a function of the input and the context */
export const statelessLayer = <F extends ShapeFn>(name: string, f: (x: AnyTensor, ctx: Context) => AnyTensor): Layer<F, null> =>
  defineLayer<F, null>(name, () => null, (_p, s, x, ctx) => [f(x, ctx), s]);

/** checks a runtime input's dtype for a layer */
export const requireDType = (layer: string, x: AnyTensor, ok: readonly DType[]): void => {
  if (!ok.includes(x.dtype)) throw new ValueError(layer, `input dtype ${x.dtype} is not supported (expected ${ok.join(' or ')})`);
};
