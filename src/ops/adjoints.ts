/** @file Adjoints of the structural primitives (broadcast, slice, pad, take, matmul, conv, reductions), written with ops. */
import { bind, type Product } from '../core/index.js';
import { windowCounts, type Window } from '../backend/index.js';
import {
  matmulPlan, normAxes, numel, reduceShape, sameShape, slicePlan, type PadWidths, type Shape, type SliceSpec,
} from '../shape/index.js';
import { eye, traceOf, type AnyTensor, type Tensor } from '../tensor/index.js';
import { cast, div, equal, mul, where } from './elementwise.js';
import { primitives } from './primitives.js';

type T = AnyTensor;
const dims = (t: T): readonly number[] => t.shape as readonly number[];
const reshape = (t: T, shape: readonly number[]): T => bind(primitives.reshape, [t], { shape });
const pad = (t: T, widths: PadWidths): T => bind(primitives.pad, [t], { widths, mode: 'constant', value: 0 });
const slice = (t: T, specs: readonly SliceSpec[]): T => bind(primitives.slice, [t], { specs });
const sum = (t: T, axes: readonly number[]): T => bind(primitives.reduce, [t], { op: 'sum', axes });
const at = (rank: number, axis: number, w: readonly [number, number]): PadWidths =>
  Array.from({ length: rank }, (_, i) => (i === axis ? w : [0, 0] as const));
const along = (rank: number, axis: number, spec: SliceSpec): SliceSpec[] =>
  Array.from({ length: rank }, (_, i) => (i === axis ? spec : null));

/** sums g over the axes that broadcasting stretched, back to `shape` */
export const unbroadcast = (g: T, shape: readonly number[]): T => {
  const gs = dims(g);
  if (sameShape(gs, shape)) return g;
  const lead = gs.length - shape.length;
  const axes = gs.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  return reshape(axes.length ? sum(g, axes) : g, shape);
};

/** g (the cotangent of a reduction without keepdims) broadcast back over the input's shape */
export const expandReduced = (g: T, xShape: readonly number[], axes: readonly number[]): T =>
  bind(primitives.broadcastTo, [reshape(g, reduceShape(xShape, axes, true) as number[])], { shape: xShape });

/**
 * The adjoint of max/min: the cotangent goes to the extreme elements, split equally among ties.
 * The share g / count is taken on the reduced shape and selected where x is extreme: three
 * passes over x's size (compare, count, select) instead of five. Elsewhere it is share · 0, which
 * is 0 but NaN where no element equals the extreme (a NaN in the window) or g is infinite, as
 * the product mask / count · g gives.
 */
export const extremeAdjoint = (g: T, x: T, out: T, axes: readonly number[]): T => {
  const mask = equal(x, expandReduced(out, dims(x), axes));
  const share = div(g, sum(mask, axes));
  return where(mask as Tensor<Shape, 'bool'>, expandReduced(share, dims(x), axes), expandReduced(mul(share, 0), dims(x), axes));
};

/** the adjoint of prod: each element gets the product of the others (exact with zeros) */
export const prodAdjoint = (g: T, x: T, axes: readonly number[]): T => {
  const xs = dims(x), ax = normAxes('prod', axes, xs);
  const kept = xs.map((_, i) => i).filter((i) => !ax.includes(i));
  const perm = [...kept, ...ax];
  const k = numel(kept.map((i) => xs[i]!)), n = numel(ax.map((i) => xs[i]!));
  const flat = reshape(bind(primitives.transpose, [x], { perm }), [k, 1, n]);
  // others[k, j] = prod_i (i == j ? 1 : x[k, i])
  const others = bind(primitives.reduce, [where(cast(eye(n), 'bool'), 1, flat)], { op: 'prod', axes: [2] });
  const gx = mul(others, reshape(g, [k, 1]));
  const inv = perm.map((_, i) => perm.indexOf(i));
  return bind(primitives.transpose, [reshape(gx, perm.map((i) => xs[i]!))], { perm: inv });
};

