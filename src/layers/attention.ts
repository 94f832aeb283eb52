/** @file Multi-head attention: a self-attention layer on [..., T, E], and attend for cross-attention, masks and weights. */
import type { AnyShapeError, Check, Mod, ShapeError } from '../../types/index.js';
import { add, logicalAnd, logicalNot, matmul, reshape, transpose } from '../ops/index.js';
import {
  attentionShape, attentionWeights, type AttentionResult, type AttentionShape, type ScoresShape,
} from '../ops/index.js';
import { split } from '../random/index.js';
import {
  sameShape, ShapeMismatchError, showShape, ValueError, type AsShape, type Dim, type DimEq, type IsDynRank, type Shape,
} from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { dropout } from './basic.js';
import * as init from './initializers.js';
import { defineLayer, requireDType, type Context, type Layer, type ShapeFn } from './layer.js';

type T = AnyTensor;
type Bool = Tensor<Shape, 'bool'>;

// ---- types -------------------------------------------------------------------------------------

/** E when `heads` split it evenly (or either is not a literal), else the error, put on the embed argument */
export type HeadsDivide<E extends number, H extends number, Name extends string = 'multiHeadAttention'> =
  number extends Mod<E, H> ? E : Mod<E, H> extends 0 ? E : ShapeError<`${Name}: embed ${E} does not split into ${H} heads`, E, H>;
/**
 * In when it is [..., T, E] (rank at least 2, last dim E), else a ShapeError naming the layer. (The
 * shape comes back as [...In]: a bare In in a branch makes TypeScript infer the layer's input from
 * the whole tensor and lose the shape.)
 */
export type CheckFeatures<In, E extends number, Name extends string> =
  In extends Shape
    ? In extends readonly [...Shape, infer d extends Dim]
      ? DimEq<d, E> extends false ? ShapeError<`${Name}: input has ${d} features, expected ${E}`, In>
      : IsDynRank<In> extends true ? [...In] : In extends readonly [Dim, Dim, ...Shape] ? [...In]
      : ShapeError<`${Name}: input needs rank 2 or more ([..., T, ${number extends E ? 'features' : E}])`, In>
    : IsDynRank<In> extends true ? [...In] : ShapeError<`${Name}: input needs rank 2 or more ([..., T, ${number extends E ? 'features' : E}])`, In>
    : never;
/** runtime twin of CheckFeatures */
export const checkFeatures = (name: string, shape: readonly number[], embed: number): void => {
  if (shape.length < 2) throw new ShapeMismatchError(name, `input needs rank 2 or more ([..., T, ${embed}]), got ${showShape(shape)}`, [shape]);
  if (shape.at(-1) !== embed) throw new ShapeMismatchError(name, `input has ${shape.at(-1)} features, expected ${embed}`, [shape]);
};
/** [..., T, E] -> [..., T, E]: a self-attention block keeps the shape */
export interface SelfAttentionFn<E extends number, Name extends string = 'multiHeadAttention'> extends ShapeFn {
  readonly canonical: [...Dim[], E];
  readonly out: CheckFeatures<this['in'], E, `${Name}(${E})`>;
}
/** the projections of multiHeadAttention(E, H): wq, wk, wv, wo [E, E] (x @ w) and biases bq, bk, bv, bo [E] (none with useBias: false) */
export type AttentionParams<E extends number, B extends boolean = true> = B extends false
  ? { readonly wq: Tensor<[E, E]>; readonly wk: Tensor<[E, E]>; readonly wv: Tensor<[E, E]>; readonly wo: Tensor<[E, E]> }
  : {
    readonly wq: Tensor<[E, E]>; readonly wk: Tensor<[E, E]>; readonly wv: Tensor<[E, E]>; readonly wo: Tensor<[E, E]>;
    readonly bq: Tensor<[E]>; readonly bk: Tensor<[E]>; readonly bv: Tensor<[E]>; readonly bo: Tensor<[E]>;
  };
