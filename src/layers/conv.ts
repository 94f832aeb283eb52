/** @file Convolution and pooling layers (channels-last, HWIO kernels) with output sizes in the type. */
import type { Div, Mul, ShapeError } from '../../types/index.js';
import {
  adaptiveAvgPool2d as adaptiveAvgOp, adaptiveMaxPool2d as adaptiveMaxOp, add, avgPool1d as avgPool1dOp, avgPool2d as avgPool2dOp,
  conv1d as conv1dOp, conv2d as conv2dOp, conv2dTranspose as conv2dTransposeOp, depthwiseConv2d as depthwiseOp,
  globalAvgPool as globalAvgPoolOp, globalMaxPool as globalMaxPoolOp, maxPool1d as maxPool1dOp, maxPool2d as maxPool2dOp,
  type AdaptiveShape, type ConvOptions, type ConvTransposeOptions, type GlobalPool, type PoolOptions, type PoolOut, type TransposedShape, type WindowOf,
} from '../ops/index.js';
import { split, type Key } from '../random/index.js';
import { ValueError, type ConvShape, type Dim, type GroupsDivide, type Padding, type PerAxis, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import * as init from './initializers.js';
import { defineLayer, requireDType, statelessLayer, type Layer, type ShapeFn } from './layer.js';

type T = AnyTensor;
type Pair<K extends number | readonly [number, number]> = K extends number ? [K, K] : K extends readonly [infer A extends number, infer B extends number] ? [A, B] : [number, number];
type Get<O, K extends string, Fallback> = O extends { readonly [P in K]?: infer V } ? (undefined extends V ? Fallback : V) : Fallback;
type Groups<O> = Get<O, 'groups', 1> extends infer G extends number ? G : 1;
const loose = <F>(f: F) => f as unknown as (...a: unknown[]) => T;

/** conv layer options: the window, groups, bias and initializers (Glorot-uniform kernel, zero bias by default) */
export interface ConvLayerOptions extends Omit<ConvOptions, 'padding'> {
  readonly padding?: Padding;
  readonly useBias?: boolean;
  readonly kernelInit?: init.Initializer;
  readonly biasInit?: init.Initializer;
}
/** the params of a convolution: { kernel: [...k, in/groups, out], bias: [out] } (no bias with useBias: false) */
export type ConvParams<K extends readonly number[], CG extends number, CO extends number, Bias extends number = CO, UseBias = true> =
  UseBias extends false ? { readonly kernel: Tensor<[...K, CG, CO]> }
  : { readonly kernel: Tensor<[...K, CG, CO]>; readonly bias: Tensor<[Bias]> };
type UseBias<O> = Get<O, 'useBias', true>;

/** the shape function of conv2d(In, Out, [KH, KW], O) */
export interface Conv2dFn<In extends number, Out extends number, K extends readonly number[], O> extends ShapeFn {
  readonly canonical: [number, number, number, In];
  readonly out: this['in'] extends infer X extends Shape ? ConvShape<'conv2d', X, K, In, Out, WindowOf<O>> : never;
}
/** the shape function of conv1d(In, Out, K, O) */
export interface Conv1dFn<In extends number, Out extends number, K extends readonly number[], O> extends ShapeFn {
  readonly canonical: [number, number, In];
  readonly out: this['in'] extends infer X extends Shape ? ConvShape<'conv1d', X, K, In, Out, WindowOf<O>> : never;
}
type GroupsCheck<Op extends string, In extends number, Out extends number, O> =
  GroupsDivide<In, Out, Groups<O>> extends true ? unknown : ShapeError<`${Op}: groups ${Groups<O>} must divide ${In} and ${Out}`>;

const convLayer = <Params>(op: string, kernelShape: readonly number[], out: number, o: ConvLayerOptions,
  apply: (x: T, kernel: T) => T) =>
  defineLayer<ShapeFn, Params>(`${op}(${kernelShape.join('x')}, ${out})`, (key: Key) => {
    const [k1, k2] = split(key);
    const kernel = (o.kernelInit ?? init.glorotUniform)(k1, kernelShape);
    return ((o.useBias ?? true) ? { kernel, bias: (o.biasInit ?? init.zeros)(k2, [out]) } : { kernel }) as Params;
  }, (p, s, x) => {
    requireDType(op, x, ['float32']);
    const params = p as { readonly kernel: T; readonly bias?: T };
    const y = apply(x, params.kernel);
    return [params.bias ? add(y, params.bias) as T : y, s];
  });
const checkGroups = (op: string, cin: number, cout: number, groups: number): number => {
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new ValueError(op, `groups ${groups} must be a positive integer dividing ${cin} input and ${cout} output channels`);
  }
  return groups;
};

