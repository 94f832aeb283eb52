/** @file Ablation: a model with one layer's output zeroed, replaced by its input, or by its batch mean; a table of the metric change per layer. */
import {
  defineLayer, evalMode, type AnyLayer, type Context, type FnOf, type Layer, type ParamsOf, type StateOf,
} from '../layers/index.js';
import { broadcastTo, mean } from '../ops/index.js';
import { ShapeMismatchError, ValueError, sameShape, showShape, type Shape } from '../shape/index.js';
import { full, isTensor, item, type AnyTensor, type Tensor } from '../tensor/index.js';
import { layerEntries, quiet, replaceAt } from './structure.js';

/** what replaces the layer's output: zeros, the layer's input (the layer must keep the shape), or the output's mean over the batch (axis 0) */
export type AblationMode = 'zero' | 'identity' | 'mean';

const ablatedLayer = (l: AnyLayer, path: string, mode: AblationMode): AnyLayer =>
  defineLayer<FnOf<AnyLayer>, unknown, unknown>(`ablated(${mode}: ${l.name})`, (k) => l.init(k), (p, s, x, ctx) => {
    // the layer still runs (for its output shape and state), but its outputs are not reported: they are ablated away
    const [y, next] = l.run(p, s, x, quiet(ctx));
    const shape = y.shape as readonly number[];
    switch (mode) {
      case 'zero': return [full(shape, 0, y.dtype), next];
      case 'mean': return [broadcastTo(mean(y as Tensor<Shape>, 0, { keepdims: true }), [...shape]) as AnyTensor, next];
      case 'identity':
        if (!sameShape(x.shape as readonly number[], shape)) {
          throw new ShapeMismatchError('ablate', `identity needs layer '${path}' (${l.name}) to keep the shape, but it maps ${showShape(x.shape as readonly number[])} to ${showShape(shape)}`, [x.shape as readonly number[], shape]);
        }
        return [x, next];
    }
  }, () => l.initState());

/**
 * The model with the layer at `path` ablated: its output replaced by zeros, by its input
 * ('identity': the layer must keep the shape, checked when the model runs) or by its mean over
 * the batch. The ablated model takes the same params and state as the model.
 * @example ablate(model, '3', 'identity').apply(params, x)
 */
export const ablate = <M extends AnyLayer>(model: M, path: string, mode: AblationMode): Layer<FnOf<M>, ParamsOf<M>, StateOf<M>> =>
  replaceAt(model, path, (l) => ablatedLayer(l, path, mode)) as Layer<FnOf<M>, ParamsOf<M>, StateOf<M>>;

/** one row of an ablation study */
export interface AblationRow {
  readonly path: string;
  readonly layer: string;
  /** the metric of the model as it is */
  readonly baseline: number;
  /** the metric with this layer ablated */
  readonly ablated: number;
  /** ablated - baseline */
  readonly change: number;
}
/** ablationStudy options */
export interface AblationOptions {
  /** default 'zero' */
  readonly mode?: AblationMode;
  /** the layers to ablate (default every layer but the model itself, in forward order) */
  readonly paths?: readonly string[];
  /** the model's state (e.g. trained batch-norm statistics; default initState()) */
  readonly state?: unknown;
  /** default eval mode */
  readonly ctx?: Context;
}

/**
 * Ablates each layer in turn and reports the metric on `data` (e.g. accuracy or loss) with and
 * without it. With mode 'identity', layers that change the shape are left out of the table.
 */
export const ablationStudy = <M extends AnyLayer, Y>(
  model: M, params: ParamsOf<M>, data: { readonly x: AnyTensor; readonly y: Y },
  metric: (predictions: AnyTensor, targets: Y) => AnyTensor | number, options: AblationOptions = {},
): readonly AblationRow[] => {
  const mode = options.mode ?? 'zero', ctx = options.ctx ?? evalMode;
  const score = (m: AnyLayer): number => {
    const v = metric(m.run(params, options.state ?? m.initState(), data.x, ctx)[0], data.y);
    if (isTensor(v) && v.size !== 1) throw new ValueError('ablationStudy', `the metric must be a scalar, got shape ${showShape(v.shape as readonly number[])}`);
    return isTensor(v) ? Number(item(v as Tensor<[]>)) : v;
  };
  const baseline = score(model);
  const entries = layerEntries(model).filter((e) => e.path !== '');
  const paths = options.paths ?? entries.map((e) => e.path);
  return paths.flatMap((path): AblationRow[] => {
    const layer = entries.find((e) => e.path === path)?.layer ?? '';
    try {
      const ablated = score(ablate(model, path, mode));
      return [{ path, layer, baseline, ablated, change: ablated - baseline }];
    } catch (e) {
      if (mode === 'identity' && e instanceof ShapeMismatchError && e.op === 'ablate') return [];
      throw e;
    }
  });
};
