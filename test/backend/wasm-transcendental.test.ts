/** @file The wasm exp, log, tanh and sigmoid loops against the float64 functions rounded to float32 (the JS loops' results): the ulp bound over a sweep of float32 bit patterns, the edges, and every path a view takes. */
import { describe, expect, it } from 'vitest';
import { fast } from '../../src/backend/fast.js';
import { sigmoid } from '../../src/backend/reference-math.js';
import { reference } from '../../src/backend/reference.js';
import { fromStorage, type View } from '../../src/backend/view.js';
import { WASM_UNARY_FROM } from '../../src/backend/wasm-elementwise-run.js';
import { wasmKernels } from '../../src/backend/wasm-matmul.js';
import { WASM_UNARY, WASM_UNARY_ULP, type WasmUnary } from '../../src/backend/wasm-transcendental.js';
import { allocate, withFloat64 } from '../../src/dtype/index.js';
import { expectSame, rng } from './fast-views.js';

/** the float64 functions the JS loops round to float32 */
const F64: { readonly [K in WasmUnary]: (x: number) => number } = { exp: Math.exp, log: Math.log, tanh: Math.tanh, sigmoid };

const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);
/** a float32's bit pattern as a signed integer that counts float32 steps (-0 and +0 both 0) */
const ordered = (v: number): number => {
  f32[0] = v;
  const b = i32[0]!;
  return b < 0 ? -(b & 0x7fffffff) : b;
};
/** float32 steps from a to b (Infinity is one step past the largest float; NaN is 0 from NaN, infinitely far from anything else) */
const ulps = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? (Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity) : Math.abs(ordered(a) - ordered(b));
/** the float32 `k` steps from x (k may be negative; steps cross zero) */
const step = (x: number, k: number): number => {
  const o = ordered(x) + k;
  i32[0] = o < 0 ? (-o | 0x80000000) : o;
  return f32[0]!;
};

/** values in a contiguous view: the wasm loops take it from WASM_UNARY_FROM elements */
const contiguous = (xs: Float32Array): View => fromStorage('float32', xs, [xs.length]);
/** the same values read every other element: a step the wasm loops leave to the JS loop */
const everyOther = (xs: Float32Array): View => {
  const data = new Float32Array(2 * xs.length);
  xs.forEach((v, k) => { data[2 * k] = v; data[2 * k + 1] = -v; });
  return { dtype: 'float32', data, shape: [xs.length], strides: [2], offset: 0 };
};

const hasWasm = wasmKernels() !== undefined;

describe('wasm exp, log, tanh, sigmoid: within WASM_UNARY_ULP of the float64 function rounded to float32', () => {
  // every 97th float32 bit pattern (44M values: ~86K in each binade of either sign, NaNs and
  // infinities included; a sweep of every 7th, 614M values, found the same maxima), through the
  // wasm path and through the JS loop
  const STEP = 97, CHUNK = 1 << 20;
  it.each(WASM_UNARY)('%s over every 97th float32 bit pattern, wasm path against the JS loop', (op) => {
    let worst = 0, worstAt = 0, differ = 0, count = 0;
    const xs = new Float32Array(CHUNK), bits = new Int32Array(xs.buffer);
    for (let start = 0; start < 2 ** 32; start += STEP * CHUNK) {
      const m = Math.min(CHUNK, Math.ceil((2 ** 32 - start) / STEP));
      for (let k = 0; k < m; k++) bits[k] = (start + k * STEP) | 0;
      const x = xs.subarray(0, m);
      const wasm = fast.unary(op, contiguous(x), 'float32').data, js = fast.unary(op, everyOther(x), 'float32').data;
      for (let k = 0; k < m; k++) {
        const d = ulps(wasm[k]!, js[k]!);
        if (d > worst) { worst = d; worstAt = x[k]!; }
        differ += Number(d !== 0);
      }
      count += m;
    }
    expect(count).toBeGreaterThan(2 ** 32 / STEP - 1);
    expect(worst, `${op}: ${worst} ulp at ${worstAt}`).toBeLessThanOrEqual(WASM_UNARY_ULP[op]);
    // the wasm path really ran: its results are not all the correctly rounded ones
    if (hasWasm) expect(differ).toBeGreaterThan(0);
  });

  it.each(WASM_UNARY)('%s: the JS loop is the float64 function rounded to float32 (what the bound is measured against)', (op) => {
    const next = rng(7), xs = Float32Array.from({ length: 5000 }, () => (next() - 0.5) * 60);
    const js = fast.unary(op, everyOther(xs), 'float32').data;
    xs.forEach((x, k) => expect(Object.is(js[k], Math.fround(F64[op](x))), `${op}(${x})`).toBe(true));
  });

  it('tanh is odd, bit for bit (-0 included), over the sweep', () => {
    const n = 1 << 16, xs = new Float32Array(n), bits = new Int32Array(xs.buffer);
    for (let k = 0; k < n; k++) bits[k] = (k * 32749) & 0x7fffffff;
    const pos = fast.unary('tanh', contiguous(xs), 'float32').data;
    const neg = fast.unary('tanh', contiguous(xs.map((v) => -v)), 'float32').data;
    const bad = Array.from(pos).findIndex((v, k) => !Object.is(-v, neg[k]) && !Number.isNaN(v));
    expect(bad === -1 ? 'odd' : `tanh(${xs[bad]}) = ${pos[bad]}, tanh(${-xs[bad]!}) = ${neg[bad]}`).toBe('odd');
  });
});

