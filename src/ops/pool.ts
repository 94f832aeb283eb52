/** @file Pooling on channels-last inputs: max/avg (stride, padding, countIncludePad), global and adaptive; built on patches. */
import type { Check, ShapeError } from '../../types/index.js';
import { bind } from '../core/index.js';
import {
  perAxis, resolvePads, ValueError, windowInput, windowOuts,
  type AsShape, type Dim, type Padding, type PerAxis, type PoolShape, type Shape,
} from '../shape/index.js';
import { ones, type AnyTensor, type Tensor } from '../tensor/index.js';
import { div } from './elementwise.js';
import { primitives } from './primitives.js';
import { max, mean, sum } from './reduce.js';
import { stack } from './join.js';

type T = AnyTensor;
/** pooling options: strides (default: the window size), padding ('valid' default), countIncludePad for average pooling */
export interface PoolOptions {
  readonly strides?: PerAxis;
  readonly padding?: Exclude<Padding, 'causal'>;
  /** average pooling: divide by the full window (true, PyTorch's default) or by the real elements in it (false, TF's 'same'); default false */
  readonly countIncludePad?: boolean;
}
type Get<O, K extends string, Fallback> = O extends { readonly [P in K]?: infer V } ? (undefined extends V ? Fallback : V) : Fallback;
type PoolWindow<O, Size extends PerAxis> = {
  readonly strides: Get<O, 'strides', Size> extends infer V extends PerAxis ? V : Size;
  readonly dilations: 1;
  readonly padding: Get<O, 'padding', 'valid'> extends infer V extends Padding ? V : 'valid';
};
type Sizes<Size extends PerAxis, R extends number> = Size extends number ? (R extends 1 ? [Size] : [Size, Size]) : Size extends readonly number[] ? [...Size] : number[];
/** the output shape of a pool over R spatial axes */
export type PoolOut<Op extends string, X extends Shape, Size extends PerAxis, R extends number, O> = PoolShape<Op, X, Sizes<Size, R>, PoolWindow<O, Size>>;

const plan = (op: string, x: T, rank: number, size: PerAxis, o: PoolOptions) => {
  const spatial = windowInput(op, x.shape as readonly number[], rank);
  const kernel = perAxis(op, 'window size', size, rank, 1);
  const strides = perAxis(op, 'strides', o.strides ?? size, rank, 1), dilations = new Array<number>(rank).fill(1);
  const pads = resolvePads(op, spatial, kernel, strides, dilations, o.padding ?? 'valid');
  // as PyTorch: a window must always cover some input (no all-padding window: -Infinity or 0/0)
  pads.forEach(([b, a], i) => {
    if (b > Math.floor(kernel[i]! / 2) || a > Math.floor(kernel[i]! / 2)) {
      throw new ValueError(op, `padding [${b}, ${a}] at spatial axis ${i} must be at most half the window (${kernel[i]})`);
    }
  });
  windowOuts(op, spatial, kernel, strides, dilations, pads);
  return { spatial, window: { kernel, strides, dilations, pads } };
};
const windowAxes = (rank: number): number[] => Array.from({ length: rank }, (_, i) => rank + 1 + i);

const maxPoolND = (op: string, x: T, rank: number, size: PerAxis, o: PoolOptions): T => {
  const { window } = plan(op, x, rank, size, o);
  // padding is -Infinity, so it never wins; the gradient goes to the maximum (split equally between exact ties)
  return max(bind(primitives.patches, [x], { window, value: -Infinity }), windowAxes(rank));
};
const avgPoolND = (op: string, x: T, rank: number, size: PerAxis, o: PoolOptions): T => {
  const { spatial, window } = plan(op, x, rank, size, o);
  const total = sum(bind(primitives.patches, [x], { window, value: 0 }), windowAxes(rank));
  if (o.countIncludePad === true) return div(total, window.kernel.reduce((a, b) => a * b, 1));
  // the number of real input elements under each window (a constant)
  const count = sum(bind(primitives.patches, [ones([1, ...spatial, 1])], { window, value: 0 }), windowAxes(rank));
  return div(total, count);
};

