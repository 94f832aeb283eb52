/** @file grad, valueAndGrad, vjp and jvp over parameter records (typed: gradients have the params' type). */
import type { ShapeError } from '../../types/index.js';
import { ValueError, type Shape } from '../shape/index.js';
import { full, isTensor, type AnyTensor, type Tensor } from '../tensor/index.js';
import { leavesWithPath, unflatten, type BadLeaves } from '../tree/index.js';
import { tensorsIn, vjpFlat } from './vjp.js';

/** which positional arguments are differentiated: one index or a tuple of them */
export type ArgNums = number | readonly number[];
/** the gradient type for argnums N of arguments Args: the argument's own type (a tuple for a list) */
export type GradOf<Args extends readonly unknown[], N extends ArgNums> =
  N extends number ? Args[N] : { -readonly [K in keyof N]: Args[N[K] & number] };

type Fn = (...args: never[]) => unknown;
type Selected<Args extends readonly unknown[], N extends ArgNums> = N extends number ? Args[N] : GradOf<Args, N>;
type NotScalar<R> = R extends Tensor<[], 'float32'> ? never : R extends Tensor<Shape, 'float32'> ? 'shape' : 'type';
/** f itself, or a ShapeError naming what is wrong: a non-tensor leaf (by path) or a non-scalar result */
export type CheckGradFn<F extends Fn, N extends ArgNums, Op extends string, R = ReturnType<F>,
  Bad = BadLeaves<Selected<Parameters<F>, N>>> =
  [Bad] extends [never]
    ? [NotScalar<R>] extends [never] ? F
    : ShapeError<`${Op}: f must return a float32 scalar (Tensor<[]>)`, R>
    : ShapeError<`${Op}: params must only contain tensors, not ${Bad & string}`, Selected<Parameters<F>, N>>;
/** as CheckGradFn, for functions returning [loss, aux] */
export type CheckAuxFn<F extends Fn, N extends ArgNums, Op extends string, R = ReturnType<F>> =
  R extends readonly [infer L, unknown] ? CheckGradFn<F, N, Op, L> : ShapeError<`${Op}: with hasAux, f must return [loss, aux]`, R>;

/** grad options: which arguments to differentiate (default the first) */
export interface GradOptions<N extends ArgNums> { readonly argnums?: N }
/** valueAndGrad options: argnums, and whether f returns [loss, aux] */
export interface ValueAndGradOptions<N extends ArgNums, A extends boolean> extends GradOptions<N> { readonly hasAux?: A }

const indices = (n: ArgNums | undefined): { list: number[]; single: boolean } =>
  n === undefined ? { list: [0], single: true } : typeof n === 'number' ? { list: [n], single: true } : { list: [...n], single: false };

/** differentiates a scalar function at args; returns value (with aux) and the gradient records */
const differentiate = (op: string, f: Fn, args: readonly unknown[], argnums: ArgNums | undefined, hasAux: boolean) => {
  const { list, single } = indices(argnums);
  list.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) throw new ValueError(op, `argnums ${i} is out of range for ${args.length} arguments`);
  });
  const chosen = list.map((i) => leavesWithPath(args[i], op).map(([, t]) => t));
  const flat = chosen.flat();
  const { out, pullback } = vjpFlat((xs) => {
    let k = 0;
    const call = [...args];
    list.forEach((i, j) => { call[i] = unflatten(args[i], xs.slice(k, k + chosen[j]!.length), op); k += chosen[j]!.length; });
    return (f as (...a: unknown[]) => unknown)(...call);
  }, flat);
  const [loss, aux] = hasAux ? (Array.isArray(out) && out.length === 2 ? out as [unknown, unknown] : [undefined, undefined]) : [out, undefined];
  if (!isTensor(loss) || loss.rank !== 0 || loss.dtype !== 'float32') {
    throw new ValueError(op, hasAux && loss === undefined ? 'with hasAux, f must return [loss, aux]'
      : `f must return a float32 scalar, got ${isTensor(loss) ? `shape [${loss.shape.join(', ')}] ${loss.dtype}` : typeof loss}`);
  }
  const cts = pullback([full([], 1), ...tensorsIn(aux).map((t) => full(t.shape as readonly number[], 0, t.dtype))]);
  let k = 0;
  const grads = list.map((i, j) => { const g = unflatten(args[i], cts.slice(k, k + chosen[j]!.length), op); k += chosen[j]!.length; return g; });
  return { loss: loss as Tensor<[]>, aux, grads: single ? grads[0] : grads };
};

