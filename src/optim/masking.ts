/** @file Transformations on part of the params: masked, multiTransform (labels, freezing), discriminative learning rates. */
import type { Check, ShapeError } from '../../types/index.js';
import { ValueError } from '../shape/index.js';
import type { AnyTensor } from '../tensor/index.js';
import { leavesWithPath, map, type Path } from '../tree/index.js';
import { withState } from './common.js';
import { valueAt, type Schedule, type ScheduleOrValue } from './schedules.js';
import {
  transformation, type AnyTransformation, type GradientTransformation, type StateFn, type StateFnOf, type StateOf, type StateOfAny,
} from './transform.js';

// ---- types ------------------------------------------------------------------------------------

/** a condition on the params type, in the `this`-based encoding: `out` is unknown when `this['in']` fits, else an error */
export interface ParamsCheck { readonly in: unknown; readonly out: unknown }
/** the result of check C on params P: unknown (fits) or a ShapeError */
export type CheckOf<C extends ParamsCheck, P> = (C & { readonly in: P })['out'];
/**
 * A transformation that fits only params for which C holds (a mask or labels shaped like them): init and
 * update reject other params at compile time. It is still a GradientTransformation (chain accepts it),
 * but inside a chain only the run-time check remains.
 */
export interface CheckedTransformation<F extends StateFn, C extends ParamsCheck> extends GradientTransformation<F> {
  init<P>(params: P & CheckOf<C, P>): StateOf<F, P>;
  update<P>(grads: P & CheckOf<C, P>, state: StateOf<F, P>, params?: P): readonly [updates: P, state: StateOf<F, P>];
}

/** a mask: true where the transformation applies; a boolean on a subtree applies to all of its leaves */
export type MaskTree = boolean | null | readonly MaskTree[] | { readonly [key: string]: MaskTree };
/** a mask record, or a function of the params giving one (called with the gradients in update: same structure) */
export type Mask = MaskTree | ((params: never) => MaskTree);
/** labels: the name of a transformation for each leaf; a label on a subtree applies to all of its leaves */
export type LabelTree<K extends string = string> = K | null | readonly LabelTree<K>[] | { readonly [key: string]: LabelTree<K> };

type Deeper<D extends 0[]> = [...D, 0];
/** the label (or mask value) below M at key Q: a subtree value covers its children; undefined when missing */
type Child<M, Q> = M extends string | boolean ? M : Q extends keyof M ? M[Q] : undefined;
/** a leaf kept for label K: the tensor, null, or either when the label type does not say */
type Keep<P, M, K> = [M] extends [K] ? P : [Extract<M, K>] extends [never] ? null : P | null;
/** P with the tensors whose label (mask value) is not K replaced by null: what the transformation for K sees */
export type Select<P, M, K, D extends 0[] = []> =
  D['length'] extends 12 ? P
  : P extends AnyTensor ? Keep<P, M, K>
  : P extends null ? null
  : P extends object ? { [Q in keyof P]: Select<P[Q], Child<M, Q>, K, Deeper<D>> }
  : P;
/** the paths of P's tensors whose label (mask value) M is missing or not one of K (never when all fit) */
export type Unfit<P, M, K, Path extends string = 'params', D extends 0[] = []> =
  D['length'] extends 12 ? never
  : P extends AnyTensor ? ([M] extends [K] ? never : Path)
  : P extends null ? never
  : [M] extends [K] ? never
  : P extends readonly unknown[]
    ? number extends P['length'] ? Unfit<P[number], Child<M, number>, K, `${Path}[i]`, Deeper<D>>
    : { [Q in keyof P & `${number}`]: Unfit<P[Q], Child<M, Q>, K, `${Path}[${Q}]`, Deeper<D>> }[keyof P & `${number}`]
  : P extends object ? { [Q in keyof P & string]-?: Unfit<P[Q], Child<M, Q>, K, `${Path}.${Q}`, Deeper<D>> }[keyof P & string]
  : never;
/** the labels used anywhere in L */
type LabelsIn<L, D extends 0[] = []> =
  D['length'] extends 12 ? never
  : L extends string ? L
  : L extends readonly unknown[] ? LabelsIn<L[number], Deeper<D>>
  : L extends object ? { [Q in keyof L]-?: LabelsIn<L[Q], Deeper<D>> }[keyof L]
  : never;

