/** @file The primitive table: every primitive's shape/dtype rule, kernel and VJP rule, one entry each. */
import {
  reshaped, windowCounts, type BinaryOp, type FusedProgram, type ReduceOp, type UnaryOp, type View, type Window,
} from '../backend/index.js';
import { bind, type Abstract, type PrimitiveDef } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import {
  broadcastShapes, checkBroadcastTo, concatPlan, contiguousStrides, gatherShape, matmulPlan, normAxis, numel,
  padShape, reduceShape, reshapeShape, sameShape, ShapeMismatchError, slicePlan, takeShape, transposePerm, ValueError,
  type PadWidths, type Shape, type SliceSpec,
} from '../shape/index.js';
import {
  convAdjoint, convFilterAdjoint, expandReduced, extremeAdjoint, matmulAdjoint, padAdjoint, prodAdjoint, sliceAdjoint, takeAdjoint, unbroadcast,
} from './adjoints.js';
import { binaryDerivatives, unaryDerivatives } from './derivatives.js';
import { div, mul, neg, where } from './elementwise.js';
import { fusedVjp } from './fuse.js';
import type { Tensor } from '../tensor/index.js';

/** the parameters of each primitive (tensors are positional inputs; everything else is here) */
export interface ParamsOf {
  unary: { readonly op: UnaryOp; readonly out: DType };
  binary: { readonly op: BinaryOp; readonly out: DType };
  where: { readonly out: DType };
  reduce: { readonly op: ReduceOp; readonly axes: readonly number[] };
  argReduce: { readonly op: 'argmax' | 'argmin'; readonly axis: number };
  cumsum: { readonly axis: number; readonly exclusive: boolean; readonly reverse: boolean };
  argsort: { readonly axis: number; readonly descending: boolean };
  matmul: Record<string, never>;
  reshape: { readonly shape: readonly number[] };
  transpose: { readonly perm: readonly number[] };
  broadcastTo: { readonly shape: readonly number[] };
  slice: { readonly specs: readonly SliceSpec[] };
  pad: { readonly widths: PadWidths; readonly mode: 'constant' | 'reflect'; readonly value: number };
  concat: { readonly axis: number };
  take: { readonly axis: number };
  gather: { readonly axis: number };
  scatterAdd: { readonly shape: readonly number[]; readonly axis: number };
  cast: { readonly to: DType };
  stopGradient: Record<string, never>;
  patches: { readonly window: Window; readonly value: number };
  foldPatches: { readonly spatial: readonly number[]; readonly window: Window };
  conv: { readonly window: Window };
  convFilter: { readonly window: Window };
  fused: { readonly program: FusedProgram; readonly shape: readonly number[] };
}
/** the name of a primitive */
export type PrimName = keyof ParamsOf;

const one = (xs: readonly Abstract[]): Abstract => xs[0]!;
const isFloat = (x: Abstract): boolean => x.dtype === 'float32';
const dims = (x: Abstract): readonly number[] => x.shape;
const requireDType = (op: string, x: Abstract, ok: readonly DType[]): void => {
  if (!ok.includes(x.dtype)) throw new ValueError(op, `dtype ${x.dtype} is not supported (expected ${ok.join(' or ')})`);
};
// shapes and strides are copied: a caller's array must never become part of a tensor
const view = (v: View, shape: readonly number[], strides: readonly number[], offset: number): View =>
  ({ dtype: v.dtype, data: v.data, shape: [...shape], strides: [...strides], offset }) as View;

