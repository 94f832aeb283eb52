/** @file What the transformations share: the step count as an int32 scalar, zero moments, option checks. */
import { ValueError } from '../shape/index.js';
import { full, item, type AnyTensor, type Tensor } from '../tensor/index.js';
import { map } from '../tree/index.js';
import { transformation, type AnyTransformation, type GradientTransformation, type NoState, type StateFn } from './transform.js';

/** the number of updates made so far, as a scalar int32 tensor (so that it is saved with the state) */
export type Count = Tensor<[], 'int32'>;
/** the state function of a transformation that only counts its updates */
export interface CountState extends StateFn { readonly out: { readonly count: Count } }

/** the count before the first update */
export const zeroCount = (): Count => full([], 0, 'int32');
/** the count stored in a state record, as a number */
export const countOf = (state: unknown): number => item((state as { readonly count: Count }).count);
/** the count after one more update (saturating at the int32 maximum instead of wrapping) */
export const nextCount = (n: number): Count => full([], Math.min(n + 1, 2 ** 31 - 1), 'int32');

/** a tree of float32 tensors shaped like `params`, filled with `value` (null subtrees stay null) */
export const filledLike = (params: unknown, value: number, op: string): unknown =>
  map(params, (p) => full(p.shape as readonly number[], value), op);

/** throws unless `params` was passed to update (transformations that read the params need them) */
export const requireParams = (op: string, params: unknown): void => {
  if (params === undefined) throw new ValueError(op, 'needs the params: call update(grads, state, params)');
};

/** throws unless each value is a finite number in [lo, hi) (hi excluded only where stated) */
export const checkRange = (op: string, values: Readonly<Record<string, number>>, lo: number, hi = Infinity, hiIncluded = true): void => {
  for (const [k, v] of Object.entries(values)) {
    if (!(Number.isFinite(v) && v >= lo && (hiIncluded ? v <= hi : v < hi))) {
      throw new ValueError(op, `${k} is ${v}; it must be in [${lo}, ${hi}${hiIncluded ? ']' : ')'}`);
    }
  }
};

/** the state function chosen by a boolean option K of O: Yes when it is `true`, No when false or absent, either when unknown */
export type IfTrue<O, K extends string, Yes extends StateFn, No extends StateFn = NoState> =
  K extends keyof O ? ([O[K]] extends [true] ? ({} extends Pick<O, K> ? Yes | No : Yes) : [O[K]] extends [false | undefined] ? No : Yes | No) : No;
/** the state function chosen by an optional option K of O: Yes when it is given, No when absent, either when unknown */
export type IfGiven<O, K extends string, Yes extends StateFn, No extends StateFn = NoState> =
  K extends keyof O ? ({} extends Pick<O, K> ? Yes | No : Yes) : No;

/** a tensor leaf, for the untyped insides of transformations */
export type Leaf = AnyTensor;

/** the same transformation with the state function F stated (for a composition whose type is computed from its options) */
export const withState = <F extends StateFn>(t: AnyTransformation): GradientTransformation<F> =>
  transformation<F>({ init: (params) => t.init(params), update: (grads, state, params) => t.update(grads, state, params) });
