/** @file The fused wasm kernel against the reference's node-by-node evaluation: random programs bit for bit (transcendental ones within WASM_UNARY_ULP), broadcast and strided inputs, special values, and where it declines. */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { fast } from '../../src/backend/fast.js';
import { evaluateFused, type FusedDType, type FusedNode, type FusedProgram } from '../../src/backend/fused-program.js';
import { reference } from '../../src/backend/reference.js';
import { broadcastStrides, empty, fromStorage, offsets, type View } from '../../src/backend/view.js';
import { WASM_FROM } from '../../src/backend/wasm-elementwise-run.js';
import { fusedWasm } from '../../src/backend/wasm-fused.js';
import { wasmKernels } from '../../src/backend/wasm-matmul.js';
import { WASM_UNARY_ULP, type WasmUnary } from '../../src/backend/wasm-transcendental.js';
import { withFloat64 } from '../../src/dtype/index.js';
import { mulberry32 } from '../helpers/mulberry32.js';

const hasWasm = wasmKernels() !== undefined;

const EXACT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'square', 'sqrt', 'reciprocal', 'relu'];
const TRANSCENDENTAL: readonly WasmUnary[] = ['exp', 'log', 'tanh', 'sigmoid'];
const ARITHMETIC: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluGrad', 'sigmoidGrad', 'tanhGrad'];
const COMPARISON: readonly BinaryOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const LOGIC: readonly BinaryOp[] = ['and', 'or'];

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 3e38, -3e38, 1e-38, -1e-38, 1e-42, -1e-42, 2 ** -149];
/** a float32 value: mostly moderate, some small integers (so comparisons tie), some special */
const value = (next: () => number): number => {
  const u = next();
  if (u < 0.12) return SPECIAL[Math.floor(next() * SPECIAL.length)]!;
  if (u < 0.3) return Math.floor(next() * 5) - 2;
  return Math.fround((next() - 0.5) * 2 ** Math.floor(next() * 12 - 4));
};
const filled = (next: () => number, n: number): Float32Array => Float32Array.from({ length: n }, () => value(next));

/** the ways an input of a [m, n] program arrives */
const KINDS = ['contiguous', 'offset', 'transposed', 'sliced', 'scalar', 'row', 'column', 'everyOtherRow'] as const;
const input = (next: () => number, kind: (typeof KINDS)[number], m: number, n: number): View => {
  const view = (data: Float32Array, shape: number[], strides: number[], offset = 0): View => ({ dtype: 'float32', data, shape, strides, offset });
  switch (kind) {
    case 'contiguous': return fromStorage('float32', filled(next, m * n), [m, n]);
    case 'offset': return view(filled(next, m * n + 3), [m, n], [n, 1], 3);
    case 'transposed': return view(filled(next, m * n), [m, n], [1, m]);
    case 'sliced': return view(filled(next, m * (n + 5)), [m, n], [n + 5, 1], 2);
    case 'scalar': return next() < 0.5 ? view(filled(next, 4), [], [], 2) : view(filled(next, 1), [1, 1], [1, 1]);
    case 'row': return next() < 0.5 ? fromStorage('float32', filled(next, n), [n]) : view(filled(next, n + 1), [1, n], [0, 1], 1);
    case 'column': return view(filled(next, m + 1), [m, 1], [1, 1], 1);
    case 'everyOtherRow': return view(filled(next, 2 * n), [n], [2], 0);
  }
};

