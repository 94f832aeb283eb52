/** @file Attention as a composite of primitives: causal masks, masked softmax weights, scaled dot-product attention, sinusoidal and rotary positions. */
import type { Check, Mod, ShapeError } from '../../types/index.js';
import {
  broadcastShapes, sameShape, ShapeMismatchError, showShape, ValueError, type AsShape, type Broadcast, type Dim, type DimEq, type Shape,
} from '../shape/index.js';
import { arange, fromArray, type AnyTensor, type Tensor } from '../tensor/index.js';
import { softmax } from './activations.js';
import { abs, add, div, exp, greater, less, lessEqual, logicalAnd, mul, stopGradient, sub, where } from './elementwise.js';
import { concat, split } from './join.js';
import { reshape, transpose } from './layout.js';
import { matmul } from './linalg.js';
import { max, sum } from './reduce.js';

type T = AnyTensor;
type Bool = Tensor<Shape, 'bool'>;

// ---- shape rules -------------------------------------------------------------------------------

/** [...batch, a, b] as its parts; 'short' below rank 2; 'unknown' for an unknown rank */
type Last2<S extends Shape> =
  S extends readonly [...infer B extends Shape, infer a extends Dim, infer b extends Dim] ? [B, a, b]
  : number extends S['length'] ? 'unknown' : 'short';
/**
 * The attention weights' shape: q [..., Tq, d] and k [..., Tk, d] give [...batch, Tq, Tk] (batch dims
 * broadcast); a ShapeError when the feature dims differ or a rank is below 2.
 */
export type ScoresShape<Q extends Shape, K extends Shape> =
  Last2<Q> extends [infer QB extends Shape, infer Tq extends Dim, infer Dq extends Dim]
    ? Last2<K> extends [infer KB extends Shape, infer Tk extends Dim, infer Dk extends Dim]
      ? DimEq<Dq, Dk> extends false ? ShapeError<`attention: query and key feature dims differ (${Dq} vs ${Dk})`, Q, K>
      : Broadcast<QB, KB, 'attention batch'> extends infer B ? B extends Shape ? [...B, Tq, Tk] : B : never
      : Last2<K> extends 'short' ? ShapeError<'attention: key needs rank 2 or more ([..., Tk, d])', K> : Dim[]
    : Last2<Q> extends 'short' ? ShapeError<'attention: query needs rank 2 or more ([..., Tq, d])', Q> : Dim[];
/** the attention output's shape: weights [..., Tq, Tk] times v [..., Tk, dv] give [...batch, Tq, dv] */
export type AttentionShape<Q extends Shape, K extends Shape, V extends Shape> =
  ScoresShape<Q, K> extends infer W extends Shape
    ? Last2<W> extends [infer WB extends Shape, infer Tq extends Dim, infer Tk extends Dim]
      ? Last2<V> extends [infer VB extends Shape, infer Tv extends Dim, infer Dv extends Dim]
        ? DimEq<Tk, Tv> extends false ? ShapeError<`attention: ${Tk} keys but ${Tv} values`, K, V>
        : Broadcast<WB, VB, 'attention batch'> extends infer B ? B extends Shape ? [...B, Tq, Dv] : B : never
        : Last2<V> extends 'short' ? ShapeError<'attention: value needs rank 2 or more ([..., Tk, dv])', V> : Dim[]
      : Dim[]
    : ScoresShape<Q, K>;

