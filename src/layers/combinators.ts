/** @file Combinators: serial (shape-checked chains), parallel, residual, concatenate, bottleneck, lambda. */
import type { Add, AnyShapeError, ShapeError } from '../../types/index.js';
import { add, concat } from '../ops/index.js';
import { split } from '../random/index.js';
import {
  ShapeMismatchError, ValueError, sameShape, showShape, type Broadcast, type BroadcastDim, type Concat, type Dim, type IsDynRank, type Shape,
} from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import {
  childContext, defineLayer, type AnyLayer, type Apply, type Context, type FnOf, type Layer, type ParamsOf, type ShapeFn, type StateOf,
} from './layer.js';

type T = AnyTensor;
type CanonOf<F> = F extends { readonly canonical: infer C extends Shape } ? C : Dim[];

/** the output shape of each layer of a chain from input S (entries after the first error are unknown) */
export type Flow<L extends readonly unknown[], S, Acc extends unknown[] = []> =
  L extends readonly [infer H, ...infer R]
    ? S extends Shape
      ? Apply<FnOf<H>, S> extends infer O ? Flow<R, O extends AnyShapeError ? unknown : O, [...Acc, O]> : never
      : Flow<R, unknown, [...Acc, unknown]>
    : Acc;
/** the layers, with the first one whose input does not fit replaced by the ShapeError (so the error sits on it) */
export type ValidateChain<L extends readonly unknown[], F extends unknown[] = Flow<L, CanonOf<FnOf<L[0]>>>> =
  number extends L['length'] ? L : { [K in keyof L]: F[K & keyof F] extends infer E extends AnyShapeError ? E : L[K] };
/** the shape function of a chain: each layer's on the previous one's output */
export interface SerialFn<Fs extends readonly ShapeFn[]> extends ShapeFn {
  readonly out: FoldOut<Fs, this['in']>;
  readonly canonical: CanonOf<Fs[0]>;
}
type FoldOut<Fs extends readonly ShapeFn[], S> =
  Fs extends readonly [infer H extends ShapeFn, ...infer R extends readonly ShapeFn[]]
    ? Apply<H, S> extends infer O ? O extends AnyShapeError ? O : FoldOut<R, O> : never
    : S;
type Fns<L extends readonly unknown[]> = { -readonly [K in keyof L]: FnOf<L[K]> };
/** the children's params as a tuple */
export type ParamsTuple<L extends readonly unknown[]> = { -readonly [K in keyof L]: ParamsOf<L[K]> };
/** the children's states as a tuple */
export type StatesTuple<L extends readonly unknown[]> = { -readonly [K in keyof L]: StateOf<L[K]> };


/**
 * A layer made of other layers (serial, parallel, residual, concatenate, bottleneck): it lists its
 * children and can rebuild itself, with the same combinator and options, over new children of the
 * same params and state structure (analysis swaps one layer this way). Checked at run time only:
 * the rebuilt layer is untyped.
 */
export interface Composite { readonly withChildren: (children: readonly AnyLayer[]) => AnyLayer }
const children = (op: string, kids: readonly AnyLayer[], n: number): readonly AnyLayer[] => {
  if (kids.length !== n) throw new ValueError(`${op}.withChildren`, `${n} children expected, got ${kids.length}`);
  return kids;
};

/** what serial returns: a layer that also lists its children (for analysis and data-dependent init) */
export interface Serial<L extends readonly unknown[]> extends Layer<SerialFn<Fns<L>>, ParamsTuple<L>, StatesTuple<L>>, Composite {
  readonly layers: readonly AnyLayer[];
}
/**
 * Chains layers; the compiler checks that each layer's output shape is the next one's input and
 * puts the error on the first layer that does not fit. Params and state are tuples of the children's.
 * @example serial(input(['B', 784]), dense(784, 128), relu(), dense(128, 10))
 */
export const serial = <const L extends readonly AnyLayer[]>(...layers: ValidateChain<L>): Serial<L> => {
  const ls = layers as readonly AnyLayer[];
  const base = defineLayer<SerialFn<Fns<L>>, ParamsTuple<L>, StatesTuple<L>>(
    `serial(${ls.map((l) => l.name).join(', ')})`,
    (key) => {
      const keys = split(key, Math.max(ls.length, 1));
      return ls.map((l, i) => l.init(keys[i]!)) as ParamsTuple<L>;
    },
    (params, state, x, ctx) => {
      const ps = params as readonly unknown[], ss = state as readonly unknown[];
      let h = x;
      const next = ls.map((l, i) => {
        const [y, s] = l.run(ps[i], ss[i], h, childContext(ctx, i));
        h = y;
        return s;
      });
      return [h, next as StatesTuple<L>];
    },
    () => ls.map((l) => l.initState()) as StatesTuple<L>,
  );
  const withChildren = (kids: readonly AnyLayer[]): AnyLayer => (serial as (...l: readonly AnyLayer[]) => AnyLayer)(...children('serial', kids, ls.length));
  return Object.freeze({ ...base, layers: ls, withChildren });
};

