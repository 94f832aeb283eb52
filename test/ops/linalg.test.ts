/** @file matmul (2-D, batched, broadcast batch, vectors), dot, outer and einsum against hand-computed products. */
import { pipe } from 'fp-ts/lib/function.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { withFloat64 } from '../../src/dtype/index.js';
import {
  dot, einsum, eye, matmul, outer, reshape, arange, tensor, toNested, transpose, type AnyTensor, type Tensor,
} from '../../src/index.js';

const A = tensor([[1, 2, 3], [4, 5, 6]]); // [2, 3]
const B = tensor([[7, 8], [9, 10], [11, 12]]); // [3, 2]
/** A @ B by hand: [1*7 + 2*9 + 3*11, 1*8 + 2*10 + 3*12], [4*7 + 5*9 + 6*11, 4*8 + 5*10 + 6*12] */
const AB = [[58, 64], [139, 154]];
const u = tensor([1, 2, 3]);
const v = tensor([4, 5, 6]);

describe('matmul', () => {
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ['[2,3] @ [3,2]', () => matmul(A, B), [2, 2], AB],
    ['[3] @ [3,2] drops the vector dim', () => matmul(u, B), [2], [58, 64]],
    ['[2,3] @ [3] drops the vector dim', () => matmul(A, tensor([1, 0, -1])), [2], [-2, -2]],
    ['[3] @ [3] is a scalar', () => matmul(u, v), [], 32],
    ['transposed views: B^T @ A^T = (AB)^T', () => matmul(transpose(B), transpose(A)), [2, 2], [[58, 139], [64, 154]]],
    ['by the identity', () => matmul(A, eye(3)), [2, 3], [[1, 2, 3], [4, 5, 6]]],
    ['[2,2,2] @ [2,2]: each batch matrix times one matrix', () => matmul(tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]), tensor([[1, 2], [3, 4]])), [2, 2, 2],
      [[[1, 2], [3, 4]], [[2, 4], [6, 8]]]],
    ['[2,2,1,2] @ [2,2,2,1]: batch by batch', () => matmul(
      tensor([[[[1, 1]], [[1, -1]]], [[[2, 0]], [[0, 3]]]]),
      tensor([[[[1], [2]], [[3], [4]]], [[[5], [6]], [[7], [8]]]]),
    ), [2, 2, 1, 1], [[[[3]], [[-1]]], [[[10]], [[24]]]]],
    // a[i] = [[i + 1, 1]], b[j] = [[j], [1]]: out[i, j] = (i + 1) j + 1
    ['batch dims [2,1] and [3] broadcast to [2,3]', () => matmul(
      tensor([[[[1, 1]]], [[[2, 1]]]]),
      tensor([[[0], [1]], [[1], [1]], [[2], [1]]]),
    ), [2, 3, 1, 1], [[[[1]], [[2]], [[3]]], [[[1]], [[3]], [[5]]]]],
    ['[3] @ [2,3,2] broadcasts the vector over the batch', () => matmul(u, tensor([[[1, 0], [0, 1], [0, 0]], [[0, 0], [0, 0], [1, 1]]])), [2, 2],
      [[1, 2], [3, 3]]],
    ['int32 stays int32', () => matmul(tensor([[1, 2]], 'int32'), tensor([[3], [4]], 'int32')), [1, 1], [[11]]],
    ['an empty inner dim gives zeros', () => matmul(reshape(arange(0), [2, 0]), reshape(arange(0), [0, 3])), [2, 3], [[0, 0, 0], [0, 0, 0]]],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });

  it('is data-last with one argument: pipe(a, matmul(b)) is a @ b', () => {
    expect(toNested(pipe(A, matmul(B)))).toEqual(AB);
    expect(toNested(matmul(B)(A))).toEqual(AB);
  });

  it('keeps the dtype', () => {
    expect(matmul(A, B).dtype).toBe('float32');
    expect(matmul(tensor([[1]], 'int32'), tensor([[2]], 'int32')).dtype).toBe('int32');
  });

  it('sums float32 products in float32 (as BLAS), and exactly in float64 mode (checkGrad)', () => {
    // 1e8 + 1 is 1e8 in float32, so the SIMD sum loses the 1; the float64 path keeps it
    expect(toNested(matmul(tensor([1e8, 1, -1e8]), tensor([1, 1, 1])))).toBe(0);
    expect(withFloat64(() => toNested(matmul(tensor([1e8, 1, -1e8]), tensor([1, 1, 1]))))).toBe(1);
  });

  it('types the product shapes', () => {
    expectTypeOf(matmul(A, B)).toEqualTypeOf<Tensor<[2, 2]>>();
    expectTypeOf(matmul(u, B)).toEqualTypeOf<Tensor<[2]>>();
    expectTypeOf(matmul(tensor([[[[1, 1]]], [[[2, 1]]]]), tensor([[[0], [1]], [[1], [1]], [[2], [1]]]))).toEqualTypeOf<Tensor<[2, 3, 1, 1]>>();
    expectTypeOf(matmul(u, v)).toEqualTypeOf<Tensor<[]>>();
  });
});

