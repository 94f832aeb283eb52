/** @file Indexing: slice (start/stop/step, negative indices), take, gather, oneHot, pad. */
import type { Check } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import type {
  AsShape, Gather, OneHot, Pad, PadWidths, Shape, Slice, SliceSpec, Take,
} from '../shape/index.js';
import { arange, type AnyTensor, type Tensor } from '../tensor/index.js';
import { cast, equal } from './elementwise.js';
import { primitives } from './primitives.js';

/**
 * Python slicing per axis: an index drops the axis, null keeps it, [start, stop, step] slices
 * (negative indices count from the end; a negative step walks backwards). No data is copied.
 * @example slice(x, [0, [1, null], [null, null, -1]]) // x[0, 1:, ::-1]
 */
export const slice = <S extends Shape, D extends DType, const Sp extends readonly SliceSpec[]>(
  x: Tensor<S, D>, specs: Check<Slice<S, Sp>, Sp>,
): Tensor<AsShape<Slice<S, Sp>>, D> => bind(primitives.slice, [x], { specs: specs as Sp }) as Tensor<AsShape<Slice<S, Sp>>, D>;

/** NumPy take: picks entries along `axis` by int32 indices, whose shape replaces that axis */
export const take = <S extends Shape, D extends DType, I extends Shape, const A extends number = 0>(
  x: Tensor<S, D>, indices: Check<Take<S, I, A>, Tensor<I, 'int32'>>, axis?: A,
): Tensor<AsShape<Take<S, I, NoInfer<A>>>, D> =>
  bind(primitives.take, [x, indices as AnyTensor], { axis: axis ?? 0 }) as Tensor<AsShape<Take<S, I, A>>, D>;

/** torch.gather / take_along_axis: out[.., i, ..] = x[.., indices[.., i, ..], ..] along `axis` */
export const gather = <S extends Shape, D extends DType, I extends Shape, const A extends number>(
  x: Tensor<S, D>, indices: Check<Gather<S, I, A>, Tensor<I, 'int32'>>, axis: A,
): Tensor<AsShape<Gather<S, I, A>>, D> =>
  bind(primitives.gather, [x, indices as AnyTensor], { axis }) as Tensor<AsShape<Gather<S, I, A>>, D>;

/** one-hot float32 vectors of length n along a new last axis (out-of-range indices give all zeros) */
export const oneHot = <I extends Shape, const N extends number>(indices: Tensor<I, 'int32'>, n: N): Tensor<AsShape<OneHot<I, N>>> => {
  const shape = indices.shape as readonly number[];
  const col = bind(primitives.reshape, [indices], { shape: [...shape, 1] });
  return cast(equal(col, arange(0, n, 1, 'int32') as AnyTensor), 'float32') as AnyTensor as Tensor<AsShape<OneHot<I, N>>>;
};

/** pad options: 'constant' (with value, default 0) or 'reflect' (mirror, edge not repeated) */
export interface PadOptions { readonly mode?: 'constant' | 'reflect'; readonly value?: number }
/** pads each axis by [before, after] */
export const pad = <S extends Shape, D extends DType, const W extends PadWidths>(
  x: Tensor<S, D>, widths: Check<Pad<S, W>, W>, options?: PadOptions,
): Tensor<AsShape<Pad<S, W>>, D> =>
  bind(primitives.pad, [x], { widths: widths as W, mode: options?.mode ?? 'constant', value: options?.value ?? 0 }) as Tensor<AsShape<Pad<S, W>>, D>;
