/** @file What a primitive is: a shape/dtype rule, a kernel call, and a VJP rule written with ops. */
import type { Backend, View } from '../backend/index.js';
import type { DType } from '../dtype/index.js';
import type { AnyTensor } from '../tensor/index.js';

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
   * so that the pullback itself can be differentiated (grad of grad).
   */
  readonly vjp: (ct: AnyTensor, inputs: readonly AnyTensor[], output: AnyTensor, params: Params) => readonly (AnyTensor | null)[];
}
