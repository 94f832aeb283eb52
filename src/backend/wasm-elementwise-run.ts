/** @file Runs float32 elementwise ops on the wasm loops: operands copied in (one memcpy each), one call per block of rows, the result copied out. */
import { heap, setResident, wasmKernels } from './wasm-matmul.js';
import { SV, VS, VV, type WasmBinary } from './wasm-elementwise.js';

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
  const dAt = 0, aAt = align16(4 * size), bAt = align16(aAt + 4 * aSpan);
  setResident(undefined);
  const h = heap(kern, bAt + 4 * bSpan);
  if (h === undefined) return false;
  const a0 = a.starts[0]!, b0 = b.starts[0]!;
  h.set(a.data.subarray(a0, a0 + aSpan), aAt >> 2);
  h.set(b.data.subarray(b0, b0 + bSpan), bAt >> 2);
  const f = kern.ew.binary[op];
  for (let k = 0; k < blocks; k++) {
    f(dAt + 4 * k * rows * n, aAt + 4 * (a.starts[k]! - a0), bAt + 4 * (b.starts[k]! - b0), rows, n, 4 * a.rowStep, 4 * b.rowStep, pattern);
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
