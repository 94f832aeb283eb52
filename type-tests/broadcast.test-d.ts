/** @file Type tests of the Broadcast rule through binary ops, where and data-last (pipeable) calls. */
import { expectError, expectType } from 'tsd';
import { add, equal, greater, logicalAnd, maximum, mul, named, sub, where, zeros, type Dim, type Tensor } from '../src/index.js';

// ---- NumPy broadcasting: right-aligned, 1 stretches, missing leading dims are added ---------
expectType<Tensor<[8, 7, 6, 5], 'float32'>>(add(zeros([8, 1, 6, 1]), zeros([7, 1, 5])));
expectType<Tensor<[8, 7, 6, 5], 'float32'>>(add(zeros([7, 1, 5]), zeros([8, 1, 6, 1])));
expectType<Tensor<[5, 4], 'float32'>>(add(zeros([5, 4]), zeros([4])));
expectType<Tensor<[5, 4], 'float32'>>(add(zeros([5, 4]), zeros([1])));
expectType<Tensor<[15, 3, 5], 'float32'>>(mul(zeros([15, 3, 5]), zeros([15, 1, 5])));
expectType<Tensor<[15, 3, 5], 'float32'>>(mul(zeros([15, 3, 5]), zeros([3, 1])));
expectType<Tensor<[5, 4], 'float32'>>(add(zeros([]), zeros([5, 4])));
expectType<Tensor<[], 'float32'>>(add(zeros([]), zeros([])));
expectType<Tensor<[1, 1], 'float32'>>(add(zeros([1]), zeros([1, 1])));
expectType<Tensor<[0, 3], 'float32'>>(add(zeros([0, 1]), zeros([3])));
expectType<Tensor<[1024, 1000], 'float32'>>(sub(zeros([1024, 1]), zeros([1, 1000])));
expectType<Tensor<[2, 3, 4, 5, 6, 7], 'float32'>>(add(zeros([2, 1, 4, 1, 6, 1]), zeros([3, 1, 5, 1, 7])));

// a JS number is a rank-0 operand
expectType<Tensor<[5, 4], 'float32'>>(add(zeros([5, 4]), 3));
expectType<Tensor<[5, 4], 'float32'>>(add(3, zeros([5, 4])));
expectType<Tensor<[], 'float32'>>(add(1, 2));

expectError(add(zeros([8, 2, 6]), zeros([7, 3, 6])));
expectError(add(zeros([3]), zeros([4])));
expectError(add(zeros([2, 1]), zeros([8, 4, 3])));
expectError(add(zeros([5, 4]), zeros([5])));
expectError(add(zeros([0]), zeros([2])));
expectError(mul(zeros([1024, 2]), zeros([1000, 1])));
expectError(greater(zeros([2, 3]), zeros([3, 2])));

// ---- data-last: add(b)(a) is add(a, b), for pipe(a, add(b)) ---------------------------------
expectType<Tensor<[32, 10], 'float32'>>(add(zeros([10]))(zeros([32, 10])));
expectType<Tensor<[3, 1, 5], 'float32'>>(add(zeros([1, 5]))(zeros([3, 1, 1])));
expectType<Tensor<[2, 3], 'float32'>>(sub(zeros([2, 3], 'int32'))(zeros([3])));
expectType<Tensor<[2, 3], 'int32'>>(add(1)(zeros([2, 3], 'int32')));
expectType<Tensor<[4, 3], 'bool'>>(equal(zeros([3]))(zeros([4, 1])));
expectType<Tensor<[4, 3], 'float32'>>(maximum(0)(zeros([4, 3])));

expectError(add(zeros([10]))(zeros([32, 11])));
expectError(add(zeros([2]))(zeros([3])));
expectError(sub(zeros([3]))(zeros([4])));
expectError(equal(zeros([3]))(zeros([2, 4])));

// ---- three-way broadcast in where ------------------------------------------------------------
expectType<Tensor<[4, 3, 2], 'float32'>>(where(zeros([4, 1, 1], 'bool'), zeros([3, 1]), zeros([2])));
expectType<Tensor<[4, 3], 'float32'>>(where(zeros([4, 3], 'bool'), zeros([3]), 0));
expectType<Tensor<[4, 3], 'float32'>>(where(zeros([], 'bool'), zeros([4, 3]), zeros([3])));

expectError(where(zeros([4, 3], 'bool'), zeros([2, 1]), 0));
expectError(where(zeros([4, 3], 'bool'), zeros([3]), zeros([2])));
expectError(logicalAnd(zeros([2, 3], 'bool'), zeros([2, 4], 'bool')));

// ---- named, wide and unknown-rank dims -----------------------------------------------------
const x = named(zeros([32, 784]), ['B', 784]);
expectType<Tensor<['B', 784], 'float32'>>(add(x, zeros([784])));
expectType<Tensor<['B', 784], 'float32'>>(add(x, zeros([1, 784])));
expectType<Tensor<['B', 784], 'float32'>>(add(x, named(zeros([32, 1]), ['B', 1])));
expectType<Tensor<['B', 784], 'float32'>>(add(x, x));
// a wide `number` dim takes the other side's dim (checked at run time)
expectType<Tensor<['B', 784], 'float32'>>(add(x, zeros([5, 784]) as Tensor<[number, 784]>));
expectType<Tensor<[7, 784], 'float32'>>(add(zeros([7, 784]), zeros([7, 784]) as Tensor<[number, 784]>));
expectType<Tensor<[3, 4], 'float32'>>(add(zeros([3, 4]) as Tensor<[number, number]>, zeros([3, 4])));
// against 1 the wide dim stays wide (it may be 1 or anything)
expectType<Tensor<[number, 4], 'float32'>>(add(zeros([1, 4]), zeros([3, 4]) as Tensor<[number, 4]>));
expectType<Tensor<Dim[], 'float32'>>(add(zeros([3, 4]) as Tensor<Dim[]>, zeros([3, 4])));
expectType<Tensor<Dim[], 'float32'>>(add(zeros([3, 4]), zeros([3, 4]) as Tensor<number[]>));

// named dims are rigid: 'B' unifies only with 'B' (or 1, or a wide dim)
expectError(add(x, named(zeros([32, 784]), ['C', 784])));
expectError(add(x, zeros([32, 784])));
expectError(add(named(zeros([3]), ['B']), zeros([3])));
expectError(add(zeros([784]))(named(zeros([32, 10]), ['B', 10])));