// ---- branches --------------------------------------------------------------------------------

type Outs<Fs extends readonly ShapeFn[], S> = { -readonly [K in keyof Fs]: Apply<Fs[K], S> };
type FirstError<Os extends readonly unknown[]> = Extract<Os[number], AnyShapeError>;
type JoinAdd<Os extends readonly unknown[], Acc> =
  Os extends readonly [infer H extends Shape, ...infer R]
    ? Acc extends Shape
      ? [LastDim<Acc> | LastDim<H>] extends [never] ? Broadcast<Acc, H, 'parallel add'> extends infer B ? B extends Shape ? JoinAdd<R, B> : B : never
      : [LastDim<Acc>, LastDim<H>] extends [infer a extends Dim, infer b extends Dim]
        ? [a] extends [never] ? Broadcast<Acc, H, 'parallel add'> extends infer B ? B extends Shape ? JoinAdd<R, B> : B : never
        : [b] extends [never] ? Broadcast<Acc, H, 'parallel add'> extends infer B ? B extends Shape ? JoinAdd<R, B> : B : never
        : [BroadcastDim<a, b>] extends [never] ? ShapeError<`parallel add: last dims ${a} and ${b} differ`, Acc, H>
        : Broadcast<Acc, H, 'parallel add'> extends infer B ? B extends Shape ? JoinAdd<R, B> : B : never
        : Broadcast<Acc, H, 'parallel add'> extends infer B ? B extends Shape ? JoinAdd<R, B> : B : never
      : Acc
    : Acc;
/** the last dim of a shape, also of a variadic one such as [...Dim[], 10] (never when unknown) */
type LastDim<S extends Shape> = S extends readonly [...unknown[], infer D extends Dim] ? D : never;
/** joins two shapes on the last axis; also keeps the sum for variadic shapes like [...Dim[], 10] */
type ConcatLast<A extends Shape, B extends Shape> =
  IsDynRank<A> extends true
    ? A extends readonly [...infer L extends Dim[], infer a extends number]
      ? B extends readonly [...Dim[], infer b extends number] ? [...L, Add<a, b>] : Concat<[A, B], -1>
      : Concat<[A, B], -1>
    : Concat<[A, B], -1>;
type ConcatAllLast<Os extends readonly Shape[]> =
  Os extends readonly [infer A extends Shape, infer B extends Shape, ...infer R extends readonly Shape[]]
    ? ConcatLast<A, B> extends infer C ? C extends Shape ? ConcatAllLast<[C, ...R]> : C : never
    : Os extends readonly [infer A extends Shape] ? A : Dim[];
type AllShapes<Os extends readonly unknown[]> = { -readonly [K in keyof Os]: Os[K] extends infer S extends Shape ? S : Dim[] };
/** the shape function of parallel(join, ...branches) */
export interface ParallelFn<J extends 'add' | 'concat', Fs extends readonly ShapeFn[]> extends ShapeFn {
  readonly out: Outs<Fs, this['in']> extends infer Os extends readonly unknown[]
    ? [FirstError<Os>] extends [never]
      ? J extends 'add' ? (Os extends readonly [infer H, ...infer R] ? JoinAdd<R, H> : never) : ConcatAllLast<AllShapes<Os>>
      : FirstError<Os>
    : never;
  readonly canonical: CanonOf<Fs[0]>;
}
/** applies every branch to the same input and joins the outputs: 'add' (broadcasting) or 'concat' (last axis) */
export const parallel = <const J extends 'add' | 'concat', const L extends readonly AnyLayer[]>(
  join: J, ...branches: L
): Layer<ParallelFn<J, Fns<L>>, ParamsTuple<L>, StatesTuple<L>> & { readonly branches: readonly AnyLayer[] } & Composite =>
  Object.freeze({
    branches,
    withChildren: (kids: readonly AnyLayer[]): AnyLayer => parallel(join, ...children('parallel', kids, branches.length)),
    ...defineLayer<ParallelFn<J, Fns<L>>, ParamsTuple<L>, StatesTuple<L>>(
    `parallel(${join}: ${branches.map((l) => l.name).join(', ')})`,
    (key) => {
      const keys = split(key, Math.max(branches.length, 1));
      return branches.map((l, i) => l.init(keys[i]!)) as ParamsTuple<L>;
    },
    (params, state, x, ctx) => {
      const ps = params as readonly unknown[], ss = state as readonly unknown[];
      const outs = branches.map((l, i) => l.run(ps[i], ss[i], x, childContext(ctx, i)));
      const ys = outs.map(([y]) => y);
      const y = join === 'add' ? ys.reduce((a, b) => add(a, b) as T) : (concat(ys, -1) as T);
      return [y, outs.map(([, s]) => s) as StatesTuple<L>];
    },
    () => branches.map((l) => l.initState()) as StatesTuple<L>,
  ) });