/**
 * A 2-D convolution layer: [B, H, W, In] -> [B, H', W', Out] with H', W' computed in the type.
 * @example conv2d(1, 8, 3, { strides: 2, padding: 'same' }) // [B, 28, 28, 1] -> [B, 14, 14, 8]
 */
export const conv2d = <const In extends number, const Out extends number, const K extends number | readonly [number, number], const O extends ConvLayerOptions = {}>(
  inChannels: In, outChannels: Out & GroupsCheck<'conv2d', In, Out, O>, kernelSize: K, options?: O,
): Layer<Conv2dFn<In, Out, Pair<K>, O>, ConvParams<Pair<K>, Div<In, Groups<O>>, Out, Out, UseBias<O>>> => {
  const o: ConvLayerOptions = options ?? {}, g = checkGroups('conv2d', inChannels, outChannels, o.groups ?? 1);
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  return convLayer('conv2d', [kh, kw, inChannels / g, outChannels], outChannels, o, (x, k) => loose(conv2dOp)(x, k, o)) as
    Layer<ShapeFn, unknown> as Layer<Conv2dFn<In, Out, Pair<K>, O>, ConvParams<Pair<K>, Div<In, Groups<O>>, Out, Out, UseBias<O>>>;
};
/** a 1-D convolution layer: [B, W, In] -> [B, W', Out]; padding also 'causal' */
export const conv1d = <const In extends number, const Out extends number, const K extends number, const O extends ConvLayerOptions = {}>(
  inChannels: In, outChannels: Out & GroupsCheck<'conv1d', In, Out, O>, kernelSize: K, options?: O,
): Layer<Conv1dFn<In, Out, [K], O>, ConvParams<[K], Div<In, Groups<O>>, Out, Out, UseBias<O>>> => {
  const o: ConvLayerOptions = options ?? {}, g = checkGroups('conv1d', inChannels, outChannels, o.groups ?? 1);
  return convLayer('conv1d', [kernelSize, inChannels / g, outChannels], outChannels, o, (x, k) => loose(conv1dOp)(x, k, o)) as
    Layer<ShapeFn, unknown> as Layer<Conv1dFn<In, Out, [K], O>, ConvParams<[K], Div<In, Groups<O>>, Out, Out, UseBias<O>>>;
};

/** the shape function of depthwiseConv2d(C, M, K, O) */
export interface DepthwiseFn<C extends number, M extends number, K extends readonly number[], O> extends ShapeFn {
  readonly canonical: [number, number, number, C];
  readonly out: this['in'] extends infer X extends Shape ? ConvShape<'depthwiseConv2d', X, K, C, Mul<C, M>, WindowOf<O>> : never;
}
/** a depthwise 2-D convolution: each channel its own M filters; kernel [kh, kw, C, M] (Keras), output channel c·M + m */
export const depthwiseConv2d = <const C extends number, const M extends number, const K extends number | readonly [number, number], const O extends Omit<ConvLayerOptions, 'groups'> = {}>(
  channels: C, multiplier: M, kernelSize: K, options?: O,
): Layer<DepthwiseFn<C, M, Pair<K>, O>, ConvParams<Pair<K>, C, M, Mul<C, M>, UseBias<O>>> => {
  const o: ConvLayerOptions = options ?? {};
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  return convLayer('depthwiseConv2d', [kh, kw, channels, multiplier], channels * multiplier, o, (x, k) => loose(depthwiseOp)(x, k, o)) as
    Layer<ShapeFn, unknown> as Layer<DepthwiseFn<C, M, Pair<K>, O>, ConvParams<Pair<K>, C, M, Mul<C, M>, UseBias<O>>>;
};

