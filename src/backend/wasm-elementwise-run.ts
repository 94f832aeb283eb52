/** @file Runs float32 elementwise ops on the wasm loops: operands copied in (one memcpy each, or one per row of a sparse operand), one call per block of rows, the result copied out. */
import { heap, ringHeap, setResident, wasmKernels } from './wasm-matmul.js';
import { residentAddress, RING_AT } from './wasm-resident.js';
import { SV, VS, VV, type WasmBinary } from './wasm-elementwise.js';
import type { WasmUnary } from './wasm-transcendental.js';

const align16 = (n: number): number => (n + 15) & ~15;
/** fewer elements than this stay on the JS loops (the copies and the call cost more than they save) */
export const WASM_FROM = 2048;
/** an operand's storage span may be at most this much larger than what it reads (else the JS loops read it in place) */
const SLACK = 2;

/** one operand over a block plan: its storage, the start of each block, its row step and its element step (0 or 1) */
interface Operand { readonly data: Float32Array; readonly starts: ArrayLike<number>; readonly rowStep: number; readonly step: number }

/** the storage span one operand reads over `blocks` x `rows` x `n` from its first start, or -1 when it is not a compact non-negative walk */
const spanOf = (o: Operand, blocks: number, rows: number, n: number): number => {
  if (o.rowStep < 0 || (o.step !== 0 && o.step !== 1)) return -1;
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < blocks; k++) { lo = Math.min(lo, o.starts[k]!); hi = Math.max(hi, o.starts[k]!); }
  const last = hi + (rows - 1) * o.rowStep + (o.step === 1 ? n - 1 : 0);
  return lo === o.starts[0] ? last - lo + 1 : -1;
};

/**
 * out = a (op) b over a block plan (`blocks` blocks of `rows` rows of n, each operand stepping by
 * 0 or 1 along a row), on the wasm loops; false (nothing done) when there are no kernels, the
 * pattern has no loop (both operands scalars), an operand reads its storage too sparsely, or
 * the memory cannot hold it all.
 */
export const binaryWasm = (
  op: WasmBinary, out: Float32Array, blocks: number, rows: number, n: number, a: Operand, b: Operand,
): boolean => {
  const pattern = a.step === 1 && b.step === 1 ? VV : a.step === 1 ? VS : b.step === 1 ? SV : -1;
  const size = blocks * rows * n, kern = wasmKernels();
  if (pattern < 0 || kern === undefined) return false;
  const aSpan = spanOf(a, blocks, rows, n), bSpan = spanOf(b, blocks, rows, n);
  if (aSpan < 0 || bSpan < 0 || aSpan > SLACK * size + 64 || bSpan > SLACK * size + 64) return false;
  const dAt = 0, aAt = align16(4 * size), bAt = align16(aAt + 4 * aSpan), bytes = bAt + 4 * bSpan;
  const a0 = a.starts[0]!, b0 = b.starts[0]!;
  // an operand read again is read in place from the ring of kept copies (before the scratch view: the ring may grow the memory)
  const ka = bytes > RING_AT ? undefined : residentAddress(a.data, () => ringHeap(kern));
  const kb = bytes > RING_AT ? undefined : residentAddress(b.data, () => ringHeap(kern));
  setResident(undefined);
  const h = heap(kern, bytes);
  if (h === undefined) return false;
  if (ka === undefined) h.set(a.data.subarray(a0, a0 + aSpan), aAt >> 2);
  if (kb === undefined) h.set(b.data.subarray(b0, b0 + bSpan), bAt >> 2);
  const aBase = ka === undefined ? aAt : ka + 4 * a0, bBase = kb === undefined ? bAt : kb + 4 * b0;
  const f = kern.ew.binary[op];
  for (let k = 0; k < blocks; k++) {
    f(dAt + 4 * k * rows * n, aBase + 4 * (a.starts[k]! - a0), bBase + 4 * (b.starts[k]! - b0), rows, n, 4 * a.rowStep, 4 * b.rowStep, pattern);
  }
  out.set(h.subarray(0, size));
  return true;
};

