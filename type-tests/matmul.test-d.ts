/** @file Type tests of matmul (vectors, batches, broadcasting, data-last, dtypes), dot and outer. */
import { expectError, expectType } from 'tsd';
import { dot, matmul, named, outer, zeros, type Dim, type Tensor } from '../src/index.js';

// ---- [..., M, K] @ [..., K, N] -> [..., M, N] -------------------------------------------------
expectType<Tensor<[32, 10], 'float32'>>(matmul(zeros([32, 784]), zeros([784, 10])));
expectType<Tensor<[2, 2], 'float32'>>(matmul(zeros([2, 3]), zeros([3, 2])));
expectType<Tensor<[1024, 4096], 'float32'>>(matmul(zeros([1024, 1000]), zeros([1000, 4096])));
// batch dims broadcast
expectType<Tensor<[8, 2, 4], 'float32'>>(matmul(zeros([8, 2, 3]), zeros([8, 3, 4])));
expectType<Tensor<[8, 2, 4], 'float32'>>(matmul(zeros([8, 2, 3]), zeros([3, 4])));
expectType<Tensor<[5, 7, 3, 2], 'float32'>>(matmul(zeros([5, 1, 3, 4]), zeros([7, 4, 2])));
// a 1-D operand is a vector whose dim is dropped
expectType<Tensor<[6], 'float32'>>(matmul(zeros([4]), zeros([4, 6])));
expectType<Tensor<[3], 'float32'>>(matmul(zeros([3, 4]), zeros([4])));
expectType<Tensor<[2, 3], 'float32'>>(matmul(zeros([2, 3, 4]), zeros([4])));
expectType<Tensor<[2, 6], 'float32'>>(matmul(zeros([4]), zeros([2, 4, 6])));
expectType<Tensor<[], 'float32'>>(matmul(zeros([4]), zeros([4]))); // fixed:observed Tensor<[1]>; NumPy and the runtime give []
// dtypes: float32 with float32, int32 with int32
expectType<Tensor<[3, 2], 'int32'>>(matmul(zeros([3, 4], 'int32'), zeros([4, 2], 'int32')));

expectError(matmul(zeros([32, 784]), zeros([100, 10])));
expectError(matmul(zeros([2, 3]), zeros([2, 3])));
expectError(matmul(zeros([3, 4]), zeros([5])));
expectError(matmul(zeros([5]), zeros([4, 6])));
expectError(matmul(zeros([2, 3, 4]), zeros([5, 4, 6])));
expectError(matmul(zeros([]), zeros([3])));
expectError(matmul(zeros([3]), zeros([])));
expectError(matmul(zeros([3, 4], 'int32'), zeros([4, 2])));
expectError(matmul(zeros([3, 4]), zeros([4, 2], 'int32')));
expectError(matmul(zeros([3, 4], 'bool'), zeros([4, 2], 'bool')));

// ---- data-last: matmul(w)(x) is matmul(x, w) -------------------------------------------------
expectType<Tensor<[32, 10], 'float32'>>(matmul(zeros([784, 10]))(zeros([32, 784])));
expectType<Tensor<[8, 2, 10], 'float32'>>(matmul(zeros([784, 10]))(zeros([8, 2, 784])));
expectType<Tensor<[3, 2], 'int32'>>(matmul(zeros([4, 2], 'int32'))(zeros([3, 4], 'int32')));

expectError(matmul(zeros([784, 10]))(zeros([32, 100])));
expectError(matmul(zeros([4, 2]))(zeros([3, 5])));
expectError(matmul(zeros([4, 2], 'int32'))(zeros([3, 4])));

// ---- named, wide and unknown-rank dims -------------------------------------------------------
const x = named(zeros([32, 784]), ['B', 784]);
expectType<Tensor<['B', 10], 'float32'>>(matmul(x, zeros([784, 10])));
expectType<Tensor<['B', 10], 'float32'>>(matmul(zeros([784, 10]))(x));
expectType<Tensor<['B', 'T', 128], 'float32'>>(matmul(named(zeros([2, 3, 784]), ['B', 'T', 784]), zeros([784, 128])));
expectType<Tensor<['B', 4], 'float32'>>(matmul(named(zeros([2, 3]), ['B', 'D']), named(zeros([3, 4]), ['D', 4])));
expectType<Tensor<[number, 5], 'float32'>>(matmul(zeros([2, 3]) as Tensor<[number, number]>, zeros([3, 5])));
expectType<Tensor<[2, 5], 'float32'>>(matmul(zeros([2, 3]), zeros([3, 5]) as Tensor<[number, 5]>));
expectType<Tensor<Dim[], 'float32'>>(matmul(zeros([2, 3]) as Tensor<Dim[]>, zeros([3, 5])));
expectType<Tensor<Dim[], 'float32'>>(matmul(zeros([2, 3]), zeros([3, 5]) as Tensor<number[]>));

expectError(matmul(x, named(zeros([784, 10]), ['C', 10])));
expectError(matmul(named(zeros([2, 3]), ['B', 'D']), named(zeros([3, 4]), ['E', 4])));
expectError(matmul(named(zeros([784, 10]), ['C', 10]))(x));

// ---- dot: [K] . [K] -> [] --------------------------------------------------------------------
expectType<Tensor<[], 'float32'>>(dot(zeros([5]), zeros([5])));
expectType<Tensor<[], 'int32'>>(dot(zeros([5], 'int32'), zeros([5], 'int32')));
expectType<Tensor<[], 'float32'>>(dot(named(zeros([5]), ['N']), named(zeros([5]), ['N'])));
expectType<Tensor<[], 'float32'>>(dot(zeros([5]) as Tensor<Dim[]>, zeros([5])));
expectType<Tensor<[], 'float32'>>(dot(zeros([5]), zeros([5]) as Tensor<Dim[]>)); // fixed:false error 'dot: rhs must be a vector'

expectError(dot(zeros([5]), zeros([4])));
expectError(dot(zeros([5, 1]), zeros([5])));
expectError(dot(zeros([5]), zeros([5, 1])));
expectError(dot(zeros([5]), zeros([5], 'int32')));
expectError(dot(named(zeros([5]), ['N']), named(zeros([5]), ['M'])));

// ---- outer: [M] x [N] -> [M, N] --------------------------------------------------------------
expectType<Tensor<[3, 5], 'float32'>>(outer(zeros([3]), zeros([5])));
expectType<Tensor<['B', 5], 'int32'>>(outer(named(zeros([3], 'int32'), ['B']), zeros([5], 'int32')));
expectType<Tensor<[number, 5], 'float32'>>(outer(zeros([3]) as Tensor<Dim[]>, zeros([5])));

expectError(outer(zeros([3, 1]), zeros([5])));
expectError(outer(zeros([3]), zeros([])));
expectError(outer(zeros([3]), zeros([5], 'int32')));
