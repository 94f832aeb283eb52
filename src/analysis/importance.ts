/** @file Gradient-based importance: per-layer gradient magnitudes of a loss, and input saliency |∂ score / ∂ x|. */
import { gradient } from '../autodiff/index.js';
import { evalMode, type AnyLayer, type Context, type ParamsOf } from '../layers/index.js';
import { abs, mul, oneHot, sum } from '../ops/index.js';
import { ValueError, type Shape } from '../shape/index.js';
import { isTensor, tensor, type AnyTensor, type Tensor } from '../tensor/index.js';
import { layerStats } from './stats.js';

/** one row of gradientImportance */
export interface GradientImportance {
  readonly path: string;
  readonly layer: string;
  /** ‖∂ loss / ∂ θ‖ over the layer's parameters */
  readonly gradNorm: number;
  /** the mean |∂ loss / ∂ θ| over the layer's parameter elements */
  readonly meanAbsGrad: number;
  /** gradNorm / ‖θ‖: the gradient's size relative to the weights' */
  readonly relative: number;
}
/** options for running the model: mode (default eval) and state (default initState()) */
export interface RunOptions { readonly ctx?: Context; readonly state?: unknown }

/**
 * The gradient of `loss(model(x), y)` with respect to each layer's parameters, summarized per
 * layer (forward order; parameter-free layers are left out).
 */
export const gradientImportance = <M extends AnyLayer, Y>(
  model: M, params: ParamsOf<M>, batch: { readonly x: AnyTensor; readonly y: Y },
  loss: (predictions: AnyTensor, targets: Y) => Tensor<[]>, options: RunOptions = {},
): readonly GradientImportance[] => {
  const run = (p: ParamsOf<M>) => loss(model.run(p, options.state ?? model.initState(), batch.x, options.ctx ?? evalMode)[0], batch.y);
  const grads = gradient(run, params);
  return layerStats(model, { params, grads }).flatMap((row) => {
    const ps = Object.values(row.params);
    if (ps.length === 0) return [];
    const size = ps.reduce((n, p) => n + p.weight.size, 0);
    const absSum = ps.reduce((s, p) => s + (p.grad === undefined ? 0 : p.grad.meanAbs * p.grad.size), 0);
    const wNorm = Math.sqrt(ps.reduce((s, p) => s + p.weight.l2Norm ** 2, 0));
    const gradNorm = row.gradNorm ?? 0;
    return [{ path: row.path, layer: row.layer, gradNorm, meanAbsGrad: absSum / size, relative: gradNorm / wNorm }];
  });
};

/** what saliency differentiates: a class index on the last axis (summed over the batch), one class per example, or any scalar function of the output */
export type SaliencyTarget = number | Tensor<[number], 'int32'> | ((output: AnyTensor) => Tensor<[]>);

const scoreOf = (target: SaliencyTarget, out: AnyTensor): Tensor<[]> => {
  if (typeof target === 'function') return target(out);
  const shape = out.shape as readonly number[], classes = shape[shape.length - 1] ?? 1;
  if (isTensor(target)) {
    if (shape.length !== 2 || shape[0] !== target.shape[0]) {
      throw new ValueError('saliency', `one target per example needs an output [B, C] with B = ${target.shape[0]}, got [${shape.join(', ')}]`);
    }
    return sum(mul(out as Tensor<Shape>, oneHot(target, classes) as Tensor<Shape>)) as Tensor<[]>;
  }
  if (!Number.isInteger(target) || target < 0 || target >= classes) throw new ValueError('saliency', `class ${target} is out of range for ${classes} outputs`);
  const mask = Array.from({ length: classes }, (_, c) => (c === target ? 1 : 0));
  return sum(mul(out as Tensor<Shape>, tensor(mask))) as Tensor<[]>;
};

/**
 * Saliency: |∂ score / ∂ x| with x's shape, where score is the output for the target class
 * summed over the batch (so each example's map is its own gradient), or a function of the output.
 * @example saliency(model, params, images, 3) // how much each pixel moves the class-3 logit
 */
export const saliency = <M extends AnyLayer, const X extends Shape>(
  model: M, params: ParamsOf<M>, x: Tensor<X>, target: SaliencyTarget, options: RunOptions = {},
): Tensor<X> => {
  const g = gradient((xx: Tensor<X>) => scoreOf(target, model.run(params, options.state ?? model.initState(), xx, options.ctx ?? evalMode)[0]), x);
  return abs(g) as Tensor<X>;
};
