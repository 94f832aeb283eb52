/** @file bind: applies a primitive to tensors (shape rule, kernel, and a tape entry when traced). */
import { fast, type Backend, type View } from '../backend/index.js';
import { sameShape, showShape } from '../shape/index.js';
import { fromView, viewOf, type AnyTensor } from '../tensor/index.js';
import type { PrimitiveDef } from './primitive.js';
import { applyTraced, constantOf } from './trace.js';
import { stageBind, staging } from './stage.js';

/** the kernels every op runs on (the reference kernels are the oracle for faster ones) */
export const backend: Backend = fast;

const evaluate = <Params>(prim: PrimitiveDef<Params>, inputs: readonly AnyTensor[], params: Params): AnyTensor => {
  const views = inputs.map(viewOf);
  const out = prim.abstract(views, params);
  const view = prim.impl(backend, views, params);
  if (view.dtype !== out.dtype || !sameShape(view.shape, out.shape)) {
    throw new Error(`${prim.name}: kernel gave ${showShape(view.shape)} ${view.dtype}, rule said ${showShape(out.shape)} ${out.dtype} (a shapegrad bug)`);
  }
  return fromView(view);
};

/**
 * Applies `prim` to `inputs`: its shape rule first (so errors name the op and the shapes),
 * then its kernel; at every active autodiff level the inputs reach, the application is
 * recorded with the primitive's VJP rule (unless its output is a constant: no gradient flows
 * through it, so nothing downstream needs a cotangent for it). While `fuse` stages a function,
 * the application is recorded into its program instead (stage.ts).
 */
export const bind = <Params>(prim: PrimitiveDef<Params>, inputs: readonly AnyTensor[], params: Params): AnyTensor =>
  staging() ? stageBind(prim, inputs, params) : prim.constant?.(params) === true ? evaluate(prim, inputs.map(constantOf), params) : applyTraced(
    inputs,
    (primals) => evaluate(prim, primals, params),
    (primals, output, needs) => {
      const pullback = (ct: AnyTensor) => prim.vjp(ct, primals, output, params, needs);
      const window = prim.window;
      return window === undefined ? pullback : Object.assign(pullback, { place: (buffer: View) => window(buffer, params) });
    },
    // elementwise primitives are named by their function (exp, add, ...)
    typeof (params as { readonly op?: unknown }).op === 'string' ? (params as { readonly op: string }).op : prim.name,
  );
