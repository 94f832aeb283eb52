/** @file The fast elementwise kernels against the reference on random shapes, layouts and dtypes: identical elements (exp, log, tanh and sigmoid only below WASM_UNARY_FROM elements, as here; their wasm loops are held to an ulp bound in wasm-transcendental.test.ts). */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { fast } from '../../src/backend/fast.js';
import { reference } from '../../src/backend/reference.js';
import { fromStorage } from '../../src/backend/view.js';
import { WASM_UNARY_FROM } from '../../src/backend/wasm-elementwise-run.js';
import { withFloat64, type DType } from '../../src/dtype/index.js';
import { LAYOUTS, expectSame, randomView, rng, thrown } from './fast-views.js';

/** [a shape, b shape, broadcast shape]: same shapes, scalars, bias rows, columns, middle axes, rank 0, zero-size */
const PAIRS: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
  [[7], [7], [7]],
  [[3, 5], [3, 5], [3, 5]],
  [[2, 3, 4], [], [2, 3, 4]],
  [[], [4, 3], [4, 3]],
  [[4, 6], [6], [4, 6]],
  [[2, 3, 5], [1, 1, 5], [2, 3, 5]],
  [[4, 1], [1, 5], [4, 5]],
  [[3, 4], [3, 1], [3, 4]],
  [[2, 3, 2, 2, 3], [2, 3, 1, 1, 3], [2, 3, 2, 2, 3]],
  [[], [], []],
  [[0, 3], [3], [0, 3]],
  [[2, 0], [2, 1], [2, 0]],
];
const FLOAT_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'atan2', 'sigmoidGrad', 'tanhGrad', 'reluGrad',
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or'];
const INT_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum', 'equal', 'less', 'greaterEqual', 'and', 'or'];
const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or']);
const UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos',
  'tanh', 'sigmoid', 'erf', 'floor', 'ceil', 'round', 'square', 'reciprocal', 'relu'];
const SHAPES: readonly (readonly number[])[] = [[], [1], [9], [3, 4], [2, 3, 4], [2, 1, 3, 2], [0], [3, 0, 2]];

describe('fast binary', () => {
  const next = rng(1);
  const cases: readonly (readonly [BinaryOp, DType])[] = [
    ...FLOAT_OPS.map((op) => [op, 'float32'] as const),
    ...INT_OPS.map((op) => [op, 'int32'] as const),
    ['and', 'bool'], ['or', 'bool'], ['equal', 'bool'], ['add', 'bool'],
  ];
  it.each(cases)('%s on %s, every broadcast pattern and layout', (op, dtype) => {
    const out: DType = COMPARISONS.has(op) ? 'bool' : dtype === 'bool' ? 'int32' : dtype;
    for (const [sa, sb, shape] of PAIRS) {
      for (const la of LAYOUTS) {
        const lb = LAYOUTS[Math.floor(next() * LAYOUTS.length)]!;
        const a = randomView(next, sa, dtype, la), b = randomView(next, sb, dtype, lb);
        expectSame(fast.binary(op, a, b, shape, out), reference.binary(op, a, b, shape, out), `${op} ${la}/${lb} ${JSON.stringify([sa, sb])}`);
      }
    }
  });
  it.each(FLOAT_OPS)('%s on float32 rows long enough for the flat row loops (broadcast rows, columns and scalars)', (op) => {
    const out = COMPARISONS.has(op) ? 'bool' : 'float32';
    for (const [sa, sb, shape] of [[[3, 70], [3, 70], [3, 70]], [[3, 70], [70], [3, 70]], [[3, 70], [3, 1], [3, 70]], [[3, 70], [], [3, 70]],
      [[], [2, 65], [2, 65]], [[4, 1], [4, 66], [4, 66]], [[2, 3, 64], [3, 1], [2, 3, 64]]] as const) {
      for (const layout of ['contiguous', 'sliced'] as const) {
        const a = randomView(next, sa, 'float32', layout), b = randomView(next, sb, 'float32', 'contiguous');
        expectSame(fast.binary(op, a, b, shape, out), reference.binary(op, a, b, shape, out), `${op} ${layout} ${JSON.stringify([sa, sb])}`);
        expectSame(fast.binary(op, b, a, shape, out), reference.binary(op, b, a, shape, out), `${op} swapped ${layout} ${JSON.stringify([sb, sa])}`);
      }
    }
  });
  it.each(['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const)('%s on float32 big enough for the wasm loops (rows, broadcast rows and columns, scalars, specials)', (op) => {
    for (const [sa, sb, shape] of [[[3, 701], [3, 701], [3, 701]], [[40, 65], [65], [40, 65]], [[40, 65], [40, 1], [40, 65]], [[2100], [], [2100]],
      [[], [2, 1030], [2, 1030]], [[5, 1], [5, 600], [5, 600]], [[2, 3, 400], [3, 1], [2, 3, 400]], [[2, 3, 400], [2, 1, 400], [2, 3, 400]]] as const) {
      for (const layout of ['contiguous', 'sliced', 'transposed'] as const) {
        const a = randomView(next, sa, 'float32', layout), b = randomView(next, sb, 'float32', 'contiguous');
        expectSame(fast.binary(op, a, b, shape, 'float32'), reference.binary(op, a, b, shape, 'float32'), `${op} ${layout} ${JSON.stringify([sa, sb])}`);
        expectSame(fast.binary(op, b, a, shape, 'float32'), reference.binary(op, b, a, shape, 'float32'), `${op} swapped ${layout} ${JSON.stringify([sb, sa])}`);
      }
    }
  });
  it('reads mixed dtypes as numbers (a float32 tensor against an int32 scalar)', () => {
    const a = randomView(next, [5, 4], 'float32', 'transposed'), b = randomView(next, [], 'int32', 'contiguous');
    for (const op of ['lessEqual', 'add', 'maximum'] as const) {
      const out = op === 'lessEqual' ? 'bool' : 'float32';
      expectSame(fast.binary(op, a, b, [5, 4], out), reference.binary(op, a, b, [5, 4], out), op);
    }
  });
  it('stores float32 results in Float64Array storage under withFloat64', () => {
    const a = randomView(next, [3, 4], 'float32', 'float64'), b = randomView(next, [4], 'float32', 'float64');
    withFloat64(() => expectSame(fast.binary('mul', a, b, [3, 4], 'float32'), reference.binary('mul', a, b, [3, 4], 'float32'), 'mul'));
  });
  it('throws what the reference throws (no broadcast, int32 division)', () => {
    const a = randomView(next, [2, 3], 'float32', 'contiguous'), b = randomView(next, [4], 'float32', 'contiguous');
    const i = randomView(next, [3], 'int32', 'contiguous');
    for (const f of [(K: typeof fast) => K.binary('add', a, b, [2, 3], 'float32'), (K: typeof fast) => K.binary('div', i, i, [3], 'int32')]) {
      const want = thrown(() => f(reference));
      expect(want).not.toBe('no error');
      expect(thrown(() => f(fast))).toBe(want);
    }
  });
});