/** transposed conv layer options */
export interface ConvTransposeLayerOptions extends ConvTransposeOptions {
  readonly useBias?: boolean;
  readonly kernelInit?: init.Initializer;
  readonly biasInit?: init.Initializer;
}
/** the shape function of conv2dTranspose(In, Out, K, O) */
export interface Conv2dTransposeFn<In extends number, Out extends number, K extends readonly [number, number], O> extends ShapeFn {
  readonly canonical: [number, number, number, In];
  readonly out: this['in'] extends infer X extends Shape ? TransposedShape<X, K[0], K[1], In, Div<Out, Groups<O>>, O> : never;
}
/** a transposed 2-D convolution layer (kernel [kh, kw, In, Out/groups]): 'same' gives H·stride, as Keras Conv2DTranspose */
export const conv2dTranspose = <const In extends number, const Out extends number, const K extends number | readonly [number, number], const O extends ConvTransposeLayerOptions = {}>(
  inChannels: In, outChannels: Out & GroupsCheck<'conv2dTranspose', In, Out, O>, kernelSize: K, options?: O,
): Layer<Conv2dTransposeFn<In, Out, Pair<K>, O>, ConvParams<Pair<K>, In, Div<Out, Groups<O>>, Out, UseBias<O>>> => {
  const o: ConvTransposeLayerOptions = options ?? {}, g = checkGroups('conv2dTranspose', inChannels, outChannels, o.groups ?? 1);
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  return convLayer('conv2dTranspose', [kh, kw, inChannels, outChannels / g], outChannels, o, (x, k) => loose(conv2dTransposeOp)(x, k, o)) as
    Layer<ShapeFn, unknown> as Layer<Conv2dTransposeFn<In, Out, Pair<K>, O>, ConvParams<Pair<K>, In, Div<Out, Groups<O>>, Out, UseBias<O>>>;
};

// ---- pooling layers --------------------------------------------------------------------------

/** the shape function of a pooling layer over R spatial axes */
export interface PoolFn<Op extends string, Size extends PerAxis, R extends number, O> extends ShapeFn {
  readonly canonical: Dim[];
  readonly out: this['in'] extends infer X extends Shape ? PoolOut<Op, X, Size, R, O> : never;
}
const pool = <Op extends string, Size extends PerAxis, R extends number, O extends PoolOptions>(op: Op, f: unknown, size: Size, o: O | undefined) =>
  statelessLayer<PoolFn<Op, Size, R, O>>(`${op}(${String(size)})`, (x) => loose(f)(x, size, o ?? {}));
/** 2-D max pooling (strides default to the window; padding 'valid' or 'same'; padding never wins) */
export const maxPool2d = <const Size extends PerAxis, const O extends PoolOptions = {}>(size: Size, options?: O) => pool<'maxPool2d', Size, 2, O>('maxPool2d', maxPool2dOp, size, options);
/** 1-D max pooling */
export const maxPool1d = <const Size extends PerAxis, const O extends PoolOptions = {}>(size: Size, options?: O) => pool<'maxPool1d', Size, 1, O>('maxPool1d', maxPool1dOp, size, options);
/** 2-D average pooling (countIncludePad: divide by the whole window; default false: by the real elements) */
export const avgPool2d = <const Size extends PerAxis, const O extends PoolOptions = {}>(size: Size, options?: O) => pool<'avgPool2d', Size, 2, O>('avgPool2d', avgPool2dOp, size, options);
/** 1-D average pooling */
export const avgPool1d = <const Size extends PerAxis, const O extends PoolOptions = {}>(size: Size, options?: O) => pool<'avgPool1d', Size, 1, O>('avgPool1d', avgPool1dOp, size, options);

/** the shape function of a global pool: [B, ...spatial, C] -> [B, C] */
export interface GlobalPoolFn extends ShapeFn { readonly canonical: Dim[]; readonly out: this['in'] extends infer X extends Shape ? GlobalPool<X> : never }
/** the mean over all spatial positions: [B, ...spatial, C] -> [B, C] */
export const globalAvgPool = (): Layer<GlobalPoolFn, null> => statelessLayer('globalAvgPool', (x) => globalAvgPoolOp(x as Tensor<Shape>) as T);
/** the max over all spatial positions */
export const globalMaxPool = (): Layer<GlobalPoolFn, null> => statelessLayer('globalMaxPool', (x) => globalMaxPoolOp(x as Tensor<Shape>) as T);
/** the shape function of an adaptive pool */
export interface AdaptiveFn<OH extends number, OW extends number> extends ShapeFn { readonly canonical: Dim[]; readonly out: this['in'] extends infer X extends Shape ? AdaptiveShape<X, OH, OW> : never }
/** average pooling to a fixed [OH, OW] (bins overlap when the sizes do not divide) */
export const adaptiveAvgPool2d = <const OH extends number, const OW extends number>(size: readonly [OH, OW]): Layer<AdaptiveFn<OH, OW>, null> =>
  statelessLayer(`adaptiveAvgPool2d(${size.join('x')})`, (x) => adaptiveAvgOp(x as Tensor<Shape>, size) as T);
/** max pooling to a fixed [OH, OW] */
export const adaptiveMaxPool2d = <const OH extends number, const OW extends number>(size: readonly [OH, OW]): Layer<AdaptiveFn<OH, OW>, null> =>
  statelessLayer(`adaptiveMaxPool2d(${size.join('x')})`, (x) => adaptiveMaxOp(x as Tensor<Shape>, size) as T);
