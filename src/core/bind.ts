/** @file bind: applies a primitive to tensors (checks shapes, runs the kernel, wraps the result). */
import { reference, type Backend } from '../backend/index.js';
import { sameShape, showShape } from '../shape/index.js';
import { fromView, viewOf, type AnyTensor } from '../tensor/index.js';
import type { PrimitiveDef } from './primitive.js';

/** the kernels every op runs on (the reference kernels are the oracle for faster ones) */
export const backend: Backend = reference;

/**
 * Applies `prim` to `inputs`: its shape rule first (so errors name the op and the shapes),
 * then its kernel, then wraps the result as a new frozen tensor.
 */
export const bind = <Params>(prim: PrimitiveDef<Params>, inputs: readonly AnyTensor[], params: Params): AnyTensor => {
  const views = inputs.map(viewOf);
  const out = prim.abstract(views, params);
  const view = prim.impl(backend, views, params);
  if (view.dtype !== out.dtype || !sameShape(view.shape, out.shape)) {
    throw new Error(`${prim.name}: kernel gave ${showShape(view.shape)} ${view.dtype}, rule said ${showShape(out.shape)} ${out.dtype} (a shapegrad bug)`);
  }
  return fromView(view);
};
