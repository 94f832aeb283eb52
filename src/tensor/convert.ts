/** @file Conversions out of a tensor: flat typed arrays, nested arrays and single elements (all copies). */
import type { Check, ShapeError } from '../../types/index.js';
import { toStorage } from '../backend/index.js';
import type { DType, ElementOf, StorageOf } from '../dtype/index.js';
import { ShapeMismatchError, showShape, ValueError, type HasWide, type Numel, type Shape } from '../shape/index.js';
import type { NestedOf } from './nested.js';
import { PLACEHOLDER, viewOf, type AnyTensor, type DTypeOf, type Tensor } from './tensor.js';

/**
 * The elements in row-major order, as a fresh typed array (Float32Array, Int32Array or Uint8Array);
 * generic in the whole tensor type, so a union of tensor types gives the union of their arrays.
 */
export const toArray = <T extends AnyTensor>(t: T): StorageOf[DTypeOf<T>] => {
  const v = viewOf(t);
  if (v.data === PLACEHOLDER) {
    throw new ValueError('fuse', `the function reads the values of a tensor ${showShape(v.shape)} while it is staged; a fused function may only apply elementwise ops to its tensors`);
  }
  return toStorage(v) as StorageOf[DTypeOf<T>];
};

/** the elements as nested JS arrays of the tensor's shape (booleans for bool tensors) */
export const toNested = <S extends Shape, D extends DType>(t: Tensor<S, D>): NestedOf<S, ElementOf<D>> => {
  const flat = Array.from(toArray(t) as ArrayLike<number>, (v) => (t.dtype === 'bool' ? v !== 0 : v));
  const nest = (dims: readonly number[], off: number): unknown => {
    if (dims.length === 0) return flat[off];
    const [d, ...rest] = dims;
    const step = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: d! }, (_, i) => nest(rest, off + i * step));
  };
  return nest(t.shape as readonly number[], 0) as NestedOf<S, ElementOf<D>>;
};

type OneElement<S extends Shape> =
  HasWide<S> extends true ? S : number extends Numel<S> ? S : Numel<S> extends 1 ? S : ShapeError<`item: tensor has ${Numel<S>} elements, not 1`, S>;
/** the single element of a one-element tensor (a number, or a boolean for bool) */
export const item = <S extends Shape, D extends DType>(t: Check<OneElement<S>, Tensor<S, D>>): ElementOf<D> => {
  const x = t as Tensor<S, D>;
  if (x.size !== 1) throw new ShapeMismatchError('item', `tensor has ${x.size} elements, not 1`, [x.shape as readonly number[]]);
  const v = toArray(x)[0]!;
  return (x.dtype === 'bool' ? v !== 0 : v) as ElementOf<D>;
};
