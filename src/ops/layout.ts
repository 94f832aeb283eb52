/** @file Layout ops: reshape, flatten, transpose, expandDims, squeeze, broadcastTo, tile. */
import type { Check } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import {
  expandDimsShape, flattenShape, squeezeShape, tileShape, type AsShape, type BroadcastTo, type ExpandDims,
  type Flatten, type Reshape, type Shape, type Squeeze, type Tile, type Transpose,
} from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { primitives } from './primitives.js';

const reshapeTo = (x: AnyTensor, shape: readonly number[]): AnyTensor => bind(primitives.reshape, [x], { shape });

/**
 * The same elements in a new shape; one -1 (or one named dim) is solved from the element count.
 * @example reshape(zeros([64, 28, 28]), [-1, 784]) // Tensor<[64, 784]>
 */
export const reshape = <S extends Shape, D extends DType, const T extends Shape>(
  x: Tensor<S, D>, shape: Check<Reshape<S, T>, T>,
): Tensor<AsShape<Reshape<S, T>>, D> =>
  bind(primitives.reshape, [x], { shape: (shape as T).map((d) => (typeof d === 'number' ? d : -1)) }) as Tensor<AsShape<Reshape<S, T>>, D>;

/** merges the dims from `startAxis` to the end into one (all of them by default) */
export const flatten = <S extends Shape, D extends DType, const St extends number = 0>(
  x: Tensor<S, D>, startAxis?: Check<Flatten<S, St>, St>,
): Tensor<AsShape<Flatten<S, NoInfer<St>>>, D> =>
  reshapeTo(x, flattenShape(x.shape as readonly number[], (startAxis as St | undefined) ?? 0) as number[]) as Tensor<AsShape<Flatten<S, St>>, D>;

/** permutes the axes (reverses them when `perm` is omitted, as NumPy) */
export const transpose = <S extends Shape, D extends DType, const P extends readonly number[] | undefined = undefined>(
  x: Tensor<S, D>, perm?: Check<Transpose<S, P>, P>,
): Tensor<AsShape<Transpose<S, P>>, D> => {
  const p = perm as readonly number[] | undefined;
  return bind(primitives.transpose, [x], { perm: p ?? (x.shape as readonly number[]).map((_, i) => x.rank - 1 - i) }) as Tensor<AsShape<Transpose<S, P>>, D>;
};

/** inserts an axis of size 1 at `axis` */
export const expandDims = <S extends Shape, D extends DType, const A extends number>(
  x: Tensor<S, D>, axis: Check<ExpandDims<S, A>, A>,
): Tensor<AsShape<ExpandDims<S, A>>, D> =>
  reshapeTo(x, expandDimsShape(x.shape as readonly number[], axis as A) as number[]) as Tensor<AsShape<ExpandDims<S, A>>, D>;

/** removes `axis` (which must have size 1), or every axis of size 1 */
export const squeeze = <S extends Shape, D extends DType, const A extends number | undefined = undefined>(
  x: Tensor<S, D>, axis?: Check<Squeeze<S, A>, A>,
): Tensor<AsShape<Squeeze<S, NoInfer<A>>>, D> =>
  reshapeTo(x, squeezeShape(x.shape as readonly number[], axis as A) as number[]) as Tensor<AsShape<Squeeze<S, A>>, D>;

/** repeats size-1 (and missing leading) axes to reach `shape`, without copying */
export const broadcastTo = <S extends Shape, D extends DType, const T extends readonly number[]>(
  x: Tensor<S, D>, shape: Check<BroadcastTo<S, T>, T>,
): Tensor<[...T], D> => bind(primitives.broadcastTo, [x], { shape: shape as T }) as Tensor<[...T], D>;

/** repeats the whole tensor `reps[i]` times along axis i (NumPy tile) */
export const tile = <S extends Shape, D extends DType, const R extends readonly number[]>(
  x: Tensor<S, D>, reps: Check<Tile<S, R>, R>,
): Tensor<AsShape<Tile<S, R>>, D> => {
  const r = reps as R, shape = x.shape as readonly number[];
  const out = tileShape(shape, r) as number[];
  const padded = [...new Array<number>(r.length - shape.length).fill(1), ...shape];
  // [a, b] -> [1, a, 1, b] -> broadcast [r0, a, r1, b] -> [r0*a, r1*b]
  const inter = padded.flatMap((d) => [1, d]);
  const wide = padded.flatMap((d, i) => [r[i]!, d]);
  const b = bind(primitives.broadcastTo, [reshapeTo(x, inter)], { shape: wide });
  return reshapeTo(b, out) as Tensor<AsShape<Tile<S, R>>, D>;
};
