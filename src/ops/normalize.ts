/** @file standardize: (x - mean) / √(var + eps) over axes, with its own pullback in fused passes (layer, group and instance norm use it). */
import { applyCustom } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import { normAxes, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { add, cast, mul, rsqrt, square, sub } from './elementwise.js';
import { fuse } from './fuse.js';
import { mean } from './reduce.js';

type T = AnyTensor;

// forward: x̂ = (x - μ)·r with r = 1/√(var + eps) (the centring and the product one pass each);
// backward: dx = r·(g - mean(g) - x̂·mean(g·x̂)), the means over the normalized axes: two fused
// passes and two reductions instead of the pullbacks of sub, square, mean, add, rsqrt and mul
const scaled = fuse((c: T, r: T): T => mul(c, r) as T);
const gradTimesNormalized = fuse((g: T, c: T, r: T): T => mul(g, mul(c, r)) as T);
const standardizePullback = fuse((g: T, c: T, r: T, mg: T, mgx: T): T => mul(r, sub(sub(g, mg), mul(mul(c, r), mgx))) as T);

/** standardize options: eps under the square root (default 1e-5) */
export interface StandardizeOptions { readonly eps?: number }

/**
 * (x - mean) / √(var + eps) with the mean and the biased variance over `axes` (a number or a
 * list, negative from the end), as jax.nn.standardize: the normalization inside layer, group and
 * instance norm. Computed in float32; differentiable to any order (its pullback is written with
 * differentiable ops: r·(g - mean(g) - x̂·mean(g·x̂)), in two fused passes).
 */
export const standardize = <S extends Shape, D extends DType>(x: Tensor<S, D>, axes: number | readonly number[], options: StandardizeOptions = {}): Tensor<S, 'float32'> => {
  const ax = normAxes('standardize', axes, x.shape as readonly number[]);
  const eps = options.eps ?? 1e-5;
  const xf = x.dtype === 'float32' ? x as T : cast(x as T, 'float32');
  return applyCustom([xf], ([xp]) => {
    const mu = mean(xp as Tensor<Shape>, ax, { keepdims: true }) as T;
    const c = sub(xp!, mu) as T;
    const r = rsqrt(add(mean(square(c) as Tensor<Shape>, ax, { keepdims: true }), eps)) as T;
    const y = scaled(c, r);
    return [y, (g: T) => {
      const mg = mean(g as Tensor<Shape>, ax, { keepdims: true }) as T;
      const mgx = mean(gradTimesNormalized(g, c, r) as Tensor<Shape>, ax, { keepdims: true }) as T;
      return [standardizePullback(g, c, r, mg, mgx)];
    }];
  }, undefined, 'standardize') as Tensor<S, 'float32'>;
};
