/** @file What a primitive is: a shape/dtype rule, a kernel call, and a VJP rule written with ops. */
import type { Backend, View } from '../backend/index.js';
import type { DType } from '../dtype/index.js';
import type { AnyTensor } from '../tensor/index.js';
import type { Product } from './trace.js';

/** the shape and dtype of a value, without its data */
export interface Abstract {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** one primitive operation; ops/ keeps every one of them in one exhaustive table */
export interface PrimitiveDef<Params> {
  readonly name: string;
  /** the output's shape and dtype; throws a ShapeMismatchError/ValueError naming the op */
  readonly abstract: (inputs: readonly Abstract[], params: Params) => Abstract;
  /** the forward computation on views (the backend's kernels, or a new view of the same storage) */
  readonly impl: (backend: Backend, inputs: readonly View[], params: Params) => View;
  /**
   * The cotangents of the inputs from the output's cotangent `ct`, the inputs and the output
   * (null where no gradient flows: integer inputs, indices). Written with differentiable ops,
   * so that the pullback itself can be differentiated (grad of grad). `needs[k]` is false when
   * input k is a constant at the level being differentiated: its cotangent would be dropped, so
   * a rule may skip computing it (and return null there).
   */
  /** true when the output never carries a gradient (stopGradient, indices, comparisons): bind then records nothing and returns it as a constant */
  readonly constant?: (params: Params) => boolean;
  /**
   * Only for primitives whose output is a window (a strided view) of their one input's storage:
   * the same window of `buffer`, a contiguous view of the input's shape. Backward uses it to write
   * a cotangent straight into the input's cotangent (what vjp computes by padding with zeros).
   */
  readonly window?: (buffer: View, params: Params) => View;
  readonly vjp: (ct: AnyTensor, inputs: readonly AnyTensor[], output: AnyTensor, params: Params, needs: readonly boolean[]) => readonly (AnyTensor | Product | null)[];
}
