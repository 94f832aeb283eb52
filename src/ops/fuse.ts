/** @file fuse: an elementwise function staged once per call into one program, run as one kernel, differentiated by staging its derivative. */
import { programKey, type FusedProgram } from '../backend/index.js';
import { bind, stage, staging, type Staged } from '../core/index.js';
import type { Shape } from '../shape/index.js';
import { fromView, full, isTensor, traceOf, viewOf, type AnyTensor, type Tensor } from '../tensor/index.js';
import type { DType } from '../dtype/index.js';
import { unbroadcast } from './adjoints.js';
import { binaryDerivatives, unaryDerivatives } from './derivatives.js';
import { add, where } from './elementwise.js';
import { slice } from './indexing.js';
import { squeeze } from './layout.js';
import { scalar } from './operand.js';
import { primitives } from './primitives.js';

type T = AnyTensor;
const zero = (): T => scalar(0, 'float32');

/** the program's nodes applied again, one bind each, to `xs` (placeholders while staging): the value of every node */
const replay = (program: FusedProgram, xs: readonly T[]): T[] => {
  const v: T[] = [];
  for (const [i, n] of program.nodes.entries()) {
    const dtype = program.dtypes[i]!;
    switch (n.kind) {
      case 'input': v.push(xs[n.index]!); break;
      case 'unary': v.push(bind(primitives.unary, [v[n.x]!], { op: n.op, out: dtype })); break;
      case 'binary': v.push(bind(primitives.binary, [v[n.a]!, v[n.b]!], { op: n.op, out: dtype })); break;
      case 'where': v.push(bind(primitives.where, [v[n.cond]!, v[n.a]!, v[n.b]!], { out: 'float32' })); break;
      case 'cast': v.push(bind(primitives.cast, [v[n.x]!], { to: 'float32' })); break;
    }
  }
  return v;
};

/**
 * The cotangents of the inputs before their broadcast axes are summed back, as functions of the
 * inputs and the outputs' cotangents `gs`: reverse mode over the program with the same derivative
 * rules the unfused ops use (derivatives.ts), every cotangent kept at the broadcast shape where it
 * arises (the sums over broadcast axes commute with the elementwise factors, which are constant
 * along them, so summing once at the input is exact). Undefined for an input no gradient reaches.
 */
const cotangentsOf = (program: FusedProgram, xs: readonly T[], gs: readonly T[]): (T | undefined)[] => {
  const v = replay(program, xs);
  const ct: (T | undefined)[] = new Array<T | undefined>(v.length);
  const give = (i: number, c: T | null): void => {
    if (c === null || program.dtypes[i] !== 'float32') return;
    const prev = ct[i];
    ct[i] = prev === undefined ? c : add(prev, c);
  };
  program.outputs.forEach((o, j) => give(o, gs[j]!));
  for (let i = program.nodes.length - 1; i >= 0; i--) {
    const n = program.nodes[i]!, c = ct[i];
    if (c === undefined || program.dtypes[i] !== 'float32') continue;
    switch (n.kind) {
      case 'input': break;
      case 'unary': {
        const d = unaryDerivatives[n.op];
        if (d !== null && program.dtypes[n.x] === 'float32') give(n.x, d(c, v[n.x]!, v[i]!));
        break;
      }
      case 'binary': {
        const d = binaryDerivatives[n.op];
        if (d === null) break;
        const [da, db] = d(c, v[n.a]!, v[n.b]!, v[i]!, [true, true]);
        give(n.a, da);
        give(n.b, db);
        break;
      }
      case 'where':
        give(n.a, where(v[n.cond]! as Tensor<Shape, 'bool'>, c, 0));
        give(n.b, where(v[n.cond]! as Tensor<Shape, 'bool'>, 0, c));
        break;
      case 'cast': break; // bool -> float32: nothing flows back into a mask
    }
  }
  return Array.from({ length: program.inputs }, (_, k) => {
    const at = program.nodes.findIndex((n) => n.kind === 'input' && n.index === k);
    return at < 0 ? undefined : ct[at];
  });
};

const shapeOf = (t: T): readonly number[] => t.shape as readonly number[];

/**
 * The VJP of a fused program: the cotangents of every input that needs one as one more fused
 * program with an output per input (one pass; staged from the reverse pass above, so its own
 * VJP, for grad of grad, comes the same way), each summed back over the axes its input was
 * broadcast along. A program with several outputs takes their cotangents from the stacked one.
 */
