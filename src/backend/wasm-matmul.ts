/** @file Matmul on the WebAssembly SIMD kernels: operands copied (or packed) into one growable memory, the wasm gemm run (halved with a helper thread when big), C copied out. */
import type { MatmulJob } from './fast-matmul.js';
import { MR, NR, compileGemm, type GemmArgs, type GemmKernels } from './wasm-gemm.js';
import { startHelper, type Helper } from './wasm-threads.js';
import { wasmApi, type MemoryType } from './wasm-emit.js';

/** a float32 matrix in JS storage: element (i, j) is data[start + i * rowStep + j * colStep] */
interface Source {
  readonly data: Float32Array;
  readonly start: number;
  readonly rowStep: number;
  readonly colStep: number;
}

const PAGE = 65536;
/** a strided operand whose storage span is at most this many times its size is copied whole (memcpy) instead of packed element by element */
const SPAN_SLACK = 2;
/** the widest B (in floats) the tiles read in place rather than packed: 1 KiB rows, four to a page (2x on 32x512x128 over packing; 4 KiB rows lose 20%) */
const DIRECT_WIDTH = 256;

const align16 = (n: number): number => (n + 15) & ~15;

/** the kernels with their memory, compiled on first use; undefined without WebAssembly SIMD */
let compiled: GemmKernels | undefined | null = null;
/** 1 GiB at most (a shared memory needs a maximum); jobs that need more run on the JS kernel */
const MAX_PAGES = 16384;
/** the wasm kernels (fused multiply-add when the runtime has relaxed SIMD), or undefined to use the JS kernel */
export const wasmKernels = (): GemmKernels | undefined => {
  if (compiled === null) {
    const api = wasmApi;
    const type: MemoryType = { initial: 16, maximum: MAX_PAGES, shared: typeof SharedArrayBuffer !== 'undefined' };
    compiled = api === undefined ? undefined : compileGemm(new api.Memory(type), type, true);
  }
  return compiled;
};

/** the helper thread, started on the first job big enough; undefined where there are no threads */
let helperThread: Helper | undefined | null = null;
const helper = (kern: GemmKernels): Helper | undefined => {
  if (helperThread === null) helperThread = startHelper(kern);
  return helperThread;
};
/** starts the helper thread if need be and waits (at most `ms`) for it to boot; false without one (tests use this to reach the two-thread path) */
export const helperBooted = (ms: number): boolean => {
  const kern = wasmKernels(), h = kern === undefined ? undefined : helper(kern);
  const until = performance.now() + ms;
  while (h !== undefined && !h.ready() && performance.now() < until);
  return h?.ready() ?? false;
};

/** a Float32Array over the whole memory, grown first to hold `bytes`; undefined past the maximum */
const heap = (k: GemmKernels, bytes: number): Float32Array | undefined => {
  const have = k.memory.buffer.byteLength;
  if (bytes > MAX_PAGES * PAGE) return undefined;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return new Float32Array(k.memory.buffer);
};

/**
 * One gemm call (m >= 1, panels >= 1), split in two halves when `threaded`: by rows (whole MR
 * tiles) or by panels, whichever is longer; the helper takes the second half while this thread
 * runs the first. A product too small to halve, or a helper still booting, runs here alone.
 */
const gemm = (kern: GemmKernels, args: GemmArgs, threaded: Helper | undefined): void => {
  const [a, aRow, aCol, b, bK, bPanel, c, cRow, m, k, panels] = args;
  const m1 = Math.ceil(m / 2 / MR) * MR, p1 = Math.ceil(panels / 2);
  const canRows = m1 < m, canPanels = p1 < panels, byRows = canRows && (m >= panels * NR || !canPanels);
  if (threaded === undefined || !threaded.ready() || (!canRows && !canPanels)) {
    kern.gemm(...args);
    return;
  }
  if (byRows) {
    threaded.start([a + m1 * aRow, aRow, aCol, b, bK, bPanel, c + m1 * cRow, cRow, m - m1, k, panels]);
    kern.gemm(a, aRow, aCol, b, bK, bPanel, c, cRow, m1, k, panels);
  } else {
    threaded.start([a, aRow, aCol, b + p1 * bPanel, bK, bPanel, c + p1 * NR * 4, cRow, m, k, panels - p1]);
    kern.gemm(a, aRow, aCol, b, bK, bPanel, c, cRow, m, k, p1);
  }
  threaded.finish();
};

/** how an operand sits in wasm memory: where, and the byte steps the kernel reads it with */
interface Placed { readonly at: number; readonly rowStep: number; readonly colStep: number }

/** the storage span a non-negative-strided matrix covers, or Infinity when a stride is negative */
const spanOf = (s: Source, rows: number, cols: number): number =>
  s.rowStep < 0 || s.colStep < 0 ? Infinity : (rows - 1) * s.rowStep + (cols - 1) * s.colStep + 1;