describe('wasm exp, log, tanh, sigmoid at the edges', () => {
  const MAX = 3.4028234663852886e38, MIN_NORMAL = 2 ** -126, MIN_SUB = 2 ** -149;
  /** the largest float32 x with op(x) finite and the smallest with op(x) nonzero, per the reference */
  const boundary = (op: WasmUnary, from: number, dir: 1 | -1, until: (y: number) => boolean): number => {
    let x = from;
    while (!until(Math.fround(F64[op](step(x, dir))))) x = step(x, dir);
    return x;
  };
  const expMax = boundary('exp', 88.5, 1, (y) => y === Infinity);
  const expMin = boundary('exp', -103, -1, (y) => y === 0);
  const sigMin = boundary('sigmoid', -103, -1, (y) => y === 0);
  const sigOne = boundary('sigmoid', 16, 1, (y) => y === 1);
  const around = (x: number): number[] => [-2, -1, 0, 1, 2].map((k) => step(x, k));
  const EDGES: { readonly [K in WasmUnary]: readonly number[] } = {
    exp: [0, -0, Infinity, -Infinity, NaN, MIN_SUB, -MIN_SUB, 1e-40, -1e-40, 1, -1, 10, -10, 1e30, -1e30, MAX, -MAX,
      ...around(expMax), ...around(expMin), ...around(-87.33654), -100, -103.5, -104, -150, 88, 89, 100],
    log: [0, -0, Infinity, -Infinity, NaN, 1, -1, MIN_SUB, 2 * MIN_SUB, 1e-40, MIN_NORMAL, step(MIN_NORMAL, -1), MAX, Math.E, 2, 0.5,
      step(1, 1), step(1, -1), Math.SQRT1_2, step(Math.SQRT1_2, 1), step(Math.SQRT1_2, -1), -MIN_SUB, -1e30],
    tanh: [0, -0, Infinity, -Infinity, NaN, MIN_SUB, -MIN_SUB, 1e-40, -1e-30, 1e-5, -1e-5, 0.1, ...around(0.625), ...around(-0.625),
      1, -1, 8, 9, 9.02, -9.02, 20, 44.4, 45, -45, 100, 1e30, -1e30, MAX, -MAX],
    sigmoid: [0, -0, Infinity, -Infinity, NaN, MIN_SUB, -MIN_SUB, 1, -1, -50, -87.3, -88, -100, ...around(sigMin), -104, -110, -1e30,
      ...around(sigOne), 16, 16.7, 17, 20, 1e30, MAX, -MAX],
  };
  /** the edges repeated to an odd length past WASM_UNARY_FROM (so the wasm loop takes them, with a ragged last vector) */
  const tiled = (xs: readonly number[]): Float32Array => Float32Array.from({ length: 4 * WASM_UNARY_FROM + 3 }, (_, k) => xs[k % xs.length]!);

  it.each(WASM_UNARY)('%s: ±0, ±Infinity, NaN, overflow and underflow thresholds, subnormals, saturation', (op) => {
    const xs = tiled(EDGES[op]);
    const got = fast.unary(op, contiguous(xs), 'float32').data;
    xs.forEach((x, k) => {
      const want = Math.fround(F64[op](x)), y = got[k]!;
      const what = `${op}(${x}) = ${y}, want ${want}`;
      expect(ulps(y, want), what).toBeLessThanOrEqual(WASM_UNARY_ULP[op]);
      // exactly: at ±0, and wherever a result is NaN, infinite, zero (with its sign) or, for the
      // saturating tanh and sigmoid, ±1; nonzero subnormals stay nonzero
      const exact = op === 'tanh' || op === 'sigmoid' ? [NaN, Infinity, -Infinity, 0, -0, 1, -1] : [NaN, Infinity, -Infinity, 0, -0];
      if (x === 0 || exact.some((e) => Object.is(want, e) || Object.is(y, e))) expect(y, what).toBe(want);
      if (want !== 0 && Math.abs(want) < MIN_NORMAL) expect(y, what).not.toBe(0);
    });
  });

  it('names the thresholds: exp overflows past ~88.72 and underflows through the subnormals to 0 below ~-103.97; sigmoid(-100) is 3.8e-44', () => {
    expect(expMax).toBeCloseTo(88.7228, 3);
    expect(expMin).toBeCloseTo(-103.972, 2);
    expect(sigMin).toBeCloseTo(-103.972, 2);
    expect(sigOne).toBeCloseTo(17.33, 1);
    const at = (op: WasmUnary, x: number): number => fast.unary(op, contiguous(tiled([x])), 'float32').data[0]!;
    expect(at('exp', 88.72283)).toBeLessThan(Infinity);
    expect(at('exp', 88.7229)).toBe(Infinity);
    expect(at('exp', -103.9)).toBe(MIN_SUB);
    expect(at('exp', -104)).toBe(0);
    expect(at('sigmoid', -100)).toBeCloseTo(3.7835e-44, 47);
    expect(at('sigmoid', 17)).toBe(step(1, -1));
    expect(at('sigmoid', 17.4)).toBe(1);
    expect(Object.is(at('tanh', -0), -0)).toBe(true);
    expect(at('log', MIN_SUB)).toBeCloseTo(-103.27893, 4);
  });
});