const shapeOf = (x: T): readonly number[] => x.shape as readonly number[];
/** runtime twin of ScoresShape (op names the caller) */
export const scoresShape = (q: readonly number[], k: readonly number[], op = 'attention'): number[] => {
  if (q.length < 2) throw new ShapeMismatchError(op, `query needs rank 2 or more ([..., Tq, d]), got ${showShape(q)}`, [q]);
  if (k.length < 2) throw new ShapeMismatchError(op, `key needs rank 2 or more ([..., Tk, d]), got ${showShape(k)}`, [k]);
  if (q.at(-1) !== k.at(-1)) throw new ShapeMismatchError(op, `query and key feature dims differ (${q.at(-1)} vs ${k.at(-1)})`, [q, k]);
  return [...broadcastShapes(q.slice(0, -2), k.slice(0, -2), `${op} batch`) as number[], q.at(-2)!, k.at(-2)!];
};
/** runtime twin of AttentionShape */
export const attentionShape = (q: readonly number[], k: readonly number[], v: readonly number[], op = 'attention'): number[] => {
  const w = scoresShape(q, k, op);
  if (v.length < 2) throw new ShapeMismatchError(op, `value needs rank 2 or more ([..., Tk, dv]), got ${showShape(v)}`, [v]);
  if (v.at(-2) !== w.at(-1)) throw new ShapeMismatchError(op, `${w.at(-1)} keys but ${v.at(-2)} values`, [k, v]);
  return [...broadcastShapes(w.slice(0, -2), v.slice(0, -2), `${op} batch`) as number[], w.at(-2)!, v.at(-1)!];
};

// ---- masks and weights ---------------------------------------------------------------------------

/**
 * The causal mask [Tq, Tk]: query i may attend key j when j <= i (aligned at the first key, as
 * PyTorch's `is_causal`; with Tq = Tk the lower triangle). true = may attend.
 * @example causalMask(3, 3) // [[true, false, false], [true, true, false], [true, true, true]]
 */
export const causalMask = <const Tq extends number, const Tk extends number>(queries: Tq, keys: Tk): Tensor<[Tq, Tk], 'bool'> => {
  for (const n of [queries, keys]) if (!Number.isInteger(n) || n < 0) throw new ValueError('causalMask', `length ${n} must be a non-negative integer`);
  const j = reshape(arange(0, keys, 1, 'int32') as Tensor<Shape, 'int32'>, [1, keys] as Dim[]) as T;
  const i = reshape(arange(0, queries, 1, 'int32') as Tensor<Shape, 'int32'>, [queries, 1] as Dim[]) as T;
  return lessEqual(j, i) as T as Tensor<[Tq, Tk], 'bool'>;
};

/** which keys each query may see: a bool mask (true = may attend), a causal restriction, or both */
export interface MaskOptions {
  /** bool, broadcast against the weights [..., Tq, Tk]; true = may attend */
  readonly mask?: Tensor<Shape, 'bool'>;
  /** query i sees only keys j <= i (see causalMask) */
  readonly causal?: boolean;
}
/** attention weight options: the masks and the factor on q kᵀ */
export interface WeightsOptions extends MaskOptions {
  /** the factor on q kᵀ (default 1/√d) */
  readonly scale?: number;
}

/** the mask and the causal restriction as one bool mask (undefined when nothing is masked) */
const allowedKeys = (op: string, scores: readonly number[], o: MaskOptions): T | undefined => {
  const causal = o.causal ? causalMask(scores.at(-2)!, scores.at(-1)!) as T : undefined;
  const m = o.mask as T | undefined;
  if (m === undefined) return causal;
  if (m.dtype !== 'bool') throw new ValueError(op, `mask must be bool (true = may attend), got ${m.dtype}`);
  if (!sameShape(broadcastShapes(shapeOf(m), scores, `${op} mask`) as number[], scores)) {
    throw new ShapeMismatchError(op, `mask ${showShape(shapeOf(m))} does not broadcast to the weights ${showShape(scores)}`, [shapeOf(m), scores]);
  }
  return causal === undefined ? m : logicalAnd(m as Bool, causal as Bool) as T;
};

/**
 * softmax over the last axis restricted to the allowed entries. Written out rather than
 * softmax(where(allowed, s, -inf)): a fully masked row would give (-inf) - (-inf) = NaN there,
 * and here gives weights 0 (and gradient 0). The masked entries enter exp as -inf, never as a
 * large finite number, so no inf meets a zero cotangent in the backward pass.
 */
const maskedSoftmax = (scores: T, allowed: T): T => {
  const filled = where(allowed as Bool, scores, -Infinity) as T;
  const m = stopGradient(max(filled as Tensor<Shape>, -1, { keepdims: true }) as T);
  const shift = where(less(abs(m), Infinity), m, 0) as T;
  const e = exp(sub(filled, shift) as T) as T;
  const total = sum(e as Tensor<Shape>, -1, { keepdims: true }) as T;
  return div(e, where(greater(total, 0), total, 1)) as T;
};