/** the adjoint of slice: g placed back where the slice came from, zeros elsewhere */
export const sliceAdjoint = (g: T, xShape: readonly number[], specs: readonly SliceSpec[]): T => {
  const rank = xShape.length;
  const plan = slicePlan(xShape, specs);
  // put the dropped (integer-indexed) axes back as size 1 first, so every axis lines up with x's
  let t = plan.some((a) => a.index) ? reshape(g, plan.map((a) => (a.index ? 1 : a.len))) : g;
  plan.forEach((a, i) => {
    const d = xShape[i]!;
    if (a.len === 0) { t = pad(t, at(rank, i, [0, d])); return; }
    let start = a.start, step = a.step;
    if (step < 0) {
      t = slice(t, along(rank, i, [null, null, -1]));
      start += (a.len - 1) * step;
      step = -step;
    }
    if (step > 1) {
      // interleave step-1 zeros after each element: [L] -> [L, step] -> [L * step] -> first (L-1)*step+1
      const s = dims(t);
      const wide = pad(reshape(t, [...s.slice(0, i + 1), 1, ...s.slice(i + 1)]), at(rank + 1, i + 1, [0, step - 1]));
      t = slice(reshape(wide, [...s.slice(0, i), s[i]! * step, ...s.slice(i + 1)]), along(rank, i, [0, (a.len - 1) * step + 1]));
    }
    const span = (a.len - 1) * step + 1;
    t = pad(t, at(rank, i, [start, d - start - span]));
  });
  return t;
};

/** the adjoint of pad: the window of g over the input; in reflect mode the mirrored parts fold back */
export const padAdjoint = (g: T, xShape: readonly number[], widths: PadWidths, mode: 'constant' | 'reflect'): T => {
  const rank = xShape.length;
  let t = g;
  xShape.forEach((d, i) => {
    const [b, a] = widths[i]!;
    const centre = slice(t, along(rank, i, [b, b + d]));
    if (mode === 'constant') { t = centre; return; }
    let acc = centre;
    // left part: out[j] = x[b - j] for j < b, i.e. reversed it covers x[1..b]
    if (b > 0) acc = bind(primitives.binary, [acc, pad(slice(t, along(rank, i, [b - 1, null, -1])), at(rank, i, [1, d - 1 - b]))], { op: 'add', out: 'float32' });
    // right part: out[b + d + k] = x[d - 2 - k], i.e. reversed it covers x[d-1-a .. d-2]
    if (a > 0) acc = bind(primitives.binary, [acc, pad(slice(t, along(rank, i, [b + d + a - 1, b + d - 1, -1])), at(rank, i, [d - 1 - a, 1]))], { op: 'add', out: 'float32' });
    t = acc;
  });
  return t;
};

/** the adjoint of take: cotangents scatter-added back to the rows they were taken from */
export const takeAdjoint = (g: T, xShape: readonly number[], indices: T, axis: number): T => {
  const n = indices.size, rank = xShape.length;
  const gs = [...xShape.slice(0, axis), n, ...xShape.slice(axis + 1)];
  const idx = reshape(indices, xShape.map((_, i) => (i === axis ? n : 1)));
  const full = bind(primitives.broadcastTo, [idx], { shape: gs });
  return rank === 0 ? g : bind(primitives.scatterAdd, [full, reshape(g, gs)], { shape: xShape, axis });
};

