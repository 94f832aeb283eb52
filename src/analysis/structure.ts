/** @file A model's structure as paths: the layers inside serial/parallel/wrappers, their params, and rebuilding with one layer swapped. */
import type { AnyLayer, Composite, Context } from '../layers/index.js';
import { ValueError } from '../shape/index.js';

/** a layer of a model with its path, as the observer names it ('2', '3.wraps.0'); the root's path is '' */
export interface LayerEntry {
  readonly path: string;
  /** the layer's name ('dense(3, 4)') */
  readonly layer: string;
  readonly model: AnyLayer;
  /** true for serial, parallel and wrappers (residual, concatenate, bottleneck) */
  readonly composite: boolean;
}

interface Inside { readonly layers?: readonly AnyLayer[]; readonly wraps?: AnyLayer; readonly branches?: readonly AnyLayer[] }
/** the children of a composite with the path segment and the params each one takes from the parent's */
interface Child { readonly key: string; readonly layer: AnyLayer; readonly params: (p: unknown) => unknown }

const childrenOf = (l: AnyLayer): readonly Child[] => {
  const { layers, wraps, branches } = l as AnyLayer & Inside;
  const nth = (xs: readonly AnyLayer[]) => xs.map((layer, i): Child =>
    ({ key: String(i), layer, params: (p) => (p as readonly unknown[] | null)?.[i] ?? null }));
  // a wrapper's params are its inner layer's; serial and parallel params are tuples of the children's
  if (wraps !== undefined) return [{ key: 'wraps', layer: wraps, params: (p) => p }];
  return nth(layers ?? branches ?? []);
};
/** extends a path the way childContext does */
export const childPath = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * Every layer of a model in forward order (children before the composite that contains them,
 * the order in which the observer sees their outputs), the root last with path ''.
 */
export const layerEntries = (model: AnyLayer): readonly LayerEntry[] => {
  const out: LayerEntry[] = [];
  const visit = (l: AnyLayer, path: string): void => {
    const kids = childrenOf(l);
    kids.forEach((k) => visit(k.layer, childPath(path, k.key)));
    out.push({ path, layer: l.name, model: l, composite: kids.length > 0 });
  };
  visit(model, '');
  return out;
};

/** the layer at a path; an unknown path is a ValueError listing the known ones */
export const layerAt = (model: AnyLayer, path: string, op = 'layerAt'): LayerEntry => {
  const entries = layerEntries(model);
  const found = entries.find((e) => e.path === path);
  if (found === undefined) throw new ValueError(op, `no layer at path '${path}'; the paths are ${entries.map((e) => `'${e.path}'`).join(', ')}`);
  return found;
};

/** a leaf layer's slice of a params-shaped record (params, gradients or updates) */
export interface LayerParams { readonly path: string; readonly layer: string; readonly params: unknown }
/**
 * Splits a record with the structure of the model's params (the params, their gradients, the
 * optimizer's updates) into the leaf layers' parts, in forward order; parameter-free layers
 * (null) are left out.
 */
export const paramsByLayer = (model: AnyLayer, params: unknown): readonly LayerParams[] => {
  const out: LayerParams[] = [];
  const visit = (l: AnyLayer, p: unknown, path: string): void => {
    const kids = childrenOf(l);
    if (kids.length === 0) {
      if (p !== null && p !== undefined) out.push({ path, layer: l.name, params: p });
      return;
    }
    kids.forEach((k) => visit(k.layer, k.params(p), childPath(path, k.key)));
  };
  visit(model, params, '');
  return out;
};

/** a composite with new children, built by its own combinator (Composite.withChildren) */
const rebuild = (l: AnyLayer, kids: readonly AnyLayer[]): AnyLayer => {
  const { withChildren } = l as AnyLayer & Partial<Composite>;
  if (withChildren === undefined) throw new ValueError('ablate', `cannot rebuild the composite ${l.name}: it has children but no withChildren`);
  return withChildren(kids);
};

/** the model with the layer at `path` replaced by `swap(layer)`; the params and state structure stay the same */
export const replaceAt = (model: AnyLayer, path: string, swap: (l: AnyLayer) => AnyLayer): AnyLayer => {
  const visit = (l: AnyLayer, here: string): AnyLayer => {
    if (here === path) return swap(l);
    if (here !== '' && !path.startsWith(`${here}.`)) return l;
    const kids = childrenOf(l);
    return kids.length === 0 ? l : rebuild(l, kids.map((k) => visit(k.layer, childPath(here, k.key))));
  };
  layerAt(model, path, 'ablate');
  return visit(model, '');
};

/** the context without the observer and path: for running a layer whose outputs should not be reported */
export const quiet = (ctx: Context): Context => (ctx.mode === 'train' ? { mode: 'train', key: ctx.key } : { mode: 'eval' });
