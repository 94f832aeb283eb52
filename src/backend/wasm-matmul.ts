/** @file Matmul on the WebAssembly SIMD kernels: operands copied (or packed by the wasm packers) into one growable memory, the wasm gemm run (its chunks shared with a helper thread when big), C copied out. */
import type { MatmulJob } from './fast-matmul.js';
import { MR, NR, compileGemm, type GemmArgs, type GemmKernels } from './wasm-gemm.js';
import { startHelper, type Helper } from './wasm-threads.js';
import { forgetResident, RING_AT, RING_END, wipeResident } from './wasm-resident.js';
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
export const SPAN_SLACK = 2;
/** the widest B (in floats) the tiles read in place rather than packed: 1 KiB rows, four to a page (2x on 32x512x128 over packing; 4 KiB rows lose 20%) */
export const DIRECT_WIDTH = 256;
/** up to this many rows of A, B is read in place whatever its width: packing it would cost more than the slower reads (1.9x on 32x128x512) */
export const DIRECT_ROWS = 256;

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

/** the helper thread, started on the first job big enough (matmul or conv); undefined where there are no threads */
let helperThread: Helper | undefined | null = null;
export const helper = (kern: GemmKernels): Helper | undefined => {
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

/** what the fast kernels run on in this runtime (see kernelInfo) */
export interface KernelInfo {
  /** WebAssembly SIMD kernels (else the JS loops) */
  readonly wasmSimd: boolean;
  /** relaxed-SIMD fused multiply-add in the products (Chromium; Node 22+, or 20 behind --experimental-wasm-relaxed-simd) */
  readonly fusedMultiplyAdd: boolean;
  /** the kernels' memory is shared (SharedArrayBuffer: Node, or a cross-origin isolated page) */
  readonly sharedMemory: boolean;
  /** 2 once the helper thread (a worker thread, or a Web Worker) has booted, else 1 */
  readonly threads: 1 | 2;
}
/**
 * What the fast kernels run on here. Asking starts the helper thread if this runtime can have one
 * (it is otherwise started by the first big product) and waits at most `waitMs` for it to boot.
 * @example kernelInfo({ waitMs: 2000 }) // { wasmSimd: true, fusedMultiplyAdd: false, sharedMemory: true, threads: 2 } on Node 20
 */
export const kernelInfo = (options: { readonly waitMs?: number } = {}): KernelInfo => {
  const kern = wasmKernels();
  return {
    wasmSimd: kern !== undefined,
    fusedMultiplyAdd: kern?.fused ?? false,
    sharedMemory: typeof SharedArrayBuffer !== 'undefined' && kern?.memory.buffer instanceof SharedArrayBuffer,
    threads: helperBooted(options.waitMs ?? 0) ? 2 : 1,
  };
};

/**
 * The JS array whose exact contents (all of it) sit at address 0 of the kernels' memory: patches
 * leaves its output there, so that the product that takes it next (a convolution's) reads it in
 * place instead of copying it in again. Storage is never written once it is a tensor's, so the
 * array identity is enough; anything else that writes the memory clears this first.
 */
let resident: Float32Array | undefined;
/** records that `data` now sits at address 0 (or that nothing known does) */
export const setResident = (data: Float32Array | undefined): void => { resident = data; };
/** forgets `data` if it is the resident array or kept in the ring (its storage is about to be reused with other contents) */
export const forgetStorage = (data: object): void => {
  if (resident === data) resident = undefined;
  forgetResident(data);
};

/** a Float32Array over the whole memory, grown first to hold `bytes` of scratch (past RING_AT the kept copies are wiped); undefined past the maximum */
export const heap = (k: GemmKernels, bytes: number): Float32Array | undefined => {
  if (bytes > RING_AT) wipeResident();
  return grown(k, bytes);
};
const grown = (k: GemmKernels, bytes: number): Float32Array | undefined => {
  const have = k.memory.buffer.byteLength;
  if (bytes > MAX_PAGES * PAGE) return undefined;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return new Float32Array(k.memory.buffer);
};
/**
 * The memory grown to hold the ring of kept copies too (wasm-resident), where it is shared
 * (growing it then reserves address space only); undefined elsewhere (no ring).
 */
export const ringHeap = (k: GemmKernels): Float32Array | undefined =>
  k.memory.buffer instanceof ArrayBuffer ? undefined : grown(k, RING_END);

/** chunks per shared gemm call, at most: enough for the caller to take over a late helper's share, few enough that re-reading the other operand per chunk stays cheap */
const MAX_CHUNKS = 8;
/** multiply-adds per chunk, at least (about 10 us): a helper that starts its last chunk late keeps this thread waiting no longer than that */
const CHUNK_WORK = 1 << 18;

/**
 * One gemm call (m >= 1, panels >= 1), shared with the helper thread when `threaded`: cut by rows
 * (whole MR tiles) or by panels, whichever is longer, into chunks that this thread and the helper
 * claim in turn. A product too small to cut, or a helper still booting, runs here alone. `done`
 * is called with row ranges [from, to) of C once they are complete (all of them, in some order):
 * by rows, as each chunk is done, so that C is copied out while the helper still multiplies.
 */
const gemm = (kern: GemmKernels, args: GemmArgs, threaded: Helper | undefined, done: (from: number, to: number) => void): void => {
  const m = args[9], k = args[10], panels = args[11];
  const tiles = Math.ceil(m / MR), byRows = tiles >= panels * (NR / MR) || panels < 2;
  const units = byRows ? tiles : panels;
  const count = Math.min(MAX_CHUNKS, units, Math.max(2, Math.floor((m * panels * NR * k) / CHUNK_WORK)));
  if (threaded === undefined || !threaded.ready() || count < 2) {
    kern.gemm(...args);
    done(0, m);
    return;
  }
  const per = Math.ceil(units / count), size = byRows ? per * MR : per;
  const job = { kind: 'gemm', args, split: { byRows, size, count: Math.ceil(units / per) } } as const;
  if (!byRows) {
    threaded.share(job);
    done(0, m);
    return;
  }
  threaded.share(job, (i) => done(i * size, Math.min(m, (i + 1) * size)));
};

/** how an operand sits in wasm memory: where, and the byte steps the kernel reads it with (tileStep: from one MR-row tile of A to the next) */
interface Placed { readonly at: number; readonly rowStep: number; readonly colStep: number; readonly tileStep: number }

/** the storage span a non-negative-strided matrix covers, or Infinity when a stride is negative */
const spanOf = (s: Source, rows: number, cols: number): number =>
  s.rowStep < 0 || s.colStep < 0 ? Infinity : (rows - 1) * s.rowStep + (cols - 1) * s.colStep + 1;

/**
 * A (m x k) into memory at `at`. Compact and row-major (unit column step): its span copied whole,
 * read in place. Compact and transposed (unit row step, a column step past MR): copied raw to
 * `raw`, then packed by the wasm packer into MR-row panels that the tiles stream through (read
 * in place, each step of q would jump a whole column: a new cache line and often a new page).
 * Any other layout: copied whole when compact, else packed row-major here.
 */
const placeA = (kern: GemmKernels, h: Float32Array, at: number, raw: number, a: Source, m: number, k: number): Placed => {
  const span = spanOf(a, m, k), base = at >> 2, compact = span <= SPAN_SLACK * m * k + 64;
  if (compact && a.rowStep === 1 && a.colStep > MR && m >= MR) {
    const full = Math.floor(m / MR);
    h.set(a.data.subarray(a.start, a.start + span), raw >> 2);
    kern.packA(raw, 4 * a.colStep, 4, at, k, full);
    // the last rows (fewer than MR): their own panel, packed here
    for (let i0 = full * MR, o = base + full * MR * k; i0 < m; i0 += MR) {
      for (let q = 0; q < k; q++) for (let r = 0; r < MR; r++) h[o++] = i0 + r < m ? a.data[a.start + (i0 + r) + q * a.colStep]! : 0;
    }
    return { at, rowStep: 4, colStep: 4 * MR, tileStep: 4 * MR * k };
  }
  if (compact) {
    h.set(a.data.subarray(a.start, a.start + span), base);
    return { at, rowStep: 4 * a.rowStep, colStep: 4 * a.colStep, tileStep: 4 * MR * a.rowStep };
  }
  for (let i = 0, o = base; i < m; i++) for (let q = 0, s = a.start + i * a.rowStep; q < k; q++, s += a.colStep) h[o++] = a.data[s]!;
  return { at, rowStep: 4 * k, colStep: 4, tileStep: 4 * MR * k };
};

/**
 * B (k x n) into memory at `at`: copied whole when its rows are unit-stride, a multiple of NR and
 * short (or A has few rows to amortise packing over): the tiles then read them in place; else
 * packed into zero-padded NR-wide panels (a panel read across long rows misses the TLB on every
 * step). A compact B is packed by the wasm packer from a raw copy at `raw` (memcpy, then a pass
 * in wasm: several times faster than packing from JS, transposed operands included); the last,
 * partial panel and sparse or reversed operands are packed here.
 */
const placeB = (kern: GemmKernels, h: Float32Array, at: number, raw: number, b: Source, k: number, n: number, m: number): Placed => {
  const base = at >> 2, span = spanOf(b, k, n), compact = span <= SPAN_SLACK * k * n + 64;
  if (b.colStep === 1 && n % NR === 0 && (n <= DIRECT_WIDTH || m <= DIRECT_ROWS) && compact) {
    h.set(b.data.subarray(b.start, b.start + span), base);
    return { at, rowStep: 4 * b.rowStep, colStep: 4 * NR, tileStep: 0 }; // rowStep: next q; colStep: next panel
  }
  const { data, rowStep, colStep } = b;
  let j0 = 0;
  if (compact) {
    const full = Math.floor(n / NR);
    h.set(data.subarray(b.start, b.start + span), raw >> 2);
    kern.packB(raw, 4 * rowStep, 4 * colStep, at, k, full);
    j0 = full * NR;
  }
  for (let o = base + j0 * k; j0 < n; j0 += NR) {
    const w = Math.min(NR, n - j0);
    for (let q = 0; q < k; q++) {
      const s = b.start + q * rowStep + j0 * colStep;
      for (let j = 0; j < NR; j++) h[o++] = j < w ? data[s + j * colStep]! : 0;
    }
  }
  return { at, rowStep: 4 * NR, colStep: 4 * NR * k, tileStep: 0 };
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
  const bSpan = spanOf({ data: b, start: 0, rowStep: bSteps[0], colStep: bSteps[1] }, k, n);
  const aAt = 0, bAt = align16(aAt + 4 * Math.max(aSpan, Math.ceil(m / MR) * MR * k)), cAt = align16(bAt + bBytes(k, n));
  const ldc = 4 * (exact ? n : panels * NR);
  // after C: room for a raw copy of A or B (one at a time) when it is compact enough to be packed by the wasm packers
  const rawAt = align16(cAt + ldc * m), rawBytes = 4 * Math.max(aSpan, bSpan <= SPAN_SLACK * k * n + 64 ? bSpan : 0);
  const h = heap(kern, rawAt + rawBytes);
  if (h === undefined) return false;
  if (resident !== a) resident = undefined;
  const threaded = m * n * k >= threadsFrom ? helper(kern) : undefined;
  // a broadcast operand repeats its start: it is placed once
  let aPlaced: Placed | undefined, aLoaded = -1, bPlaced: Placed | undefined, bLoaded = -1;
  for (let p = 0; p < aStarts.length; p++) {
    if (aStarts[p] !== aLoaded || aPlaced === undefined) {
      aLoaded = aStarts[p]!;
      aPlaced = resident === a && aLoaded === 0 && aSteps[0] === k && aSteps[1] === 1 && a.length === m * k
        ? { at: 0, rowStep: 4 * k, colStep: 4, tileStep: 4 * MR * k }
        : placeA(kern, h, aAt, rawAt, { data: a, start: aLoaded, rowStep: aSteps[0], colStep: aSteps[1] }, m, k);
      resident = undefined;
    }
    if (bStarts[p] !== bLoaded || bPlaced === undefined) {
      bLoaded = bStarts[p]!;
      bPlaced = placeB(kern, h, bAt, rawAt, { data: b, start: bLoaded, rowStep: bSteps[0], colStep: bSteps[1] }, k, n, m);
    }
    const c0 = cAt >> 2, o = p * m * n, w = ldc >> 2;
    gemm(kern, [aPlaced.at, aPlaced.rowStep, aPlaced.colStep, aPlaced.tileStep, bPlaced.at, bPlaced.rowStep, bPlaced.colStep, cAt, ldc, m, k, panels], threaded, (from, to) => {
      if (exact) out.set(h.subarray(c0 + from * n, c0 + to * n), o + from * n);
      else for (let i = from; i < to; i++) for (let j = 0; j < n; j++) out[o + i * n + j] = h[c0 + i * w + j]!;
    });
  }
  return true;
};
