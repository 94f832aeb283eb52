/** @file Batches of small products on the WebAssembly SIMD tiles: every entry's operands placed with one copy each, then whole entries shared between this thread and the helper. */
import type { MatmulJob } from './fast-matmul.js';
import { MR, NR, type GemmBatchArgs, type GemmKernels } from './wasm-gemm.js';
import { DIRECT_ROWS, DIRECT_WIDTH, SPAN_SLACK, heap, helper, setResident } from './wasm-matmul.js';

/** chunks (runs of whole entries) per shared batch, at most */
const MAX_CHUNKS = 16;
/** multiply-adds per chunk, at least: a helper that starts the last chunk late keeps this thread waiting no longer than that */
const CHUNK_WORK = 1 << 18;
/** the memory a batch may grow the kernels' memory to (it never shrinks): bigger batches are placed entry by entry */
const BATCH_BYTES = 1 << 26;

const align16 = (n: number): number => (n + 15) & ~15;

/** the storage an operand's entries cover: [lo, lo + span), or undefined when a stride is negative */
const coverOf = (starts: ArrayLike<number>, rowStep: number, colStep: number, rows: number, cols: number): { lo: number; span: number } | undefined => {
  if (rowStep < 0 || colStep < 0) return undefined;
  let lo = Infinity, hi = -Infinity;
  for (let p = 0; p < starts.length; p++) { lo = Math.min(lo, starts[p]!); hi = Math.max(hi, starts[p]!); }
  return { lo, span: hi - lo + (rows - 1) * rowStep + (cols - 1) * colStep + 1 };
};

/**
 * Every entry of `job` (at least two, k >= 1) into the contiguous float32 `out`, when the entries
 * are small: each operand's storage, all entries at once, is copied into memory with one copy
 * (it must be dense: a slice of heads, a transposed batch); a row-major A and a short row-major
 * B are then read in place, anything else is packed there by the wasm packers. The gemm calls run
 * entry by entry, runs of whole entries shared with the helper thread when `threaded` (this thread
 * copies each run's C out as soon as it is done). The sums are those of matmulWasm (each output
 * one float32 lane, q in order). False, and nothing done, for layouts this does not handle and
 * for batches that need more than BATCH_BYTES of memory (the caller places entries one by one).
 */
