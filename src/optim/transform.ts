/** @file Gradient transformations (the Optax shape, typed): init + update over any parameter record, and chain. */
import { add } from '../ops/index.js';
import type { AnyTensor } from '../tensor/index.js';
import { sameShapes, zipWith } from '../tree/index.js';

/**
 * A state type as a function of the parameter record P (the `this`-based encoding): e.g. Adam's
 * state is `{ count, mu: P, nu: P }`. This is how one optimizer value is typed precisely for
 * every model it is used on.
 */
export interface StateFn { readonly in: unknown; readonly out: unknown }
/** the state of F for params P */
export type StateOf<F extends StateFn, P> = (F & { readonly in: P })['out'];
/** no state */
export interface NoState extends StateFn { readonly out: null }

declare const STATE_FN: unique symbol;
/**
 * A gradient transformation: `init(params)` gives its state; `update(grads, state, params?)`
 * gives the transformed updates (same type as the grads) and the new state. Nothing is
 * mutated: the old state stays valid.
 */
export interface GradientTransformation<F extends StateFn> {
  /** phantom: the state function, so that it can be read back from any transformation type (StateFnOf) */
  readonly [STATE_FN]?: F;
  init<P>(params: P): StateOf<F, P>;
  update<P>(grads: P, state: StateOf<F, P>, params?: P): readonly [updates: P, state: StateOf<F, P>];
}
/** any transformation */
export type AnyTransformation = GradientTransformation<StateFn>;
/** the state function of a transformation type */
export type StateFnOf<T> = T extends GradientTransformation<infer F> ? F : never;

/** the untyped parts a transformation is built from */
export interface TransformParts<S> {
  readonly init: (params: unknown) => S;
  readonly update: (grads: unknown, state: S, params: unknown) => readonly [unknown, S];
}
/** attaches the typed face to untyped parts (the one place that cast happens) */
export const transformation = <F extends StateFn>(parts: TransformParts<unknown>): GradientTransformation<F> =>
  Object.freeze({
    init: parts.init,
    update: (grads: unknown, state: unknown, params?: unknown) => {
      if (params !== undefined) sameShapes(params, grads, 'optim.update', 'gradient');
      return parts.update(grads, state, params);
    },
  }) as GradientTransformation<F>;

/** the state of F for params P, for a type known to be a state function only after instantiation (never otherwise) */
export type StateOfAny<F, P> = F extends StateFn ? StateOf<F, P> : never;
/** the state function of a chain: the tuple of its parts' states */
export interface ChainState<Fs extends readonly StateFn[]> extends StateFn {
  // StateOfAny rather than StateOf<Fs[K] & StateFn, ...>: TypeScript 6 (tsd) reports the intersection as excessively deep
  readonly out: { -readonly [K in keyof Fs]: StateOfAny<Fs[K], this['in']> };
}
type Fns<Ts extends readonly AnyTransformation[]> = { -readonly [K in keyof Ts]: StateFnOf<Ts[K]> };
/** applies transformations one after the other; the state is the tuple of their states */
export const chain = <const Ts extends readonly AnyTransformation[]>(...ts: Ts): GradientTransformation<ChainState<Fns<Ts>>> =>
  transformation({
    init: (params) => Object.freeze(ts.map((t) => t.init(params))),
    update: (grads, state, params) => {
      const ss = state as readonly unknown[];
      let u = grads;
      const next = ts.map((t, i) => {
        const [nu, s] = t.update(u, ss[i], params);
        u = nu;
        return s;
      });
      return [u, Object.freeze(next)];
    },
  });

/** params + updates, leaf by leaf (updates already carry the sign and the learning rate) */
export const applyUpdates = <P>(params: P, updates: NoInfer<P>): P => {
  sameShapes(params, updates, 'applyUpdates', 'update');
  return zipWith(params, updates, (p, u) => add(p, u) as AnyTensor, 'applyUpdates');
};
