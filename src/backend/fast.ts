/** @file The fast backend: the reference kernels with faster ones swapped in where they pay (bit-identical results but for float32 sums in the SIMD matmul and convolutions, and exp/log/tanh/sigmoid within 2 ulp on float32 from 64 elements). */
import type { Backend } from './backend.js';
import { binary, cast, unary, where } from './fast-elementwise.js';
import { conv, convFilter } from './fast-conv.js';
import { concat, pad } from './fast-layout.js';
import { matmul } from './fast-matmul.js';
import { reduce } from './fast-reduce.js';
import { foldPatches, patches } from './fast-window.js';
import { reference } from './reference.js';
import { evaluateFused } from './fused-program.js';
import { fusedWasm } from './wasm-fused.js';

/**
 * The kernels bind runs: plain loops over merged axes for elementwise ops, reductions, pad and
 * concat (each the reference's expression in the reference's order, so the same numbers), with
 * monomorphic float32 loops for the common layouts (fast-flat) and, from a few thousand elements,
 * the float32 arithmetic and relu on WebAssembly SIMD loops (IEEE single-precision results,
 * which are the reference's rounded double results); patches replayed as copy runs in wasm;
 * matmul on WebAssembly SIMD tiles, shared with a second thread when big (float32 sums, within
 * float32 rounding of the reference's float64 sums; Float64Array storage under withFloat64 takes
 * the JS kernel, which sums in float64); convolution on direct WebAssembly SIMD kernels over a
 * zero-padded copy of the input, and so its kernel gradient (no im2col; float32 sums, as the
 * matmul on patches); the reference for everything else and for every error.
 */
export const fast: Backend = {
  ...reference,
  name: 'fast',
  unary,
  binary,
  where,
  cast,
  reduce,
  matmul,
  pad,
  concat,
  patches,
  foldPatches,
  conv,
  convFilter,
  // one WebAssembly SIMD pass for the whole program where it compiles, else node by node on the loops above
  fused: (program, inputs, shape) =>
    (inputs.every((v) => v.data instanceof Float32Array) ? fusedWasm(program, inputs, shape) : undefined)
      ?? evaluateFused({ unary, binary, where, cast }, program, inputs, shape),
};
