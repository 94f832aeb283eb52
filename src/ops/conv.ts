/** @file Convolutions on channels-last inputs (HWIO kernels): conv1d, conv2d, depthwise, transposed; the conv primitive, or patches + matmul for groups and transposes. */
import type { Check, IsNatural, Mod, Mul, ShapeError } from '../../types/index.js';
import { bind } from '../core/index.js';
import {
  perAxis, resolvePads, transposePlan, ValueError, windowInput, windowOuts,
  type AsShape, type ConvShape, type ConvTransposeShape, type Padding, type PerAxis, type Shape,
} from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { primitives } from './primitives.js';

type T = AnyTensor;
/** convolution options: strides and dilations (one for all spatial axes or one each), padding, groups */
export interface ConvOptions {
  readonly strides?: PerAxis;
  readonly dilations?: PerAxis;
  readonly padding?: Padding;
  readonly groups?: number;
}
/** transposed convolution options (no groups > 1 in the type-level rule's channel check) */
export interface ConvTransposeOptions {
  readonly strides?: PerAxis;
  readonly dilations?: PerAxis;
  readonly padding?: 'valid' | 'same' | readonly (readonly [number, number])[];
  readonly outputPadding?: PerAxis;
  readonly groups?: number;
}
/** 2-D convolution options ('causal' is 1-D only) */
export interface Conv2dOptions extends Omit<ConvOptions, 'padding'> { readonly padding?: Exclude<Padding, 'causal'> }
/** R, unless groups does not divide the output channels */
type GroupsOk<Op extends string, R, CO extends number, G extends number> =
  IsNatural<G> extends false ? R : number extends CO ? R
  : Mod<CO, G> extends 0 ? R : ShapeError<`${Op}: groups ${G} must divide the ${CO} output channels`, [CO], G>;
type Get<O, K extends string, Fallback> = O extends { readonly [P in K]?: infer V } ? (undefined extends V ? Fallback : V) : Fallback;
/** the window options the static rules read from an options literal */
export type WindowOf<O> = { readonly strides: AxisValue<Get<O, 'strides', 1>>; readonly dilations: AxisValue<Get<O, 'dilations', 1>>; readonly padding: PaddingValue<Get<O, 'padding', 'valid'>> };
/** V as a per-axis value (1 when it is not one); a conditional, not an intersection, so literals stay literal */
export type AxisValue<V> = V extends PerAxis ? V : 1;
type PaddingValue<V> = V extends Padding ? V : 'valid';
type GroupsOf<O> = Get<O, 'groups', 1> extends infer G extends number ? G : 1;

const dimsOf = (t: T): readonly number[] => t.shape as readonly number[];
const reshape = (t: T, shape: readonly number[]): T => bind(primitives.reshape, [t], { shape });
const transpose = (t: T, perm: readonly number[]): T => bind(primitives.transpose, [t], { perm });
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** the shared N-d convolution: x [B, ...S, Cin], kernel [...K, Cin/G, Cout] -> [B, ...O, Cout] */
const convND = (op: string, x: T, kernel: T, o: ConvOptions): T => {
  const ks = dimsOf(kernel), rank = ks.length - 2;
  const groups = o.groups ?? 1;
  const cg = ks[rank]!, cout = ks[rank + 1]!;
  if (!Number.isInteger(groups) || groups < 1 || cout % groups !== 0) throw new ValueError(op, `groups ${groups} must be a positive integer dividing the ${cout} output channels`);
  const spatial = windowInput(op, dimsOf(x), rank, cg * groups);
  const k = ks.slice(0, rank);
  const strides = perAxis(op, 'strides', o.strides, rank, 1), dilations = perAxis(op, 'dilations', o.dilations, rank, 1);
  const pads = resolvePads(op, spatial, k, strides, dilations, o.padding ?? 'valid');
  const outs = windowOuts(op, spatial, k, strides, dilations, pads);
  const b = dimsOf(x)[0]!, rows = b * prod(outs), kk = prod(k);
  const window = { kernel: k, strides, dilations, pads };
  // one group: the conv primitive (a direct kernel on the fast backend: no patches in memory)
  if (groups === 1) return bind(primitives.conv, [x, reshape(kernel, [kk * cg, cout])], { window });
  const p = bind(primitives.patches, [x], { window, value: 0 });
  // per group: [G, rows, K·Cg] @ [G, K·Cg, Cout/G]; group g feeds output channels [g·Cout/G, (g+1)·Cout/G)
  const og = cout / groups;
  const pg = reshape(transpose(reshape(p, [rows, kk, groups, cg]), [2, 0, 1, 3]), [groups, rows, kk * cg]);
  const kg = reshape(transpose(reshape(kernel, [kk, cg, groups, og]), [2, 0, 1, 3]), [groups, kk * cg, og]);
  const y = bind(primitives.matmul, [pg, kg], {});
  return reshape(transpose(y, [1, 0, 2]), [b, ...outs, cout]);
};

