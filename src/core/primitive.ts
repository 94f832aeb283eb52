/** @file What a primitive is: a shape/dtype rule and a kernel call (its VJP joins in autodiff). */
import type { Backend, View } from '../backend/index.js';
import type { DType } from '../dtype/index.js';

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
}
