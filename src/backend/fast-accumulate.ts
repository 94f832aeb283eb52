/** @file Sums into a fresh buffer the caller owns: the n-ary cotangent accumulation of backward (copies and adds into strided windows, no intermediates). */
import { numel } from '../shape/index.js';
import { broadcasts, plan } from './fast-plan.js';
import { broadcastStrides, isContiguous, type View } from './view.js';
import { sumWasm, WASM_FROM } from './wasm-elementwise-run.js';

type Store = { [i: number]: number };
type Load = ArrayLike<number>;

const copyLoop = (d: Store, di: number, dr: number, dc: number, rows: number, n: number, s: Load, si: number, sr: number, sc: number): void => {
  for (let r = 0; r < rows; r++, di += dr, si += sr) for (let j = 0, p = di, q = si; j < n; j++, p += dc, q += sc) d[p] = s[q]!;
};
const addLoop = (d: Store, di: number, dr: number, dc: number, rows: number, n: number, s: Load, si: number, sr: number, sc: number): void => {
  for (let r = 0; r < rows; r++, di += dr, si += sr) for (let j = 0, p = di, q = si; j < n; j++, p += dc, q += sc) d[p] = d[p]! + s[q]!;
};

/** the unit-stride float32 rows of the common case: monomorphic loops (see fast-flat) */
const copyRow = (d: Float32Array, o: number, s: Float32Array, i: number, n: number): void => {
  for (let j = 0; j < n; j++) d[o + j] = s[i + j]!;
};
const addRow = (d: Float32Array, o: number, s: Float32Array, i: number, n: number): void => {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    d[o + j] = d[o + j]! + s[i + j]!; d[o + j + 1] = d[o + j + 1]! + s[i + j + 1]!;
    d[o + j + 2] = d[o + j + 2]! + s[i + j + 2]!; d[o + j + 3] = d[o + j + 3]! + s[i + j + 3]!;
  }
  for (; j < n; j++) d[o + j] = d[o + j]! + s[i + j]!;
};

/**
 * dst[i] = src[i], or dst[i] + src[i] when `add` (the reference add: a double sum rounded by the
 * store), over dst's shape, src broadcast to it. This writes into `dst`: only for a view of
 * storage the caller has just allocated and nobody else has seen (kernels never write their
 * inputs; this is not a kernel). Returns false (nothing written) when src does not broadcast.
 */
export const writeInto = (dst: View, src: View, add: boolean): boolean => {
  if (!broadcasts(src.shape, dst.shape)) return false;
  if (numel(dst.shape) === 0) return true;
  const p = plan(dst.shape, [dst, { strides: broadcastStrides(src, dst.shape), offset: src.offset }]);
  const [ds, ss] = p.starts, [dr, sr] = p.rowSteps, [dc, sc] = p.steps;
  const loop = add ? addLoop : copyLoop, d = dst.data, s = src.data;
  if (dc === 1 && sc === 1 && d instanceof Float32Array && s instanceof Float32Array) {
    const row = add ? addRow : copyRow;
    for (let k = 0; k < p.blocks; k++) for (let r = 0, o = ds![k]!, i = ss![k]!; r < p.rows; r++, o += dr!, i += sr!) row(d, o, s, i, p.n);
    return true;
  }
  for (let k = 0; k < p.blocks; k++) loop(d, ds![k]!, dr!, dc!, p.rows, p.n, s, ss![k]!, sr!, sc!);
  return true;
};

/**
 * dst = srcs[0] + srcs[1] + ... in that order (the chained adds' float32 results), for a fresh
 * contiguous float32 `dst` and sources that all read its shape row-major without gaps; on the
 * wasm add loop when they are big enough. False (nothing written) otherwise: use writeInto.
 */
export const sumInto = (dst: View, srcs: readonly View[]): boolean => {
  const n = numel(dst.shape);
  if (n < WASM_FROM || !(dst.data instanceof Float32Array) || !isContiguous(dst)) return false;
  const runs: (readonly [Float32Array, number])[] = [];
  for (const v of srcs) {
    if (!(v.data instanceof Float32Array) || !isContiguous(v) || v.shape.length !== dst.shape.length || v.shape.some((d, i) => d !== dst.shape[i])) return false;
    runs.push([v.data, v.offset]);
  }
  return sumWasm(dst.data, runs, n);
};
