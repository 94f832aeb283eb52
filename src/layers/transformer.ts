/** @file Transformer encoder and decoder blocks (pre- or post-norm) and positional encodings as layers. */
import type { Check, Compare, ShapeError } from '../../types/index.js';
import { add, gelu, relu, slice } from '../ops/index.js';
import { sinusoidalPositions, type SinusoidalOptions } from '../ops/index.js';
import { foldIn, split } from '../random/index.js';
import { ShapeMismatchError, ValueError, type Dim, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import {
  checkFeatures, multiHeadAttention, type AttendInputs, type AttentionParams, type CheckFeatures, type HeadsDivide, type SelfAttentionFn,
} from './attention.js';
import { dense, dropout, type DenseParams } from './basic.js';
import * as init from './initializers.js';
import { childContext, defineLayer, requireDType, statelessLayer, type Context, type Layer, type ShapeFn } from './layer.js';
import { layerNorm, type AffineParams } from './normalization.js';

type T = AnyTensor;

// ---- types -------------------------------------------------------------------------------------

/** transformer block options */
export interface TransformerBlockOptions {
  /**
   * 'pre' (default): y = x + f(LN(x)) for each sub-block, as GPT-2 and PyTorch's norm_first=True;
   * 'post': y = LN(x + f(x)), as the original paper and PyTorch's default
   */
  readonly norm?: 'pre' | 'post';
  /** the feed-forward activation (default 'gelu', the exact erf form; PyTorch's default is 'relu') */
  readonly activation?: 'gelu' | 'relu';
  /**
   * dropout rate in train mode (default 0; PyTorch's default is 0.1), where PyTorch puts it: on the
   * attention weights, on each sub-block's output before the residual add, and after the activation
   */
  readonly dropout?: number;
  /** layer norm eps (default 1e-5) */
  readonly eps?: number;
  /** causal self-attention (encoder default false, decoder default true) */
  readonly causal?: boolean;
}
/** the params of transformerEncoderBlock(E, H, F) */
export interface EncoderBlockParams<E extends number, F extends number> {
  readonly norm1: AffineParams<[E]>;
  readonly attention: AttentionParams<E>;
  readonly norm2: AffineParams<[E]>;
  readonly ff1: DenseParams<E, F>;
  readonly ff2: DenseParams<F, E>;
}
/** the params of transformerDecoderBlock(E, H, F) */
export interface DecoderBlockParams<E extends number, F extends number> {
  readonly norm1: AffineParams<[E]>;
  readonly selfAttention: AttentionParams<E>;
  readonly norm2: AffineParams<[E]>;
  readonly crossAttention: AttentionParams<E>;
  readonly norm3: AffineParams<[E]>;
  readonly ff1: DenseParams<E, F>;
  readonly ff2: DenseParams<F, E>;
}
/** encode's masks for the self-attention */
export interface EncodeOptions {
  /** bool, true = may attend (see attend) */
  readonly mask?: Tensor<Shape, 'bool'>;
  /** bool [..., T], true = padding (ignored as a key) */
  readonly keyMask?: Tensor<Shape, 'bool'>;
}
/** decode's masks: the target's self-attention ones, and the memory's for the cross-attention */
export interface DecodeOptions extends EncodeOptions {
  /** bool, true = may attend, against [..., heads, T, S] */
  readonly memoryMask?: Tensor<Shape, 'bool'>;
  /** bool [..., S], true = the memory position is padding (ignored) */
  readonly memoryKeyMask?: Tensor<Shape, 'bool'>;
}
/** an encoder block: a self-attention Layer on [..., T, E], and encode for padding masks */
export interface EncoderBlock<E extends number, F extends number> extends Layer<SelfAttentionFn<E, 'transformerEncoderBlock'>, EncoderBlockParams<E, F>> {
  /** the block on x [..., T, E] with masks for its self-attention */
  encode<const X extends Shape>(
    params: EncoderBlockParams<E, F>, x: Check<CheckFeatures<X, E, `transformerEncoderBlock(${E})`>, Tensor<X>>, options?: EncodeOptions, ctx?: Context,
  ): Tensor<X>;
}
/** a decoder block: as a Layer, decoder-only (no memory); decode attends to a memory */
export interface DecoderBlock<E extends number, F extends number> extends Layer<SelfAttentionFn<E, 'transformerDecoderBlock'>, DecoderBlockParams<E, F>> {
  /** the block on x [..., T, E] attending to memory [..., S, E] */
  decode<const X extends Shape, const M extends Shape>(
    params: DecoderBlockParams<E, F>, x: Check<CheckFeatures<X, E, `transformerDecoderBlock(${E})`>, Tensor<X>>,
    memory: Check<CheckFeatures<M, E, `transformerDecoderBlock(${E}) memory`>, Tensor<M>>, options?: DecodeOptions, ctx?: Context,
  ): Tensor<X>;
}

// ---- runtime -------------------------------------------------------------------------------------

/** the context for the i-th random draw of a block (distinct keys, as serial's children) */
const nth = (ctx: Context, i: number): Context => (ctx.mode === 'train' ? { mode: 'train', key: foldIn(ctx.key, i) } : ctx);
type Attend = (params: unknown, inputs: AttendInputs<Shape, Shape, Shape, false>, ctx: Context) => { readonly output: T };
type Sub = (x: T) => T;

/** the shared parts of both blocks: the sub-layers, and how a sub-block is wrapped in a residual */
const blockParts = (name: string, embed: number, heads: number, ff: number, o: TransformerBlockOptions, causalDefault: boolean) => {
  for (const [what, n] of [['embed', embed], ['heads', heads], ['ff', ff]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(name, `${what} ${n} must be a positive integer`);
  }
  if (embed % heads !== 0) throw new ValueError(name, `embed ${embed} does not split into ${heads} heads`);
  const rate = o.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new ValueError(name, `dropout ${rate} must be in [0, 1)`);
  const norm = o.norm ?? 'pre', act = o.activation ?? 'gelu';
  if (norm !== 'pre' && norm !== 'post') throw new ValueError(name, `norm '${String(norm)}' must be 'pre' or 'post'`);
  if (act !== 'gelu' && act !== 'relu') throw new ValueError(name, `activation '${String(act)}' must be 'gelu' or 'relu'`);
  const ln = layerNorm(embed, { eps: o.eps ?? 1e-5 });
  const selfAttention = multiHeadAttention(embed, heads, { causal: o.causal ?? causalDefault, dropout: rate });
  const crossAttention = multiHeadAttention(embed, heads, { dropout: rate });
  const ff1 = dense(embed, ff), ff2 = dense(ff, embed);
  const activation: Sub = act === 'relu' ? (x) => relu(x) as T : gelu() as Sub;
  const drop = (x: T, ctx: Context): T => (rate > 0 && ctx.mode === 'train' ? dropout(rate).run(null, null, x, ctx)[0] : x);
  /** pre: x + f(LN(x)); post: LN(x + f(x)); the norm reports under its params' key (an observer sees every sub-layer) */
  const residual = (lnParams: unknown, x: T, f: Sub, ctx: Context, normKey: string): T => {
    const normed = (y: T): T => ln.run(lnParams as never, null, y, childContext(ctx, normKey))[0];
    return norm === 'pre' ? add(x, f(normed(x))) as T : normed(add(x, f(x)) as T);
  };
  /** dropout(ff2(dropout(act(ff1(x))))); draws i and i + 1 */
  const feedForward = (p1: unknown, p2: unknown, x: T, ctx: Context, i: number): T => {
    const hidden = drop(activation(ff1.run(p1 as never, null, x, childContext(ctx, 'ff1'))[0]), nth(ctx, i));
    return drop(ff2.run(p2 as never, null, hidden, childContext(ctx, 'ff2'))[0], nth(ctx, i + 1));
  };
  /** dropout(attention(...)); draws i (the weights) and i + 1 (the output); the attention's output is reported under its params' key */
  const attention = (attend: Attend, p: unknown, inputs: AttendInputs<Shape, Shape, Shape, false>, ctx: Context, i: number, key: string): T => {
    const { output } = attend(p, inputs, nth(ctx, i));
    const inner = childContext(ctx, key);
    inner.observe?.(inner.path ?? key, 'multiHeadAttention', output);
    return drop(output, nth(ctx, i + 1));
  };
  return {
    ln, selfAttention, crossAttention, ff1, ff2, residual, feedForward, attention,
    self: selfAttention.attend as Attend, cross: crossAttention.attend as Attend,
  };
};
const masksOf = (o: EncodeOptions) => ({ ...(o.mask && { mask: o.mask }), ...(o.keyMask && { keyMask: o.keyMask }) });
const checkInput = (name: string, x: T, embed: number): T => {
  requireDType(name, x, ['float32']);
  checkFeatures(name, x.shape as readonly number[], embed);
  return x;
};

/**
 * A transformer encoder block on [..., T, E] (shape kept), PyTorch's TransformerEncoderLayer with
 * batch_first: pre-norm h = x + MHA(LN1(x)), y = h + FF(LN2(h)); post-norm h = LN1(x + MHA(x)),
 * y = LN2(h + FF(h)); FF = dense(E, F) -> activation -> dense(F, E). Dropout only in train mode.
 * `encode` takes padding masks. An embed that the heads do not split is a compile-time error.
 * @example transformerEncoderBlock(64, 8, 256, { norm: 'pre' }) // [B, T, 64] -> [B, T, 64]
 */
export const transformerEncoderBlock = <const E extends number, const H extends number, const F extends number>(
  embed: Check<HeadsDivide<E, H, 'transformerEncoderBlock'>, E>, heads: H, ff: F, options: TransformerBlockOptions = {},
): EncoderBlock<E, F> => {
  const e = embed as E, name = 'transformerEncoderBlock';
  const b = blockParts(name, e, heads, ff, options, false);
  type P = EncoderBlockParams<E, F>;
  const encodeWith = (p: P, x: T, masks: EncodeOptions, ctx: Context): T => {
    checkInput(name, x, e);
    const h = b.residual(p.norm1, x, (y) => b.attention(b.self, p.attention, { query: y as Tensor<Shape>, ...masksOf(masks) }, ctx, 0, 'attention'), ctx, 'norm1');
    return b.residual(p.norm2, h, (y) => b.feedForward(p.ff1, p.ff2, y, ctx, 2), ctx, 'norm2');
  };
  const layer = defineLayer<SelfAttentionFn<E, 'transformerEncoderBlock'>, P>(`${name}(${e}, ${heads}, ${ff})`,
    (key) => {
      const [k1, k2, k3, k4, k5] = split(key, 5);
      return { norm1: b.ln.init(k1), attention: b.selfAttention.init(k2), norm2: b.ln.init(k3), ff1: b.ff1.init(k4), ff2: b.ff2.init(k5) } as P;
    },
    (p, s, x, ctx) => [encodeWith(p, x, {}, ctx), s]);
  const encode = (p: P, x: unknown, o: EncodeOptions = {}, ctx: Context = { mode: 'eval' }) => encodeWith(p, x as T, o, ctx);
  return Object.freeze({ ...layer, encode }) as EncoderBlock<E, F>;
};

/**
 * A transformer decoder block, PyTorch's TransformerDecoderLayer with batch_first: masked (causal by
 * default) self-attention, cross-attention to a memory [..., S, E], and the feed-forward, each in a
 * residual (pre-norm: x + f(LN(x)); post-norm: LN(x + f(x)); norms 1, 2, 3 in that order).
 * `decode(params, x, memory, masks)` runs all three. A Layer takes one input, so the block's `apply`
 * is the decoder-only (GPT-style) block: self-attention and feed-forward, the cross-attention
 * sub-block (norm2, crossAttention) skipped and its params left untouched (zero gradient).
 * @example transformerDecoderBlock(64, 8, 256).decode(params, tgt, memory, { memoryKeyMask })
 */
export const transformerDecoderBlock = <const E extends number, const H extends number, const F extends number>(
  embed: Check<HeadsDivide<E, H, 'transformerDecoderBlock'>, E>, heads: H, ff: F, options: TransformerBlockOptions = {},
): DecoderBlock<E, F> => {
  const e = embed as E, name = 'transformerDecoderBlock';
  const b = blockParts(name, e, heads, ff, options, true);
  type P = DecoderBlockParams<E, F>;
  const decodeWith = (p: P, x: T, memory: T | undefined, o: DecodeOptions, ctx: Context): T => {
    checkInput(name, x, e);
    let h = b.residual(p.norm1, x, (y) => b.attention(b.self, p.selfAttention, { query: y as Tensor<Shape>, ...masksOf(o) }, ctx, 0, 'selfAttention'), ctx, 'norm1');
    if (memory !== undefined) {
      checkInput(`${name} memory`, memory, e);
      const masks = { ...(o.memoryMask && { mask: o.memoryMask }), ...(o.memoryKeyMask && { keyMask: o.memoryKeyMask }) };
      const mem = memory as Tensor<Shape>;
      h = b.residual(p.norm2, h, (y) => b.attention(b.cross, p.crossAttention, { query: y as Tensor<Shape>, key: mem, value: mem, ...masks }, ctx, 2, 'crossAttention'), ctx, 'norm2');
    }
    return b.residual(p.norm3, h, (y) => b.feedForward(p.ff1, p.ff2, y, ctx, 4), ctx, 'norm3');
  };
  const layer = defineLayer<SelfAttentionFn<E, 'transformerDecoderBlock'>, P>(`${name}(${e}, ${heads}, ${ff})`,
    (key) => {
      const [k1, k2, k3, k4, k5, k6, k7] = split(key, 7);
      return {
        norm1: b.ln.init(k1), selfAttention: b.selfAttention.init(k2), norm2: b.ln.init(k3), crossAttention: b.crossAttention.init(k4),
        norm3: b.ln.init(k5), ff1: b.ff1.init(k6), ff2: b.ff2.init(k7),
      } as P;
    },
    (p, s, x, ctx) => [decodeWith(p, x, undefined, {}, ctx), s]);
  const decode = (p: P, x: unknown, memory: unknown, o: DecodeOptions = {}, ctx: Context = { mode: 'eval' }) =>
    decodeWith(p, x as T, memory as T, o, ctx);
  return Object.freeze({ ...layer, decode }) as DecoderBlock<E, F>;
};

// ---- positions ----------------------------------------------------------------------------------

/** [..., T, D] -> the same shape (rank at least 2) */
export interface AddPositionsFn extends ShapeFn {
  readonly canonical: Dim[];
  readonly out: CheckFeatures<this['in'], number, 'addSinusoidalPositions'>;
}
/**
 * Adds the fixed sinusoidal encoding (see sinusoidalPositions) to [..., T, D], for whatever T and D
 * the input has. No params.
 * @example serial(embedding(1000, 64), addSinusoidalPositions()) // int [B, T] -> [B, T, 64]
 */
export const addSinusoidalPositions = (options: SinusoidalOptions = {}): Layer<AddPositionsFn, null> =>
  statelessLayer('addSinusoidalPositions', (x) => {
    requireDType('addSinusoidalPositions', x, ['float32']);
    const s = x.shape as readonly number[];
    if (s.length < 2) throw new ShapeMismatchError('addSinusoidalPositions', `input needs rank 2 or more ([..., T, D])`, [s]);
    return add(x, sinusoidalPositions(s.at(-2)!, s.at(-1)!, options)) as T;
  });

/** [..., T, D] -> the same shape, with T at most L (learnedPositions(L, D)) */
export interface LearnedPositionsFn<L extends number, D extends number> extends ShapeFn {
  readonly canonical: [...Dim[], D];
  readonly out: CheckFeatures<this['in'], D, `learnedPositions(${L}, ${D})`> extends infer O
    ? O extends readonly [...Shape, infer Tn extends Dim, Dim]
      ? Tn extends number ? Compare<Tn, L> extends 1 ? ShapeError<`learnedPositions(${L}, ${D}): ${Tn} positions, at most ${L}`, O> : O : O
      : O
    : never;
}
/** the params of learnedPositions(L, D) */
export interface LearnedPositionsParams<L extends number, D extends number> { readonly positions: Tensor<[L, D]> }
/**
 * A learned position table [L, D] whose first T rows are added to [..., T, D] (T <= L, checked at
 * compile time for literal sizes and at run time). Initialized N(0, 0.02²) by default (BERT, GPT-2).
 * @example learnedPositions(512, 64) // [B, T, 64] -> [B, T, 64], params { positions: [512, 64] }
 */
export const learnedPositions = <const L extends number, const D extends number>(
  maxLength: L, dim: D, options: { readonly positionsInit?: init.Initializer } = {},
): Layer<LearnedPositionsFn<L, D>, LearnedPositionsParams<L, D>> => {
  const name = 'learnedPositions';
  for (const [what, n] of [['maxLength', maxLength], ['dim', dim]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(name, `${what} ${n} must be a positive integer`);
  }
  return defineLayer<LearnedPositionsFn<L, D>, LearnedPositionsParams<L, D>>(`${name}(${maxLength}, ${dim})`,
    (key) => ({ positions: (options.positionsInit ?? init.normal(0.02))(key, [maxLength, dim]) }),
    (p, s, x) => {
      requireDType(name, x, ['float32']);
      const shape = x.shape as readonly number[];
      checkFeatures(name, shape, dim);
      const len = shape.at(-2)!;
      if (len > maxLength) throw new ShapeMismatchError(name, `${len} positions, at most ${maxLength}`, [shape]);
      return [add(x, slice(p.positions as Tensor<Shape>, [[0, len], null])) as T, s];
    });
};