const swapLast = (x: T): T => {
  const r = x.rank as number;
  return transpose(x as Tensor<Shape>, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]) as T;
};
const weightsOf = (op: string, q: T, k: T, o: WeightsOptions): T => {
  const shape = scoresShape(shapeOf(q), shapeOf(k), op);
  const scale = o.scale ?? 1 / Math.sqrt(shapeOf(q).at(-1)!);
  const scores = mul(matmul(q as Tensor<Shape>, swapLast(k) as Tensor<Shape>) as T, scale) as T;
  const allowed = allowedKeys(op, shape, o);
  return allowed === undefined ? softmax(scores as Tensor<Shape>, -1) as T : maskedSoftmax(scores, allowed);
};

/**
 * softmax(q kᵀ · scale) over the keys, with masked keys at weight 0: q [..., Tq, d], k [..., Tk, d]
 * -> [..., Tq, Tk]. A query row with no allowed key gets all-zero weights (never NaN).
 */
export const attentionWeights = <Q extends Shape, K extends Shape>(
  query: Tensor<Q>, key: Check<ScoresShape<Q, K>, Tensor<K>>, options: WeightsOptions = {},
): Tensor<AsShape<ScoresShape<Q, K>>> => weightsOf('attentionWeights', query, key as T, options) as Tensor<AsShape<ScoresShape<Q, K>>>;

/** what attention returns: the output, and with returnWeights the weights [..., Tq, Tk] */
export type AttentionResult<O extends Shape, W extends Shape, R extends boolean> =
  R extends true ? { readonly output: Tensor<O>; readonly weights: Tensor<W> } : { readonly output: Tensor<O> };
/** scaledDotProductAttention options: masks, scale, and whether to return the weights */
export interface AttentionOptions<R extends boolean> extends WeightsOptions {
  /** also return the weights (default false) */
  readonly returnWeights?: R;
}

/**
 * softmax(q kᵀ / √d) v over the keys: q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv] -> [..., Tq, dv],
 * batch dims broadcast. `mask` (bool, true = may attend) broadcasts against [..., Tq, Tk]; `causal`
 * lets query i see keys j <= i. A fully masked query row has zero weights and a zero output
 * (PyTorch gives NaN there), with zero gradient. A composite of primitives: no hand-written VJP.
 * @example scaledDotProductAttention(q, k, v, { causal: true }).output // [B, H, T, dv]
 */
export const scaledDotProductAttention = <Q extends Shape, K extends Shape, V extends Shape, const R extends boolean = false>(
  query: Tensor<Q>, key: Check<ScoresShape<Q, K>, Tensor<K>>, value: Check<AttentionShape<Q, K, V>, Tensor<V>>,
  options: AttentionOptions<R> = {},
): AttentionResult<AsShape<AttentionShape<Q, K, V>>, AsShape<ScoresShape<Q, K>>, R> => {
  const op = 'scaledDotProductAttention';
  attentionShape(shapeOf(query), shapeOf(key as T), shapeOf(value as T), op);
  const weights = weightsOf(op, query, key as T, options);
  const output = matmul(weights as Tensor<Shape>, value as Tensor<Shape>) as T;
  return (options.returnWeights ? { output, weights } : { output }) as AttentionResult<AsShape<AttentionShape<Q, K, V>>, AsShape<ScoresShape<Q, K>>, R>;
};

// ---- positions -----------------------------------------------------------------------------------