/** the mask record of a mask (the return type of a mask function) */
export type MaskOf<M> = M extends (params: never) => infer R ? R : M;
/** masked's check: a mask record must give every tensor of the params a boolean; a mask function must accept them */
export interface MaskCheck<M> extends ParamsCheck {
  readonly out: M extends (params: infer Q) => unknown
    ? (this['in'] extends Q ? unknown : ShapeError<'masked: the mask function does not take these params', this['in'], Q>)
    : [Unfit<this['in'], M, boolean>] extends [never] ? unknown
    : ShapeError<'masked: the mask has no boolean for these params', Unfit<this['in'], M, boolean>, M>;
}
/** masked's state function: the inner state over the selected leaves (the others are null) */
export interface MaskedState<F extends StateFn, M> extends StateFn {
  readonly out: StateOf<F, NoInfer<Select<this['in'], MaskOf<M>, true>>>;
}
/** what masked returns */
export type MaskedTransformation<F extends StateFn, M> = CheckedTransformation<MaskedState<F, M>, MaskCheck<M>>;

/** a record of transformations keyed by label */
export type Transforms = Readonly<Record<string, AnyTransformation>>;
/** multiTransform's check: every tensor of the params has a label that is a key of the transforms */
export interface LabelCheck<K extends string, L> extends ParamsCheck {
  readonly out: [Unfit<this['in'], L, K>] extends [never] ? unknown
    : ShapeError<'multiTransform: these params have no label (or one that is not a key of the transforms)', Unfit<this['in'], L, K>, K>;
}
/** multiTransform's state function: one state per label, over the leaves with that label (the others are null) */
export interface MultiTransformState<T extends Transforms, L> extends StateFn {
  readonly out: { readonly [K in keyof T & string]: StateOfAny<StateFnOf<T[K]>, NoInfer<Select<this['in'], L, K>>> };
}
/** the labels of L, or an error naming those that are not keys of the transforms */
export type KnownLabels<L, K extends string> =
  [Exclude<LabelsIn<L>, K>] extends [never] ? L : ShapeError<'multiTransform: labels that are not keys of the transforms', Exclude<LabelsIn<L>, K>, K>;

// ---- runtime ----------------------------------------------------------------------------------

/** the mask value or label of the leaf at `path` (a value on a subtree covers everything below it) */
const at = (tree: unknown, path: Path): unknown => {
  let node = tree;
  for (const key of path === '' ? [] : path.split('.')) {
    if (node === null || typeof node !== 'object') return node;
    node = (node as Readonly<Record<string, unknown>>)[key];
  }
  return node;
};
// The tree module reads null as an empty subtree and rebuilds whatever `map` returns, so a leaf mapped to
// null drops out of every later traversal. map's callback is typed to return tensors (tree has no map that
// may drop a leaf yet); this is the one place a null stands in for one.
const EMPTY = null as AnyTensor | null as AnyTensor;
/** the tree with the tensors at the paths not kept replaced by null */
const prune = (tree: unknown, keep: (path: Path) => boolean, op: string): unknown =>
  map(tree, (t, path) => (keep(path) ? t : EMPTY), op);
/** the updates of the pruned trees written back over `grads` (leaves no transformation touched are kept) */
const merge = (grads: unknown, parts: readonly unknown[], op: string): unknown => {
  const byPath = new Map(parts.flatMap((u) => leavesWithPath(u, op)));
  return map(grads, (g, path) => byPath.get(path) ?? g, op);
};

const maskFn = (op: string, mask: Mask, tree: unknown): ((path: Path) => boolean) => {
  const record = typeof mask === 'function' ? (mask as (params: unknown) => MaskTree)(tree) : mask;
  return (path) => {
    const v = at(record, path);
    if (typeof v !== 'boolean') throw new ValueError(op, `the mask has no boolean for ${path || 'the params'} (found ${String(v)})`);
    return v;
  };
};

/**
 * Applies `inner` to the leaves where the mask is true; the other updates pass through unchanged (Optax
 * masked). The inner state only holds the selected leaves (the others are null).
 * @example masked(addDecayedWeights(1e-4), { w: true, b: false })
 */
export const masked = <F extends StateFn, const M extends Mask>(inner: GradientTransformation<F>, mask: M): MaskedTransformation<F, M> => {
  const op = 'masked';
  return transformation<MaskedState<F, M>>({
    init: (params) => inner.init(prune(params, maskFn(op, mask, params), op)),
    update: (grads, state, params) => {
      const keep = maskFn(op, mask, grads);
      const [u, s] = inner.update(prune(grads, keep, op), state as never, params === undefined ? undefined : prune(params, keep, op));
      return [merge(grads, [u], op), s];
    },
  }) as MaskedTransformation<F, M>;
};

