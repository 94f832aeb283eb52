/** @file Reference batched matmul: [..., M, K] @ [..., K, N] with broadcast batch dims. */
import { ShapeMismatchError, showShape } from '../shape/index.js';
import { broadcastOffsets, sameDType, storeAs } from './reference-shared.js';
import { empty, offsets, type View } from './view.js';

/** the storage start of each batch matrix of `v` (rank >= 2) when its batch dims broadcast to `batch` */
const batchStarts = (v: View, batch: readonly number[]) =>
  broadcastOffsets('matmul', { ...v, shape: v.shape.slice(0, -2), strides: v.strides.slice(0, -2) }, batch);

/** copies the rows x cols matrix of `v` starting at storage offset `start` into `into` (row-major) */
const copyMatrix = (v: View, start: number, into: Float64Array): void => {
  const r = v.shape.length;
  const rel = offsets(v.shape.slice(r - 2), v.strides.slice(r - 2), start);
  for (let i = 0; i < rel.length; i++) into[i] = v.data[rel[i]!]!;
};

/**
 * batched a @ b: a is [...batchA, M, K], b is [...batchB, K, N], `batch` the broadcast of the two
 * batch shapes; the output is [...batch, M, N] in a's dtype. Each batch matrix is copied once into
 * contiguous float64 scratch, then rows accumulate in float64 in i-k-j order (int32 wraps via Math.imul).
 */
export const matmul = (a: View, b: View, batch: readonly number[]): View => {
  sameDType('matmul', [a, b]);
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new ShapeMismatchError('matmul', 'both operands need rank >= 2', [a.shape, b.shape]);
  const m = a.shape[ra - 2]!, k = a.shape[ra - 1]!, n = b.shape[rb - 1]!;
  if (b.shape[rb - 2] !== k) {
    throw new ShapeMismatchError('matmul', `inner dims differ (${k} vs ${b.shape[rb - 2]!}) in ${showShape(a.shape)} @ ${showShape(b.shape)}`, [a.shape, b.shape]);
  }
  const aStarts = batchStarts(a, batch), bStarts = batchStarts(b, batch);
  const res = empty(a.dtype, [...batch, m, n]);
  const store = storeAs(a.dtype), isInt = a.dtype === 'int32', dst = res.data;
  const am = new Float64Array(m * k), bm = new Float64Array(k * n), row = new Float64Array(n);
  let aLoaded = -1, bLoaded = -1; // a broadcast operand is copied once, not once per batch
  for (let p = 0; p < aStarts.length; p++) {
    if (aStarts[p] !== aLoaded) { copyMatrix(a, aStarts[p]!, am); aLoaded = aStarts[p]!; }
    if (bStarts[p] !== bLoaded) { copyMatrix(b, bStarts[p]!, bm); bLoaded = bStarts[p]!; }
    const base = p * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let q = 0; q < k; q++) {
        const aiq = am[i * k + q]!, off = q * n;
        if (isInt) for (let j = 0; j < n; j++) row[j] = (row[j]! + Math.imul(aiq, bm[off + j]!)) | 0;
        else for (let j = 0; j < n; j++) row[j] = row[j]! + aiq * bm[off + j]!;
      }
      for (let j = 0; j < n; j++) dst[base + i * n + j] = store(row[j]!);
    }
  }
  return res;
};
