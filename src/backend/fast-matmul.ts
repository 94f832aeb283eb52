/** @file Fast batched matmul: float32 operands read through their strides by WebAssembly SIMD tiles, or a packed JS kernel. */
import { numel } from '../shape/index.js';
import { gemmPacked, packedLength, packPanels, type Strided } from './fast-gemm.js';
import { broadcasts } from './fast-plan.js';
import * as ref from './reference-matmul.js';
import { matmulBatchWasm } from './wasm-batch.js';
import { matmulWasm, wasmKernels } from './wasm-matmul.js';
import { broadcastStrides, offsets, overwritten, reshaped, reshapeStrides, type View } from './view.js';

/** one batch of matrix products, each a (m x k) @ (k x n) between strided matrices */
export interface MatmulJob {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** storage start of each batch entry's left and right matrix */
  readonly aStarts: ArrayLike<number>;
  readonly bStarts: ArrayLike<number>;
}

/** the storage start of each batch matrix of `v` (rank >= 2) read as the broadcast `batch` shape */
const batchStarts = (v: View, batch: readonly number[]) =>
  offsets(batch, broadcastStrides({ ...v, shape: v.shape.slice(0, -2), strides: v.strides.slice(0, -2) }, batch), v.offset);

/** the job of a @ b when both are float32 with matching inner dims and broadcasting batches, else undefined (the reference decides) */
const matmulJob = (a: View, b: View, batch: readonly number[]): MatmulJob | undefined => {
  const ra = a.shape.length, rb = b.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || rb < 2) return undefined;
  const m = a.shape[ra - 2]!, k = a.shape[ra - 1]!, n = b.shape[rb - 1]!;
  if (b.shape[rb - 2] !== k || !broadcasts(a.shape.slice(0, -2), batch) || !broadcasts(b.shape.slice(0, -2), batch)) return undefined;
  return { m, k, n, aStarts: batchStarts(a, batch), bStarts: batchStarts(b, batch) };
};

/** the JS kernel over every batch entry; the packed right operand is reused while its start repeats (broadcast batches) */
const matmulJs = (a: View, b: View, job: MatmulJob, out: View): void => {
  const { m, k, n, aStarts, bStarts } = job;
  const ra = a.shape.length, rb = b.shape.length;
  const bp = new Float64Array(packedLength(k, n));
  let packed = -1;
  for (let p = 0; p < aStarts.length; p++) {
    if (bStarts[p] !== packed) {
      packed = bStarts[p]!;
      packPanels({ data: b.data, start: packed, rowStep: b.strides[rb - 2]!, colStep: b.strides[rb - 1]! }, k, n, bp);
    }
    const left: Strided = { data: a.data, start: aStarts[p]!, rowStep: a.strides[ra - 2]!, colStep: a.strides[ra - 1]! };
    gemmPacked(m, k, n, left, bp, out.data, p * m * n);
  }
};

/** the last two strides of a view: (row, column) steps of its matrices */
const steps = (v: View): readonly [number, number] => [v.strides[v.shape.length - 2]!, v.strides[v.shape.length - 1]!];

/**
 * which matmul kernel runs: WebAssembly SIMD (where the runtime has it) or the JS one; from how
 * many multiply-adds a product (or a batch of them, by whole entries) is split across two threads;
 * and below how many multiply-adds per entry a batch is placed all at once and run entry by entry
 * (default `threadsFrom`: entries that would not be split themselves)
 */
export interface MatmulOptions {
  readonly wasm: boolean;
  readonly threadsFrom: number;
  readonly batchBelow?: number;
}
/**
 * A product of 2^20 multiply-adds takes about 50 us on one core; handing the helper its chunks
 * and waiting for the last one costs a few microseconds (a round trip measures ~6 us), and when the
 * helper does not get a core in time this thread simply takes every chunk itself.
 */
const THREADS_FROM = 1 << 20;

/**
 * batched a @ b ([..., M, K] @ [..., K, N], broadcast batch) on the WebAssembly SIMD tiles when
 * `wasm` and they compiled (float32 sums; Float32Array storage only), else on the JS packed
 * kernel (float64 sums in the reference's order: its results); int32 and everything the reference
 * rejects run on the reference kernel.
 */
export const makeMatmul = ({ wasm, threadsFrom, batchBelow = threadsFrom }: MatmulOptions) => {
  const run = (a: View, b: View, batch: readonly number[]): View => {
    const job = matmulJob(a, b, batch);
    if (job === undefined) return ref.matmul(a, b, batch);
    // every element is written below (a product over k = 0 is all zeros)
    const out = overwritten('float32', [...batch, job.m, job.n]);
    if (numel(out.shape) === 0 || job.k === 0) { out.data.fill(0); return out; }
    const kern = wasm ? wasmKernels() : undefined;
    const onWasm = kern !== undefined && a.data instanceof Float32Array && b.data instanceof Float32Array && out.data instanceof Float32Array && (
      (job.aStarts.length > 1 && job.m * job.k * job.n < batchBelow
        && matmulBatchWasm(kern, a.data, steps(a), b.data, steps(b), job, out.data, numel(out.shape) * job.k >= threadsFrom))
      || matmulWasm(kern, a.data, steps(a), b.data, steps(b), job, out.data, threadsFrom));
    if (!onWasm) matmulJs(a, b, job, out);
    return out;
  };
  return (a: View, b: View, batch: readonly number[]): View => {
    const folded = foldBatch(a, b, batch);
    if (folded === undefined) return run(a, b, batch);
    return reshaped(run(folded[0], folded[1], []), [...batch, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!]);
  };
};

/**
 * [..., M, K] @ [K, N] (b the same matrix for every batch entry) as one [B·M, K] @ [K, N] product
 * when a's batch axes merge into its rows without a copy: one big product instead of B small ones
 * (the same sums, row by row); undefined otherwise.
 */
const foldBatch = (a: View, b: View, batch: readonly number[]): readonly [View, View] | undefined => {
  const ra = a.shape.length, rb = b.shape.length, k = a.shape[ra - 1]!;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || rb < 2 || b.shape[rb - 2] !== k) return undefined;
  if (batch.length === 0 || ra !== batch.length + 2 || a.shape.slice(0, -2).some((d, i) => d !== batch[i])) return undefined;
  if (b.shape.slice(0, -2).some((d) => d !== 1)) return undefined;
  const rows = numel(a.shape.slice(0, -1));
  const strides = reshapeStrides(a.shape, a.strides, [rows, k]);
  if (strides === undefined) return undefined;
  return [
    { ...a, shape: [rows, k], strides },
    { ...b, shape: b.shape.slice(-2), strides: b.strides.slice(-2) },
  ];
};
/** batched a @ b, on WebAssembly SIMD where the runtime has it, big products on two threads */
export const matmul = makeMatmul({ wasm: true, threadsFrom: THREADS_FROM });