/** what attend reads: a query, optionally a key and a value, and the masks */
export interface AttendInputs<Q extends Shape, K extends Shape, V extends Shape, R extends boolean> {
  /** [..., Tq, E] */
  readonly query: Tensor<Q>;
  /** [..., Tk, E] (default: the query, i.e. self-attention) */
  readonly key?: Tensor<K>;
  /** [..., Tk, E] (default: the key) */
  readonly value?: Tensor<V>;
  /** bool, true = may attend: [Tq, Tk], [..., Tq, Tk] (one per example) or [..., heads, Tq, Tk] */
  readonly mask?: Tensor<Shape, 'bool'>;
  /** bool [..., Tk], true = the key is real and may be attended (false = padding); PyTorch's key_padding_mask is the inverse */
  readonly keyMask?: Tensor<Shape, 'bool'>;
  /** query i sees only keys j <= i (default: the layer's `causal` option) */
  readonly causal?: boolean;
  /** also return the weights [..., heads, Tq, Tk] (default false) */
  readonly returnWeights?: R;
}
type LastDimIs<S extends Shape, E extends number> = S extends readonly [...Shape, infer d extends Dim] ? DimEq<d, E> : true;
type LastOf<S extends Shape> = S extends readonly [...Shape, infer d extends Dim] ? d : number;
/** attend's shape rule: query, key and value end in E, and the key and value lengths agree */
export type AttendShapes<E extends number, Q extends Shape, K extends Shape, V extends Shape> =
  LastDimIs<Q, E> extends false ? ShapeError<`attend: query has ${LastOf<Q>} features, expected ${E}`, Q>
  : LastDimIs<K, E> extends false ? ShapeError<`attend: key has ${LastOf<K>} features, expected ${E}`, K>
  : LastDimIs<V, E> extends false ? ShapeError<`attend: value has ${LastOf<V>} features, expected ${E}`, V>
  : AttentionShape<Q, K, V>;
/** unknown when the shape rule R holds, else its ShapeError (intersected with an argument, it keeps inference on the argument) */
export type ShapeOk<R> = R extends AnyShapeError ? R : unknown;
/** the weights' shape: [..., Tq, Tk] with the heads axis inserted, [..., H, Tq, Tk] */
export type HeadWeights<W, H extends number> = W extends readonly [...infer B extends Shape, infer Tq extends Dim, infer Tk extends Dim] ? [...B, H, Tq, Tk] : Dim[];
/** the output of attend: the query's shape, and the per-head weights */
export type AttendResult<Q extends Shape, K extends Shape, V extends Shape, H extends number, R extends boolean> =
  AttentionResult<AsShape<AttentionShape<Q, K, V>>, HeadWeights<ScoresShape<Q, K>, H>, R>;

/** multiHeadAttention options */
export interface MultiHeadAttentionOptions<B extends boolean> {
  /** learn the biases bq, bk, bv, bo (default true) */
  readonly useBias?: B;
  /** self-attention is causal: query i sees keys j <= i (default false; also attend's default) */
  readonly causal?: boolean;
  /** dropout rate on the attention weights in train mode (default 0), as PyTorch's MultiheadAttention */
  readonly dropout?: number;
  /** the projections' initializer (Glorot uniform per [E, E] matrix by default) */
  readonly kernelInit?: init.Initializer;
  /** the biases' initializer (zeros by default, as PyTorch) */
  readonly biasInit?: init.Initializer;
}
/** a multi-head attention layer: self-attention as a Layer, and attend for everything else */
export interface MultiHeadAttention<E extends number, H extends number, B extends boolean = true>
  extends Layer<SelfAttentionFn<E>, AttentionParams<E, B>> {
  readonly embed: E;
  readonly heads: H;
  /**
   * Attention of a query to a key and a value (cross-attention; both default to the query) with
   * masks; returns { output } ([..., Tq, E]) and, with returnWeights, the weights [..., H, Tq, Tk].
   */
  attend<const Q extends Shape, const K extends Shape = Q, const V extends Shape = K, const R extends boolean = false>(
    params: AttentionParams<E, B>, inputs: AttendInputs<Q, K, V, R> & ShapeOk<AttendShapes<E, Q, K, V>>, ctx?: Context,
  ): AttendResult<Q, K, V, H, R>;
}

