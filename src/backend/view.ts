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
/** fresh contiguous storage of a shape for a kernel that writes every element (it may hold a recycled array's old values) */
export const overwritten = <D extends DType>(dtype: D, shape: readonly number[]): View<D> =>
  fromStorage(dtype, allocate(dtype, numel(shape), false), shape);

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

/**
 * Copies every element of `v` in row-major order into `dst` from index 0: the innermost axis is
 * a plain loop, the outer ones an odometer (no table of offsets).
 */
const copyOut = (v: View, dst: { [i: number]: number }): void => {
  const shape = v.shape, strides = v.strides, r = shape.length, src = v.data;
  if (r === 0) { dst[0] = src[v.offset]!; return; }
  const n = shape[r - 1]!, step = strides[r - 1]!, outer = numel(shape) / n;
  if (!(outer > 0) || n === 0) return;
  const idx = new Array<number>(r).fill(0);
  let o = v.offset, at = 0;
  for (let k = 0; k < outer; k++) {
    if (step === 1) for (let j = 0, s = o; j < n; j++) dst[at++] = src[s++]!;
    else for (let j = 0, s = o; j < n; j++, s += step) dst[at++] = src[s]!;
    for (let a = r - 2; a >= 0; a--) {
      o += strides[a]!;
      if (++idx[a]! < shape[a]!) break;
      o -= strides[a]! * shape[a]!;
      idx[a] = 0;
    }
  }
};

/** a contiguous copy (or `v` itself when it already is contiguous and starts the storage's only use) */
export const contiguous = <D extends DType>(v: View<D>): View<D> => {
  if (isContiguous(v) && v.offset === 0 && v.data.length === numel(v.shape)) return v;
  const out = overwritten(v.dtype, v.shape);
  copyOut(v, out.data);
  return out;
};

/**
 * The strides that read a view of `shape` and `strides` as `to` (same element count) without
 * moving data, or undefined when the reshape needs a copy (NumPy's no-copy reshape: runs of old
 * axes that become one new axis, or the reverse, must step through storage as one axis).
 */
export const reshapeStrides = (shape: readonly number[], strides: readonly number[], to: readonly number[]): number[] | undefined => {
  if (numel(to) === 0) return contiguousStrides(to);
  const os: number[] = [], ost: number[] = [];
  shape.forEach((d, i) => { if (d !== 1) { os.push(d); ost.push(strides[i]!); } });
  const out = new Array<number>(to.length).fill(0);
  let oi = 0, ni = 0;
  while (ni < to.length && oi < os.length) {
    let oj = oi + 1, nj = ni + 1, np = to[ni]!, op = os[oi]!;
    while (np !== op) {
      if (np < op) np *= to[nj++]!;
      else op *= os[oj++]!;
    }
    for (let k = oi; k < oj - 1; k++) if (ost[k] !== os[k + 1]! * ost[k + 1]!) return undefined;
    out[nj - 1] = ost[oj - 1]!;
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k]! * to[k]!;
    ni = nj;
    oi = oj;
  }
  return out; // trailing size-1 axes keep stride 0 (never stepped)
};

/** `v` read as `shape` (same element count): a view of the same storage when the strides allow, else a contiguous copy */
export const reshaped = <D extends DType>(v: View<D>, shape: readonly number[]): View<D> => {
  const strides = reshapeStrides(v.shape, v.strides, shape);
  if (strides !== undefined) return { dtype: v.dtype, data: v.data, shape: [...shape], strides, offset: v.offset };
  const c = contiguous(v);
  return { dtype: c.dtype, data: c.data, shape: [...shape], strides: contiguousStrides(shape), offset: c.offset };
};

/** the view's elements as a fresh contiguous storage array (always a copy) */
export const toStorage = <D extends DType>(v: View<D>): StorageOf[D] => {
  const c = contiguous(v);
  return (c === v ? v.data.slice(v.offset, v.offset + numel(v.shape)) : c.data) as StorageOf[D];
};