export const fusedVjp = (g: T, inputs: readonly T[], program: FusedProgram, shape: readonly number[], needs: readonly boolean[]): (T | null)[] => {
  const want = inputs.map((x, k) => needs[k] !== false && x.dtype === 'float32');
  const m = program.outputs.length;
  const gs = m === 1 ? [g] : program.outputs.map((_, j) => entry(g, j));
  const d = derivative(program, inputs.map(shapeOf), shape, want);
  const got = d.reached.length === 0 ? undefined
    : bind(primitives.fused, [...inputs, ...gs, ...d.staged.captured], { program: d.staged.program, shape: d.staged.shape });
  return inputs.map((x, k) => {
    if (!want[k]) return null;
    const j = d.reached.indexOf(k);
    if (j < 0 || got === undefined) return full(shapeOf(x), 0, 'float32');
    const c = d.reached.length === 1 ? got : entry(got, j);
    return unbroadcast(c, shapeOf(x));
  });
};

/**
 * Entry j of a stacked [m, ...shape] value: a view of its storage when nothing traces it (first
 * order: no op needs recording), else the differentiable slice.
 */
const entry = (stacked: T, j: number): T => {
  if (traceOf(stacked) !== undefined) return squeeze(slice(stacked as Tensor<number[]>, [[j, j + 1]]), 0) as T;
  const v = viewOf(stacked);
  return fromView({ ...v, shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + j * v.strides[0]! });
};

/** a derivative program, and the inputs whose cotangents are its outputs (in order) */
interface Derivative { readonly staged: Staged; readonly reached: readonly number[] }
// A derivative program depends only on the program, the shapes and the inputs wanted (its
// constants come from the derivative rules, never from the values), so each is staged once and kept.
const derivatives = new Map<string, Derivative>();
const DERIVATIVES_KEPT = 1024;
/** the wanted inputs' cotangent program (inputs: the program's, then one cotangent per output, each of `shape`) */
const derivative = (program: FusedProgram, shapes: readonly (readonly number[])[], shape: readonly number[], want: readonly boolean[]): Derivative => {
  const key = `${programKey(program)}#${shapes.map((s) => s.join('x')).join(',')}#${shape.join('x')}#${want.map(Number).join('')}`;
  const kept = derivatives.get(key);
  if (kept !== undefined) return kept;
  let reached: number[] = [];
  const m = program.outputs.length, args = [...shapes, ...program.outputs.map(() => shape)];
  const staged = stage('fuse', args.map((s) => ({ shape: s, dtype: 'float32' as DType })), (ps) => {
    const cts = cotangentsOf(program, ps.slice(0, shapes.length), ps.slice(shapes.length, shapes.length + m));
    reached = cts.flatMap((c, k) => (c !== undefined && want[k] ? [k] : []));
    return reached.length === 0 ? zero() : reached.map((k) => cts[k]!);
  }, zero);
  if (derivatives.size >= DERIVATIVES_KEPT) derivatives.clear();
  const d = { staged, reached };
  derivatives.set(key, d);
  return d;
};

/** a function of tensors and numbers (it must return float32: checked when it is staged) */
type Fusable = (...args: never[]) => AnyTensor;

/**
 * Fuses an elementwise function into one kernel: `fuse((a, b) => relu(add(a, b)))` computes the
 * same values as the function (its ops applied one by one, to float32 rounding of each step;
 * exp, log, tanh and sigmoid within the fast kernels' 2 ulp) in one pass over memory instead of
 * one per op. Each call stages `f` on placeholders of its arguments' shapes (microseconds: `f`'s
 * JavaScript runs, no kernels), and the program's compiled kernel is cached by its structure, so
 * numbers and tensors it closes over are read afresh on every call (a changing learning rate does
 * not recompile). The fused function is differentiable (grad, vjp, grad of grad): each input's
 * cotangent is the function's derivative staged and fused the same way.
 *
 * `f` may use the elementwise ops (arithmetic, comparisons, where, exp, log, tanh, sigmoid, relu,
 * ...), numbers, and float32 tensors it closes over; arguments are float32 or bool tensors (or
 * numbers). Anything else inside (a reduction, matmul, reshape, an int32 tensor) is refused with
 * an error naming the op: compute it outside and pass the result in. Inside another fused
 * function, `fuse(f)` is inlined.
 */
export function fuse<F extends Fusable>(f: F): F;
// one implementation signature over tensors and numbers; the overload above keeps f's own type
export function fuse(f: (...xs: readonly T[]) => T): (...args: readonly (T | number)[]) => T {
  return (...args) => {
    const xs = args.map((a) => (isTensor(a) ? a : scalar(a, 'float32')));
    if (staging()) return f(...xs);
    const st = stage('fuse', xs.map((x) => ({ shape: shapeOf(x), dtype: x.dtype })), (ps) => f(...ps), zero);
    const ins = xs.map((x) => (x.dtype === 'bool' ? bind(primitives.cast, [x], { to: 'float32' }) : x));
    return bind(primitives.fused, [...ins, ...st.captured], { program: st.program, shape: st.shape });
  };
}