describe('dot, outer', () => {
  it.each<[string, () => AnyTensor, readonly number[], string, unknown]>([
    ['dot: 1*4 + 2*5 + 3*6', () => dot(u, v), [], 'float32', 32],
    ['dot of int32', () => dot(tensor([2, -3], 'int32'), tensor([5, 1], 'int32')), [], 'int32', 7],
    ['dot of empty vectors is 0', () => dot(arange(0), arange(0)), [], 'float32', 0],
    ['outer: a[i] * b[j]', () => outer(tensor([1, 2]), tensor([3, 4, 5])), [2, 3], 'float32', [[3, 4, 5], [6, 8, 10]]],
    ['outer of int32', () => outer(tensor([-1, 2], 'int32'), tensor([3], 'int32')), [2, 1], 'int32', [[-3], [6]]],
  ])('%s', (_, make, shape, dtype, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(y.dtype).toBe(dtype);
    expect(toNested(y)).toEqual(expected);
  });
  it('types dot and outer', () => {
    expectTypeOf(dot(u, v)).toEqualTypeOf<Tensor<[]>>();
    expectTypeOf(outer(tensor([1, 2]), tensor([3, 4, 5]))).toEqualTypeOf<Tensor<[2, 3]>>();
  });
});

describe('einsum', () => {
  const C = tensor([[1, 0, 1], [0, 1, 0]]); // [2, 3]
  // attention scores: Q[0, h] @ K[0, h]^T for two heads, by hand
  const Q = tensor([[[[1, 0], [0, 1]], [[1, 1], [2, 0]]]]); // [1, 2, 2, 2]
  const K = tensor([[[[1, 2], [3, 4], [5, 6]], [[1, 0], [0, 1], [1, 1]]]]); // [1, 2, 3, 2]
  it.each<[string, () => AnyTensor, readonly number[], unknown]>([
    ["'ij,jk->ik' is matmul", () => einsum('ij,jk->ik', A, B), [2, 2], AB],
    ["'ij,jk->ki' is its transpose", () => einsum('ij,jk->ki', A, B), [2, 2], [[58, 139], [64, 154]]],
    ["'ij,kj->ik' is A @ C^T", () => einsum('ij,kj->ik', A, C), [2, 2], [[4, 2], [10, 5]]],
    ["'bij,bjk->bik' is batched matmul", () => einsum('bij,bjk->bik', tensor([[[1, 2]], [[3, 4]]]), tensor([[[1], [1]], [[2], [-1]]])), [2, 1, 1], [[[3]], [[2]]]],
    ["'bhqd,bhkd->bhqk' is attention scores", () => einsum('bhqd,bhkd->bhqk', Q, K), [1, 2, 2, 3],
      [[[[1, 3, 5], [2, 4, 6]], [[1, 1, 2], [2, 0, 2]]]]],
    ["'i,i->' is dot", () => einsum('i,i->', u, v), [], 32],
    ["'i,j->ij' is outer", () => einsum('i,j->ij', tensor([1, 2]), tensor([3, 4, 5])), [2, 3], [[3, 4, 5], [6, 8, 10]]],
    ["'ij,ij->ij' is the elementwise product", () => einsum('ij,ij->ij', A, A), [2, 3], [[1, 4, 9], [16, 25, 36]]],
    ["'ij,ij->' is the Frobenius inner product", () => einsum('ij,ij->', A, A), [], 91],
    ["'ij,jk->' sums the product", () => einsum('ij,jk->', A, B), [], 415],
    ["'ij,k->i' sums away letters of one operand", () => einsum('ij,k->i', A, tensor([1, 1])), [2], [12, 30]],
    ["'ij->ji' is transpose", () => einsum('ij->ji', A), [3, 2], [[1, 4], [2, 5], [3, 6]]],
    ["'ij->i' sums rows", () => einsum('ij->i', A), [2], [6, 15]],
    ["'ij->j' sums columns", () => einsum('ij->j', A), [3], [5, 7, 9]],
    ["'ij->' sums everything", () => einsum('ij->', A), [], 21],
    ["'ijk->kij' permutes three axes", () => einsum('ijk->kij', reshape(arange(8), [2, 2, 2])), [2, 2, 2], [[[0, 2], [4, 6]], [[1, 3], [5, 7]]]],
    ['spaces are ignored', () => einsum('i j -> j i', A), [3, 2], [[1, 4], [2, 5], [3, 6]]],
    ['int32 stays int32', () => einsum('i,i->', tensor([1, 2], 'int32'), tensor([3, 4], 'int32')), [], 11],
  ])('%s', (_, make, shape, expected) => {
    const y = make();
    expect(y.shape).toEqual(shape);
    expect(toNested(y)).toEqual(expected);
  });

  it('types the result shape from the spec', () => {
    expectTypeOf(einsum('ij,jk->ik', A, B)).toEqualTypeOf<Tensor<[2, 2]>>();
    expectTypeOf(einsum('bhqd,bhkd->bhqk', Q, K)).toEqualTypeOf<Tensor<[1, 2, 2, 3]>>();
    expectTypeOf(einsum('ij->', A)).toEqualTypeOf<Tensor<[]>>();
    expectTypeOf(einsum('i,i->', tensor([1, 2], 'int32'), tensor([3, 4], 'int32'))).toEqualTypeOf<Tensor<[], 'int32'>>();
  });
  it('takes only numeric tensors (a bool sum would change the dtype)', () => {
    // @ts-expect-error bool operands are refused at compile time
    expect(einsum('ij->i', tensor([[true, true]])).dtype).toBe('int32');
  });
});