/** every primitive, each in one place: name, shape/dtype rule, kernel, VJP (its derivative in a comment above) */
export const primitives: { readonly [P in PrimName]: PrimitiveDef<ParamsOf[P]> } = {
  unary: {
    name: 'unary',
    abstract: (xs, { out }) => ({ shape: one(xs).shape, dtype: out }),
    impl: (b, [x], { op, out }) => b.unary(op, x!, out),
    constant: ({ out }) => out === 'bool',
    // the derivative of each function is in derivatives.ts (exhaustive by function)
    vjp: (g, [x], y, { op }) => {
      const d = unaryDerivatives[op];
      return [d !== null && isFloat(x!) && isFloat(y) ? d(g, x!, y) : null];
    },
  },
  binary: {
    name: 'binary',
    abstract: ([a, b], { op, out }) => ({ shape: broadcastShapes(a!.shape, b!.shape, op) as number[], dtype: out }),
    impl: (be, [a, b], { op, out }) => be.binary(op, a!, b!, broadcastShapes(a!.shape, b!.shape, op) as number[], out),
    constant: ({ out }) => out === 'bool',
    // derivatives.ts has d/da and d/db of each function; broadcast axes are summed back
    vjp: (g, [a, b], out, { op }, needs) => {
      const d = binaryDerivatives[op];
      const wa = isFloat(a!) && needs[0] !== false, wb = isFloat(b!) && needs[1] !== false;
      if (d === null || !isFloat(out) || (!wa && !wb)) return [null, null];
      // a divisor broadcast over a (softmax's sum): -g·out/b summed back is -(g·out summed back)/b, as b is
      // constant over the summed axes; two passes over out's size fewer than the rule's full-size quotient
      if (op === 'div' && wb && !sameShape(dims(b!), dims(out))) {
        const db = neg(div(unbroadcast(mul(g, out), dims(b!)), b!));
        return [wa ? unbroadcast(div(g, b!), dims(a!)) : null, db];
      }
      const [da, db] = d(g, a!, b!, out, [wa, wb]);
      return [wa && da !== null ? unbroadcast(da, dims(a!)) : null, wb && db !== null ? unbroadcast(db, dims(b!)) : null];
    },
  },
  where: {
    name: 'where',
    abstract: ([c, a, b], { out }) => {
      requireDType('where', c!, ['bool']);
      return { shape: broadcastShapes(broadcastShapes(c!.shape, a!.shape, 'where') as number[], b!.shape, 'where') as number[], dtype: out };
    },
    impl: (be, [c, a, b], { out }) =>
      be.where(c!, a!, b!, broadcastShapes(broadcastShapes(c!.shape, a!.shape) as number[], b!.shape) as number[], out),
    // d/da = g where cond, d/db = g elsewhere
    vjp: (g, [c, a, b], _out, _params, needs) => [
      null,
      isFloat(a!) && needs[1] !== false ? unbroadcast(where(c! as Tensor<Shape, 'bool'>, g, 0), dims(a!)) : null,
      isFloat(b!) && needs[2] !== false ? unbroadcast(where(c! as Tensor<Shape, 'bool'>, 0, g), dims(b!)) : null,
    ],
  },
  reduce: {
    name: 'reduce',
    abstract: ([x], { op, axes }) => {
      if (x!.dtype === 'bool' && (op === 'sum' || op === 'prod')) return { shape: reduceShape(x!.shape, axes, false, op) as number[], dtype: 'int32' };
      return { shape: reduceShape(x!.shape, axes, false, op) as number[], dtype: x!.dtype };
    },
    impl: (b, [x], { op, axes }) => b.reduce(op, x!, [...axes].sort((p, q) => p - q)),
    // sum: g spread over the reduced axes; max/min: to the extremes, ties share; prod: product of the others
    vjp: (g, [x], out, { op, axes }) => {
      if (!isFloat(x!)) return [null];
      if (op === 'sum') return [expandReduced(g, dims(x!), axes)];
      if (op === 'prod') return [prodAdjoint(g, x!, axes)];
      return [extremeAdjoint(g, x!, out, axes)];
    },
  },
  argReduce: {
    name: 'argReduce',
    abstract: ([x], { op, axis }) => ({ shape: reduceShape(x!.shape, axis, false, op) as number[], dtype: 'int32' }),
    impl: (b, [x], { op, axis }) => b.argReduce(op, x!, normAxis(op, axis, x!.shape)),
    constant: () => true,
    // integer output: no gradient
    vjp: () => [null],
  },
  cumsum: {
    name: 'cumsum',
    abstract: ([x], { axis }) => {
      normAxis('cumsum', axis, x!.shape);
      return { shape: x!.shape, dtype: x!.dtype === 'bool' ? 'int32' : x!.dtype };
    },
    impl: (b, [x], { axis, exclusive, reverse }) => b.cumsum(x!, normAxis('cumsum', axis, x!.shape), exclusive, reverse),
    // the adjoint of a running sum is the running sum in the other direction
    vjp: (g, [x], _out, { axis, exclusive, reverse }) =>
      [isFloat(x!) ? bind(primitives.cumsum, [g], { axis, exclusive, reverse: !reverse }) : null],
  },
  argsort: {
    name: 'argsort',
    abstract: ([x], { axis }) => {
      normAxis('argsort', axis, x!.shape);
      return { shape: x!.shape, dtype: 'int32' };
    },
    impl: (b, [x], { axis, descending }) => b.argsort(x!, normAxis('argsort', axis, x!.shape), descending),
    constant: () => true,
    // integer output: no gradient (sort's values get theirs through gather)
    vjp: () => [null],
  },
  matmul: {
    name: 'matmul',
    abstract: ([a, b]) => {
      if (a!.dtype !== b!.dtype) throw new ValueError('matmul', `dtypes differ (${a!.dtype} vs ${b!.dtype})`);
      requireDType('matmul', a!, ['float32', 'int32']);
      return { shape: matmulPlan(a!.shape, b!.shape).out, dtype: a!.dtype };
    },
    impl: (be, [a, b]) => {
      const { a2, b2, batch, out } = matmulPlan(a!.shape, b!.shape);
      const r = be.matmul(reshapeView(a!, a2), reshapeView(b!, b2), batch);
      return reshapeView(r, out);
    },
    // d/da = g @ b^T, d/db = a^T @ g, batch broadcast summed back
    vjp: (g, [a, b], _out, _params, needs) => (isFloat(a!) ? matmulAdjoint(g, a!, b!, needs) : [null, null]),
  },
  reshape: {
    name: 'reshape',
    abstract: ([x], { shape }) => ({ shape: reshapeShape(x!.shape, shape) as number[], dtype: x!.dtype }),
    impl: (_, [x], { shape }) => reshapeView(x!, reshapeShape(x!.shape, shape) as number[]),
    // the same elements back in the input's shape
    vjp: (g, [x]) => [bind(primitives.reshape, [g], { shape: dims(x!) })],
  },
  transpose: {
    name: 'transpose',
    abstract: ([x], { perm }) => ({ shape: transposePerm(x!.shape, perm).map((i) => x!.shape[i]!), dtype: x!.dtype }),
    impl: (_, [x], { perm }) => {
      const p = transposePerm(x!.shape, perm);
      return view(x!, p.map((i) => x!.shape[i]!), p.map((i) => x!.strides[i]!), x!.offset);
    },
    // transpose back by the inverse permutation
    vjp: (g, [x], _out, { perm }) => {
      const p = transposePerm(dims(x!), perm);
      return [bind(primitives.transpose, [g], { perm: p.map((_, i) => p.indexOf(i)) })];
    },
  },
  broadcastTo: {
    name: 'broadcastTo',
    abstract: ([x], { shape }) => {
      checkBroadcastTo('broadcastTo', x!.shape, shape);
      return { shape, dtype: x!.dtype };
    },
    impl: (_, [x], { shape }) => {
      const lead = shape.length - x!.shape.length;
      return view(x!, shape, shape.map((_d, i) => (i < lead || x!.shape[i - lead] === 1 ? 0 : x!.strides[i - lead]!)), x!.offset);
    },
    // sum over the stretched axes
    vjp: (g, [x]) => [unbroadcast(g, dims(x!))],
  },
  slice: {
    name: 'slice',
    abstract: ([x], { specs }) => ({ shape: slicePlan(x!.shape, specs).filter((a) => !a.index).map((a) => a.len), dtype: x!.dtype }),
    impl: (_, [x], { specs }) => sliceView(x!, specs),
    // the output is a window of x: backward writes cotangents straight into that window of x's
    window: (buffer, { specs }) => sliceView(buffer, specs),
    // g put back in place, zeros elsewhere
    vjp: (g, [x], _out, { specs }) => [sliceAdjoint(g, dims(x!), specs)],
  },
  pad: {
    name: 'pad',
    abstract: ([x], { widths, mode }) => ({ shape: padShape(x!.shape, widths, mode) as number[], dtype: x!.dtype }),
    impl: (b, [x], { widths, mode, value }) => b.pad(x!, widths, mode, value),
    // the window over the input (reflected borders fold back in reflect mode)
    vjp: (g, [x], _out, { widths, mode }) => [padAdjoint(g, dims(x!), widths, mode)],
  },
  concat: {
    name: 'concat',
    abstract: (xs, { axis }) => {
      const d = xs[0]?.dtype;
      xs.forEach((x, i) => { if (x.dtype !== d) throw new ValueError('concat', `input ${i} has dtype ${x.dtype}, input 0 has ${d}`); });
      return { shape: concatPlan(xs.map((x) => x.shape), axis).shape, dtype: d ?? 'float32' };
    },
    impl: (b, xs, { axis }) => b.concat(xs, concatPlan(xs.map((x) => x.shape), axis).axis),
    // each input gets its own stretch of g along the axis
    vjp: (g, xs, _out, { axis }, needs) => {
      const ax = concatPlan(xs.map(dims), axis).axis;
      let start = 0;
      return xs.map((x, k) => {
        const n = dims(x)[ax]!;
        const specs = dims(x).map((_, i) => (i === ax ? ([start, start + n] as const) : null));
        start += n;
        return needs[k] === false ? null : bind(primitives.slice, [g], { specs });
      });
    },
  },
  take: {
    name: 'take',
    abstract: ([x, i], { axis }) => {
      requireDType('take', i!, ['int32']);
      return { shape: takeShape(x!.shape, i!.shape, axis) as number[], dtype: x!.dtype };
    },
    impl: (b, [x, i], { axis }) => b.take(x!, i!, normAxis('take', axis, x!.shape)),
    // rows scatter-added back to where they were taken from
    vjp: (g, [x, i], _out, { axis }) => [isFloat(x!) ? takeAdjoint(g, dims(x!), i!, normAxis('take', axis, dims(x!))) : null, null],
  },
  gather: {
    name: 'gather',
    abstract: ([x, i], { axis }) => {
      requireDType('gather', i!, ['int32']);
      return { shape: gatherShape(x!.shape, i!.shape, axis) as number[], dtype: x!.dtype };
    },
    impl: (b, [x, i], { axis }) => b.gather(x!, i!, normAxis('gather', axis, x!.shape)),
    // scatter-add is gather's adjoint
    vjp: (g, [x, i], _out, { axis }) =>
      [isFloat(x!) ? bind(primitives.scatterAdd, [i!, g], { shape: dims(x!), axis: normAxis('gather', axis, dims(x!)) }) : null, null],
  },
  scatterAdd: {
    name: 'scatterAdd',
    abstract: ([i, u], { shape, axis }) => {
      requireDType('scatterAdd', i!, ['int32']);
      gatherShape(shape, i!.shape, axis);
      if (i!.shape.some((d, k) => d !== u!.shape[k]) || i!.shape.length !== u!.shape.length) {
        throw new ShapeMismatchError('scatterAdd', 'updates must have the shape of the indices', [i!.shape, u!.shape]);
      }
      return { shape, dtype: u!.dtype };
    },
    impl: (b, [i, u], { shape, axis }) => b.scatterAdd(shape, i!, u!, normAxis('scatterAdd', axis, shape)),
    // and gather is scatter-add's
    vjp: (g, [i, u], _out, { axis }) => [null, isFloat(u!) ? bind(primitives.gather, [g, i!], { axis }) : null],
  },
  cast: {
    name: 'cast',
    abstract: ([x], { to }) => ({ shape: one([x!]).shape, dtype: to }),
    impl: (b, [x], { to }) => (x!.dtype === to ? x! : b.cast(x!, to)),
    // float to float passes g through; nothing flows to or from ints and bools
    vjp: (g, [x], out) => [isFloat(x!) && isFloat(out) ? g : null],
  },
  patches: {
    name: 'patches',
    abstract: ([x], { window }) => {
      const s = x!.shape;
      if (s.length !== window.kernel.length + 2) throw new ShapeMismatchError('patches', `input must be [batch, ...${window.kernel.length} spatial, channels]`, [s]);
      return { shape: [s[0]!, ...windowCounts(s.slice(1, -1), window), ...window.kernel, s[s.length - 1]!], dtype: x!.dtype };
    },
    impl: (b, [x], { window, value }) => b.patches(x!, window, value),
    // every window element came from one input element (or the padding): fold the cotangents back
    vjp: (g, [x], _out, { window }) => [isFloat(x!) ? bind(primitives.foldPatches, [g], { spatial: dims(x!).slice(1, -1), window }) : null],
  },
  foldPatches: {
    name: 'foldPatches',
    abstract: ([p], { spatial, window }) => {
      const s = p!.shape, d = spatial.length;
      if (s.length !== 2 * d + 2) throw new ShapeMismatchError('foldPatches', `patches must be [batch, ...${d} windows, ...${d} kernel, channels]`, [s]);
      return { shape: [s[0]!, ...spatial, s[s.length - 1]!], dtype: p!.dtype };
    },
    impl: (b, [p], { spatial, window }) => b.foldPatches(p!, spatial, window),
    // folding sums window elements into the input: its adjoint reads them back out
    vjp: (g, [p], _out, { window }) => [isFloat(p!) ? bind(primitives.patches, [g], { window, value: 0 }) : null],
  },
  conv: {
    name: 'conv',
    abstract: ([x, w], { window }) => {
      const s = x!.shape, d = window.kernel.length, ch = s[s.length - 1]!, kk = numel(window.kernel);
      if (s.length !== d + 2) throw new ShapeMismatchError('conv', `input must be [batch, ...${d} spatial, channels]`, [s]);
      if (w!.shape.length !== 2 || w!.shape[0] !== kk * ch) {
        throw new ShapeMismatchError('conv', `the kernel matrix must be [${kk} kernel positions x ${ch} channels, out channels]`, [s, w!.shape]);
      }
      if (x!.dtype !== w!.dtype) throw new ValueError('conv', `dtypes differ (${x!.dtype} vs ${w!.dtype})`);
      requireDType('conv', x!, ['float32', 'int32']);
      return { shape: [s[0]!, ...windowCounts(s.slice(1, -1), window), w!.shape[1]!], dtype: x!.dtype };
    },
    impl: (b, [x, w], { window }) => b.conv(x!, w!, window),
    // y = patches(x) @ w (rows: batch x windows): dx = foldPatches(dy @ wᵀ), dw = patches(x)ᵀ @ dy (convFilter)
    vjp: (g, [x, w], _out, { window }, needs) => (isFloat(x!) ? convAdjoint(g, x!, w!, window, needs) : [null, null]),
  },
  // conv's kernel gradient as a primitive of its own: a direct kernel, and differentiable again
  convFilter: {
    name: 'convFilter',
    abstract: ([x, g], { window }) => {
      const s = x!.shape, d = window.kernel.length, outs = windowCounts(s.slice(1, -1), window), gs = g!.shape;
      if (s.length !== d + 2 || gs.length !== d + 2 || gs[0] !== s[0] || outs.some((n, i) => gs[i + 1] !== n)) {
        throw new ShapeMismatchError('convFilter', `takes x [batch, ...${d} spatial, channels] and dy [batch, ...[${outs}], out]`, [s, gs]);
      }
      if (x!.dtype !== g!.dtype) throw new ValueError('convFilter', `dtypes differ (${x!.dtype} vs ${g!.dtype})`);
      requireDType('convFilter', x!, ['float32', 'int32']);
      return { shape: [numel(window.kernel) * s[d + 1]!, gs[d + 1]!], dtype: x!.dtype };
    },
    impl: (b, [x, g], { window }) => b.convFilter(x!, g!, window),
    // dw = patches(x)ᵀ @ dy: d/dx = foldPatches(dy @ ctᵀ) (conv's input gradient, ct as the kernel), d/ddy = patches(x) @ ct = conv(x, ct)
    vjp: (ct, [x, g], _out, { window }, needs) => (isFloat(x!) ? convFilterAdjoint(ct, x!, g!, window, needs) : [null, null]),
  },
  stopGradient: {
    name: 'stopGradient',
    abstract: (xs) => one(xs),
    impl: (_, [x]) => x!,
    constant: () => true,
    // that is what it is for
    vjp: () => [null],
  },
  fused: {
    name: 'fused',
    abstract: (xs, { program, shape }) => {
      if (xs.length !== program.inputs) throw new ValueError('fuse', `the program reads ${program.inputs} inputs, got ${xs.length}`);
      xs.forEach((x) => {
        requireDType('fuse', x, ['float32']);
        checkBroadcastTo('fuse', x.shape, shape);
      });
      return { shape: program.outputs.length === 1 ? [...shape] : [program.outputs.length, ...shape], dtype: 'float32' };
    },
    impl: (b, xs, { program, shape }) => b.fused(program, xs, shape),
    // each input's cotangent is the program's derivative, staged into a program of its own (fuse.ts)
    vjp: (g, xs, _out, { program, shape }, needs) => fusedVjp(g, xs, program, shape, needs),
  },
};

/** the window of `x` a slice reads */
const sliceView = (x: View, specs: readonly SliceSpec[]): View => {
  const plan = slicePlan(x.shape, specs);
  let offset = x.offset;
  const shape: number[] = [], strides: number[] = [];
  plan.forEach((a, i) => {
    if (a.len > 0 || a.index) offset += a.start * x.strides[i]!;
    if (!a.index) { shape.push(a.len); strides.push(a.step * x.strides[i]!); }
  });
  return view(x, shape, strides, numel(shape) === 0 ? x.offset : offset);
};
/** a view of `v` with a new shape of the same size: free when the strides allow (contiguous, or merged axes of a transpose or slice), else a copy */
const reshapeView = (v: View, shape: readonly number[]): View => reshaped(v, shape);
