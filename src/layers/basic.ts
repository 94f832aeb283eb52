/** @file The basic layers: input, dense, embedding, dropout, flatten, reshape, and activations as layers. */
import type { ShapeError } from '../../types/index.js';
import {
  add, div, elu as eluFn, equal, stopGradient, flatten as flattenOp, gelu as geluFn, leakyRelu as leakyReluFn,
  logSoftmax as logSoftmaxFn, matmul, relu as reluFn, reshape as reshapeOp, sigmoid as sigmoidFn, silu as siluFn,
  softmax as softmaxFn, softplus as softplusFn, take, tanh as tanhFn, where,
} from '../ops/index.js';
import { bernoulli, split, type Key } from '../random/index.js';
import {
  ShapeMismatchError, ValueError, showShape, type DimEq, type Dim, type Flatten, type IsDynRank, type Reshape, type Shape,
} from '../shape/index.js';
import { arange, toArray, type AnyTensor, type Tensor } from '../tensor/index.js';
import * as init from './initializers.js';
import { defineLayer, requireDType, statelessLayer, type Layer, type SameShape, type ShapeFn } from './layer.js';

type T = AnyTensor;

// ---- input -----------------------------------------------------------------------------------

/** X checked against a declared input shape: literal dims must match, a name binds one size */
export type MatchInput<X, S extends Shape> =
  X extends Shape ? IsDynRank<X> extends true ? X
    : X['length'] extends S['length'] ? MatchRec<X, S, X, {}>
    : ShapeError<`input: rank ${X['length']} where ${S['length']} was declared`, X, S>
  : X;
type MatchRec<X extends Shape, S extends Shape, FX extends Shape, Env> =
  X extends readonly [infer x extends Dim, ...infer XR extends Shape]
    ? S extends readonly [infer s extends Dim, ...infer SR extends Shape]
      ? s extends string
        ? string extends s ? MatchRec<XR, SR, FX, Env>
        : s extends keyof Env ? (DimEq<Env[s] & Dim, x> extends true ? MatchRec<XR, SR, FX, Env> : ShapeError<`input: '${s}' is ${Env[s] & Dim} and ${x}`, FX, S>)
        : MatchRec<XR, SR, FX, Env & { [K in s]: x }>
      : DimEq<s, x> extends true ? MatchRec<XR, SR, FX, Env> : ShapeError<`input: dim ${x} where ${s} was declared`, FX, S>
      : FX
    : FX;
/** the shape function of input(S) */
export interface InputFn<S extends Shape> extends ShapeFn { readonly out: MatchInput<this['in'], S>; readonly canonical: S }
/**
 * Declares a model's input shape (a name such as 'B' stands for a size bound at apply time):
 * serial(input(['B', 784]), dense(784, 10)). Checked at run time too.
 */
export const input = <const S extends Shape>(shape: S): Layer<InputFn<[...S]>, null> =>
  statelessLayer('input', (x) => {
    const got = x.shape as readonly number[];
    const names = new Map<string, number>();
    const bad = got.length !== shape.length || shape.some((d, i) => {
      if (typeof d === 'number') return d !== got[i];
      const prev = names.get(d);
      names.set(d, got[i]!);
      return prev !== undefined && prev !== got[i];
    });
    if (bad) throw new ShapeMismatchError('input', `got ${showShape(got)} where ${showShape(shape)} was declared`, [got, shape]);
    return x;
  });

// ---- dense -----------------------------------------------------------------------------------

/** [...L, I] -> [...L, O] */
export interface DenseFn<I extends number, O extends number> extends ShapeFn {
  readonly canonical: [...Dim[], I];
  readonly out: this['in'] extends readonly [...infer L extends Shape, infer F extends Dim]
    ? DimEq<F, I> extends true ? [...L, O] : ShapeError<`dense(${I}, ${O}): input has ${F} features, expected ${I}`, this['in']>
    : this['in'] extends Shape ? IsDynRank<this['in']> extends true ? Dim[] : ShapeError<`dense(${I}, ${O}): input is a scalar`, this['in']>
    : never;
}
/** dense options: bias on/off and the initializers */
export interface DenseOptions<B extends boolean> {
  readonly useBias?: B;
  readonly kernelInit?: init.Initializer;
  readonly biasInit?: init.Initializer;
}
/** the params of dense(I, O): { kernel, bias } (no bias with useBias: false) */
export type DenseParams<I extends number, O extends number, B extends boolean = true> =
  B extends false ? { readonly kernel: Tensor<[I, O]> } : { readonly kernel: Tensor<[I, O]>; readonly bias: Tensor<[O]> };