/** 2-D max pooling of [B, H, W, C] (strides default to the window) */
export const maxPool2d = <X extends Shape, const Size extends PerAxis, const O extends PoolOptions = {}>(
  x: Check<PoolOut<'maxPool2d', X, Size, 2, O>, Tensor<X>>, size: Size, options?: O,
): Tensor<AsShape<PoolOut<'maxPool2d', X, Size, 2, NoInfer<O>>>> => maxPoolND('maxPool2d', x as T, 2, size, options ?? {}) as Tensor<AsShape<PoolOut<'maxPool2d', X, Size, 2, O>>>;
/** 1-D max pooling of [B, W, C] */
export const maxPool1d = <X extends Shape, const Size extends PerAxis, const O extends PoolOptions = {}>(
  x: Check<PoolOut<'maxPool1d', X, Size, 1, O>, Tensor<X>>, size: Size, options?: O,
): Tensor<AsShape<PoolOut<'maxPool1d', X, Size, 1, NoInfer<O>>>> => maxPoolND('maxPool1d', x as T, 1, size, options ?? {}) as Tensor<AsShape<PoolOut<'maxPool1d', X, Size, 1, O>>>;
/** 2-D average pooling of [B, H, W, C] */
export const avgPool2d = <X extends Shape, const Size extends PerAxis, const O extends PoolOptions = {}>(
  x: Check<PoolOut<'avgPool2d', X, Size, 2, O>, Tensor<X>>, size: Size, options?: O,
): Tensor<AsShape<PoolOut<'avgPool2d', X, Size, 2, NoInfer<O>>>> => avgPoolND('avgPool2d', x as T, 2, size, options ?? {}) as Tensor<AsShape<PoolOut<'avgPool2d', X, Size, 2, O>>>;
/** 1-D average pooling of [B, W, C] */
export const avgPool1d = <X extends Shape, const Size extends PerAxis, const O extends PoolOptions = {}>(
  x: Check<PoolOut<'avgPool1d', X, Size, 1, O>, Tensor<X>>, size: Size, options?: O,
): Tensor<AsShape<PoolOut<'avgPool1d', X, Size, 1, NoInfer<O>>>> => avgPoolND('avgPool1d', x as T, 1, size, options ?? {}) as Tensor<AsShape<PoolOut<'avgPool1d', X, Size, 1, O>>>;

/** [B, ...spatial, C] -> [B, C] */
export type GlobalPool<X extends Shape> =
  number extends X['length'] ? [number, number]
  : X extends readonly [infer B extends Dim, Dim, Dim, ...Dim[]] ? X extends readonly [...Dim[], infer C extends Dim] ? [B, C] : never
  : ShapeError<`global pool: input must be [batch, ...spatial, channels], got rank ${X['length']}`, X>;
const spatialAxes = (op: string, x: T): number[] => {
  if (x.rank < 3) throw new ValueError(op, `input must be [batch, ...spatial, channels], got rank ${x.rank}`);
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
};
/** the mean over all spatial positions: [B, ...spatial, C] -> [B, C] */
export const globalAvgPool = <X extends Shape>(x: Check<GlobalPool<X>, Tensor<X>>): Tensor<AsShape<GlobalPool<X>>> => mean(x as T, spatialAxes('globalAvgPool', x as T)) as T as Tensor<AsShape<GlobalPool<X>>>;
/** the max over all spatial positions: [B, ...spatial, C] -> [B, C] */
export const globalMaxPool = <X extends Shape>(x: Check<GlobalPool<X>, Tensor<X>>): Tensor<AsShape<GlobalPool<X>>> => max(x as T, spatialAxes('globalMaxPool', x as T)) as T as Tensor<AsShape<GlobalPool<X>>>;

/** [B, H, W, C] -> [B, OH, OW, C] */
export type AdaptiveShape<X extends Shape, OH extends number, OW extends number> =
  X extends readonly [infer B extends Dim, Dim, Dim, infer C extends Dim] ? [B, OH, OW, C] : number extends X['length'] ? Dim[]
  : ShapeError<`adaptive pool: input must be [batch, height, width, channels], got rank ${X['length']}`, X>;
/** bin i of an axis of length n with m bins covers [floor(i n / m), ceil((i + 1) n / m)) (bins overlap when m does not divide n) */
const bins = (n: number, m: number): [number, number][] =>
  Array.from({ length: m }, (_, i) => [Math.floor((i * n) / m), Math.ceil(((i + 1) * n) / m)]);
const adaptive = (op: string, reduce: (t: T) => T, x: T, out: readonly [number, number]): T => {
  const [h, w] = windowInput(op, x.shape as readonly number[], 2) as [number, number];
  const [oh, ow] = out;
  if (!(Number.isInteger(oh) && Number.isInteger(ow) && oh >= 1 && ow >= 1)) throw new ValueError(op, `output size [${oh}, ${ow}] must be positive integers`);
  const rows = bins(h, oh).map(([h0, h1]) => stack(bins(w, ow).map(([w0, w1]) =>
    reduce(bind(primitives.slice, [x], { specs: [null, [h0, h1], [w0, w1]] }))), 1) as T);
  return stack(rows, 1) as T;
};
/** average over adaptive bins to a fixed [OH, OW] output */
export const adaptiveAvgPool2d = <X extends Shape, const OH extends number, const OW extends number>(x: Check<AdaptiveShape<X, OH, OW>, Tensor<X>>, size: readonly [OH, OW]): Tensor<AsShape<AdaptiveShape<X, OH, OW>>> =>
  adaptive('adaptiveAvgPool2d', (t) => mean(t, [1, 2]), x as T, size) as Tensor<AsShape<AdaptiveShape<X, OH, OW>>>;
/** max over adaptive bins to a fixed [OH, OW] output */
export const adaptiveMaxPool2d = <X extends Shape, const OH extends number, const OW extends number>(x: Check<AdaptiveShape<X, OH, OW>, Tensor<X>>, size: readonly [OH, OW]): Tensor<AsShape<AdaptiveShape<X, OH, OW>>> =>
  adaptive('adaptiveMaxPool2d', (t) => max(t, [1, 2]), x as T, size) as Tensor<AsShape<AdaptiveShape<X, OH, OW>>>;