describe('fast unary and cast', () => {
  const next = rng(2);
  it('the shapes below are small enough that exp, log, tanh and sigmoid stay on the JS loops, which are exact', () => {
    expect(Math.max(...SHAPES.map((s) => s.reduce((a, d) => a * d, 1)))).toBeLessThan(WASM_UNARY_FROM);
  });
  it.each(UNARY_OPS)('%s on float32 in every layout', (op) => {
    for (const shape of SHAPES) {
      for (const layout of LAYOUTS) {
        const x = randomView(next, shape, 'float32', layout);
        expectSame(fast.unary(op, x, 'float32'), reference.unary(op, x, 'float32'), `${op} ${layout} ${JSON.stringify(shape)}`);
      }
    }
  });
  it.each(['neg', 'abs', 'square', 'sign'] as const)('%s on int32 wraps as the reference', (op) => {
    for (const shape of SHAPES) {
      const x = randomView(next, shape, 'int32', 'sliced');
      expectSame(fast.unary(op, x, 'int32'), reference.unary(op, x, 'int32'), `${op} ${JSON.stringify(shape)}`);
    }
  });
  it('relu keeps every NaN pattern (sign bit set too) and sends -0, -Infinity and negative subnormals to +0', () => {
    const bits = Int32Array.of(0x7fc00000, 0xffc00000 | 0, 0xff800001 | 0, 0x80000000 | 0, 0xff800000 | 0, 0x7f800000, 0x80000001 | 0, 1, 0x3f800000, 0xbf800000 | 0);
    const x = fromStorage('float32', new Float32Array(bits.buffer), [bits.length]);
    const got = fast.unary('relu', x, 'float32'), want = reference.unary('relu', x, 'float32');
    expectSame(got, want, 'relu on special patterns');
    expect(Array.from(got.data, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v)))).toEqual(['NaN', 'NaN', 'NaN', '0', '0', 'Infinity', '0', String(2 ** -149), '1', '0']);
    const g = fromStorage('float32', Float32Array.from({ length: bits.length }, (_, k) => (k % 2 === 0 ? -1.5 : 2.25) * (k + 1)), [bits.length]);
    expectSame(fast.binary('reluGrad', g, x, [bits.length], 'float32'), reference.binary('reluGrad', g, x, [bits.length], 'float32'), 'reluGrad on special patterns');
    const big = fromStorage('float32', Float32Array.from({ length: 4099 }, (_, k) => new Float32Array(bits.buffer)[k % bits.length]! * (k % 3 === 0 ? -1 : 1)), [4099]);
    expectSame(fast.unary('relu', big, 'float32'), reference.unary('relu', big, 'float32'), 'relu on the wasm loop');
    // the three pullbacks from WASM_FROM elements run on a one-node fused kernel: the same bits, broadcast operands too
    const cot = fromStorage('float32', Float32Array.from({ length: 4099 }, (_, k) => (k % 2 === 0 ? -1.5 : 2.25) * ((k % 17) + 1)), [4099]);
    const row = fromStorage('float32', Float32Array.from({ length: 4099 }, (_, k) => Math.sin(k)), [1, 4099]);
    for (const op of ['reluGrad', 'sigmoidGrad', 'tanhGrad'] as const) {
      expectSame(fast.binary(op, cot, big, [4099], 'float32'), reference.binary(op, cot, big, [4099], 'float32'), `${op} on the fused kernel`);
      expectSame(fast.binary(op, cot, row, [3, 4099], 'float32'), reference.binary(op, cot, row, [3, 4099], 'float32'), `${op} broadcast`);
    }
    const i = randomView(next, [3, 7], 'int32', 'sliced');
    expectSame(fast.unary('relu', i, 'int32'), reference.unary('relu', i, 'int32'), 'relu on int32');
  });
  it('not on bool and exp of int32', () => {
    for (const layout of LAYOUTS) {
      const b = randomView(next, [3, 5], 'bool', layout), i = randomView(next, [4, 2], 'int32', layout);
      expectSame(fast.unary('not', b, 'bool'), reference.unary('not', b, 'bool'), `not ${layout}`);
      expectSame(fast.unary('exp', i, 'float32'), reference.unary('exp', i, 'float32'), `exp ${layout}`);
    }
  });
  it('casts between every pair of dtypes (truncation, wrap, NaN to 0, nonzero to true)', () => {
    const dtypes: readonly DType[] = ['float32', 'int32', 'bool'];
    for (const from of dtypes) {
      for (const to of dtypes) {
        for (const shape of SHAPES) {
          const x = randomView(next, shape, from, LAYOUTS[Math.floor(next() * LAYOUTS.length)]!);
          if (from === 'float32') x.data.forEach((v, k, d) => { d[k] = k % 3 === 0 ? v * 1e9 : v; }); // beyond int32
          expectSame(fast.cast(x, to), reference.cast(x, to), `${from} -> ${to} ${JSON.stringify(shape)}`);
        }
      }
    }
  });
});

