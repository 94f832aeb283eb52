/** @file Fused elementwise programs compiled to one WebAssembly SIMD kernel each: inputs copied in compactly, one pass computing every node in v128 locals, the result copied out. */
import type { BinaryOp, UnaryOp } from './backend.js';
import { programKey, type FusedProgram } from './fused-program.js';
import { isContiguous, overwritten, type View } from './view.js';
import { WASM_FROM } from './wasm-elementwise-run.js';
import { heap, ringHeap, setResident, wasmKernels } from './wasm-matmul.js';
import { residentAddress, RING_AT } from './wasm-resident.js';
import { sameShape } from '../shape/index.js';
import {
  absF32x4, add32, mul32, addF32x4, and128, assemble, bitselect128, brIf, const32, constF32x4, constF64x2, demoteF32x4, divF32x4, eqF32x4,
  f32, geF32x4, get, gtF32x4, i32, leF32x4, load128, loop, ltF32x4, ltU32, maxF32x4, minF32x4, mulF32x4, mulF64x2, negF32x4, neF32x4, or128,
  promoteLowF64x2, set, shuffle8x16, splatF32x4, sqrtF32x4, store128, subF32x4, subF64x2, v128, wasmApi, zero128, type Code, type Func,
} from './wasm-emit.js';
import { UNARY_SCRATCH, unaryInto, type WasmUnary } from './wasm-transcendental.js';

// Numerics: the reference computes each node in float64 and rounds it to float32 once. A single
// IEEE operation (+ - * / sqrt) on float32 operands rounded to float32 is the same bits in float32
// lanes (float64 has more than 2 * 24 + 2 bits: the double rounding is innocuous), so those run
// on f32x4; selects, comparisons, neg, abs, max and min are exact anyway (f32x4.max / min are
// IEEE maximum / minimum: NaN if either is, -0 below +0, as Math.max / Math.min). sigmoidGrad and
// tanhGrad (three double operations) run on f64x2 halves, rounded once. exp, log, tanh and
// sigmoid are the elementwise loops' polynomials (within WASM_UNARY_ULP of the reference).

/** an f32x4 expression from the operands' expressions */
type Lanes1 = (x: Code) => Code;
type Lanes2 = (a: Code, b: Code) => Code;

const ONE = constF32x4(1);