const pick = <T>(next: () => number, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;

/** a random program over `inputs` inputs with `ops` op nodes (operands mostly recent nodes, so most are live); the output is float32 */
const randomProgram = (next: () => number, inputs: number, ops: number, transcendental: boolean): FusedProgram => {
  const nodes: FusedNode[] = Array.from({ length: inputs }, (_, index) => ({ kind: 'input', index }));
  const dtypes: FusedDType[] = nodes.map(() => 'float32');
  const operand = (want?: FusedDType): number => {
    const ok = nodes.map((_, j) => j).filter((j) => want === undefined || dtypes[j] === want);
    const from = ok.length > 0 ? ok : nodes.map((_, j) => j);
    return from[Math.max(0, from.length - 1 - Math.floor(next() * next() * from.length))]!;
  };
  const push = (node: FusedNode, dt: FusedDType): void => { nodes.push(node); dtypes.push(dt); };
  for (let k = 0; k < ops; k++) {
    const u = next();
    if (u < 0.25) push({ kind: 'unary', op: transcendental && next() < 0.5 ? pick(next, TRANSCENDENTAL) : pick(next, EXACT_UNARY), x: operand() }, 'float32');
    else if (u < 0.6) push({ kind: 'binary', op: pick(next, ARITHMETIC), a: operand(), b: operand() }, 'float32');
    else if (u < 0.75) push({ kind: 'binary', op: pick(next, COMPARISON), a: operand(), b: operand('float32') }, next() < 0.8 ? 'bool' : 'float32');
    else if (u < 0.82) push({ kind: 'binary', op: pick(next, LOGIC), a: operand('bool'), b: operand() }, 'bool');
    else if (u < 0.93) push({ kind: 'where', cond: operand('bool'), a: operand(), b: operand() }, 'float32');
    else push({ kind: 'cast', x: operand('bool') }, 'float32');
  }
  if (dtypes[nodes.length - 1] === 'bool') push({ kind: 'cast', x: nodes.length - 1 }, 'float32');
  return { nodes, dtypes, outputs: [nodes.length - 1], inputs };
};

/** a random [m, n] (m n >= WASM_FROM, often just above it, not a multiple of 4 or 8 as often as not) with random inputs */
const randomCase = (next: () => number, transcendental: boolean): { program: FusedProgram; inputs: View[]; shape: number[] } => {
  const m = 1 + Math.floor(next() * 40), target = WASM_FROM + Math.floor(next() * next() * 3000);
  const n = Math.ceil(target / m) + Math.floor(next() * 3), count = 1 + Math.floor(next() * 4);
  const inputs = Array.from({ length: count }, () => input(next, pick(next, KINDS), m, n));
  return { program: randomProgram(next, count, 1 + Math.floor(next() * 12), transcendental), inputs, shape: [m, n] };
};

/** the first index where a and b differ in bits (every NaN counts as one value), or -1 */
const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) return i;
  return a.length === b.length ? -1 : a.length;
};
/** v's values read as the broadcast `shape` (an output may depend on a row input only), row-major */
const expand = (v: View, shape: readonly number[]): number[] => Array.from(offsets(shape, broadcastStrides(v, shape), v.offset), (o) => v.data[o]!);
const describeCase = (program: FusedProgram, inputs: readonly View[], at: number): string =>
  `at ${at}: ${JSON.stringify(program.nodes)} ${JSON.stringify(program.dtypes)} inputs ${inputs.map((v) => `${JSON.stringify(v.shape)}/${JSON.stringify(v.strides)}`).join(' ')}`;

/**
 * The reference evaluation with exp, log, tanh and sigmoid taken from the wasm elementwise loops
 * (the same polynomials the fused kernel emits): a transcendental program's exact oracle. The
 * operand is repeated out to 64 elements so that even a scalar's goes through the wasm loop.
 */
const withWasmTranscendentals = {
  ...reference,
  unary: (op: UnaryOp, x: View, out: FusedDType): View => {
    if (!(TRANSCENDENTAL as readonly string[]).includes(op)) return reference.unary(op, x, out);
    const dense = reference.cast(x, 'float32'), size = dense.data.length, long = new Float32Array(Math.max(size, 64));
    for (let i = 0; i < long.length; i++) long[i] = dense.data[i % size]!;
    const y = fast.unary(op, fromStorage('float32', long, [long.length]), 'float32');
    return fromStorage('float32', Float32Array.from(y.data.subarray(0, size)), x.shape);
  },
};

