/** @file Fast elementwise kernels: unary, binary, where and cast as plain loops over merged axes (the reference's results, bit for bit, but for exp, log, tanh and sigmoid on the wasm loops: within a measured ulp bound). */
import type { DType, Storage } from '../dtype/index.js';
import type { BinaryOp, UnaryOp } from './backend.js';
import { binaryLoop, copy, reluBits, select, selectBits, truth, unaryLoop, type UnaryLoop } from './fast-loops.js';
import { flatBinary, flatCompare, flatWhere, reluGradBits } from './fast-flat.js';
import { broadcasts, plan } from './fast-plan.js';
import * as ref from './reference-elementwise.js';
import { broadcastStrides, overwritten, type View } from './view.js';
import { WASM_BINARY, type WasmBinary } from './wasm-elementwise.js';
import type { FusedProgram } from './fused-program.js';
import { fusedWasm } from './wasm-fused.js';
import { binaryWasm, reluWasm, unaryWasm, WASM_FROM, WASM_UNARY_FROM } from './wasm-elementwise-run.js';
import { WASM_UNARY, type WasmUnary } from './wasm-transcendental.js';

/** runs a one-input loop over all of `x` into `res`, by default a fresh contiguous view of dtype `out` */
const map1 = (loop: UnaryLoop, x: View, out: DType, res: View = overwritten(out, x.shape)): View => {
  if (res.data.length === 0) return res;
  const p = plan(x.shape, [x]), xs = p.starts[0]!, size = p.rows * p.n;
  const xr = p.rowSteps[0]!, xc = p.steps[0]!, src = x.data, dst = res.data;
  for (let k = 0; k < p.blocks; k++) loop(dst, k * size, p.rows, p.n, src, xs[k]!, xr, xc);
  return res;
};

/**
 * out[i] = f(x[i]); the rarer functions run on the reference kernel. exp, log, tanh and sigmoid
 * of float32 storage into float32 storage run on the wasm loops from WASM_UNARY_FROM elements (within
 * WASM_UNARY_ULP ulp of the JS loops' correctly rounded results); float64 storage (withFloat64),
 * runtimes without wasm SIMD and views the copy-in does not suit run on the JS loops.
 */
export const unary = (op: UnaryOp, x: View, out: DType): View => {
  if (op === 'relu' && out === 'float32' && x.dtype === 'float32' && x.data instanceof Float32Array) return reluFloat32(x);
  const loop = unaryLoop(op, out);
  if (loop === undefined) return ref.unary(op, x, out);
  const res = overwritten(out, x.shape);
  if (res.data instanceof Float32Array && x.data instanceof Float32Array && x.dtype === 'float32' && res.data.length >= WASM_UNARY_FROM && isWasmUnary(op)) {
    const p = plan(x.shape, [x]);
    if (unaryWasm(op, res.data, p.blocks, p.rows, p.n, { data: x.data, starts: p.starts[0]!, rowStep: p.rowSteps[0]!, step: p.steps[0]! })) return res;
  }
  return map1(loop, x, out, res);
};

/** relu of float32 storage: the branchless loop on 32-bit patterns (a branch on the sign mispredicts on activations) */
const reluFloat32 = (x: View): View => {
  const res = overwritten('float32', x.shape);
  if (res.data.length === 0) return res;
  // under withFloat64 the output is a Float64Array: the plain loop
  if (!(res.data instanceof Float32Array)) return map1(unaryLoop('relu', 'float32')!, x, 'float32');
  const p = plan(x.shape, [x]), xs = p.starts[0]!, size = p.rows * p.n;
  if (p.blocks === 1 && p.rows === 1 && p.steps[0] === 1 && size >= WASM_FROM && reluWasm(res.data, x.data as Float32Array, xs[0]!, size)) return res;
  const src = bits(x.data)!, dst = bits(res.data)!, xr = p.rowSteps[0]!, xc = p.steps[0]!;
  for (let k = 0; k < p.blocks; k++) reluBits(dst, k * size, p.rows, p.n, src, xs[k]!, xr, xc);
  return res;
};

