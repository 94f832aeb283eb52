/** @file exp, log, tanh and sigmoid on float32x4 lanes: the wasm SIMD loops (range reduction, a polynomial, the exponent built in the bits) and their numerics. */
import {
  absF32x4, add32, addF32x4, addI32x4, and128, bitselect128, block, brIf, bump, const32, constF32x4, constI32x4, convertI32x4, divF32x4, eqF32x4, eqz32,
  geF32x4, get, gtS32, i32, load128, loop, ltF32x4, mul32, mulF32x4, or128, pmaxF32x4, pminF32x4, set, shlI32x4, shrSI32x4,
  shrUI32x4, store128, subF32x4, subI32x4, v128, type Code, type Func,
} from './wasm-emit.js';

// Accuracy, against the float64 function rounded to float32 (the JS loops' and the reference's
// results), over every 7th float32 bit pattern (614M values, both signs, every binade) and the
// edges: at most 1 ulp for exp, log and tanh, 2 for sigmoid (WASM_UNARY_ULP, which
// test/backend/wasm-transcendental.test.ts holds the loops to over every 97th pattern); 97% (sigmoid)
// to 99.4% (tanh) of the results are the correctly rounded ones. All arithmetic is plain float32
// (mul, then add: no fused multiply-add), so the results are the same bits on every machine.

/** the unary ops with a wasm loop */
export const WASM_UNARY = ['exp', 'log', 'tanh', 'sigmoid'] as const;
export type WasmUnary = (typeof WASM_UNARY)[number];
/** the largest distance, in ulp, of a wasm loop's result from the float64 function rounded to float32 (measured; the test holds the loops to it) */
export const WASM_UNARY_ULP: { readonly [K in WasmUnary]: number } = { exp: 1, log: 1, tanh: 1, sigmoid: 2 };

/** Horner's rule: ((c[0] x + c[1]) x + ...) x + c[last], x a v128 local */
const horner = (x: number, c: readonly number[]): Code =>
  c.slice(1).reduce<Code>((acc, v) => addF32x4(mulF32x4(acc, get(x)), constF32x4(v)), constF32x4(c[0]!));

const SIGN = constI32x4(0x80000000 | 0);
const ONE = constF32x4(1);

/** 1.5 2^23: adding it rounds a float of magnitude below 2^22 to an integer, left in the low mantissa bits */
const SHIFTER = 12582912;

/**
 * exp of the lanes of local `x` into local `out` (locals `n`, `r`, `p` are scratch; `out` may be `x`).
 * x is first clamped to [-104, 89] (exp is +0 below ~-103.97 and +Infinity above ~88.72 in float32).
 * Cody-Waite: x = n ln2 + r with n = x log2 e rounded to an integer (by the shifter: its bits give
 * n as an int too), r = (x - n C1) - n C2 where C1 = 0.693359375 = 355/512 has 9 significant bits
 * (n C1 is exact for |n| < 2^15, and so is x - n C1: it is a multiple of ulp(x) below 0.35 + ulp)
 * and C2 = ln2 - C1 rounded; |r| <= ~0.347. e^r = 1 + r + r^2 P(r), P Cephes' degree-5 minimax
 * fit (expf.c). 2^n is built by integer adds into the exponent bits, as 2^n1 * 2^n2 (n1 = n >> 1,
 * n2 = n - n1, n in [-150, 128]) so that both factors are normal floats: results below 2^-126
 * come out as subnormals rounded once, by the last product (gradual underflow, not flushed to
 * zero), below ~2^-150 as +0, and past the largest float as +Infinity. -Infinity gives +0, NaN
 * gives NaN (pmin / pmax pass a NaN first operand on; n is garbage then, but r and p are NaN).
 */
export const expInto = (out: number, x: number, n: number, r: number, p: number): Code => [
  set(r, pmaxF32x4(pminF32x4(get(x), constF32x4(89)), constF32x4(-104))),
  // x log2 e + 1.5 2^23 rounds to an integer n, which sits in the low bits of the sum
  set(n, addF32x4(mulF32x4(get(r), constF32x4(Math.LOG2E)), constF32x4(SHIFTER))),
  set(p, subF32x4(get(n), constF32x4(SHIFTER))),
  set(r, subF32x4(subF32x4(get(r), mulF32x4(get(p), constF32x4(0.693359375))), mulF32x4(get(p), constF32x4(-2.12194440e-4)))),
  // the same sum's bits minus the shifter's bits: n as an i32
  set(n, subI32x4(get(n), constF32x4(SHIFTER))),
  set(p, horner(r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1])),
  set(p, addF32x4(addF32x4(mulF32x4(get(p), mulF32x4(get(r), get(r))), get(r)), ONE)),
  set(r, shrSI32x4(get(n), const32(1))),
  set(out, mulF32x4(
    mulF32x4(get(p), shlI32x4(addI32x4(get(r), constI32x4(127)), const32(23))),
    shlI32x4(addI32x4(subI32x4(get(n), get(r)), constI32x4(127)), const32(23)))),
];