describe.runIf(hasWasm)('fusedWasm: bit-identical to the reference node-by-node evaluation', () => {
  it('random programs (1-12 nodes, 1-4 inputs: contiguous, offset, transposed, sliced, scalar, row, column, strided row) over random shapes', () => {
    const next = mulberry32(20261128);
    let ran = 0;
    for (let t = 0; t < 220; t++) {
      const { program, inputs, shape } = randomCase(next, false);
      const got = fusedWasm(program, inputs, shape);
      expect(got, describeCase(program, inputs, -1)).toBeDefined();
      const want = expand(reference.fused(program, inputs, shape), shape);
      expect(got!.shape).toEqual(shape);
      const at = firstDifference(got!.data, want);
      expect(at, at < 0 ? '' : `${describeCase(program, inputs, at)}: ${got!.data[at]} vs ${want[at]}`).toBe(-1);
      ran++;
    }
    expect(ran).toBe(220);
  });

  it('several outputs: each node stacked at the shape, the same bits as the reference', () => {
    const next = mulberry32(4242);
    for (let t = 0; t < 60; t++) {
      const { program: one, inputs, shape } = randomCase(next, false);
      const floats = one.dtypes.flatMap((d, j) => (d === 'float32' ? [j] : []));
      const outputs = [one.outputs[0]!, ...Array.from({ length: 1 + Math.floor(next() * 3) }, () => floats[Math.floor(next() * floats.length)]!)];
      const program: FusedProgram = { ...one, outputs };
      const got = fusedWasm(program, inputs, shape);
      expect(got, describeCase(program, inputs, -1)).toBeDefined();
      expect(got!.shape).toEqual([outputs.length, ...shape]);
      const want = reference.fused(program, inputs, shape);
      expect(want.shape).toEqual([outputs.length, ...shape]);
      const at = firstDifference(got!.data, Array.from(want.data));
      expect(at, at < 0 ? '' : `${describeCase(program, inputs, at)}: ${got!.data[at]} vs ${want.data[at]}`).toBe(-1);
    }
  });

  it('programs with exp, log, tanh, sigmoid: the same bits as the reference with the wasm loops for those nodes', () => {
    const next = mulberry32(77);
    for (let t = 0; t < 80; t++) {
      const { program, inputs, shape } = randomCase(next, true);
      const got = fusedWasm(program, inputs, shape)!;
      const want = expand(evaluateFused(withWasmTranscendentals, program, inputs, shape), shape);
      const at = firstDifference(got.data, want);
      expect(at, at < 0 ? '' : `${describeCase(program, inputs, at)}: ${got.data[at]} vs ${want[at]}`).toBe(-1);
    }
  });

  const specials = (): View => {
    const xs = SPECIAL.flatMap((a) => SPECIAL.map(() => a)), ys = SPECIAL.flatMap(() => SPECIAL);
    const reps = Math.ceil(WASM_FROM / xs.length) + 1;
    return fromStorage('float32', Float32Array.from({ length: 2 * xs.length * reps }, (_, i) => (i % 2 === 0 ? xs : ys)[(i >> 1) % xs.length]!), [xs.length * reps, 2]);
  };
  const columns = (v: View): View[] => [0, 1].map((c) => ({ ...v, shape: [v.shape[0]!], strides: [2], offset: c }));
  const ONE_OP: readonly [string, FusedNode, FusedDType][] = [
    ...EXACT_UNARY.map((op): [string, FusedNode, FusedDType] => [op, { kind: 'unary', op, x: 0 }, 'float32']),
    ...[...ARITHMETIC, ...COMPARISON, ...LOGIC].map((op): [string, FusedNode, FusedDType] => [op, { kind: 'binary', op, a: 0, b: 1 }, COMPARISON.includes(op) || LOGIC.includes(op) ? 'bool' : 'float32']),
    ['where', { kind: 'where', cond: 0, a: 0, b: 1 }, 'float32'],
  ];
  it.each(ONE_OP)('%s over every pair of special values (NaN, ±Infinity, ±0, huge, tiny, subnormal)', (_, node, dt) => {
    const nodes: FusedNode[] = [{ kind: 'input', index: 0 }, { kind: 'input', index: 1 }, node];
    const dtypes: FusedDType[] = ['float32', 'float32', dt];
    const program: FusedProgram = dt === 'bool'
      ? { nodes: [...nodes, { kind: 'cast', x: 2 }], dtypes: [...dtypes, 'float32'], outputs: [3], inputs: 2 }
      : { nodes, dtypes, outputs: [2], inputs: 2 };
    const inputs = columns(specials()), shape = [...inputs[0]!.shape];
    const got = fusedWasm(program, inputs, shape)!, want = reference.fused(program, inputs, shape);
    expect(firstDifference(got.data, want.data)).toBe(-1);
  });
});

/** float32 steps between a and b (0 for two NaNs, Infinity for NaN against a number) */
const ulps = (a: number, b: number): number => {
  const f = new Float32Array([a, b]), i = new Int32Array(f.buffer);
  const ordered = (k: number): number => (i[k]! < 0 ? -(i[k]! & 0x7fffffff) : i[k]!);
  return Number.isNaN(a) || Number.isNaN(b) ? (Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity) : Math.abs(ordered(0) - ordered(1));
};