export const matmulBatchWasm = (
  kern: GemmKernels, a: Float32Array, aSteps: readonly [number, number], b: Float32Array, bSteps: readonly [number, number],
  job: MatmulJob, out: Float32Array, threaded: boolean,
): boolean => {
  const { m, k, n, aStarts, bStarts } = job, entries = aStarts.length;
  const [aRow, aCol] = aSteps, [bRow, bCol] = bSteps;
  const aCover = coverOf(aStarts, aRow, aCol, m, k), bCover = coverOf(bStarts, bRow, bCol, k, n);
  if (aCover === undefined || bCover === undefined) return false;
  if (aCover.span > SPAN_SLACK * entries * m * k + 64 || bCover.span > SPAN_SLACK * entries * k * n + 64) return false;
  const aDirect = aCol === 1, aPack = !aDirect && aRow === 1 && aCol > MR && m >= MR;
  if (!aDirect && !aPack) return false;
  const bDirect = bCol === 1 && n % NR === 0 && (n <= DIRECT_WIDTH || m <= DIRECT_ROWS);
  const panels = Math.ceil(n / NR), exact = n % NR === 0, ldc = 4 * (exact ? n : panels * NR);
  const aSlot = 4 * Math.ceil(m / MR) * MR * k, bSlot = 4 * k * panels * NR, cSlot = ldc * m;
  const aAt = 0, bAt = align16(aAt + 4 * aCover.span);
  const aPackAt = align16(bAt + 4 * bCover.span), bPackAt = align16(aPackAt + (aPack ? entries * aSlot : 0));
  const cAt = align16(bPackAt + (bDirect ? 0 : entries * bSlot)), tableAt = align16(cAt + entries * cSlot);
  if (tableAt + 12 * entries > Math.max(BATCH_BYTES, kern.memory.buffer.byteLength)) return false;
  const h = heap(kern, tableAt + 12 * entries);
  if (h === undefined) return false;
  setResident(undefined);
  h.set(a.subarray(aCover.lo, aCover.lo + aCover.span), aAt >> 2);
  h.set(b.subarray(bCover.lo, bCover.lo + bCover.span), bAt >> 2);
  const table = new Int32Array(kern.memory.buffer, tableAt, 3 * entries);
  // an operand broadcast over the batch repeats its start: it is packed once
  for (let p = 0, aLast = -1, bLast = -1, aPlaced = 0, bPlaced = 0; p < entries; p++) {
    const as = aStarts[p]!, bs = bStarts[p]!;
    if (aDirect) aPlaced = aAt + 4 * (as - aCover.lo);
    else if (as !== aLast) {
      aPlaced = aPackAt + p * aSlot;
      packA(kern, h, aPlaced, aAt + 4 * (as - aCover.lo), a, as, aCol, m, k);
    }
    if (bDirect) bPlaced = bAt + 4 * (bs - bCover.lo);
    else if (bs !== bLast) {
      bPlaced = bPackAt + p * bSlot;
      packB(kern, h, bPlaced, bAt + 4 * (bs - bCover.lo), b, bs, bRow, bCol, k, n);
    }
    aLast = as;
    bLast = bs;
    table[3 * p] = aPlaced;
    table[3 * p + 1] = bPlaced;
    table[3 * p + 2] = cAt + p * cSlot;
  }
  const args: GemmBatchArgs = [
    tableAt, 0, entries, aDirect ? 4 * aRow : 4, aDirect ? 4 : 4 * MR, aDirect ? 4 * MR * aRow : 4 * MR * k,
    bDirect ? 4 * bRow : 4 * NR, bDirect ? 4 * NR : 4 * NR * k, ldc, m, k, panels,
  ];
  // C of entries [from, to) out (the entries' C sit one after another)
  const copyOut = (from: number, to: number): void => {
    const c0 = (cAt + from * cSlot) >> 2;
    if (exact) out.set(h.subarray(c0, c0 + (to - from) * m * n), from * m * n);
    else for (let r = c0, o = from * m * n, end = to * m * n; o < end; r += ldc >> 2) for (let j = 0; j < n; j++) out[o++] = h[r + j]!;
  };
  const count = Math.min(MAX_CHUNKS, entries, Math.max(2, Math.floor((entries * m * panels * NR * k) / CHUNK_WORK)));
  const other = threaded ? helper(kern) : undefined;
  if (other !== undefined && other.ready()) {
    // each chunk's C is copied out as soon as it is done: this thread copies while the helper multiplies
    const per = Math.ceil(entries / count);
    other.share({ kind: 'batch', args, size: per, chunks: Math.ceil(entries / per) }, (i) => copyOut(i * per, Math.min(entries, (i + 1) * per)));
  } else {
    kern.gemmBatch(...args);
    copyOut(0, entries);
  }
  return true;
};

/** A (m x k, unit row step: a transposed operand) from its raw copy at `raw` into MR-row panels at `at`; the last rows (fewer than MR) packed here from `a` */
const packA = (kern: GemmKernels, h: Float32Array, at: number, raw: number, a: Float32Array, start: number, colStep: number, m: number, k: number): void => {
  const full = Math.floor(m / MR);
  kern.packA(raw, 4 * colStep, 4, at, k, full);
  for (let i0 = full * MR, o = (at >> 2) + full * MR * k; i0 < m; i0 += MR) {
    for (let q = 0; q < k; q++) for (let r = 0; r < MR; r++) h[o++] = i0 + r < m ? a[start + (i0 + r) + q * colStep]! : 0;
  }
};

/** B (k x n) from its raw copy at `raw` into zero-padded NR-wide panels at `at`; the last, partial panel packed here from `b` */
const packB = (
  kern: GemmKernels, h: Float32Array, at: number, raw: number, b: Float32Array, start: number, rowStep: number, colStep: number, k: number, n: number,
): void => {
  const full = Math.floor(n / NR);
  kern.packB(raw, 4 * rowStep, 4 * colStep, at, k, full);
  for (let j0 = full * NR, o = (at >> 2) + j0 * k; j0 < n; j0 += NR) {
    const w = Math.min(NR, n - j0);
    for (let q = 0; q < k; q++) {
      const s = start + q * rowStep + j0 * colStep;
      for (let j = 0; j < NR; j++) h[o++] = j < w ? b[s + j * colStep]! : 0;
    }
  }
};