// ---- runtime -------------------------------------------------------------------------------------

const shapeOf = (x: T): readonly number[] => x.shape as readonly number[];
type Loose = { readonly [K in 'wq' | 'wk' | 'wv' | 'wo']: T } & { readonly [K in 'bq' | 'bk' | 'bv' | 'bo']?: T };
const project = (x: T, w: T, b: T | undefined): T => {
  const y = matmul(x as Tensor<Shape>, w as Tensor<Shape>) as T;
  return b === undefined ? y : add(y, b) as T;
};
const swapAxes = (r: number, a: number, b: number): number[] =>
  Array.from({ length: r }, (_, i) => (i === a ? b : i === b ? a : i));
/** [..., T, E] -> [..., H, T, d]: head h takes columns [h·d, (h+1)·d) */
const splitHeads = (x: T, heads: number): T => {
  const s = shapeOf(x), r = s.length;
  const y = reshape(x as Tensor<Shape>, [...s.slice(0, -1), heads, s.at(-1)! / heads] as Dim[]) as T;
  return transpose(y as Tensor<Shape>, swapAxes(r + 1, r - 2, r - 1)) as T;
};
/** [..., H, T, d] -> [..., T, H·d] */
const mergeHeads = (x: T): T => {
  const s = shapeOf(x), r = s.length;
  const y = transpose(x as Tensor<Shape>, swapAxes(r, r - 3, r - 2)) as T;
  return reshape(y as Tensor<Shape>, [...s.slice(0, -3), s.at(-2)!, s.at(-3)! * s.at(-1)!] as Dim[]) as T;
};
const requireBool = (name: string, what: string, m: T): void => {
  if (m.dtype !== 'bool') throw new ValueError(name, `${what} must be bool, got ${m.dtype}`);
};
/**
 * The user mask and the key padding mask as one mask (true = may attend) against [..., H, Tq, Tk].
 * A mask of the query's rank ([..., Tq, Tk], one per example) gets the heads axis inserted.
 */
const combinedMask = (name: string, inputs: AttendInputs<Shape, Shape, Shape, boolean>, queryRank: number, key: T): T | undefined => {
  const user = inputs.mask as T | undefined, pad = inputs.keyMask as T | undefined;
  let m: T | undefined;
  if (user !== undefined) {
    requireBool(name, 'mask', user);
    const s = shapeOf(user);
    m = s.length === queryRank && queryRank > 2 ? reshape(user as Bool, [...s.slice(0, -2), 1, ...s.slice(-2)] as Dim[]) as T : user;
  }
  if (pad !== undefined) {
    requireBool(name, 'keyMask', pad);
    const expected = shapeOf(key).slice(0, -1);
    if (!sameShape(shapeOf(pad), expected)) {
      throw new ShapeMismatchError(name, `keyMask ${showShape(shapeOf(pad))} should be [..., Tk] = ${showShape(expected)}`, [shapeOf(pad), shapeOf(key)]);
    }
    // true = may attend (as every library mask), broadcast over heads and queries
    const keep = reshape(pad as Bool, [...expected.slice(0, -1), 1, 1, expected.at(-1)!] as Dim[]) as T;
    m = m === undefined ? keep : logicalAnd(m as Bool, keep as Bool) as T;
  }
  return m;
};

