/** @file matmul/dot/outer shape rules (NumPy semantics, batch broadcasting) and their runtime twins. */
import type { ShapeError } from '../../types/index.js';
import { broadcastShapes, type Broadcast } from './broadcast.js';
import type { Dim, DimEq, IsDynRank, Shape } from './dims.js';
import { ShapeMismatchError } from './errors.js';

/** [..., M, K] x [..., K, N] -> [...broadcast batch, M, N]; a 1-D operand is promoted and its dim dropped */
export type MatmulShape<A extends Shape, B extends Shape> =
  IsDynRank<A> extends true ? Dim[] : IsDynRank<B> extends true ? Dim[]
  : A extends readonly [] ? ShapeError<'matmul: lhs is a scalar (rank 0)', A, B>
  : B extends readonly [] ? ShapeError<'matmul: rhs is a scalar (rank 0)', A, B>
  : A extends readonly [infer K1 extends Dim]
    ? B extends readonly [infer K2 extends Dim] ? (DimEq<K1, K2> extends true ? [] : ShapeError<`matmul: inner dims differ (${K1} vs ${K2})`, A, B>)
    : MatmulShape<[1, K1], B> extends infer R ? R extends readonly [...infer P, 1, infer N] ? [...P, N] : R : never
  : B extends readonly [infer K2 extends Dim]
    ? MatmulShape<A, [K2, 1]> extends infer R ? R extends readonly [...infer P, infer M, 1] ? [...P, M] : R : never
  : A extends readonly [...infer BA extends Shape, infer M extends Dim, infer K1 extends Dim]
    ? B extends readonly [...infer BB extends Shape, infer K2 extends Dim, infer N extends Dim]
      ? DimEq<K1, K2> extends false ? ShapeError<`matmul: inner dims differ (${K1} vs ${K2})`, A, B>
        : Broadcast<BA, BB, 'matmul batch'> extends infer Bt
          ? Bt extends Shape ? [...Bt, M, N] : Bt
          : never
      : never
    : never;

/** runtime twin of MatmulShape; also returns the batch shape and the promoted 2-D operand shapes */
export function matmulShape<const A extends readonly number[], const B extends readonly number[]>(a: A, b: B): MatmulShape<A, B> {
  return matmulPlan(a, b).out as MatmulShape<A, B>;
}
/** everything the matmul kernel needs: promoted shapes, broadcast batch and the output shape */
export const matmulPlan = (a: readonly number[], b: readonly number[]) => {
  if (a.length === 0 || b.length === 0) {
    throw new ShapeMismatchError('matmul', `${a.length === 0 ? 'lhs' : 'rhs'} is a scalar (rank 0)`, [a, b]);
  }
  const a2 = a.length === 1 ? [1, a[0]!] : [...a];
  const b2 = b.length === 1 ? [b[0]!, 1] : [...b];
  const k1 = a2[a2.length - 1]!, k2 = b2[b2.length - 2]!;
  if (k1 !== k2) throw new ShapeMismatchError('matmul', `inner dims differ (${k1} vs ${k2})`, [a, b]);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2), 'matmul batch') as number[];
  const m = a2[a2.length - 2]!, n = b2[b2.length - 1]!;
  const out = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { a2, b2, batch, out };
};

/** inner product of two vectors: [K] . [K] -> [] */
export type DotShape<A extends Shape, B extends Shape> =
  IsDynRank<A> extends true ? [] : IsDynRank<B> extends true ? []
  : A extends readonly [infer a extends Dim] ? B extends readonly [infer b extends Dim]
    ? DimEq<a, b> extends true ? [] : ShapeError<`dot: lengths differ (${a} vs ${b})`, A, B>
    : ShapeError<'dot: rhs must be a vector', A, B>
  : IsDynRank<A> extends true ? [] : ShapeError<'dot: lhs must be a vector', A, B>;
/** runtime twin of DotShape */
export function dotShape<const A extends readonly number[], const B extends readonly number[]>(a: A, b: B): DotShape<A, B> {
  if (a.length !== 1 || b.length !== 1) throw new ShapeMismatchError('dot', 'operands must be vectors', [a, b]);
  if (a[0] !== b[0]) throw new ShapeMismatchError('dot', `lengths differ (${a[0]} vs ${b[0]})`, [a, b]);
  return [] as DotShape<A, B>;
}

/** outer product of two vectors: [M] x [N] -> [M, N] */
export type OuterShape<A extends Shape, B extends Shape> =
  IsDynRank<A> extends true ? [number, B extends readonly [infer b extends Dim] ? b : number]
  : IsDynRank<B> extends true ? [A extends readonly [infer a extends Dim] ? a : number, number]
  : A extends readonly [infer a extends Dim] ? B extends readonly [infer b extends Dim] ? [a, b]
    : ShapeError<'outer: rhs must be a vector', A, B> : ShapeError<'outer: lhs must be a vector', A, B>;
/** runtime twin of OuterShape */
export function outerShape<const A extends readonly number[], const B extends readonly number[]>(a: A, b: B): OuterShape<A, B> {
  if (a.length !== 1 || b.length !== 1) throw new ShapeMismatchError('outer', 'operands must be vectors', [a, b]);
  return [a[0]!, b[0]!] as OuterShape<A, B>;
}
