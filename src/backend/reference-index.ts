/** @file Reference indexing kernels: take (NumPy), gather (torch.gather) and its adjoint scatterAdd. */
import { ShapeMismatchError, normAxis, showShape } from '../shape/index.js';
import { storeAs, wrapIndex, type Offsets } from './reference-shared.js';
import { empty, offsets, type View } from './view.js';

/** out = x[:axis] + indices.shape + x[axis+1:]: NumPy take (negative indices count from the end) */
export const take = (x: View, indices: View, axis: number): View => {
  const ax = normAxis('take', axis, x.shape);
  const size = x.shape[ax]!, step = x.strides[ax]!;
  const io = offsets(indices.shape, indices.strides, indices.offset);
  const rows = Int32Array.from(io, (o) => wrapIndex('take', indices.data[o]!, size, ax));
  const before = offsets(x.shape.slice(0, ax), x.strides.slice(0, ax), x.offset);
  const after = offsets(x.shape.slice(ax + 1), x.strides.slice(ax + 1), 0);
  const res = empty(x.dtype, [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)]);
  const src = x.data, dst = res.data;
  let o = 0; // the output is [before, indices, after] in row-major order
  for (let p = 0; p < before.length; p++) {
    for (let t = 0; t < rows.length; t++) {
      const s = before[p]! + rows[t]! * step;
      for (let q = 0; q < after.length; q++) dst[o++] = src[s + after[q]!]!;
    }
  }
  return res;
};

/**
 * Walks the positions of `indices` (rank of `target`) and returns, for each, the storage offset it
 * selects in a view of `target`'s shape with `strides` and `offset`: the position itself on every
 * axis but `axis`, where the index (wrapped, range-checked) takes over. indices.shape[d] must not
 * exceed target[d] off the axis (the torch rule).
 */
const selected = (op: string, target: readonly number[], strides: readonly number[], offset: number, indices: View, axis: number): Offsets => {
  const r = target.length;
  const ax = normAxis(op, axis, target);
  if (indices.shape.length !== r) throw new ShapeMismatchError(op, `indices have rank ${indices.shape.length}, not ${r}`, [target, indices.shape], ax);
  indices.shape.forEach((d, k) => {
    if (k !== ax && d > target[k]!) {
      throw new ShapeMismatchError(op, `indices dim ${d} exceeds ${target[k]!} at axis ${k} (${showShape(indices.shape)} vs ${showShape(target)})`, [target, indices.shape], k);
    }
  });
  // the axis stride is zeroed so that `base` holds the other coordinates; the index adds the rest
  const base = offsets(indices.shape, strides.map((s, k) => (k === ax ? 0 : s)), offset);
  const io = offsets(indices.shape, indices.strides, indices.offset);
  const size = target[ax]!, step = strides[ax]!;
  for (let i = 0; i < base.length; i++) base[i] = base[i]! + wrapIndex(op, indices.data[io[i]!]!, size, ax) * step;
  return base;
};

/** out[..., i, ...] = x[..., indices[..., i, ...], ...] along `axis`; out shape = indices.shape (torch.gather) */
export const gather = (x: View, indices: View, axis: number): View => {
  const from = selected('gather', x.shape, x.strides, x.offset, indices, axis);
  const res = empty(x.dtype, indices.shape);
  const src = x.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) dst[i] = src[from[i]!]!;
  return res;
};

/** the adjoint of gather: zeros of `shape` (updates' dtype), then out[..idx[i]..] += updates[i]; repeats accumulate */
export const scatterAdd = (shape: readonly number[], indices: View, updates: View, axis: number): View => {
  if (updates.shape.length !== indices.shape.length || updates.shape.some((d, k) => d !== indices.shape[k])) {
    throw new ShapeMismatchError('scatterAdd', `updates ${showShape(updates.shape)} and indices ${showShape(indices.shape)} differ`, [updates.shape, indices.shape]);
  }
  const res = empty(updates.dtype, shape);
  const into = selected('scatterAdd', shape, res.strides, 0, indices, axis);
  const uo = offsets(updates.shape, updates.strides, updates.offset);
  const acc = new Float64Array(res.data.length); // duplicates accumulate in float64 (int32 wraps at each step)
  const isInt = updates.dtype === 'int32', src = updates.data;
  for (let i = 0; i < into.length; i++) {
    const t = into[i]!, v = src[uo[i]!]!;
    acc[t] = isInt ? (acc[t]! + v) | 0 : acc[t]! + v;
  }
  const store = storeAs(updates.dtype), dst = res.data;
  for (let i = 0; i < dst.length; i++) dst[i] = store(acc[i]!);
  return res;
};