/**
 * 2-D convolution (cross-correlation) of x [B, H, W, Cin] with an HWIO kernel [kh, kw, Cin/groups, Cout].
 * @example conv2d(zeros([8, 28, 28, 1]), zeros([3, 3, 1, 16]), { strides: 2, padding: 'same' }) // Tensor<[8, 14, 14, 16]>
 */
export const conv2d = <X extends Shape, KH extends number, KW extends number, CG extends number, CO extends number, const O extends Conv2dOptions = {}>(
  x: Tensor<X>, kernel: Check<GroupsOk<'conv2d', ConvShape<'conv2d', X, [KH, KW], Mul<CG, GroupsOf<O>>, CO, WindowOf<O>>, CO, GroupsOf<O>>, Tensor<[KH, KW, CG, CO]>>, options?: O,
): Tensor<AsShape<ConvShape<'conv2d', X, [KH, KW], Mul<CG, GroupsOf<O>>, CO, WindowOf<NoInfer<O>>>>> =>
  convND('conv2d', x, kernel as T, options ?? {}) as Tensor<AsShape<ConvShape<'conv2d', X, [KH, KW], Mul<CG, GroupsOf<O>>, CO, WindowOf<O>>>>;

/** 1-D convolution of x [B, W, Cin] with a kernel [k, Cin/groups, Cout]; padding also 'causal' */
export const conv1d = <X extends Shape, K extends number, CG extends number, CO extends number, const O extends ConvOptions = {}>(
  x: Tensor<X>, kernel: Check<GroupsOk<'conv1d', ConvShape<'conv1d', X, [K], Mul<CG, GroupsOf<O>>, CO, WindowOf<O>>, CO, GroupsOf<O>>, Tensor<[K, CG, CO]>>, options?: O,
): Tensor<AsShape<ConvShape<'conv1d', X, [K], Mul<CG, GroupsOf<O>>, CO, WindowOf<NoInfer<O>>>>> =>
  convND('conv1d', x, kernel as T, options ?? {}) as Tensor<AsShape<ConvShape<'conv1d', X, [K], Mul<CG, GroupsOf<O>>, CO, WindowOf<O>>>>;

/** depthwise 2-D convolution: each input channel c gets its own [kh, kw] filters; kernel [kh, kw, C, M] (Keras), output channel c·M + m */
export const depthwiseConv2d = <X extends Shape, KH extends number, KW extends number, C extends number, M extends number, const O extends Omit<Conv2dOptions, 'groups'> = {}>(
  x: Tensor<X>, kernel: Check<ConvShape<'depthwiseConv2d', X, [KH, KW], C, Mul<C, M>, WindowOf<O>>, Tensor<[KH, KW, C, M]>>, options?: O,
): Tensor<AsShape<ConvShape<'depthwiseConv2d', X, [KH, KW], C, Mul<C, M>, WindowOf<NoInfer<O>>>>> => {
  const [kh, kw, c, m] = dimsOf(kernel as T) as [number, number, number, number];
  return convND('depthwiseConv2d', x, reshape(kernel as T, [kh, kw, 1, c * m]), { ...options, groups: c }) as
    Tensor<AsShape<ConvShape<'depthwiseConv2d', X, [KH, KW], C, Mul<C, M>, WindowOf<O>>>>;
};