/** grad without the compile-time checks, for library code that is generic in the params */
export const gradient = <P>(f: (p: P) => Tensor<[]>, params: P): P =>
  differentiate('grad', f as Fn, [params], 0, false).grads as P;
/** valueAndGrad with aux at a point, without the compile-time checks (library code generic in the params) */
export const valueAndGradAt = <P, A>(f: (p: P) => readonly [Tensor<[]>, A], params: P): readonly [readonly [Tensor<[]>, A], P] => {
  const r = differentiate('valueAndGrad', f as Fn, [params], 0, true);
  return [[r.loss, r.aux as A], r.grads as P];
};

/**
 * The gradient of a scalar function with respect to its first argument (or `argnums`), with
 * exactly that argument's type and structure.
 * @example grad((p: { w: Tensor<[3]> }) => sum(mul(p.w, p.w)))({ w }) // { w: 2w }
 */
export function grad<const F extends Fn, const N extends ArgNums = 0>(
  f: CheckGradFn<F, N, 'grad'>, options?: GradOptions<N>,
): (...args: Parameters<F>) => GradOf<Parameters<F>, N> {
  return (...args) => differentiate('grad', f as Fn, args, options?.argnums, false).grads as GradOf<Parameters<F>, N>;
}

/** the value and the gradient: [loss, grads], or [[loss, aux], grads] with hasAux */
export function valueAndGrad<const F extends Fn, const N extends ArgNums = 0>(
  f: CheckGradFn<F, N, 'valueAndGrad'>, options?: ValueAndGradOptions<N, false>,
): (...args: Parameters<F>) => readonly [Tensor<[]>, GradOf<Parameters<F>, N>];
export function valueAndGrad<const F extends Fn, const N extends ArgNums = 0>(
  f: CheckAuxFn<F, N, 'valueAndGrad'>, options: ValueAndGradOptions<N, true>,
): (...args: Parameters<F>) => readonly [readonly [Tensor<[]>, AuxOf<F>], GradOf<Parameters<F>, N>];
export function valueAndGrad(f: unknown, options?: ValueAndGradOptions<ArgNums, boolean>) {
  return (...args: unknown[]) => {
    const r = differentiate('valueAndGrad', f as Fn, args, options?.argnums, options?.hasAux ?? false);
    return options?.hasAux ? [[r.loss, r.aux], r.grads] as const : [r.loss, r.grads] as const;
  };
}
type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer A] ? A : never;

/**
 * The output of f at the primals, and its pullback: a function from a cotangent of the output
 * (same structure) to the cotangents of every primal (same structures as the primals).
 */
export const vjp = <const Ps extends readonly unknown[], R>(
  f: (...primals: Ps) => R, ...primals: Ps
): readonly [R, (cotangent: R) => Ps] => {
  const flat = leavesWithPath(primals, 'vjp').map(([, t]) => t);
  const { out, pullback } = vjpFlat((xs) => f(...unflatten(primals, xs, 'vjp')), flat);
  return [out as R, (ct: R): Ps => unflatten(primals, pullback(tensorsIn(ct)), 'vjp')];
};

/**
 * Forward mode: the output of f at the primals and its directional derivative along the tangents.
 * Computed by transposing the (linear) pullback, so it costs about three evaluations of f.
 */
export const jvp = <const Ps extends readonly unknown[], R>(
  f: (...primals: Ps) => R, primals: Ps, tangents: NoInfer<Ps>,
): readonly [R, R] => {
  const [out, pullback] = vjp(f, ...primals);
  const zero = unflatten(out, tensorsIn(out).map((t) => full(t.shape as readonly number[], 0, t.dtype)), 'jvp');
  // the pullback is linear in its cotangent, so its own pullback applied to the tangents is J t
  const [, transposed] = vjp<readonly [R], Ps>((ct) => pullback(ct), zero);
  return [out, transposed(tangents)[0]];
};