const constant = (data: readonly number[], shape: readonly number[]): T => {
  const r = fromArray(data, shape);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
const checkBase = (op: string, base: number): number => {
  if (!(Number.isFinite(base) && base > 1)) throw new ValueError(op, `base ${base} must be a finite number above 1`);
  return base;
};

/** sinusoidalPositions options */
export interface SinusoidalOptions {
  /** the wavelength base (default 10000) */
  readonly base?: number;
}
/**
 * The fixed positional encoding of Vaswani et al. [length, dim]: feature 2i of position p is
 * sin(p / base^(2i/dim)) and feature 2i+1 is cos(p / base^(2i/dim)) (an odd dim ends with a sin).
 * Computed in double precision, then stored.
 * @example sinusoidalPositions(50, 16) // Tensor<[50, 16]>, added to embeddings [B, 50, 16]
 */
export const sinusoidalPositions = <const L extends number, const D extends number>(
  length: L, dim: D, options: SinusoidalOptions = {},
): Tensor<[L, D]> => {
  const op = 'sinusoidalPositions';
  if (!Number.isInteger(length) || length < 0) throw new ValueError(op, `length ${length} must be a non-negative integer`);
  if (!Number.isInteger(dim) || dim <= 0) throw new ValueError(op, `dim ${dim} must be a positive integer`);
  const base = checkBase(op, options.base ?? 10000);
  const data = Array.from({ length: length * dim }, (_, n) => {
    const p = Math.floor(n / dim), j = n % dim;
    const angle = p / base ** ((j - (j % 2)) / dim);
    return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  });
  return constant(data, [length, dim]) as Tensor<[L, D]>;
};

/** the shape rotary accepts: [..., T, d] with d even */
export type RotaryShape<S extends Shape> =
  Last2<S> extends [Shape, Dim, infer D extends Dim]
    ? D extends number ? number extends Mod<D, 2> ? S : Mod<D, 2> extends 0 ? S : ShapeError<`rotary: feature dim ${D} is odd; it must be even (pairs of features rotate)`, S>
    : S
    : Last2<S> extends 'short' ? ShapeError<'rotary: input needs rank 2 or more ([..., T, d])', S> : S;
/** rotary options: the frequency base and the position of the first row */
export interface RotaryOptions {
  /** the frequency base (default 10000) */
  readonly base?: number;
  /** the position of row 0 (default 0), e.g. the cache length when decoding one token at a time */
  readonly offset?: number;
}
/**
 * Rotary position embedding (RoFormer, Su et al.) of x [..., T, d], d even: features (2i, 2i+1) of
 * the row at position m are rotated by the angle m·base^(-2i/d). Pairs are interleaved, as in the
 * original RoFormer, GPT-J and Meta's LLaMA code; GPT-NeoX and Hugging Face's LLaMA pair feature i
 * with i + d/2 instead (the same maths on permuted features). Applied to queries and keys, it makes
 * <rotary(q at m), rotary(k at n)> a function of m - n. Linear in x, differentiable.
 * @example scaledDotProductAttention(rotary(q), rotary(k), v)
 */
export const rotary = <S extends Shape>(x: Check<RotaryShape<S>, Tensor<S>>, options: RotaryOptions = {}): Tensor<S> => {
  const op = 'rotary';
  const t = x as T, shape = shapeOf(t);
  if (shape.length < 2) throw new ShapeMismatchError(op, `input needs rank 2 or more ([..., T, d]), got ${showShape(shape)}`, [shape]);
  const len = shape.at(-2)!, d = shape.at(-1)!, half = d / 2;
  if (d % 2 !== 0) throw new ShapeMismatchError(op, `feature dim ${d} is odd; it must be even (pairs of features rotate)`, [shape]);
  const base = checkBase(op, options.base ?? 10000), offset = options.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new ValueError(op, `offset ${offset} must be a non-negative integer`);
  const angles = Array.from({ length: len * half }, (_, n) => (offset + Math.floor(n / half)) * base ** (-2 * (n % half) / d));
  const cos = constant(angles.map(Math.cos), [len, half, 1]), sin = constant(angles.map(Math.sin), [len, half, 1]);
  // [..., T, d] -> [..., T, d/2, 2]: the last axis holds the pair (x_2i, x_2i+1)
  const pairs = reshape(t as Tensor<Shape>, [...shape.slice(0, -1), half, 2] as Dim[]) as T;
  const parts: readonly T[] = split(pairs as Tensor<Shape>, 2, -1);
  const even = parts[0]!, odd = parts[1]!;
  const rotated = concat([sub(mul(even, cos), mul(odd, sin)) as T, add(mul(even, sin), mul(odd, cos)) as T], -1) as T;
  return reshape(rotated as Tensor<Shape>, shape as Dim[]) as T as Tensor<S>;
};