/**
 * y = x @ kernel + bias on the last axis; kernel [in, out] (Glorot-uniform by default), bias zeros.
 * @example dense(784, 128) // [...L, 784] -> [...L, 128]
 */
export const dense = <const I extends number, const O extends number, const B extends boolean = true>(
  inFeatures: I, outFeatures: O, options: DenseOptions<B> = {},
): Layer<DenseFn<I, O>, DenseParams<I, O, B>> => {
  for (const [what, n] of [['in', inFeatures], ['out', outFeatures]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError('dense', `${what} features ${n} must be a positive integer`);
  }
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? init.glorotUniform;
  const biasInit = options.biasInit ?? init.zeros;
  return defineLayer(`dense(${inFeatures}, ${outFeatures})`, (key: Key) => {
    const [k1, k2] = split(key);
    const kernel = kernelInit(k1, [inFeatures, outFeatures]);
    return (useBias ? { kernel, bias: biasInit(k2, [outFeatures]) } : { kernel }) as DenseParams<I, O, B>;
  }, (p, s, x) => {
    requireDType('dense', x, ['float32']);
    const last = (x.shape as readonly number[]).at(-1);
    if (last !== inFeatures) throw new ShapeMismatchError('dense', `input has ${last ?? 'no'} features, expected ${inFeatures}`, [x.shape as readonly number[]]);
    const params = p as { readonly kernel: T; readonly bias?: T };
    const y = matmul(x as Tensor<Shape>, params.kernel as Tensor<Shape>) as T;
    return [params.bias ? add(y, params.bias) : y, s];
  });
};

// ---- embedding -------------------------------------------------------------------------------

/** int indices of any shape S -> [...S, D] */
export interface EmbeddingFn<D extends number> extends ShapeFn { readonly out: this['in'] extends Shape ? [...this['in'], D] : never; readonly canonical: Dim[] }
/** the params of embedding(V, D) */
export interface EmbeddingParams<V extends number, D extends number> { readonly embedding: Tensor<[V, D]> }
/** embedding options: the table's initializer (N(0, 1) by default) and a padding index whose row gets no gradient */
export interface EmbeddingOptions { readonly embeddingInit?: init.Initializer; readonly paddingIdx?: number }
/** looks up rows of a [vocab, dim] table by int32 indices of any shape; indices out of range are an error */
export const embedding = <const V extends number, const D extends number>(
  vocab: V, dim: D, options: EmbeddingOptions = {},
): Layer<EmbeddingFn<D>, EmbeddingParams<V, D>> => {
  const pad = options.paddingIdx;
  if (pad !== undefined && !(Number.isInteger(pad) && pad >= 0 && pad < vocab)) throw new ValueError('embedding', `paddingIdx ${pad} is out of range for a vocabulary of ${vocab}`);
  return defineLayer(`embedding(${vocab}, ${dim})`, (key) => ({ embedding: (options.embeddingInit ?? init.normal(1))(key, [vocab, dim]) }), (p, s, x) => {
    requireDType('embedding', x, ['int32']);
    const bad = toArray(x as Tensor<Shape, 'int32'>).find((i) => i < 0 || i >= vocab);
    if (bad !== undefined) throw new ValueError('embedding', `index ${bad} is out of range for a vocabulary of ${vocab}`);
    // the padding row is read as usual but, as in PyTorch, receives no gradient
    const table = pad === undefined ? p.embedding as T
      : where(equal(reshapeOp(arange(0, vocab, 1, 'int32') as Tensor<Shape, 'int32'>, [vocab, 1] as Dim[]) as T, pad) as Tensor<Shape, 'bool'>,
        stopGradient(p.embedding as T), p.embedding as T) as T;
    return [take(table, x as Tensor<Shape, 'int32'>, 0) as T, s];
  });
};

// ---- dropout, flatten, reshape ----------------------------------------------------------------

/** inverted dropout: in train mode each element is kept with probability 1 - rate and scaled by 1/(1 - rate); identity in eval */
export const dropout = (rate: number): Layer<SameShape, null> => {
  if (!(rate >= 0 && rate < 1)) throw new ValueError('dropout', `rate ${rate} must be in [0, 1)`);
  return statelessLayer(`dropout(${rate})`, (x, ctx) => {
    if (ctx.mode === 'eval' || rate === 0) return x;
    const keep = bernoulli(ctx.key, 1 - rate, x.shape as readonly number[]);
    return where(keep, div(x, 1 - rate), 0) as T;
  });
};

/** the shape function of flatten(start) */
export interface FlattenFn<St extends number> extends ShapeFn { readonly out: this['in'] extends Shape ? Flatten<this['in'], St> : never; readonly canonical: Dim[] }
/** merges the dims from `startAxis` (default 1: keep the batch axis) to the end */
export const flatten = <const St extends number = 1>(startAxis?: St): Layer<FlattenFn<St>, null> =>
  statelessLayer(`flatten(${startAxis ?? 1})`, (x) => flattenOp(x as Tensor<Shape>, (startAxis ?? 1) as number) as T);

/** the shape function of reshape(shape): the leading (batch) axis is kept */
export interface ReshapeFn<To extends Shape> extends ShapeFn {
  readonly out: this['in'] extends readonly [infer B extends Dim, ...infer R extends Shape]
    ? Reshape<R, To> extends infer O ? O extends Shape ? [B, ...O] : O : never
    : Dim[];
  readonly canonical: Dim[];
}
/** reshapes each example (the leading axis is kept), as Keras Reshape: reshape([7, 7, 64]) */
export const reshape = <const To extends readonly number[]>(shape: To): Layer<ReshapeFn<To>, null> =>
  statelessLayer(`reshape([${shape.join(', ')}])`, (x) => reshapeOp(x as Tensor<Shape>, [(x.shape as readonly number[])[0]!, ...shape] as Dim[]) as T);

// ---- activations as layers ---------------------------------------------------------------------

const activation = (name: string, f: (x: T) => T): Layer<SameShape, null> =>
  statelessLayer(name, (x) => {
    requireDType(name, x, ['float32']);
    return f(x);
  });
/** max(x, 0) */
export const relu = (): Layer<SameShape, null> => activation('relu', reluFn);
/** x, or slope * x for x <= 0 (default 0.01, as PyTorch) */
export const leakyRelu = (slope = 0.01): Layer<SameShape, null> => activation(`leakyRelu(${slope})`, leakyReluFn(slope));
/** x, or alpha (e^x - 1) for x <= 0 */
export const elu = (alpha = 1): Layer<SameShape, null> => activation(`elu(${alpha})`, eluFn(alpha));
/** x Phi(x): exact, or the tanh approximation */
export const gelu = (options: { readonly approximate?: boolean } = {}): Layer<SameShape, null> =>
  activation(options.approximate ? 'gelu(tanh)' : 'gelu', geluFn(options));
/** x sigmoid(x) */
export const silu = (): Layer<SameShape, null> => activation('silu', siluFn);
/** 1 / (1 + e^-x) */
export const sigmoid = (): Layer<SameShape, null> => activation('sigmoid', sigmoidFn);
/** tanh */
export const tanh = (): Layer<SameShape, null> => activation('tanh', tanhFn);
/** log(1 + e^x), stable */
export const softplus = (): Layer<SameShape, null> => activation('softplus', softplusFn);
/** softmax over an axis (default the last), stable for large logits */
export const softmax = (axis = -1): Layer<SameShape, null> => activation(`softmax(${axis})`, (x) => softmaxFn(x as Tensor<Shape>, axis));
/** log-softmax over an axis (default the last), stable for large logits */
export const logSoftmax = (axis = -1): Layer<SameShape, null> => activation(`logSoftmax(${axis})`, (x) => logSoftmaxFn(x as Tensor<Shape>, axis));
