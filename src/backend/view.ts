/** @file Strided views over flat storage: the only thing kernels see (never a Tensor). */
import { allocate, type DType, type StorageOf } from '../dtype/index.js';
import { contiguousStrides, numel } from '../shape/index.js';

/** a strided window on flat storage: element [i0, i1, ...] is data[offset + sum(ik * strides[k])] */
export interface View<D extends DType = DType> {
  readonly dtype: D;
  readonly data: StorageOf[D];
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** a view of contiguous row-major storage */
export const fromStorage = <D extends DType>(dtype: D, data: StorageOf[D], shape: readonly number[]): View<D> =>
  ({ dtype, data, shape: [...shape], strides: contiguousStrides(shape), offset: 0 });
/** fresh zero-filled contiguous storage of a shape */
export const empty = <D extends DType>(dtype: D, shape: readonly number[]): View<D> =>
  fromStorage(dtype, allocate(dtype, numel(shape)), shape);

/** true when a view walks its storage row-major without gaps from its offset */
export const isContiguous = (v: View): boolean => {
  let s = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.strides[i] !== s) return false;
    s *= v.shape[i]!;
  }
  return true;
};

/**
 * Storage offsets of every element of `shape` in row-major order, for a view with `strides`
 * and `offset` (broadcast axes have stride 0). One pass, no per-element division.
 */
export const offsets = (shape: readonly number[], strides: readonly number[], offset: number): Int32Array | Float64Array => {
  const n = numel(shape);
  const reach = shape.reduce((m, d, k) => m + Math.max(0, d - 1) * Math.abs(strides[k]!), offset);
  const out = reach < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  const r = shape.length;
  if (n === 0) return out;
  const idx = new Array<number>(r).fill(0);
  let o = offset;
  for (let i = 0; i < n; i++) {
    out[i] = o;
    for (let k = r - 1; k >= 0; k--) {
      idx[k]!++;
      o += strides[k]!;
      if (idx[k]! < shape[k]!) break;
      o -= strides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
};

/** strides that read `v` as if it had the (broadcast) shape `to`: size-1 and missing axes get stride 0 */
export const broadcastStrides = (v: View, to: readonly number[]): number[] => {
  const lead = to.length - v.shape.length;
  return to.map((d, i) => {
    const j = i - lead;
    return j < 0 || v.shape[j] === 1 ? 0 : v.strides[j]!;
  });
};

/** a contiguous copy (or `v` itself when it already is contiguous and starts the storage's only use) */
export const contiguous = <D extends DType>(v: View<D>): View<D> => {
  if (isContiguous(v) && v.offset === 0 && v.data.length === numel(v.shape)) return v;
  const out = empty(v.dtype, v.shape);
  const src = v.data, dst = out.data, offs = offsets(v.shape, v.strides, v.offset);
  for (let i = 0; i < offs.length; i++) dst[i] = src[offs[i]!]!;
  return out;
};

/** the view's elements as a fresh contiguous storage array (always a copy) */
export const toStorage = <D extends DType>(v: View<D>): StorageOf[D] => {
  const c = contiguous(v);
  return (c === v ? v.data.slice(v.offset, v.offset + numel(v.shape)) : c.data) as StorageOf[D];
};