/** out = relu(x) for a contiguous run of x (n floats from `start`) on the wasm loop; false without kernels or room */
export const reluWasm = (out: Float32Array, x: Float32Array, start: number, n: number): boolean => {
  const kern = wasmKernels();
  if (kern === undefined) return false;
  const xAt = align16(4 * n);
  setResident(undefined);
  const h = heap(kern, xAt + 4 * n);
  if (h === undefined) return false;
  h.set(x.subarray(start, start + n), xAt >> 2);
  kern.ew.relu(0, xAt, n);
  out.set(h.subarray(0, n));
  return true;
};

/**
 * exp, log, tanh and sigmoid run on the wasm loops from this many elements: the JS loops spend
 * 10-25 ns an element (Math.exp and friends), the wasm loops 2-5 ns with the copies, plus ~0.7 us
 * a call (measured: even at 64 elements, 0.7-0.8 us against 0.8-1.3 us)
 */
export const WASM_UNARY_FROM = 64;
/** rows sparser than SLACK allows are copied one by one down to this length (a copy costs ~0.1 us, what the JS loops spend on ~10 elements); shorter ones stay on the JS loops */
const MIN_ROW = 16;

/**
 * out = op(x) (exp, log, tanh, sigmoid) over a block plan of x (`blocks` blocks of `rows` rows of n,
 * unit steps along a row) on the wasm loops, within WASM_UNARY_ULP of the JS loops' results. x's
 * storage span is copied in whole when compact, else row by row (a gate sliced out of a wider
 * matrix); false (nothing done) without kernels or room, for non-unit steps and for sparse short rows.
 */
export const unaryWasm = (op: WasmUnary, out: Float32Array, blocks: number, rows: number, n: number, x: Operand): boolean => {
  const kern = wasmKernels();
  if (kern === undefined || x.step !== 1) return false;
  const size = blocks * rows * n, span = spanOf(x, blocks, rows, n), compact = span >= 0 && span <= SLACK * size + 64;
  if (!compact && n < MIN_ROW) return false;
  // the loops run whole vectors: 16 bytes of room after the result and after x's last row
  const dAt = 0, xAt = align16(4 * size + 16);
  setResident(undefined);
  const h = heap(kern, xAt + 4 * (compact ? span : size) + 16);
  if (h === undefined) return false;
  const f = kern.ew.unary[op];
  if (compact) {
    const x0 = x.starts[0]!;
    h.set(x.data.subarray(x0, x0 + span), xAt >> 2);
    for (let k = 0; k < blocks; k++) f(dAt + 4 * k * rows * n, xAt + 4 * (x.starts[k]! - x0), rows, n, 4 * x.rowStep);
  } else {
    for (let k = 0, at = xAt >> 2; k < blocks; k++) {
      for (let r = 0, p = x.starts[k]!; r < rows; r++, p += x.rowStep, at += n) h.set(x.data.subarray(p, p + n), at);
    }
    f(dAt, xAt, 1, size, 0);
  }
  out.set(h.subarray(0, size));
  return true;
};

/**
 * out = parts[0] + parts[1] + ... (in that order, each sum rounded to float32: the chained adds'
 * results) for contiguous runs of n floats, on the wasm add loop; false without kernels or room.
 */
export const sumWasm = (out: Float32Array, parts: readonly (readonly [Float32Array, number])[], n: number): boolean => {
  const kern = wasmKernels();
  if (kern === undefined || parts.length < 2) return false;
  const accAt = 0, tmpAt = align16(4 * n);
  setResident(undefined);
  const h = heap(kern, tmpAt + 4 * n);
  if (h === undefined) return false;
  const [first, start] = parts[0]!;
  h.set(first.subarray(start, start + n), accAt >> 2);
  for (let i = 1; i < parts.length; i++) {
    const [data, at] = parts[i]!;
    h.set(data.subarray(at, at + n), tmpAt >> 2);
    kern.ew.binary.add(accAt, accAt, tmpAt, 1, n, 0, 0, VV);
  }
  out.set(h.subarray(0, n));
  return true;
};
