/** @file matmul (batched, broadcasting), dot, outer and einsum (a composite of transpose/reshape/matmul). */
import type { Check } from '../../types/index.js';
import { bind } from '../core/index.js';
import type { DType } from '../dtype/index.js';
import {
  dotShape, einsumPlan, outerShape, type AsShape, type DotShape, type Einsum, type MatmulShape, type OuterShape, type Shape,
} from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { mul } from './elementwise.js';
import { primitives } from './primitives.js';
import { sum } from './reduce.js';

/** float32 or int32 */
type Num = 'float32' | 'int32';
/** matrix product with NumPy semantics: data-first `matmul(a, b)`, or data-last `matmul(b)` in a pipe */
export interface Matmul {
  <A extends Shape, B extends Shape, D extends Num>(a: Tensor<A, D>, b: Check<MatmulShape<A, B>, Tensor<B, NoInfer<D>>>): Tensor<AsShape<MatmulShape<A, B>>, D>;
  <B extends Shape, D extends Num>(b: Tensor<B, D>): <A extends Shape>(a: Check<MatmulShape<A, B>, Tensor<A, D>>) => Tensor<AsShape<MatmulShape<A, B>>, D>;
}
function matmulImpl(...args: [AnyTensor, AnyTensor] | [AnyTensor]): AnyTensor | ((a: AnyTensor) => AnyTensor) {
  if (args.length === 1) return (a: AnyTensor) => bind(primitives.matmul, [a, args[0]], {});
  return bind(primitives.matmul, args, {});
}
/**
 * [..., M, K] @ [..., K, N] -> [..., M, N], batch dims broadcast; a 1-D operand is a vector.
 * @example matmul(zeros([32, 784]), zeros([784, 10])) // Tensor<[32, 10]>
 */
export const matmul = matmulImpl as Matmul;

/** inner product of two vectors */
export const dot = <A extends Shape, B extends Shape, D extends Num>(
  a: Tensor<A, D>, b: Check<DotShape<A, B>, Tensor<B, NoInfer<D>>>,
): Tensor<AsShape<DotShape<A, B>>, D> => {
  dotShape(a.shape as readonly number[], (b as AnyTensor).shape as readonly number[]);
  return bind(primitives.matmul, [a, b as AnyTensor], {}) as Tensor<AsShape<DotShape<A, B>>, D>;
};

/** outer product of two vectors: out[i, j] = a[i] * b[j] */
export const outer = <A extends Shape, B extends Shape, D extends Num>(
  a: Tensor<A, D>, b: Check<OuterShape<A, B>, Tensor<B, NoInfer<D>>>,
): Tensor<AsShape<OuterShape<A, B>>, D> => {
  const as = a.shape as readonly number[], bs = (b as AnyTensor).shape as readonly number[];
  outerShape(as, bs);
  const m = as[0]!, n = bs[0]!;
  const col = bind(primitives.reshape, [a], { shape: [m, 1] });
  const row = bind(primitives.reshape, [b as AnyTensor], { shape: [1, n] });
  return mul(col, row) as AnyTensor as Tensor<AsShape<OuterShape<A, B>>, D>;
};

/** einsum over one or two operands with an explicit output ('bij,bjk->bik', 'ij->ji', 'i,i->') */
export function einsum<const Spec extends string, A extends Shape, D extends Num>(
  spec: Check<Einsum<Spec, [A]>, Spec>, a: Tensor<A, D>): Tensor<AsShape<Einsum<Spec, [A]>>, D>;
export function einsum<const Spec extends string, A extends Shape, B extends Shape, D extends Num>(
  spec: Check<Einsum<Spec, [A, B]>, Spec>, a: Tensor<A, D>, b: Tensor<B, NoInfer<D>>): Tensor<AsShape<Einsum<Spec, [A, B]>>, D>;
export function einsum(spec: unknown, ...xs: AnyTensor[]): AnyTensor {
  const plan = einsumPlan(String(spec), xs.map((x) => x.shape as readonly number[]));
  const out = plan.output;
  // letters only one operand has and the output lacks are summed away first
  const reduced = xs.map((x, k) => {
    const mine = plan.inputs[k]!, other = plan.inputs[1 - k] ?? [];
    const gone = mine.flatMap((c, i) => (!out.includes(c) && !other.includes(c) ? [i] : []));
    return { t: gone.length ? sum(x, gone) as AnyTensor : x, letters: mine.filter((_, i) => !gone.includes(i)) };
  });
  const size = (cs: readonly string[]) => cs.map((c) => plan.sizes.get(c)!);
  const permuteTo = (t: AnyTensor, from: readonly string[], to: readonly string[]) =>
    bind(primitives.transpose, [t], { perm: to.map((c) => from.indexOf(c)) });
  const [ra, rb] = reduced;
  if (rb === undefined) return permuteTo(ra!.t, ra!.letters, out);
  const batch = ra!.letters.filter((c) => rb.letters.includes(c) && out.includes(c));
  const contract = ra!.letters.filter((c) => rb.letters.includes(c) && !out.includes(c));
  const aFree = ra!.letters.filter((c) => !rb.letters.includes(c));
  const bFree = rb.letters.filter((c) => !ra!.letters.includes(c));
  const prod = (cs: readonly string[]) => size(cs).reduce((p, q) => p * q, 1);
  const a3 = bind(primitives.reshape, [permuteTo(ra!.t, ra!.letters, [...batch, ...aFree, ...contract])], { shape: [prod(batch), prod(aFree), prod(contract)] });
  const b3 = bind(primitives.reshape, [permuteTo(rb.t, rb.letters, [...batch, ...contract, ...bFree])], { shape: [prod(batch), prod(contract), prod(bFree)] });
  const c = bind(primitives.reshape, [bind(primitives.matmul, [a3, b3], {})], { shape: size([...batch, ...aFree, ...bFree]) });
  return permuteTo(c, [...batch, ...aFree, ...bFree], out);
}