/** the adjoints of matmul: g @ b^T and a^T @ g, summed over broadcast batch dims (each only where `needs` asks: null otherwise) */
export const matmulAdjoint = (g: T, a: T, b: T, needs: readonly boolean[] = [true, true]): readonly [T | null, T | Product | null] => {
  const { a2, b2, batch } = matmulPlan(dims(a), dims(b));
  const gm = reshape(g, [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!]);
  const swap = (t: T) => bind(primitives.transpose, [t], { perm: dims(t).map((_, i, s) => (i < s.length - 2 ? i : 2 * s.length - 3 - i)) });
  const da = needs[0] === false ? null : bind(primitives.matmul, [gm, swap(reshape(b, b2))], {});
  // b shared by every batch entry (a dense layer on [..., K] inputs): its gradient is one product over all rows, not a batch of them summed
  const shared = b2.length === 2 && batch.length > 0 && a2.length === batch.length + 2;
  const plain = b2.length === 2 && a2.length === 2 && batch.length === 0;
  const rows = (t: T, cols: number): T => reshape(t, [numel(a2.slice(0, -1)), cols]);
  // a 2-D weight's gradient where nothing traces the factors (first order): left as the product aᵀ·g,
  // so backward sums a weight's uses (a recurrent kernel's 50 time steps) as one product (trace.ts)
  if (needs[1] !== false && (plain || shared) && dims(b).length === 2 && b.dtype === 'float32' && traceOf(a) === undefined && traceOf(g) === undefined) {
    return [da && reshape(unbroadcast(da, a2), dims(a)), { transposedProduct: [rows(a, a2[a2.length - 1]!), rows(gm, b2[1]!)] }];
  }
  const db = needs[1] === false ? null
    : shared ? bind(primitives.matmul, [swap(rows(a, a2[a2.length - 1]!)), rows(gm, b2[1]!)], {})
    : bind(primitives.matmul, [swap(reshape(a, a2)), gm], {});
  return [da && reshape(unbroadcast(da, a2), dims(a)), db && reshape(unbroadcast(db, b2), dims(b))];
};

/**
 * conv's input gradient foldPatches(dy @ wᵀ) for x of shape `xs` (dy [B, ...windows, Cout], w
 * [K·C, Cout]). For stride 1 and pads within the kernel's reach ((k - 1)·d) it is itself a
 * convolution: of dy, padded by reach - pad, with the spatially flipped kernel, its channel axes
 * swapped; a direct kernel instead of [rows, K·C] in memory folded back (the same sums within
 * float32 rounding).
 */
const convInput = (g: T, w: T, xs: readonly number[], window: Window): T => {
  const { kernel, strides, dilations, pads } = window, d = kernel.length, ch = xs[d + 1]!, cout = dims(w)[1]!;
  const reach = kernel.map((k, i) => (k - 1) * dilations[i]!);
  if (strides.every((s) => s === 1) && pads.every(([b, a], i) => b <= reach[i]! && a <= reach[i]!)) {
    const flipped = slice(reshape(w, [...kernel, ch, cout]), [...kernel.map(() => [null, null, -1] as const), null, null]);
    const wt = reshape(bind(primitives.transpose, [flipped], { perm: [...kernel.keys(), d + 1, d] }), [numel(kernel) * cout, ch]);
    const back: Window = { kernel, strides, dilations, pads: pads.map(([b, a], i) => [reach[i]! - b, reach[i]! - a] as const) };
    return bind(primitives.conv, [g, wt], { window: back });
  }
  const outs = dims(g).slice(1, -1), rows = xs[0]! * numel(outs);
  const dp = bind(primitives.matmul, [reshape(g, [rows, cout]), bind(primitives.transpose, [w], { perm: [1, 0] })], {});
  return bind(primitives.foldPatches, [reshape(dp, [xs[0]!, ...outs, ...kernel, ch])], { spatial: xs.slice(1, -1), window });
};

/** the adjoints of conv, y = patches(x) @ w (rows: batch x windows): dx = foldPatches(dy @ wᵀ) (convInput), dw = patches(x)ᵀ @ dy (convFilter), each only where `needs` asks */
export const convAdjoint = (g: T, x: T, w: T, window: Window, needs: readonly boolean[]): readonly [T | null, T | null] => [
  needs[0] === false ? null : convInput(g, w, dims(x), window),
  needs[1] === false ? null : bind(primitives.convFilter, [x, g], { window }),
];

/** the adjoints of convFilter, dw = patches(x)ᵀ @ dy, for the cotangent ct of dw: dx = foldPatches(dy @ ctᵀ) (convInput with ct as the kernel), ddy = conv(x, ct) */
export const convFilterAdjoint = (ct: T, x: T, g: T, window: Window, needs: readonly boolean[]): readonly [T | null, T | null] => [
  needs[0] === false ? null : convInput(g, ct, dims(x), window),
  needs[1] === false ? null : bind(primitives.conv, [x, ct], { window }),
];