/**
 * sigmoid without cancellation: e = exp(-|x|) in [0, 1], then y = 1 / (1 + e) for x >= 0 and
 * e / (1 + e) for x < 0 (one division), with the rounding of 1 + e taken back: s = 1 + e rounded,
 * c = e - (s - 1) exactly (the sum's error), y = y0 - y0 c / s where y0 = num / s and 1 / s is y0
 * itself (x >= 0) or 1 - y0 (x < 0). Without that, sigmoid reached 1 from x ~ 16.64 on (1 + e
 * rounds to 1) where the correctly rounded result is 1 - 2^-24 up to ~17.33. For x < 0 it follows
 * e down through the subnormals (sigmoid(-100) = 3.8e-44, not 0) to +0 below ~-103.97. +Infinity
 * gives 1, -Infinity +0, ±0 0.5, NaN NaN.
 */
const sigmoidInto = (out: number, x: number, t: readonly number[]): Code => {
  const [e, n, r, p, m] = t as [number, number, number, number, number];
  return [
    set(e, or128(get(x), SIGN)),
    expInto(e, e, n, r, p),
    set(n, addF32x4(ONE, get(e))),
    set(r, subF32x4(get(e), subF32x4(get(n), ONE))),
    set(m, geF32x4(get(x), constF32x4(0))),
    set(p, divF32x4(bitselect128(ONE, get(e), get(m)), get(n))),
    set(out, subF32x4(get(p), mulF32x4(get(p), mulF32x4(get(r), bitselect128(get(p), subF32x4(ONE, get(p)), get(m)))))),
  ];
};

/** below this |x|, tanh is the odd polynomial; from it on, 1 - 2 / (e^2|x| + 1) with 2 / (e^2|x| + 1) <= 0.45: no cancellation to speak of */
const TANH_SMALL = 0.625;
/**
 * tanh on a = |x| with x's sign put back (odd exactly; -0 stays -0). a < 0.625: a + a^3 P(a^2),
 * Cephes' degree-4 fit (tanhf.c), no cancellation near 0. Else 1 - 2 / (exp(2a) + 1), which
 * reaches exactly 1 from a ~ 9.01 on (exp(2a) is +Infinity from a ~ 44.4: 2 / Infinity = 0).
 */
const tanhInto = (out: number, x: number, t: readonly number[]): Code => {
  const [a, s, e, n, r, p] = t as [number, number, number, number, number, number];
  return [
    set(a, absF32x4(get(x))),
    set(e, mulF32x4(get(a), get(a))),
    set(s, addF32x4(mulF32x4(mulF32x4(horner(e, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]), get(e)), get(a)), get(a))),
    set(e, addF32x4(get(a), get(a))),
    expInto(e, e, n, r, p),
    set(e, subF32x4(ONE, divF32x4(constF32x4(2), addF32x4(get(e), ONE)))),
    set(out, or128(bitselect128(get(s), get(e), ltF32x4(get(a), constF32x4(TANH_SMALL))), and128(get(x), SIGN))),
  ];
};

/**
 * log: x = 2^k m with m in [sqrt(1/2), sqrt(2)) read from the bits (subnormals scaled by 2^23
 * first), f = m - 1, log x = f - f^2/2 + f^3 P(f) + k ln2, Cephes' degree-8 fit (logf.c), k ln2
 * added as k C2 then k C1 (the Cody-Waite constants of exp). Then the edges: +0 and -0 give
 * -Infinity, x < 0 (and -Infinity) NaN, +Infinity +Infinity, NaN NaN.
 */
