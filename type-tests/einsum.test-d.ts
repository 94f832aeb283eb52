/** @file Type tests of einsum: parsing the subscripts, binding letters to dims, the output shape and dtypes. */
import { expectError, expectType } from 'tsd';
import { einsum, named, zeros, type Dim, type Tensor } from '../src/index.js';

// ---- two operands ---------------------------------------------------------------------------
expectType<Tensor<[8, 2, 4], 'float32'>>(einsum('bij,bjk->bik', zeros([8, 2, 3]), zeros([8, 3, 4])));
expectType<Tensor<[2, 4], 'float32'>>(einsum('ij,jk->ik', zeros([2, 3]), zeros([3, 4])));
expectType<Tensor<[2, 4], 'float32'>>(einsum('ij, jk -> ik', zeros([2, 3]), zeros([3, 4])));
expectType<Tensor<[4, 2], 'float32'>>(einsum('ij,jk->ki', zeros([2, 3]), zeros([3, 4])));
expectType<Tensor<[], 'float32'>>(einsum('i,i->', zeros([5]), zeros([5])));
expectType<Tensor<[3, 4], 'float32'>>(einsum('i,j->ij', zeros([3]), zeros([4])));
expectType<Tensor<[2, 4, 16, 32], 'float32'>>(einsum('bhqd,bhkd->bhqk', zeros([2, 4, 16, 8]), zeros([2, 4, 32, 8])));
expectType<Tensor<[2, 3], 'int32'>>(einsum('ij,ij->ij', zeros([2, 3], 'int32'), zeros([2, 3], 'int32')));
expectType<Tensor<[1024, 10], 'float32'>>(einsum('ij,jk->ik', zeros([1024, 1000]), zeros([1000, 10])));

// ---- one operand: transpose, sum ----------------------------------------------------------
expectType<Tensor<[3, 2], 'float32'>>(einsum('ij->ji', zeros([2, 3])));
expectType<Tensor<[], 'float32'>>(einsum('ij->', zeros([2, 3])));
expectError(einsum('ij->j', zeros([2, 3], 'bool'))); // bool operands: a sum would change the dtype
expectType<Tensor<[4, 2, 3], 'float32'>>(einsum('abc->cab', zeros([2, 3, 4])));

// ---- named and wide dims -------------------------------------------------------------------
const x = named(zeros([32, 784]), ['B', 784]);
expectType<Tensor<['B', 10], 'float32'>>(einsum('bi,ij->bj', x, zeros([784, 10])));
expectType<Tensor<[784, 'B'], 'float32'>>(einsum('bi->ib', x));
expectType<Tensor<[2, 4], 'float32'>>(einsum('ij,jk->ik', zeros([2, 3]) as Tensor<[2, number]>, zeros([3, 4])));
expectType<Tensor<[2, 4], 'float32'>>(einsum('ij,jk->ik', zeros([2, 3]), zeros([3, 4]) as Tensor<[number, 4]>));
// letters of an unknown-rank operand are unknown: they become number
expectType<Tensor<[number, 4], 'float32'>>(einsum('ij,jk->ik', zeros([2, 3]) as Tensor<Dim[]>, zeros([3, 4])));

// ---- errors ----------------------------------------------------------------------------------
// a letter bound to two sizes
expectError(einsum('ij,jk->ik', zeros([2, 3]), zeros([4, 5])));
expectError(einsum('bij,bjk->bik', zeros([8, 2, 3]), zeros([7, 3, 4])));
expectError(einsum('ii->i', zeros([2, 3])));
expectError(einsum('bi,ij->bj', x, named(zeros([784, 10]), ['C', 10])));
expectError(einsum('bi,bj->ij', x, named(zeros([32, 10]), ['C', 10])));
// wrong number of letters for an operand's rank
expectError(einsum('ij,jk->ik', zeros([2, 3, 1]), zeros([3, 5])));
expectError(einsum('ij,jk->ik', zeros([2, 3]), zeros([3])));
expectError(einsum('ij->ji', zeros([2])));
// an output letter in no operand
expectError(einsum('ij,jk->iz', zeros([2, 3]), zeros([3, 5])));
expectError(einsum('ij->k', zeros([2, 3])));
// no '->'
expectError(einsum('ij,jk', zeros([2, 3]), zeros([3, 5])));
expectError(einsum('ij', zeros([2, 3])));
// operand count
expectError(einsum('ij->ji', zeros([2, 3]), zeros([3, 5])));
expectError(einsum('ij,jk->ik', zeros([2, 3])));
// dtypes of two operands must agree
expectError(einsum('ij,jk->ik', zeros([2, 3]), zeros([3, 5], 'int32')));
expectError(einsum('ij,jk->ik', zeros([2, 3], 'bool'), zeros([3, 5], 'bool')));
expectError(einsum('ii->i', zeros([3, 3]))); // fixed:a repeated letter (diagonal) compiles; the runtime rejects it
