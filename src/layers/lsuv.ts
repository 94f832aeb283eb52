/** @file Data-dependent initialization (LSUV-style): rescale each layer so its outputs on a batch are standardized. */
import { add, div, mean, sqrt, sub, variance } from '../ops/index.js';
import { ValueError, type Shape } from '../shape/index.js';
import { isTensor, item, type AnyTensor, type Tensor } from '../tensor/index.js';
import { evalMode, type AnyLayer } from './layer.js';

type T = AnyTensor;
interface KernelBias { readonly kernel: T; readonly bias: T }
const isKernelBias = (p: unknown): p is KernelBias =>
  typeof p === 'object' && p !== null && isTensor((p as Partial<KernelBias>).kernel) && isTensor((p as Partial<KernelBias>).bias);
interface Inside { readonly layers?: readonly AnyLayer[]; readonly wraps?: AnyLayer; readonly branches?: readonly AnyLayer[] }
const inside = (l: AnyLayer): Inside => l as AnyLayer & Inside;

/**
 * Returns params in which every layer with { kernel, bias } (dense, conv), in order through a
 * serial model (nested serials included), is rescaled so that its output on the batch `x` has
 * mean 0 and variance 1 (over all elements): kernel / std, (bias - mean) / std. Layers after it
 * see the standardized activations. Other params are returned as they were (nothing is mutated).
 */
export const lsuvInit = <P>(model: AnyLayer, params: P, x: AnyTensor, options: { readonly eps?: number } = {}): P => {
  const eps = options.eps ?? 1e-8;
  const walk = (layer: AnyLayer, p: unknown, h: T): readonly [unknown, T] => {
    const { layers: kids, wraps, branches } = inside(layer);
    if (wraps !== undefined) {
      // residual / concatenate: standardize the inner layer on this input, then run the wrapper
      const [np] = walk(wraps, p, h);
      return [np, layer.run(np, layer.initState(), h, evalMode)[0]];
    }
    if (branches !== undefined) {
      const np = Object.freeze(branches.map((b, i) => walk(b, (p as readonly unknown[])[i], h)[0]));
      return [np, layer.run(np, layer.initState(), h, evalMode)[0]];
    }
    if (kids !== undefined) {
      const ps = p as readonly unknown[];
      let cur = h;
      const out = kids.map((k, i) => {
        const [np, y] = walk(k, ps[i], cur);
        cur = y;
        return np;
      });
      return [Object.freeze(out), cur];
    }
    if (!isKernelBias(p)) return [p, layer.run(p, layer.initState(), h, evalMode)[0]];
    const y = layer.run(p, layer.initState(), h, evalMode)[0] as Tensor<Shape>;
    const m = mean(y), s = sqrt(add(variance(y), eps));
    if (!Number.isFinite(item(s))) throw new ValueError('lsuvInit', `layer ${layer.name} gives non-finite outputs on the batch`);
    const next = { ...p, kernel: div(p.kernel, s) as T, bias: div(sub(p.bias, m), s) as T };
    return [Object.freeze(next), layer.run(next, layer.initState(), h, evalMode)[0]];
  };
  return walk(model, params, x)[0] as P;
};