interface Config { readonly name: string; readonly embed: number; readonly heads: number; readonly causal: boolean; readonly rate: number }
/** the untyped attend: what both the layer's apply and attend run */
const attendWith = (c: Config, params: unknown, inputs: AttendInputs<Shape, Shape, Shape, boolean>, ctx: Context): { output: T; weights: T } => {
  const p = params as Loose, q = inputs.query as T, k = (inputs.key ?? q) as T, v = (inputs.value ?? k) as T;
  for (const [what, x] of [['query', q], ['key', k], ['value', v]] as const) {
    requireDType(c.name, x, ['float32']);
    checkFeatures(`${c.name} ${what}`, shapeOf(x), c.embed);
  }
  attentionShape(shapeOf(q), shapeOf(k), shapeOf(v), c.name);
  const qh = splitHeads(project(q, p.wq, p.bq), c.heads);
  const kh = splitHeads(project(k, p.wk, p.bk), c.heads);
  const vh = splitHeads(project(v, p.wv, p.bv), c.heads);
  const mask = combinedMask(c.name, inputs, q.rank as number, k);
  const probs = attentionWeights(qh as Tensor<Shape>, kh as Tensor<Shape>, { ...(mask && { mask: mask as Bool }), causal: inputs.causal ?? c.causal }) as T;
  // as PyTorch, dropout acts on the weights, and the weights returned are the ones used
  const weights = c.rate > 0 && ctx.mode === 'train' ? dropout(c.rate).run(null, null, probs, ctx)[0] : probs;
  const heads = matmul(weights as Tensor<Shape>, vh as Tensor<Shape>) as T;
  return { output: project(mergeHeads(heads), p.wo, p.bo), weights };
};

/**
 * Multi-head attention (Vaswani et al.; PyTorch's nn.MultiheadAttention with batch_first): q = x @ wq + bq
 * (k, v alike), head h takes columns [h·d, (h+1)·d) with d = E / heads, softmax(q_h k_hᵀ / √d) v_h per
 * head, the heads concatenated and projected by wo, bo. As a layer it is self-attention on [..., T, E]
 * (shape kept); `attend` takes a separate key and value, masks, and returns the weights.
 * An embed that the heads do not split is a compile-time error (literal sizes) and a ValueError.
 * @example multiHeadAttention(64, 8, { causal: true }) // [B, T, 64] -> [B, T, 64]
 */
export const multiHeadAttention = <const E extends number, const H extends number, const B extends boolean = true>(
  embed: Check<HeadsDivide<E, H>, E>, heads: H, options: MultiHeadAttentionOptions<B> = {},
): MultiHeadAttention<E, H, B> => {
  const e = embed as E, name = 'multiHeadAttention';
  for (const [what, n] of [['embed', e], ['heads', heads]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(name, `${what} ${n} must be a positive integer`);
  }
  if (e % heads !== 0) throw new ValueError(name, `embed ${e} does not split into ${heads} heads`);
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new ValueError(name, `dropout ${rate} must be in [0, 1)`);
  const c: Config = { name, embed: e, heads, causal: options.causal ?? false, rate };
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? init.glorotUniform, biasInit = options.biasInit ?? init.zeros;
  type P = AttentionParams<E, B>;
  const layer = defineLayer<SelfAttentionFn<E>, P>(`${name}(${e}, ${heads})`, (key) => {
    const ks = split(key, 8);
    const w = (i: number) => kernelInit(ks[i]!, [e, e]), b = (i: number) => biasInit(ks[i]!, [e]);
    const kernels = { wq: w(0), wk: w(1), wv: w(2), wo: w(3) };
    return (useBias ? { ...kernels, bq: b(4), bk: b(5), bv: b(6), bo: b(7) } : kernels) as P;
  }, (p, s, x, ctx) => [attendWith(c, p, { query: x as Tensor<Shape> }, ctx).output, s]);
  const attend = (params: P, inputs: unknown, ctx: Context = { mode: 'eval' }) => {
    const r = attendWith(c, params, inputs as AttendInputs<Shape, Shape, Shape, boolean>, ctx);
    return (inputs as { readonly returnWeights?: boolean }).returnWeights ? r : { output: r.output };
  };
  return Object.freeze({ ...layer, embed: e, heads, attend }) as MultiHeadAttention<E, H, B>;
};
