/** @file The kernel interface every backend implements: flat strided views in, fresh contiguous views out. */
import type { DType } from '../dtype/index.js';
import type { View } from './view.js';
import type { Window } from './reference-window.js';
import type { FusedProgram } from './fused-program.js';

/** elementwise functions of one argument */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'sin' | 'cos'
  | 'tanh' | 'sigmoid' | 'erf' | 'floor' | 'ceil' | 'round' | 'square' | 'reciprocal' | 'not'
  /** max(x, 0) with NaN kept and -0 to +0 (x <= 0 ? 0 : x) */
  | 'relu';
/** elementwise functions of two arguments (inputs already broadcast-compatible) */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod' | 'atan2'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual' | 'and' | 'or'
  /** the pullbacks of sigmoid and tanh from y = f(x), one pass each: a · y · (1 − y) and a · (1 − y²) (a the cotangent, b = y) */
  | 'sigmoidGrad' | 'tanhGrad'
  /** relu's pullback from x, one pass: b <= 0 ? 0 : a (a the cotangent; NaN in b passes a, as relu passes NaN) */
  | 'reluGrad';
/** reductions */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * Kernels. Inputs are read through their strides (transposed, sliced and broadcast views are
 * fine) and never written; every output is a fresh contiguous view. Shapes have been checked
 * by the caller (shape rules live in shape/), so kernels only assert what they rely on.
 * Float math is done in float64 and rounded on store; reductions accumulate in float64. (The
 * fast backend's matmul and convolutions sum float32 products in float32 SIMD lanes, as BLAS
 * does, and its exp, log, tanh and sigmoid of float32 runs of 64 elements or more are SIMD
 * polynomials within 2 ulp of the correctly rounded result; on float64 storage, which checkGrad
 * uses, both are computed in float64 as the reference does.)
 * Integer semantics (wrapping mul, integer pow/mod) follow the *output* dtype: `binary` with
 * out 'int32' assumes integer inputs, and 'div' has no int32 form (callers cast to float32).
 */
export interface Backend {
  readonly name: string;
  /** out[i] = f(x[i]); `out` is the output dtype (e.g. 'float32' for exp of int32, 'bool' for not) */
  readonly unary: (op: UnaryOp, x: View, out: DType) => View;
  /** out[i] = f(a[i], b[i]) over the broadcast `shape`; comparisons and and/or give 'bool' */
  readonly binary: (op: BinaryOp, a: View, b: View, shape: readonly number[], out: DType) => View;
  /** out[i] = cond[i] ? a[i] : b[i] over the broadcast `shape` */
  readonly where: (cond: View, a: View, b: View, shape: readonly number[], out: DType) => View;
  /** reduce over sorted, distinct `axes`; the output drops them (keepdims is a reshape above) */
  readonly reduce: (op: ReduceOp, x: View, axes: readonly number[]) => View;
  /** index (int32) of the first max/min along `axis` (NaN counts as the extreme, as NumPy); axis dropped */
  readonly argReduce: (op: 'argmax' | 'argmin', x: View, axis: number) => View;
  /** cumulative sum along axis; `exclusive` shifts by one (first is 0), `reverse` runs from the end */
  readonly cumsum: (x: View, axis: number, exclusive: boolean, reverse: boolean) => View;
  /** int32 indices that sort along axis (stable; NaN last ascending, first descending) */
  readonly argsort: (x: View, axis: number, descending: boolean) => View;
  /** batched [..., M, K] @ [..., K, N] with broadcast batch dims (both rank >= 2; batch shape given) */
  readonly matmul: (a: View, b: View, batch: readonly number[]) => View;
  /** out[..., i, ...] = x[..., idx[...], ...]: NumPy take along `axis` (indices replace that axis) */
  readonly take: (x: View, indices: View, axis: number) => View;
  /** out = x with indices (same rank as x) selecting along axis: torch.gather / take_along_axis */
  readonly gather: (x: View, indices: View, axis: number) => View;
  /** the adjoint of gather: zeros of `shape`, then out[..idx[i]..] += updates[i] along axis */
  readonly scatterAdd: (shape: readonly number[], indices: View, updates: View, axis: number) => View;
  /** pads each axis by [before, after]: constant `value`, or 'reflect' (mirror without the edge) */
  readonly pad: (x: View, widths: readonly (readonly [number, number])[], mode: 'constant' | 'reflect', value: number) => View;
  /** joins views of equal shape but `axis` */
  readonly concat: (xs: readonly View[], axis: number) => View;
  /** converts dtype (float -> int truncates toward zero; to bool is `!== 0`) */
  readonly cast: (x: View, to: DType) => View;
  /** x [B, ...spatial, C] -> [B, ...windows, ...kernel, C] (im2col); `value` fills the padding */
  readonly patches: (x: View, window: Window, value: number) => View;
  /** the adjoint of patches: [B, ...windows, ...kernel, C] summed back onto [B, ...spatial, C] (col2im) */
  readonly foldPatches: (p: View, spatial: readonly number[], window: Window) => View;
  /**
   * convolution: x [B, ...spatial, C] with the kernel matrix w [K·C, Cout] (rows in patches
   * order: kernel positions row-major, then channels) -> [B, ...windows, Cout]; the product of
   * patches(x, window, 0) read as [rows, K·C] with w (x and w of one dtype, float32 or int32)
   */
  readonly conv: (x: View, w: View, window: Window) => View;
  /** conv's kernel gradient: x [B, ...spatial, C] and dy [B, ...windows, Cout] -> [K·C, Cout], patches(x, window, 0) read as [rows, K·C], transposed, @ dy read as [rows, Cout] */
  readonly convFilter: (x: View, dy: View, window: Window) => View;
  /**
   * a fused elementwise program (see fused-program.ts) over float32 inputs, each of `shape` or
   * broadcast into it; the float32 result of `shape` is what its nodes give one by one
   */
  readonly fused: (program: FusedProgram, inputs: readonly View[], shape: readonly number[]) => View;
}