const logInto = (out: number, x: number, t: readonly number[]): Code => {
  const [m, ex, f, z, y] = t as [number, number, number, number, number];
  const tiny = ltF32x4(get(x), constF32x4(2 ** -126));
  return [
    // subnormals (and everything else below 2^-126, which the edges below replace) times 2^23, k - 23
    set(m, bitselect128(mulF32x4(get(x), constF32x4(2 ** 23)), get(x), tiny)),
    set(ex, and128(tiny, constI32x4(-23))),
    set(ex, addI32x4(get(ex), subI32x4(shrUI32x4(get(m), const32(23)), constI32x4(126)))),
    set(m, or128(and128(get(m), constI32x4(0x007fffff)), constI32x4(0x3f000000))),
    // m in [0.5, 1): below sqrt(1/2), use 2m (k - 1: the all-ones lane is -1)
    set(z, ltF32x4(get(m), constF32x4(Math.SQRT1_2))),
    set(ex, addI32x4(get(ex), get(z))),
    set(f, subF32x4(addF32x4(get(m), and128(get(m), get(z))), ONE)),
    set(z, mulF32x4(get(f), get(f))),
    set(y, mulF32x4(mulF32x4(horner(f, [
      7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ]), get(f)), get(z))),
    set(ex, convertI32x4(get(ex))),
    set(y, addF32x4(get(y), mulF32x4(get(ex), constF32x4(-2.12194440e-4)))),
    set(y, subF32x4(get(y), mulF32x4(get(z), constF32x4(0.5)))),
    set(y, addF32x4(addF32x4(get(f), get(y)), mulF32x4(get(ex), constF32x4(0.693359375)))),
    set(y, bitselect128(constF32x4(-Infinity), get(y), eqF32x4(get(x), constF32x4(0)))),
    set(y, bitselect128(constF32x4(NaN), get(y), ltF32x4(get(x), constF32x4(0)))),
    // +Infinity and NaN: x itself (every comparison with NaN is false)
    set(out, bitselect128(get(y), get(x), ltF32x4(get(x), constF32x4(Infinity)))),
  ];
};

/** op's loop body: result into local `out` from local `x`, with scratch v128 locals `t` */
const BODY: { readonly [K in WasmUnary]: (out: number, x: number, t: readonly number[]) => Code } = {
  exp: (out, x, t) => expInto(out, x, t[0]!, t[1]!, t[2]!),
  log: logInto,
  tanh: tanhInto,
  sigmoid: sigmoidInto,
};
const SCRATCH = 6;

/**
 * `ew_<op>(d, a, rows, n, aRow)`: d[j] = op(a[j]) over `rows` rows of n floats, d's rows
 * contiguous, a's `aRow` bytes apart. Whole vectors only: each row's last vector reads up to 3
 * floats past the row and writes up to 3 past it, which the next row then overwrites, so the
 * caller leaves 16 bytes of room after d and after a's last row.
 */
export const unaryFunc = (op: WasmUnary): Func => {
  const D = 0, A = 1, ROWS = 2, N = 3, A_ROW = 4, pa = 5, pd = 6, i = 7, row = 8, x = 9;
  const t = Array.from({ length: SCRATCH }, (_, j) => x + 1 + j);
  const step = BODY[op](x, x, t);
  const body: Code = [
    set(pd, get(D)), set(row, const32(0)),
    block(
      brIf(0, eqz32(get(ROWS))),
      loop(
        set(pa, get(A)), set(i, get(N)),
        block(loop(
          brIf(1, eqz32(gtS32(get(i), const32(0)))),
          set(x, load128(get(pa))),
          step,
          store128(get(pd), get(x)),
          bump(pa, const32(16)), bump(pd, const32(16)), set(i, add32(get(i), const32(-4))),
          brIf(0, const32(1)),
        )),
        // back to where the row's last whole float ended (the vector may have run past it)
        set(pd, add32(get(D), mul32(add32(get(row), const32(1)), mul32(get(N), const32(4))))),
        bump(A, get(A_ROW)), bump(row, const32(1)), brIf(0, gtS32(get(ROWS), get(row))),
      ),
    ),
  ];
  const v128s = new Array<typeof v128>(1 + SCRATCH).fill(v128);
  return { name: `ew_${op}`, params: [i32, i32, i32, i32, i32], locals: [i32, i32, i32, i32, ...v128s], body };
};

/** how many scratch v128 locals unaryInto needs */
export const UNARY_SCRATCH = SCRATCH;
/** op of the lanes of local `x` into local `out` (the loops' step, for the fused kernels): `out` may be `x`, which is otherwise only read; `t` holds UNARY_SCRATCH scratch locals */
export const unaryInto = (op: WasmUnary, out: number, x: number, t: readonly number[]): Code => BODY[op](out, x, t);