/**
 * A transformation per label: `labels` names, for each leaf of the params (or for a whole subtree), the key
 * of `transforms` that updates it (Optax multi_transform). A label that is not a key is a compile error;
 * params without a label are one at init/update. Freezing: multiTransform({ train: adam(1e-3), frozen: setToZero() }, labels).
 */
export const multiTransform = <const T extends Transforms, const L extends LabelTree>(
  transforms: T, labels: Check<KnownLabels<L, keyof T & string>, L>,
): CheckedTransformation<MultiTransformState<T, L>, LabelCheck<keyof T & string, L>> => {
  const op = 'multiTransform';
  const names = Object.keys(transforms);
  const labelOf = (path: Path): string => {
    const v = at(labels, path);
    if (typeof v !== 'string') throw new ValueError(op, `${path || 'the params'} has no label (found ${String(v)})`);
    if (!names.includes(v)) throw new ValueError(op, `the label '${v}' of ${path || 'the params'} is not one of the transforms (${names.join(', ')})`);
    return v;
  };
  const check = (tree: unknown): void => leavesWithPath(tree, op).forEach(([path]) => labelOf(path));
  const part = (tree: unknown, name: string): unknown => prune(tree, (path) => labelOf(path) === name, op);
  return transformation<MultiTransformState<T, L>>({
    init: (params) => {
      check(params);
      return Object.freeze(Object.fromEntries(names.map((k) => [k, transforms[k]!.init(part(params, k))])));
    },
    update: (grads, state, params) => {
      check(grads);
      const s = state as Readonly<Record<string, unknown>>;
      const results = names.map((k) => transforms[k]!.update(part(grads, k), s[k], params === undefined ? undefined : part(params, k)));
      return [merge(grads, results.map(([u]) => u), op), Object.freeze(Object.fromEntries(names.map((k, i) => [k, results[i]![1]])))];
    },
  }) as CheckedTransformation<MultiTransformState<T, L>, LabelCheck<keyof T & string, L>>;
};

// ---- discriminative learning rates ------------------------------------------------------------

/** the keys of the layers of a params tuple that have params (null layers have none) */
export type LayerKeys<P extends readonly unknown[]> = Extract<{ [I in keyof P]: P[I] extends null ? never : I }[number], string>;
/** a label per layer: its index, or null for a parameter-free layer */
export type LayerLabels<P extends readonly unknown[]> = { readonly [I in keyof P]: P[I] extends null ? null : I };
/** discriminative's state function: multiTransform's, one label per layer */
export type DiscriminativeState<P extends readonly unknown[], F extends StateFn> =
  MultiTransformState<{ readonly [K in LayerKeys<P>]: GradientTransformation<F> }, LayerLabels<P>>;
/** discriminative options: the last layer's learning rate, and the factor per layer going back */
export interface DiscriminativeOptions<L extends ScheduleOrValue> { readonly lr: L; readonly decay: number }

/**
 * Per-layer learning rates for a params tuple (a serial model's params, one entry per layer): the last
 * layer with params gets lr, each earlier one lr·decay^k (k = the number of layers with params after it;
 * null layers are skipped). Built with multiTransform, one optimizer per layer from makeOptimizer.
 * @example discriminative(params, (lr) => adam(lr), { lr: 1e-3, decay: 0.5 })
 */
export const discriminative = <const P extends readonly unknown[], L extends ScheduleOrValue, F extends StateFn>(
  paramsTemplate: P, makeOptimizer: (lr: L extends number ? number : Schedule) => GradientTransformation<F>, options: DiscriminativeOptions<L>,
): GradientTransformation<DiscriminativeState<P, F>> => {
  const op = 'discriminative';
  const { lr, decay } = options;
  if (!Array.isArray(paramsTemplate)) throw new ValueError(op, 'the params must be a tuple (one entry per layer)');
  if (!(decay > 0 && Number.isFinite(decay))) throw new ValueError(op, `decay is ${decay}; it must be > 0`);
  const layers = paramsTemplate.flatMap((p, i) => (p === null ? [] : [i]));
  const rate = (k: number) => (typeof lr === 'number' ? lr * decay ** k : (t: number) => valueAt(lr, t) * decay ** k);
  const transforms = Object.fromEntries(layers.map((i, j) =>
    [String(i), makeOptimizer(rate(layers.length - 1 - j) as L extends number ? number : Schedule)]));
  const labels = paramsTemplate.map((p, i) => (p === null ? null : String(i)));
  return withState<DiscriminativeState<P, F>>(multiTransform(transforms, labels));
};
