/** @file checkGrad: gradients (and second derivatives) against central finite differences in float64. */
import { withFloat64 } from '../dtype/index.js';
import { add, mul, sum } from '../ops/index.js';
import { ValueError } from '../shape/index.js';
import { fromArray, toArray, type AnyTensor, type Tensor } from '../tensor/index.js';
import { leavesWithPath, unflatten } from '../tree/index.js';
import { gradient } from './grad.js';

/** checkGrad options */
export interface CheckGradOptions {
  /** 1: the gradient; 2: also the derivative of the gradient along a fixed direction (a Hessian-vector product) */
  readonly order?: 1 | 2;
  /** finite-difference step (default 1e-5, relative to max(1, |x|)) */
  readonly eps?: number;
  /** tolerances: |analytic - numeric| <= atol + rtol * |numeric| (defaults 1e-6 and 1e-4) */
  readonly atol?: number;
  readonly rtol?: number;
}
/** the worst element found */
export interface GradMismatch {
  readonly order: 1 | 2;
  readonly path: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}
/** what checkGrad found */
export interface CheckGradReport {
  readonly ok: boolean;
  /** elements compared */
  readonly checked: number;
  readonly maxAbsError: number;
  /** the largest error relative to the tolerance; ok is worst < 1 */
  readonly worst: GradMismatch | undefined;
}

type Scalar = Tensor<[]>;
type Leaf = readonly [string, AnyTensor];
const values = (t: AnyTensor): number[] => Array.from(toArray(t) as ArrayLike<number>);
const withValues = (t: AnyTensor, v: readonly number[]): AnyTensor => {
  const r = fromArray(v, t.shape as readonly number[], t.dtype);
  if (r._tag === 'Left') throw r.left;
  return r.right;
};
/** a fixed direction of the structure of `ls` with entries in (-1, 1), the same every run */
const direction = (ls: readonly Leaf[]): AnyTensor[] => {
  let s = 0;
  return ls.map(([, t]) => withValues(t, values(t).map(() => Math.sin(12.9898 * ++s + 78.233) * 0.9)));
};

/** compares the analytic gradient of h at leaves ls with central differences, element by element */
const compare = <P>(h: (p: P) => Scalar, params: P, order: 1 | 2, o: Required<Omit<CheckGradOptions, 'order'>>) => {
  const ls = leavesWithPath(params, 'checkGrad');
  const analytic = leavesWithPath(gradient(h, params), 'checkGrad');
  const at = (k: number, i: number, dx: number): number => {
    const moved = ls.map(([, t], j) => (j === k ? withValues(t, values(t).map((v, m) => (m === i ? v + dx : v))) : t));
    return values(h(unflatten(params, moved, 'checkGrad')))[0]!;
  };
  let checked = 0, maxAbs = 0, worstScore = -1;
  let worst: GradMismatch | undefined;
  ls.forEach(([path, t], k) => {
    if (t.dtype !== 'float32') return;
    const a = values(analytic[k]![1]);
    values(t).forEach((v, i) => {
      const step = o.eps * Math.max(1, Math.abs(v));
      const numeric = (at(k, i, step) - at(k, i, -step)) / (2 * step);
      const err = Math.abs(a[i]! - numeric);
      const score = err / (o.atol + o.rtol * Math.abs(numeric));
      checked++;
      maxAbs = Math.max(maxAbs, Number.isNaN(err) ? Infinity : err);
      if (!(score <= worstScore) || Number.isNaN(score)) {
        worstScore = Number.isNaN(score) ? Infinity : score;
        worst = { order, path, index: i, analytic: a[i]!, numeric };
      }
    });
  });
  return { ok: worstScore < 1, checked, maxAbsError: maxAbs, worst };
};

/**
 * Checks grad(f) at params against central finite differences computed in float64 (order 1),
 * and with order 2 also the gradient of <grad(f), v> for a fixed direction v (Hessian-vector
 * products). Everything, f included, runs in float64 for the check.
 */
export const checkGrad = <P>(f: (params: P) => Scalar, params: P, options: CheckGradOptions = {}): CheckGradReport =>
  withFloat64(() => {
    const o = { eps: options.eps ?? 1e-5, atol: options.atol ?? 1e-6, rtol: options.rtol ?? 1e-4 };
    const first = compare(f, params, 1, o);
    if ((options.order ?? 1) === 1 || !first.ok) return first;
    const v = direction(leavesWithPath(params, 'checkGrad'));
    const hv = (p: P): Scalar => {
      const terms = leavesWithPath(gradient(f, p), 'checkGrad').map(([, t], k) => sum(mul(t, v[k]!)) as AnyTensor);
      if (terms.length === 0) throw new ValueError('checkGrad', 'params hold no tensors');
      return terms.reduce((acc, x) => add(acc, x)) as Scalar;
    };
    const second = compare(hv, params, 2, o);
    return { ...second, checked: first.checked + second.checked, maxAbsError: Math.max(first.maxAbsError, second.maxAbsError) };
  });