/** the shared N-d transposed convolution: x [B, ...S, Cin], kernel [...K, Cin, Cout/G] */
const convTransposeND = (op: string, x: T, kernel: T, o: ConvTransposeOptions): T => {
  const ks = dimsOf(kernel), rank = ks.length - 2;
  const groups = o.groups ?? 1;
  const cin = ks[rank]!, og = ks[rank + 1]!;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0) throw new ValueError(op, `groups ${groups} must be a positive integer dividing the ${cin} input channels`);
  const spatial = windowInput(op, dimsOf(x), rank, cin);
  const k = ks.slice(0, rank), kk = prod(k), cg = cin / groups, b = dimsOf(x)[0]!, n = prod(spatial);
  const strides = perAxis(op, 'strides', o.strides, rank, 1), dilations = perAxis(op, 'dilations', o.dilations, rank, 1);
  const outPad = o.outputPadding === undefined ? new Array<number>(rank).fill(0) : typeof o.outputPadding === 'number' ? new Array<number>(rank).fill(o.outputPadding) : [...o.outputPadding];
  const plan = transposePlan(op, spatial, k, strides, dilations, o.padding ?? 'valid', outPad);
  // every input position scatters x[ci] · w[k, ci, co] to full[i·s + k·d]; folding onto the output crops by `before`
  const xg = transpose(reshape(x, [b * n, groups, cg]), [1, 0, 2]);
  const wg = transpose(reshape(kernel, [kk, groups, cg, og]), [1, 2, 0, 3]);
  const y = bind(primitives.matmul, [xg, reshape(wg, [groups, cg, kk * og])], {});
  const p = reshape(transpose(reshape(y, [groups, b * n, kk, og]), [1, 2, 0, 3]), [b, ...spatial, ...k, groups * og]);
  const pads = plan.map(({ full, before, out }) => [before, full - out - before] as const);
  return bind(primitives.foldPatches, [p], { spatial: plan.map((q) => q.out), window: { kernel: k, strides, dilations, pads } });
};

/**
 * Transposed 2-D convolution (the adjoint of conv2d w.r.t. its input) of x [B, H, W, Cin] with a
 * kernel [kh, kw, Cin, Cout/groups]; 'same' gives H·stride (TF), explicit [before, after] crops as PyTorch's padding.
 */
export const conv2dTranspose = <X extends Shape, KH extends number, KW extends number, CI extends number, CO extends number, const O extends ConvTransposeOptions = {}>(
  x: Tensor<X>, kernel: Check<TransposedShape<X, KH, KW, CI, CO, O>, Tensor<[KH, KW, CI, CO]>>, options?: O,
): Tensor<AsShape<TransposedShape<X, KH, KW, CI, CO, NoInfer<O>>>> =>
  convTransposeND('conv2dTranspose', x, kernel as T, options ?? {}) as Tensor<AsShape<TransposedShape<X, KH, KW, CI, CO, O>>>;
/** the output shape of conv2dTranspose for options O */
export type TransposedShape<X extends Shape, KH extends number, KW extends number, CI extends number, CO extends number, O> =
  ConvTransposeShape<'conv2dTranspose', X, [KH, KW], CI, Mul<CO, GroupsOf<O>>, AxisValue<Get<O, 'strides', 1>>,
    AxisValue<Get<O, 'dilations', 1>>, Get<O, 'padding', 'valid'>, Get<O, 'outputPadding', 0> extends infer V extends PerAxis ? V : 0>;