/** the two float64 halves of a four-lane op, each rounded once to float32 and put back together */
const halves = (f: (a: Code, b: Code) => Code): Lanes2 => (a, b) => {
  const high = (x: Code): Code => shuffle8x16(x, x, [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
  const lo = demoteF32x4(f(promoteLowF64x2(a), promoteLowF64x2(b)));
  const hi = demoteF32x4(f(promoteLowF64x2(high(a)), promoteLowF64x2(high(b))));
  return shuffle8x16(lo, hi, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
};

/** the unary ops with a float32 result exact on f32x4 lanes (the transcendental ones are WasmUnary) */
const UNARY: { readonly [K in UnaryOp]?: Lanes1 } = {
  neg: negF32x4,
  abs: absF32x4,
  square: (x) => mulF32x4(x, x),
  sqrt: sqrtF32x4,
  reciprocal: (x) => divF32x4(ONE, x),
  relu: (x) => maxF32x4(x, zero128),
};
const TRANSCENDENTAL: ReadonlySet<UnaryOp> = new Set<WasmUnary>(['exp', 'log', 'tanh', 'sigmoid']);

/** binary ops on float operands with a float result */
const ARITHMETIC: { readonly [K in BinaryOp]?: Lanes2 } = {
  add: addF32x4,
  sub: subF32x4,
  mul: mulF32x4,
  div: divF32x4,
  maximum: maxF32x4,
  minimum: minF32x4,
  // b <= 0 ? 0 : a (NaN in b passes a)
  reluGrad: (a, b) => bitselect128(zero128, a, leF32x4(b, zero128)),
  // a * (y * (1 - y)) and a * (1 - y * y), each step a double rounded as the reference rounds it
  sigmoidGrad: halves((a, y) => mulF64x2(a, mulF64x2(y, subF64x2(constF64x2(1), y)))),
  tanhGrad: halves((a, y) => mulF64x2(a, subF64x2(constF64x2(1), mulF64x2(y, y)))),
};
/** binary ops on float operands with a mask result */
const COMPARISON: { readonly [K in BinaryOp]?: Lanes2 } = {
  equal: eqF32x4, notEqual: neF32x4, less: ltF32x4, lessEqual: leF32x4, greater: gtF32x4, greaterEqual: geF32x4,
};
/** binary ops on masks with a mask result */
const LOGIC: { readonly [K in BinaryOp]?: Lanes2 } = { and: and128, or: or128 };

/** a compiled program: the kernel `(d, bytes, arrays' addresses..., scalars...)` over whole pairs of vectors */
type Kernel = (...args: number[]) => void;

/** vectors computed per loop step (two, to give the machine independent work) */
const UNROLL = 2;
/** the element count is padded to a multiple of this (whole loop steps; the padding lanes compute garbage nobody reads) */
const PAD = 4 * UNROLL;

/**
 * The kernel body for `program` with the inputs in `scalar` passed as f32 parameters, or
 * undefined when a node has no SIMD code. Only the nodes the output depends on are computed; bool
 * nodes are lane masks (all ones / all zeros), turned into 0 / 1 where a float reads them.
 */
const compile = (program: FusedProgram, scalar: readonly boolean[]): Func | undefined => {
  const { nodes, dtypes } = program;
  const live = nodes.map(() => false);
  for (const o of program.outputs) live[o] = true;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (!live[i]) continue;
    if (n.kind === 'unary' || n.kind === 'cast') live[n.x] = true;
    else if (n.kind === 'binary') { live[n.a] = true; live[n.b] = true; }
    else if (n.kind === 'where') { live[n.cond] = true; live[n.a] = true; live[n.b] = true; }
  }
  // parameters: d, bytes, then each array input's address, then each scalar input; then locals
  const arrays = scalar.map((s, k) => (s ? -1 : k)).filter((k) => k >= 0), scalars = scalar.map((s, k) => (s ? k : -1)).filter((k) => k >= 0);
  const D = 0, BYTES = 1, at = new Map(arrays.map((k, j) => [k, 2 + j])), param = new Map(scalars.map((k, j) => [k, 2 + arrays.length + j]));
  const i = 2 + arrays.length + scalars.length, splat = new Map(scalars.map((k, j) => [k, i + 1 + j]));
  const first = i + 1 + scalars.length, scratch = Array.from({ length: UNARY_SCRATCH }, (_, j) => first + j);
  const local = (node: number, copy: number): number => first + UNARY_SCRATCH + copy * nodes.length + node;

  const step = (copy: number): Code[] | undefined => {
    const out: Code[] = [];
    const ref = (j: number): Code => {
      const n = nodes[j]!;
      return n.kind === 'input' && scalar[n.index] ? get(splat.get(n.index)!) : get(local(j, copy));
    };
    const asFloat = (j: number): Code => (dtypes[j] === 'bool' ? and128(ref(j), ONE) : ref(j));
    const asMask = (j: number): Code => (dtypes[j] === 'bool' ? ref(j) : neF32x4(ref(j), zero128));
    /** a result of kind `has` as node j's dtype */
    const toDType = (j: number, has: 'float32' | 'bool', v: Code): Code | undefined =>
      dtypes[j] === has ? v : has === 'bool' ? and128(v, ONE) : undefined; // a float into a bool node: not compiled
    for (let j = 0; j < nodes.length; j++) {
      const n = nodes[j]!;
      if (!live[j]) continue;
      let v: Code | undefined;
      switch (n.kind) {
        case 'input':
          if (dtypes[j] !== 'float32') return undefined;
          if (scalar[n.index]) continue;
          v = load128(add32(get(at.get(n.index)!), get(i)), 16 * copy);
          break;
        case 'unary': {
          if (TRANSCENDENTAL.has(n.op)) {
            if (dtypes[j] !== 'float32') return undefined;
            // the operand into the node's own local, then the op in place (unaryInto allows out = x)
            out.push(set(local(j, copy), asFloat(n.x)), unaryInto(n.op as WasmUnary, local(j, copy), local(j, copy), scratch));
            continue;
          }
          const f = UNARY[n.op];
          v = f === undefined ? undefined : toDType(j, 'float32', f(asFloat(n.x)));
          break;
        }
        case 'binary': {
          const arith = ARITHMETIC[n.op], cmp = COMPARISON[n.op], logic = LOGIC[n.op];
          v = arith !== undefined ? toDType(j, 'float32', arith(asFloat(n.a), asFloat(n.b)))
            : cmp !== undefined ? toDType(j, 'bool', cmp(asFloat(n.a), asFloat(n.b)))
              : logic !== undefined ? toDType(j, 'bool', logic(asMask(n.a), asMask(n.b))) : undefined;
          break;
        }
        case 'where':
          v = toDType(j, 'float32', bitselect128(asFloat(n.a), asFloat(n.b), asMask(n.cond)));
          break;
        case 'cast':
          v = toDType(j, 'float32', asFloat(n.x));
          break;
      }
      if (v === undefined) return undefined;
      out.push(set(local(j, copy), v));
    }
    // output j at d + j * bytes
    program.outputs.forEach((o, j) => out.push(store128(add32(j === 0 ? get(D) : add32(get(D), mul32(const32(j), get(BYTES))), get(i)), ref(o), 16 * copy)));
    return out;
  };
  const steps = program.outputs.every((o) => dtypes[o] === 'float32') ? Array.from({ length: UNROLL }, (_, c) => step(c)) : [undefined];
  if (steps.some((s) => s === undefined)) return undefined;
  const body: Code = [
    scalars.map((k) => set(splat.get(k)!, splatF32x4(get(param.get(k)!)))),
    set(i, const32(0)),
    loop(steps as Code[], set(i, add32(get(i), const32(16 * UNROLL))), brIf(0, ltU32(get(i), get(BYTES)))),
  ];
  return {
    name: 'fused',
    params: [i32, i32, ...arrays.map((): typeof i32 => i32), ...scalars.map((): typeof f32 => f32)],
    locals: [i32, ...new Array<typeof v128>(scalars.length + UNARY_SCRATCH + UNROLL * nodes.length).fill(v128)],
    body,
  };
};

/** compiled kernels by program key and scalar inputs (null: the program does not compile) */
const cache = new Map<string, Kernel | null>();
/** kernels kept at most (a program generator that makes new structures forever must not grow memory forever) */
const KERNELS_KEPT = 512;

const kernelFor = (program: FusedProgram, scalar: readonly boolean[], shared: boolean): Kernel | undefined => {
  const key = `${programKey(program)}#${scalar.map((s) => (s ? 's' : 'a')).join('')}`;
  let k = cache.get(key);
  if (k === undefined) {
    const func = compile(program, scalar), api = wasmApi, kern = wasmKernels();
    k = null;
    if (func !== undefined && api !== undefined && kern !== undefined) {
      try {
        const module = new api.Module(assemble([func], { initial: 1, maximum: 65536, shared }));
        k = new api.Instance(module, { env: { memory: kern.memory } }).exports['fused'] as Kernel;
      } catch {
        k = null;
      }
    }
    if (cache.size >= KERNELS_KEPT) cache.clear();
    cache.set(key, k);
  }
  return k ?? undefined;
};

/**
 * Copies `v`, read as the broadcast `shape` (row-major), into h from index `to`: the axes merged
 * where they walk storage as one, then the innermost run copied in one `set` (unit step), filled
 * (step 0, a broadcast column) or looped (transposed); short runs are plain loops.
 */
const copyIn = (h: Float32Array, to: number, v: View, shape: readonly number[]): void => {
  const lead = shape.length - v.shape.length, src = v.data;
  const dims: [number, number][] = [];
  shape.forEach((d, a) => {
    const s = a < lead || v.shape[a - lead] === 1 ? 0 : v.strides[a - lead]!;
    if (d === 1) return;
    const last = dims[dims.length - 1];
    if (last !== undefined && last[1] === s * d) { last[0] *= d; last[1] = s; } else dims.push([d, s]);
  });
  const [len, step] = dims.pop() ?? [1, 0];
  const outer = dims.map(([d]) => d), strides = dims.map(([, s]) => s), idx = outer.map(() => 0);
  const runs = outer.reduce((a, d) => a * d, 1);
  for (let r = 0, o = v.offset, t = to; r < runs; r++, t += len) {
    if (len >= 32 && step === 1) h.set(src.subarray(o, o + len), t);
    else if (len >= 32 && step === 0) h.fill(src[o]!, t, t + len);
    else for (let j = 0, s = o; j < len; j++, s += step) h[t + j] = src[s]!;
    for (let a = outer.length - 1; a >= 0; a--) {
      o += strides[a]!;
      if (++idx[a]! < outer[a]!) break;
      o -= strides[a]! * outer[a]!;
      idx[a] = 0;
    }
  }
};

const broadcasts = (from: readonly number[], to: readonly number[]): boolean =>
  from.length <= to.length && from.every((d, a) => d === 1 || d === to[to.length - from.length + a]);

/**
 * The program's value for float32 inputs, each of `shape` (any strides) or broadcast into it,
 * computed by one WebAssembly SIMD kernel compiled for the program (once per program and set of
 * scalar inputs, a module of its own over the kernels' memory); undefined (nothing done) without
 * SIMD kernels, below WASM_FROM output elements, when a node does not compile, or when the memory
 * cannot hold it. Inputs of one element are passed as parameters, the others copied in compactly.
 */
export const fusedWasm = (program: FusedProgram, inputs: readonly View[], shape: readonly number[]): View | undefined => {
  const n = shape.reduce((a, d) => a * d, 1), kern = wasmKernels();
  if (kern === undefined || n < WASM_FROM || inputs.length < program.inputs) return undefined;
  // float32 storage only: under withFloat64 the ops compute in doubles, which this kernel does not
  if (inputs.some((v) => !(v.data instanceof Float32Array) || !broadcasts(v.shape, shape))) return undefined;
  const out = overwritten('float32', program.outputs.length === 1 ? shape : [program.outputs.length, ...shape]); // every element is copied out below
  if (!(out.data instanceof Float32Array)) return undefined;
  const scalar = inputs.map((v) => v.shape.every((d) => d === 1));
  const f = kernelFor(program, scalar, typeof SharedArrayBuffer !== 'undefined' && kern.memory.buffer instanceof SharedArrayBuffer);
  if (f === undefined) return undefined;
  const padded = Math.ceil(n / PAD) * PAD, arrays = inputs.flatMap((_, k) => (scalar[k] ? [] : [k])), m = program.outputs.length;
  const bytes = 4 * padded * (m + arrays.length);
  // an input that is a whole run of `shape` and is read again is read in place from the ring of
  // kept copies (wasm-resident), not copied in once more (before the scratch view: the ring may grow the memory)
  const kept = arrays.map((k) => {
    const v = inputs[k]!;
    if (bytes > RING_AT || !sameShape(v.shape, shape) || !isContiguous(v)) return undefined;
    const at = residentAddress(v.data as Float32Array, () => ringHeap(kern));
    return at === undefined ? undefined : at + 4 * v.offset;
  });
  setResident(undefined);
  const h = heap(kern, bytes);
  if (h === undefined) return undefined;
  arrays.forEach((k, j) => { if (kept[j] === undefined) copyIn(h, (m + j) * padded, inputs[k]!, shape); });
  f(0, 4 * padded, ...arrays.map((_, j) => kept[j] ?? 4 * (m + j) * padded), ...inputs.flatMap((v, k) => (scalar[k] ? [v.data[v.offset]!] : [])));
  for (let j = 0; j < m; j++) out.data.set(h.subarray(j * padded, j * padded + n), j * n);
  return out;
};