describe('wasm exp, log, tanh, sigmoid on views', () => {
  const next = rng(11);
  const values = (n: number, positive: boolean): Float32Array =>
    Float32Array.from({ length: n }, () => (positive ? next() * 50 : (next() - 0.5) * 40));
  /** fast against reference: within the bound where the wasm loops may run, identical where only the JS loops do */
  const check = (op: WasmUnary, x: View, wasm: boolean, what: string): void => {
    const got = fast.unary(op, x, 'float32'), want = reference.unary(op, x, 'float32');
    if (!wasm) { expectSame(got, want, what); return; }
    expect(got.shape, what).toEqual(want.shape);
    const bad = Array.from(want.data).findIndex((v, k) => ulps(got.data[k]!, v) > WASM_UNARY_ULP[op]);
    expect(bad === -1 ? 'within' : `element ${bad}: ${got.data[bad]} vs ${want.data[bad]}`, what).toBe('within');
  };
  it.each(WASM_UNARY)('%s: gate slices, ragged rows, blocks of rows, and the layouts left to the JS loop', (op) => {
    const pos = op === 'log';
    // an LSTM gate: [32, 128] out of [32, 512] (rows too sparse to copy whole: copied one by one)
    const gates = values(32 * 512, pos);
    check(op, { dtype: 'float32', data: gates, shape: [32, 128], strides: [512, 1], offset: 256 }, true, `${op} gate slice`);
    // rows of 101 out of 128 (compact: the span copied, rows read 128 apart; ragged last vectors)
    check(op, { dtype: 'float32', data: values(64 * 128, pos), shape: [64, 101], strides: [128, 1], offset: 3 }, true, `${op} ragged rows`);
    // [5, 7, 33] out of [5, 9, 40]: five blocks of seven rows
    check(op, { dtype: 'float32', data: values(5 * 9 * 40, pos), shape: [5, 7, 33], strides: [360, 40, 1], offset: 41 }, true, `${op} blocks`);
    // rows of 8 out of 64: too short to copy one by one, the JS loop
    check(op, { dtype: 'float32', data: values(200 * 64, pos), shape: [200, 8], strides: [64, 1], offset: 0 }, false, `${op} short sparse rows`);
    // one row broadcast down 100 rows (row step 0): copied once, read 100 times
    check(op, { dtype: 'float32', data: values(64, pos), shape: [100, 64], strides: [0, 1], offset: 0 }, true, `${op} broadcast rows`);
    // transposed, broadcast along a row (step 0), below WASM_UNARY_FROM: the JS loop
    check(op, { dtype: 'float32', data: values(64 * 48, pos), shape: [48, 64], strides: [1, 48], offset: 0 }, false, `${op} transposed`);
    check(op, { dtype: 'float32', data: values(64, pos), shape: [64, 100], strides: [1, 0], offset: 0 }, false, `${op} broadcast along rows`);
    check(op, contiguous(values(WASM_UNARY_FROM - 1, pos)), false, `${op} short`);
    check(op, contiguous(values(4099, pos)), true, `${op} contiguous`);
    // float64 storage (checkGrad's withFloat64): the JS loop, in float64
    withFloat64(() => {
      const data = allocate('float32', 4099);
      data.set(values(4099, pos));
      expect(data).toBeInstanceOf(Float64Array);
      check(op, fromStorage('float32', data, [4099]), false, `${op} float64 storage`);
    });
  });
  it('exp of int32 storage stays on the JS loop', () => {
    const x = fromStorage('int32', Int32Array.from({ length: 3000 }, (_, k) => (k % 200) - 100), [3000]);
    expectSame(fast.unary('exp', x, 'float32'), reference.unary('exp', x, 'float32'), 'exp of int32');
  });
});