describe('fast where', () => {
  const next = rng(3);
  it.each(['float32', 'int32', 'bool'] as const)('selects %s values on every broadcast pattern and layout', (dtype) => {
    for (const [sa, sb, shape] of PAIRS) {
      for (const layout of LAYOUTS) {
        const c = randomView(next, shape.slice(1), 'bool', LAYOUTS[Math.floor(next() * LAYOUTS.length)]!);
        const a = randomView(next, sa, dtype, layout), b = randomView(next, sb, dtype, 'broadcast');
        expectSame(fast.where(c, a, b, shape, dtype), reference.where(c, a, b, shape, dtype), `${layout} ${JSON.stringify(shape)}`);
      }
    }
  });
  it('selects float32 rows long enough for the flat row loops (scalar branches, broadcast rows)', () => {
    for (const [sc, sa, sb, shape] of [[[3, 70], [], [3, 70], [3, 70]], [[3, 70], [3, 70], [], [3, 70]], [[3, 70], [3, 70], [3, 70], [3, 70]],
      [[3, 70], [70], [3, 1], [3, 70]], [[2, 64], [2, 64], [2, 1], [2, 64]]] as const) {
      const c = randomView(next, sc, 'bool', 'contiguous'), a = randomView(next, sa, 'float32', 'sliced'), b = randomView(next, sb, 'float32', 'contiguous');
      expectSame(fast.where(c, a, b, shape, 'float32'), reference.where(c, a, b, shape, 'float32'), JSON.stringify([sc, sa, sb]));
    }
  });
  it('reads float conditions (NaN is true) and mixed operand dtypes', () => {
    const c = randomView(next, [4, 3], 'float32', 'transposed');
    const a = randomView(next, [4, 3], 'int32', 'contiguous'), b = randomView(next, [], 'float32', 'contiguous');
    expectSame(fast.where(c, a, b, [4, 3], 'float32'), reference.where(c, a, b, [4, 3], 'float32'), 'mixed');
    const f = randomView(next, [4, 3], 'float32', 'sliced');
    expectSame(fast.where(c, f, b, [4, 3], 'float32'), reference.where(c, f, b, [4, 3], 'float32'), 'float condition');
  });
});