/** out[i] = f(a[i], b[i]) over the broadcast `shape` (broadcast operands step by 0) */
export const binary = (op: BinaryOp, a: View, b: View, shape: readonly number[], out: DType): View => {
  const loop = binaryLoop(op, out);
  // the reference also owns the errors (operands that do not broadcast, int32 division)
  if (loop === undefined || !broadcasts(a.shape, shape) || !broadcasts(b.shape, shape)) return ref.binary(op, a, b, shape, out);
  // the pullbacks of relu, sigmoid and tanh on the fused wasm kernel (one node; about twice the JS loops' speed on big runs)
  const pullback = PULLBACKS[op];
  if (pullback !== undefined && out === 'float32' && a.data instanceof Float32Array && b.data instanceof Float32Array) {
    const done = fusedWasm(pullback, [a, b], shape);
    if (done !== undefined) return done;
  }
  const res = overwritten(out, shape);
  if (res.data.length === 0) return res;
  const p = plan(shape, [
    { strides: broadcastStrides(a, shape), offset: a.offset },
    { strides: broadcastStrides(b, shape), offset: b.offset },
  ]);
  const [as, bs] = p.starts, [ar, br] = p.rowSteps, [ac, bc] = p.steps, size = p.rows * p.n;
  const ad = a.data, bd = b.data, dst = res.data;
  // relu's pullback on contiguous float32 runs: the branchless pass on bit patterns
  if (op === 'reluGrad' && p.blocks === 1 && p.rows === 1 && ac === 1 && bc === 1 && dst instanceof Float32Array && ad instanceof Float32Array && bd instanceof Float32Array) {
    reluGradBits(bits(dst)!, 0, bits(ad)!, as![0]!, bits(bd)!, bs![0]!, p.n);
    return res;
  }
  const floats = ad instanceof Float32Array && bd instanceof Float32Array;
  const flat = floats && dst instanceof Float32Array, compare = floats && dst instanceof Uint8Array;
  if (flat && res.data.length >= WASM_FROM && isWasmBinary(op) && binaryWasm(op, dst, p.blocks, p.rows, p.n,
    { data: ad, starts: as!, rowStep: ar!, step: ac! }, { data: bd, starts: bs!, rowStep: br!, step: bc! })) return res;
  for (let k = 0; k < p.blocks; k++) {
    if (flat && flatBinary(op, dst, k * size, p.rows, p.n, ad, as![k]!, ar!, ac!, bd, bs![k]!, br!, bc!)) continue;
    if (compare && flatCompare(op, dst, k * size, p.rows, p.n, ad, as![k]!, ar!, ac!, bd, bs![k]!, br!, bc!)) continue;
    loop(dst, k * size, p.rows, p.n, ad, as![k]!, ar!, ac!, bd, bs![k]!, br!, bc!);
  }
  return res;
};

/** one-node fused programs for the pullbacks the wasm elementwise loops do not have */
const pullbackProgram = (op: BinaryOp): FusedProgram => ({
  nodes: [{ kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'binary', op, a: 0, b: 1 }],
  dtypes: ['float32', 'float32', 'float32'], outputs: [2], inputs: 2,
});
const PULLBACKS: { readonly [K in BinaryOp]?: FusedProgram } = {
  reluGrad: pullbackProgram('reluGrad'), sigmoidGrad: pullbackProgram('sigmoidGrad'), tanhGrad: pullbackProgram('tanhGrad'),
};
const isWasmBinary = (op: BinaryOp): op is WasmBinary => (WASM_BINARY as readonly string[]).includes(op);
const isWasmUnary = (op: UnaryOp): op is WasmUnary => (WASM_UNARY as readonly string[]).includes(op);

/** an Int32Array over the same bytes as 32-bit storage (float32 or int32 arrays), else undefined */
const bits = (data: Storage): Int32Array | undefined =>
  data instanceof Int32Array ? data
  : data instanceof Float32Array ? new Int32Array(data.buffer, data.byteOffset, data.length)
  : undefined;

/** out[i] = cond[i] ? a[i] : b[i] over the broadcast `shape`; bool results run on the reference kernel */
export const where = (cond: View, a: View, b: View, shape: readonly number[], out: DType): View => {
  if (out === 'bool' || ![cond, a, b].every((v) => broadcasts(v.shape, shape))) return ref.where(cond, a, b, shape, out);
  const res = overwritten(out, shape);
  if (res.data.length === 0) return res;
  const p = plan(shape, [cond, a, b].map((v) => ({ strides: broadcastStrides(v, shape), offset: v.offset })));
  const [cs, as, bs] = p.starts, [cr, ar, br] = p.rowSteps, [cc, ac, bc] = p.steps, size = p.rows * p.n;
  // copying bit patterns is the same as copying values only when a, b and out share one storage type
  const sameType = a.dtype === out && b.dtype === out && a.data.constructor === res.data.constructor && b.data.constructor === res.data.constructor;
  const [ad, bd, dst] = sameType ? [bits(a.data), bits(b.data), bits(res.data)] : [];
  const loop = ad && bd && dst ? selectBits : select;
  const cd = cond.data, ad2 = ad ?? a.data, bd2 = bd ?? b.data, dst2 = dst ?? res.data;
  const flat = ad !== undefined && bd !== undefined && dst !== undefined && cd instanceof Uint8Array;
  for (let k = 0; k < p.blocks; k++) {
    if (flat && flatWhere(dst, k * size, p.rows, p.n, cd, cs![k]!, cr!, cc!, ad, as![k]!, ar!, ac!, bd, bs![k]!, br!, bc!)) continue;
    loop(dst2, k * size, p.rows, p.n, cd, cs![k]!, cr!, cc!, ad2, as![k]!, ar!, ac!, bd2, bs![k]!, br!, bc!);
  }
  return res;
};

/** converts dtype: float32 and int32 by the store itself (rounding; truncation with wrap), bool as `!== 0` */
export const cast = (x: View, to: DType): View => map1(to === 'bool' ? truth : copy, x, to);

