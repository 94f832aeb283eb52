/** @file Type tests of concat, stack and split. */
import { expectError, expectType } from 'tsd';
import { concat, named, split, stack, zeros, type Dim, type Tensor } from '../src/index.js';

const b3 = named(zeros([4, 3]), ['B', 3]);
const list: Tensor<[2, 3]>[] = [];

// ---- concat: the axis dims add up (digit arithmetic), the others must agree --------------------
expectType<Tensor<[1024, 3], 'float32'>>(concat([zeros([1000, 3]), zeros([24, 3])]));
expectType<Tensor<[8, 3], 'float32'>>(concat([zeros([2, 3]), zeros([5, 3]), zeros([1, 3])], 0));
expectType<Tensor<[2, 7], 'float32'>>(concat([zeros([2, 3]), zeros([2, 4])], 1));
expectType<Tensor<[2, 7], 'float32'>>(concat([zeros([2, 3]), zeros([2, 4])], -1));
expectType<Tensor<[4, 3], 'float32'>>(concat([zeros([2, 3]), zeros([2, 3])], -2));
expectType<Tensor<[2, 3], 'float32'>>(concat([zeros([2, 3])]));
expectType<Tensor<[2, 6], 'int32'>>(concat([zeros([2, 3], 'int32'), zeros([2, 3], 'int32')], 1));
expectType<Tensor<[99999, 10], 'float32'>>(concat([zeros([99990, 10]), zeros([9, 10])]));
// named dims: kept off the axis; on the axis a sum with a named dim is number
expectType<Tensor<['B', 7], 'float32'>>(concat([b3, named(zeros([4, 4]), ['B', 4])], -1));
expectType<Tensor<[number, 3], 'float32'>>(concat([b3, b3], 0));
// wide dims and unknown lengths
expectType<Tensor<[number, 3], 'float32'>>(concat([zeros([2, 3]) as Tensor<[number, 3]>, zeros([2, 3])]));
expectType<Tensor<[4, 3], 'float32'>>(concat([zeros([2, 3]) as Tensor<[2, number]>, zeros([2, 3])]));
expectType<Tensor<Dim[], 'float32'>>(concat([zeros([2, 3]) as Tensor<Dim[]>, zeros([2, 3])]));
expectType<Tensor<Dim[], 'float32'>>(concat(list));
expectError(concat([zeros([2, 3]), zeros([2, 3], 'int32')])); // fixed:compiles with dtype 'float32' | 'int32';
// the runtime throws (inputs must share a dtype). stack has the same gap.

expectError(concat([zeros([2, 3]), zeros([2, 4])]));
expectError(concat([zeros([2, 3]), zeros([5, 3]), zeros([1, 4])]));
expectError(concat([zeros([2, 3]), zeros([2, 3, 1])]));
expectError(concat([zeros([2, 3]), zeros([3])]));
expectError(concat([zeros([2, 3]), zeros([2, 3])], 2));
expectError(concat([zeros([2, 3]), zeros([2, 3])], -3));
expectError(concat([zeros([]), zeros([])]));
expectError(concat([b3, named(zeros([4, 3]), ['C', 3])], 1));
expectError(concat([]));

// ---- stack: equal shapes along a new axis in [-(rank+1), rank] ------------------------------
expectType<Tensor<[2, 2, 3], 'float32'>>(stack([zeros([2, 3]), zeros([2, 3])]));
expectType<Tensor<[2, 2, 3], 'float32'>>(stack([zeros([2, 3]), zeros([2, 3])], 1));
expectType<Tensor<[2, 3, 3], 'float32'>>(stack([zeros([2, 3]), zeros([2, 3]), zeros([2, 3])], -1));
expectType<Tensor<[3, 2, 3], 'float32'>>(stack([zeros([2, 3]), zeros([2, 3]), zeros([2, 3])], -3));
expectType<Tensor<[2], 'int32'>>(stack([zeros([], 'int32'), zeros([], 'int32')]));
expectType<Tensor<['B', 2, 3], 'float32'>>(stack([b3, b3], 1));
expectType<Tensor<[2, 2, 3], 'float32'>>(stack([zeros([2, 3]) as Tensor<[number, 3]>, zeros([2, 3])]));
expectType<Tensor<Dim[], 'float32'>>(stack(list));

expectError(stack([zeros([2, 3]), zeros([2, 4])]));
expectError(stack([zeros([2, 3]), zeros([3])]));
expectError(stack([zeros([2, 3]), zeros([2, 3, 1])]));
expectError(stack([zeros([2, 3]), zeros([2, 3])], 3));
expectError(stack([zeros([2, 3]), zeros([2, 3])], -4));
expectError(stack([b3, named(zeros([4, 3]), ['C', 3])]));
expectError(stack([]));

// ---- split: N equal parts (an array) or given sizes (one tensor per size) --------------------
expectType<Tensor<[4, 3], 'float32'>[]>(split(zeros([12, 3]), 3));
expectType<Tensor<[12, 1], 'float32'>[]>(split(zeros([12, 3]), 3, 1));
expectType<Tensor<[12, 1], 'float32'>[]>(split(zeros([12, 3]), 3, -1));
expectType<Tensor<[4, 256], 'int32'>[]>(split(zeros([4, 1024], 'int32'), 4, -1));
expectType<Tensor<[number, 3], 'float32'>[]>(split(b3, 2));
expectType<Tensor<[number, 3], 'float32'>[]>(split(zeros([12, 3]) as Tensor<[number, 3]>, 5));
expectType<Tensor<Dim[], 'float32'>[]>(split(zeros([2, 3]) as Tensor<Dim[]>, 2));
// sizes: each part has its own shape (read by index; see the BUG below)
const parts = split(zeros([4, 1024]), [1000, 24], -1);
expectType<Tensor<[4, 1000], 'float32'>>(parts[0]);
expectType<Tensor<[4, 24], 'float32'>>(parts[1]);
const named3 = split(b3, [1, 2], 1);
expectType<Tensor<['B', 1], 'float32'>>(named3[0]);
expectType<Tensor<['B', 2], 'float32'>>(named3[1]);
const three = split(zeros([6]), [1, 2, 3]);
expectType<Tensor<[3], 'float32'>>(three[2]);
expectType<[Tensor<[2, 3], 'float32'>, Tensor<[10, 3], 'float32'>]>(split(zeros([12, 3]), [2, 10]));
const [firstPart, secondPart] = split(zeros([12, 3]), [2, 10]);
expectType<Tensor<[10, 3], 'float32'>>(secondPart);
expectType<Tensor<[2, 3], 'float32'>>(firstPart);

expectError(split(zeros([12, 3]), 5));
expectError(split(zeros([12, 3]), 0));
expectError(split(zeros([12, 3]), 2.5));
expectError(split(zeros([12, 3]), [2, 9]));
expectError(split(zeros([12, 3]), [10, 3]));
expectError(split(zeros([12, 3]), 2, 2));
expectError(split(zeros([12, 3]), 2, -3));
expectError(split(zeros([1024]), [1000, 23]));
