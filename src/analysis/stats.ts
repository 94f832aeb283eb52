/** @file Summary statistics of tensors and, per layer, of activations, weights, gradients and updates (with update-to-weight ratios). */
import type { AnyLayer } from '../layers/index.js';
import { toArray, type AnyTensor } from '../tensor/index.js';
import { leavesWithPath } from '../tree/index.js';
import { layerEntries, paramsByLayer } from './structure.js';

/**
 * Statistics of one tensor, computed in float64: mean, mean |x|, population std (divided by n), min, max,
 * the fraction of exact zeros (dead ReLUs), the L2 norm, and how many elements are NaN or ±Inf
 * (any NaN makes mean, std, min, max and the norm NaN).
 */
export interface TensorStats {
  readonly size: number;
  readonly mean: number;
  /** the mean of |x| */
  readonly meanAbs: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly zeroFraction: number;
  readonly l2Norm: number;
  readonly nonFinite: number;
}

/** the statistics of a tensor (an empty tensor has NaN mean, std, min and max) */
export const tensorStats = (t: AnyTensor): TensorStats => {
  const xs = toArray(t) as ArrayLike<number>;
  const n = xs.length;
  let sum = 0, absSum = 0, sq = 0, min = Infinity, max = -Infinity, zeros = 0, bad = 0;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    sum += v;
    absSum += Math.abs(v);
    sq += v * v;
    min = Math.min(min, v); // NaN propagates
    max = Math.max(max, v);
    if (v === 0) zeros++;
    if (!Number.isFinite(v)) bad++;
  }
  const mean = n === 0 ? NaN : sum / n;
  let dev = 0;
  for (let i = 0; i < n; i++) dev += (xs[i]! - mean) ** 2;
  return {
    size: n, mean, meanAbs: n === 0 ? NaN : absSum / n, std: n === 0 ? NaN : Math.sqrt(dev / n), min: n === 0 ? NaN : min, max: n === 0 ? NaN : max,
    zeroFraction: n === 0 ? 0 : zeros / n, l2Norm: Math.sqrt(sq), nonFinite: bad,
  };
};

/** one parameter tensor of a layer: its statistics, and those of its gradient and update when given */
export interface ParamStats {
  readonly weight: TensorStats;
  readonly grad?: TensorStats;
  readonly update?: TensorStats;
  /** ‖update‖ / ‖weight‖ (about 1e-3 is healthy for SGD-like training) */
  readonly updateToWeight?: number;
}
/** one row of layerStats: a layer, its output's statistics, and its parameters' */
export interface LayerStats {
  readonly path: string;
  readonly layer: string;
  readonly activation?: TensorStats;
  /** by the parameter's path inside the layer's params ('kernel', 'bias'); empty for parameter-free layers */
  readonly params: Readonly<Record<string, ParamStats>>;
  /** the L2 norm of all the layer's gradients together */
  readonly gradNorm?: number;
  /** ‖update‖ / ‖weights‖ over all the layer's parameters together */
  readonly updateToWeight?: number;
}
/** what layerStats summarizes; params, grads and updates share the structure of the model's params */
export interface StatsInput {
  readonly params?: unknown;
  readonly grads?: unknown;
  readonly updates?: unknown;
  /** layer outputs by path, as capture returns them */
  readonly activations?: Readonly<Record<string, AnyTensor>>;
}

const norm = (xs: readonly number[]): number => Math.sqrt(xs.reduce((s, v) => s + v * v, 0));
/** a params-shaped record as leaf layer path -> parameter path -> tensor */
const byLayer = (model: AnyLayer, tree: unknown): Map<string, Map<string, AnyTensor>> =>
  new Map(tree === undefined ? [] : paramsByLayer(model, tree).map((l) => [l.path, new Map(leavesWithPath(l.params, 'layerStats'))]));

/**
 * Per-layer statistics in forward order (children before the composites around them), for every
 * layer that has an activation or parameters in `input`. The model itself (path '') is left out.
 */
export const layerStats = (model: AnyLayer, input: StatsInput): readonly LayerStats[] => {
  const weights = byLayer(model, input.params), grads = byLayer(model, input.grads), updates = byLayer(model, input.updates);
  return layerEntries(model).filter((e) => e.path !== '').flatMap((e): LayerStats[] => {
    const act = input.activations?.[e.path];
    const ws = weights.get(e.path) ?? new Map<string, AnyTensor>(), gs = grads.get(e.path), us = updates.get(e.path);
    if (act === undefined && ws.size === 0 && gs === undefined) return [];
    const params: Record<string, ParamStats> = {};
    const wNorms: number[] = [], gNorms: number[] = [], uNorms: number[] = [];
    for (const [name, w] of ws) {
      const weight = tensorStats(w);
      const g = gs?.get(name), u = us?.get(name);
      const grad = g === undefined ? undefined : tensorStats(g);
      const update = u === undefined ? undefined : tensorStats(u);
      wNorms.push(weight.l2Norm);
      if (grad) gNorms.push(grad.l2Norm);
      if (update) uNorms.push(update.l2Norm);
      params[name] = {
        weight, ...(grad ? { grad } : {}), ...(update ? { update, updateToWeight: update.l2Norm / weight.l2Norm } : {}),
      };
    }
    return [{
      path: e.path, layer: e.layer, ...(act === undefined ? {} : { activation: tensorStats(act) }), params,
      ...(gNorms.length > 0 ? { gradNorm: norm(gNorms) } : {}),
      ...(uNorms.length > 0 ? { updateToWeight: norm(uNorms) / norm(wNorms) } : {}),
    }];
  });
};