/** A (m x k) into memory at `at`: its span copied whole when compact (any strides, transposed included), else packed row-major */
const placeA = (h: Float32Array, at: number, a: Source, m: number, k: number): Placed => {
  const span = spanOf(a, m, k), base = at >> 2;
  if (span <= SPAN_SLACK * m * k + 64) {
    h.set(a.data.subarray(a.start, a.start + span), base);
    return { at, rowStep: 4 * a.rowStep, colStep: 4 * a.colStep };
  }
  for (let i = 0, o = base; i < m; i++) for (let q = 0, s = a.start + i * a.rowStep; q < k; q++, s += a.colStep) h[o++] = a.data[s]!;
  return { at, rowStep: 4 * k, colStep: 4 };
};

/**
 * B (k x n) into memory at `at`: copied whole when its rows are short, unit-stride and a multiple
 * of NR (the tiles then read them in place), else packed into zero-padded NR-wide panels. Long
 * rows are always packed: a panel read across rows a page apart misses the TLB on every step.
 */
const placeB = (h: Float32Array, at: number, b: Source, k: number, n: number): Placed => {
  const base = at >> 2, span = spanOf(b, k, n);
  if (b.colStep === 1 && n % NR === 0 && n <= DIRECT_WIDTH && span <= SPAN_SLACK * k * n + 64) {
    h.set(b.data.subarray(b.start, b.start + span), base);
    return { at, rowStep: 4 * b.rowStep, colStep: 4 * NR }; // rowStep: next q; colStep: next panel
  }
  const { data, rowStep, colStep } = b;
  for (let j0 = 0, o = base; j0 < n; j0 += NR) {
    const w = Math.min(NR, n - j0);
    for (let q = 0; q < k; q++) {
      const s = b.start + q * rowStep + j0 * colStep;
      for (let j = 0; j < NR; j++) h[o++] = j < w ? data[s + j * colStep]! : 0;
    }
  }
  return { at, rowStep: 4 * NR, colStep: 4 * NR * k };
};

/** the bytes B takes in memory when placed (the larger, packed, layout) */
const bBytes = (k: number, n: number): number => 4 * k * Math.ceil(n / NR) * NR;

/**
 * Every batch entry of `job` on the wasm tiles into the contiguous float32 `out` (k >= 1); false
 * (and nothing done) when the operands would not fit the memory's maximum. Each output is one
 * lane of one f32x4 accumulator, summed over q in order in float32 (float64 lanes would halve the
 * throughput), so results are within float32 rounding of the reference's float64 sums. Entries
 * of at least `threadsFrom` multiply-adds are split with the helper thread, where there is one.
 */
export const matmulWasm = (
  kern: GemmKernels, a: Float32Array, aSteps: readonly [number, number], b: Float32Array, bSteps: readonly [number, number],
  job: MatmulJob, out: Float32Array, threadsFrom: number,
): boolean => {
  const { m, k, n, aStarts, bStarts } = job;
  const panels = Math.ceil(n / NR), exact = n % NR === 0;
  const aSpan = Math.min(spanOf({ data: a, start: 0, rowStep: aSteps[0], colStep: aSteps[1] }, m, k), SPAN_SLACK * m * k + 64);
  const aAt = 0, bAt = align16(aAt + 4 * aSpan), cAt = align16(bAt + bBytes(k, n));
  const ldc = 4 * (exact ? n : panels * NR);
  const h = heap(kern, cAt + ldc * m);
  if (h === undefined) return false;
  const threaded = m * n * k >= threadsFrom ? helper(kern) : undefined;
  // a broadcast operand repeats its start: it is placed once
  let aPlaced: Placed | undefined, aLoaded = -1, bPlaced: Placed | undefined, bLoaded = -1;
  for (let p = 0; p < aStarts.length; p++) {
    if (aStarts[p] !== aLoaded || aPlaced === undefined) {
      aLoaded = aStarts[p]!;
      aPlaced = placeA(h, aAt, { data: a, start: aLoaded, rowStep: aSteps[0], colStep: aSteps[1] }, m, k);
    }
    if (bStarts[p] !== bLoaded || bPlaced === undefined) {
      bLoaded = bStarts[p]!;
      bPlaced = placeB(h, bAt, { data: b, start: bLoaded, rowStep: bSteps[0], colStep: bSteps[1] }, k, n);
    }
    gemm(kern, [aPlaced.at, aPlaced.rowStep, aPlaced.colStep, bPlaced.at, bPlaced.rowStep, bPlaced.colStep, cAt, ldc, m, k, panels], threaded);
    const c0 = cAt >> 2, o = p * m * n;
    if (exact) out.set(h.subarray(c0, c0 + m * n), o);
    else for (let i = 0, w = ldc >> 2; i < m; i++) for (let j = 0; j < n; j++) out[o + i * n + j] = h[c0 + i * w + j]!;
  }
  return true;
};
