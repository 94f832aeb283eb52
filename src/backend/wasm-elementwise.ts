/** @file Float32 elementwise arithmetic, relu and (from wasm-transcendental) exp, log, tanh, sigmoid as wasm SIMD loops (four lanes a step): the functions, emitted with the GEMM module, and their exports. */
import {
  addF32, addF32x4, block, brIf, bump, const32, divF32, divF32x4, eq32, eqz32, f32, get, gtU32, i32, ifElse, load128, loadF32, loop, ltU32,
  maxF32, maxF32x4, minF32, minF32x4, mulF32, mulF32x4, set, splatF32x4, store128, storeF32, sub32, subF32, subF32x4, v128, zero128,
  type Code, type Func,
} from './wasm-emit.js';
import { WASM_UNARY, unaryFunc, type WasmUnary } from './wasm-transcendental.js';

/** the binary ops with a wasm loop: IEEE single-precision results, which are the reference's double results rounded (exact for these) */
export const WASM_BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
export type WasmBinary = (typeof WASM_BINARY)[number];
const VECTOR: { readonly [K in WasmBinary]: (a: Code, b: Code) => Code } = {
  add: addF32x4, sub: subF32x4, mul: mulF32x4, div: divF32x4, maximum: maxF32x4, minimum: minF32x4,
};
const SCALAR: { readonly [K in WasmBinary]: (a: Code, b: Code) => Code } = {
  add: addF32, sub: subF32, mul: mulF32, div: divF32, maximum: maxF32, minimum: minF32,
};

/** operand patterns along a row: both runs, a run and b's scalar, a's scalar and b a run */
export const VV = 0, VS = 1, SV = 2;

// parameters: d, a, b (byte addresses), rows, n (floats per row), a's and b's row steps in bytes, the pattern
const D = 0, A = 1, B = 2, ROWS = 3, N = 4, A_ROW = 5, B_ROW = 6, PATTERN = 7;
const PARAMS = 8;

/** `while (i >= 4) { body; i -= 4 }` then `while (i > 0) { tail; i -= 1 }`, on local `i` */
const fours = (i: number, body: Code, tail: Code): Code => [
  block(loop(brIf(1, ltU32(get(i), const32(4))), body, set(i, sub32(get(i), const32(4))), brIf(0, const32(1)))),
  block(brIf(0, eqz32(get(i))), loop(tail, set(i, sub32(get(i), const32(1))), brIf(0, gtU32(get(i), const32(0))))),
];

/**
 * `ew_<op>(d, a, b, rows, n, aRow, bRow, pattern)`: for each of `rows` rows, d[j] = a[j] op b[j]
 * over n floats, a or b read as one scalar per row where the pattern says so; d's rows are
 * contiguous, a's and b's `aRow` / `bRow` bytes apart.
 */
export const binaryFunc = (op: WasmBinary): Func => {
  const pa = PARAMS, pb = PARAMS + 1, pd = PARAMS + 2, i = PARAMS + 3, r = PARAMS + 4, sv = PARAMS + 5, s = PARAMS + 6;
  const v = VECTOR[op], f = SCALAR[op];
  const step = (bytes: number, ...locals: number[]): Code => locals.map((l) => bump(l, const32(bytes)));
  const both = fours(i,
    [store128(get(pd), v(load128(get(pa)), load128(get(pb)))), step(16, pa, pb, pd)],
    [storeF32(get(pd), f(loadF32(get(pa)), loadF32(get(pb)))), step(4, pa, pb, pd)]);
  const scalarB = [set(sv, splatF32x4(loadF32(get(pb)))), set(s, loadF32(get(pb))), fours(i,
    [store128(get(pd), v(load128(get(pa)), get(sv))), step(16, pa, pd)],
    [storeF32(get(pd), f(loadF32(get(pa)), get(s))), step(4, pa, pd)])];
  const scalarA = [set(sv, splatF32x4(loadF32(get(pa)))), set(s, loadF32(get(pa))), fours(i,
    [store128(get(pd), v(get(sv), load128(get(pb)))), step(16, pb, pd)],
    [storeF32(get(pd), f(get(s), loadF32(get(pb)))), step(4, pb, pd)])];
  const body: Code = [
    set(pd, get(D)), set(r, const32(0)),
    block(
      brIf(0, eqz32(get(ROWS))),
      loop(
        set(pa, get(A)), set(pb, get(B)), set(i, get(N)),
        ifElse(eq32(get(PATTERN), const32(VV)), both, ifElse(eq32(get(PATTERN), const32(VS)), scalarB, scalarA)),
        bump(A, get(A_ROW)), bump(B, get(B_ROW)), bump(r, const32(1)), brIf(0, ltU32(get(r), get(ROWS))),
      ),
    ),
  ];
  return { name: `ew_${op}`, params: new Array<typeof i32>(PARAMS).fill(i32), locals: [...new Array<typeof i32>(5).fill(i32), v128, f32], body };
};

/** `ew_relu(d, a, n)`: d[j] = max(a[j], +0) over n floats (NaN stays NaN, -0 becomes +0, as x <= 0 ? 0 : x) */
export const reluFunc = (): Func => {
  const DD = 0, AA = 1, NN = 2, zero = 3;
  const body: Code = [
    set(zero, zero128),
    fours(NN,
      [store128(get(DD), maxF32x4(load128(get(AA)), get(zero))), bump(DD, const32(16)), bump(AA, const32(16))],
      [storeF32(get(DD), maxF32(loadF32(get(AA)), [const32(0), 0xb2])), bump(DD, const32(4)), bump(AA, const32(4))]),
  ];
  return { name: 'ew_relu', params: [i32, i32, i32], locals: [v128], body };
};

/** every elementwise function of the module, in order */
export const elementwiseFuncs = (): Func[] => [...WASM_BINARY.map(binaryFunc), reluFunc(), ...WASM_UNARY.map(unaryFunc)];
/** the exported elementwise kernels */
export interface ElementwiseKernels {
  readonly binary: { readonly [K in WasmBinary]: (d: number, a: number, b: number, rows: number, n: number, aRow: number, bRow: number, pattern: number) => void };
  readonly relu: (d: number, a: number, n: number) => void;
  /** exp, log, tanh, sigmoid over rows (see wasm-transcendental) */
  readonly unary: { readonly [K in WasmUnary]: (d: number, a: number, rows: number, n: number, aRow: number) => void };
}
/** the elementwise kernels from a module instance's exports */
export const elementwiseExports = (exports: Readonly<Record<string, unknown>>): ElementwiseKernels => ({
  binary: Object.fromEntries(WASM_BINARY.map((op) => [op, exports[`ew_${op}`]])) as ElementwiseKernels['binary'],
  relu: exports['ew_relu'] as ElementwiseKernels['relu'],
  unary: Object.fromEntries(WASM_UNARY.map((op) => [op, exports[`ew_${op}`]])) as ElementwiseKernels['unary'],
});