describe.runIf(hasWasm)('fusedWasm with exp, log, tanh, sigmoid: within WASM_UNARY_ULP of the reference', () => {
  // op(a * b + c) with a transcendental last, then times d: the op's budget, plus one for the
  // product's rounding; NaN and Infinity at the same places
  it.each(TRANSCENDENTAL)('%s(a * b + c) and %s(a * b + c) * d', (op) => {
    const next = mulberry32(5);
    const n = WASM_FROM + 13, ins = [0, 1, 2, 3].map(() => fromStorage('float32', filled(next, n), [n]));
    const base: FusedNode[] = [0, 1, 2, 3].map((index) => ({ kind: 'input', index }));
    const nodes: FusedNode[] = [...base, { kind: 'binary', op: 'mul', a: 0, b: 1 }, { kind: 'binary', op: 'add', a: 4, b: 2 }, { kind: 'unary', op, x: 5 }, { kind: 'binary', op: 'mul', a: 6, b: 3 }];
    for (const [output, budget] of [[6, WASM_UNARY_ULP[op]], [7, WASM_UNARY_ULP[op] + 1]] as const) {
      const program: FusedProgram = { nodes, dtypes: nodes.map(() => 'float32'), outputs: [output], inputs: 4 };
      const got = fusedWasm(program, ins, [n])!.data, want = reference.fused(program, ins, [n]).data;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        expect(Number.isNaN(got[i]!), `NaN at ${i}`).toBe(Number.isNaN(want[i]!));
        expect(Math.abs(got[i]!) === Infinity, `Infinity at ${i}: ${got[i]} vs ${want[i]}`).toBe(Math.abs(want[i]!) === Infinity);
        worst = Math.max(worst, ulps(got[i]!, want[i]!));
      }
      expect(worst).toBeLessThanOrEqual(budget);
    }
  });
});

describe.runIf(hasWasm)('fusedWasm: where it declines, and what it leaves alone', () => {
  const addRelu: FusedProgram = {
    nodes: [{ kind: 'input', index: 0 }, { kind: 'input', index: 1 }, { kind: 'binary', op: 'add', a: 0, b: 1 }, { kind: 'unary', op: 'relu', x: 2 }],
    dtypes: ['float32', 'float32', 'float32', 'float32'], outputs: [3], inputs: 2,
  };
  const pair = (n: number): View[] => { const next = mulberry32(n); return [0, 1].map(() => fromStorage('float32', filled(next, n), [n])); };

  it('undefined below WASM_FROM output elements, a result from WASM_FROM on', () => {
    expect(fusedWasm(addRelu, pair(WASM_FROM - 1), [WASM_FROM - 1])).toBeUndefined();
    expect(fusedWasm(addRelu, pair(WASM_FROM), [WASM_FROM])).toBeDefined();
  });

  it.each(['sin', 'erf', 'floor', 'sign', 'log1p', 'rsqrt'] as const)('undefined for a program with a live %s node (a dead one is skipped)', (op) => {
    const nodes: FusedNode[] = [...addRelu.nodes, { kind: 'unary', op, x: 3 }];
    const live: FusedProgram = { nodes, dtypes: [...addRelu.dtypes, 'float32'], outputs: [4], inputs: 2 };
    expect(fusedWasm(live, pair(4000), [4000])).toBeUndefined();
    expect(fusedWasm({ ...live, outputs: [3] }, pair(4000), [4000])).toBeDefined();
  });

  it.each(['pow', 'mod', 'atan2'] as const)('undefined for a program with %s', (op) => {
    const program: FusedProgram = { nodes: [...addRelu.nodes.slice(0, 2), { kind: 'binary', op, a: 0, b: 1 }], dtypes: ['float32', 'float32', 'float32'], outputs: [2], inputs: 2 };
    expect(fusedWasm(program, pair(4000), [4000])).toBeUndefined();
  });

  it('undefined under withFloat64 (the reference computes in doubles there)', () => {
    const ins = withFloat64(() => pair(4000).map((v) => { const w = empty('float32', [4000]); w.data.set(v.data); return w; }));
    expect(ins[0]!.data).toBeInstanceOf(Float64Array);
    expect(withFloat64(() => fusedWasm(addRelu, ins, [4000]))).toBeUndefined();
  });

  it('inputs are not mutated; a scalar input is a parameter (one kernel serves every value)', () => {
    const ins = pair(5000), before = ins.map((v) => Float32Array.from(v.data));
    fusedWasm(addRelu, ins, [5000]);
    ins.forEach((v, k) => expect(firstDifference(v.data, before[k]!)).toBe(-1));
    for (const s of [2, -3, NaN]) {
      const withScalar = [ins[0]!, fromStorage('float32', new Float32Array([s]), [])];
      const got = fusedWasm(addRelu, withScalar, [5000])!;
      expect(firstDifference(got.data, reference.fused(addRelu, withScalar, [5000]).data)).toBe(-1);
    }
  });
});