/** the shape function of residual(f): f must map the input shape to itself */
export interface ResidualFn<F extends ShapeFn> extends ShapeFn {
  readonly out: Apply<F, this['in']> extends infer O
    ? O extends AnyShapeError ? O
    : [O] extends [this['in']] ? [this['in']] extends [O] ? this['in'] : SameShapeError<this['in'], O>
    : SameShapeError<this['in'], O>
    : never;
  readonly canonical: CanonOf<F>;
}
type SameShapeError<I, O> = ShapeError<'residual: the branch must keep the shape', I, O>;
const sameShapeRun = (name: string, f: AnyLayer, combine: (x: T, y: T) => T) =>
  (params: unknown, state: unknown, x: T, ctx: Context): readonly [T, unknown] => {
    const [y, s] = f.run(params, state, x, childContext(ctx, 'wraps'));
    if (name === 'residual' && !sameShape(y.shape as readonly number[], x.shape as readonly number[])) {
      throw new ShapeMismatchError(name, `the branch maps ${showShape(x.shape as readonly number[])} to ${showShape(y.shape as readonly number[])}`, [x.shape as readonly number[], y.shape as readonly number[]]);
    }
    return [combine(x, y), s];
  };
/** a layer built around one inner layer with the same params (residual, concatenate): analysis and lsuvInit look inside */
export interface Wrapper extends Composite { readonly wraps: AnyLayer }
const only = (op: string, kids: readonly AnyLayer[]): AnyLayer => children(op, kids, 1)[0]!;
/** x + f(x); the compiler checks that f keeps the shape */
export const residual = <L extends AnyLayer>(f: L): Layer<ResidualFn<FnOf<L>>, ParamsOf<L>, StateOf<L>> & Wrapper =>
  Object.freeze({ ...defineLayer<ResidualFn<FnOf<L>>, ParamsOf<L>, StateOf<L>>(`residual(${f.name})`, (key) => f.init(key) as ParamsOf<L>,
    sameShapeRun('residual', f, (x, y) => add(x, y) as T) as never, () => f.initState() as StateOf<L>), wraps: f,
    withChildren: (kids: readonly AnyLayer[]): AnyLayer => residual(only('residual', kids)) });

/** the shape function of concatenate(f): [x, f(x)] joined on the last axis */
export interface ConcatenateFn<F extends ShapeFn> extends ShapeFn {
  readonly out: Apply<F, this['in']> extends infer O
    ? O extends AnyShapeError ? O : this['in'] extends infer I extends Shape ? O extends Shape ? ConcatLast<I, O> : Dim[] : Dim[]
    : never;
  readonly canonical: CanonOf<F>;
}
/** a dense (DenseNet) connection: concat([x, f(x)], -1) */
export const concatenate = <L extends AnyLayer>(f: L): Layer<ConcatenateFn<FnOf<L>>, ParamsOf<L>, StateOf<L>> & Wrapper =>
  Object.freeze({ ...defineLayer<ConcatenateFn<FnOf<L>>, ParamsOf<L>, StateOf<L>>(`concatenate(${f.name})`, (key) => f.init(key) as ParamsOf<L>,
    sameShapeRun('concatenate', f, (x, y) => concat([x, y], -1) as T) as never, () => f.initState() as StateOf<L>), wraps: f,
    withChildren: (kids: readonly AnyLayer[]): AnyLayer => concatenate(only('concatenate', kids)) });

/** the bottleneck pattern: x + expand(inner(reduce(x))), a residual around a narrow middle (checked like serial) */
export const bottleneck = <const L extends readonly [AnyLayer, AnyLayer, AnyLayer]>(
  ...layers: ValidateChain<L>
): Layer<ResidualFn<SerialFn<Fns<L>>>, ParamsTuple<L>, StatesTuple<L>> & Wrapper => {
  const around = (chain: AnyLayer): AnyLayer & Wrapper => Object.freeze({
    ...residual(chain), name: `bottleneck(${chain.name})`,
    // the child is the inner serial chain, as for residual
    withChildren: (kids: readonly AnyLayer[]): AnyLayer => around(only('bottleneck', kids)),
  });
  return around(serial(...(layers as readonly AnyLayer[]))) as Layer<ResidualFn<SerialFn<Fns<L>>>, ParamsTuple<L>, StatesTuple<L>> & Wrapper;
};

/** the shape function of a lambda: unknown unless declared shape-preserving */
export interface LambdaFn extends ShapeFn { readonly out: Dim[]; readonly canonical: Dim[] }
/** a parameter-free layer from a function of tensors (its output shape is only known at run time) */
export const lambda = (fn: (x: Tensor<Shape>) => T, name = 'lambda'): Layer<LambdaFn, null> =>
  defineLayer(name, () => null, (_p, s, x) => [fn(x as Tensor<Shape>), s]);
