/** @file Type tests of gradual dims: named (symbolic) dims, wide `number` dims, unknown rank, and dtype promotion with weak scalars. */
import { expectAssignable, expectError, expectNotAssignable, expectType } from 'tsd';
import {
  add, concat, div, equal, exp, flatten, matmul, mean, mul, named, reshape, relu, slice, sub, sum, where, zeros,
  type AnyTensor, type Dim, type Shape, type Tensor,
} from '../src/index.js';

// ---- named dims: 'B' flows through a model and stays 'B' ----------------------------------
const x = named(zeros([32, 784]), ['B', 784]);
const w1 = zeros([784, 128]);
const b1 = zeros([128]);
const w2 = zeros([128, 10]);
const h = relu(add(matmul(x, w1), b1));
expectType<Tensor<['B', 128], 'float32'>>(h);
const logits = add(matmul(h, w2), zeros([10]));
expectType<Tensor<['B', 10], 'float32'>>(logits);
expectType<Tensor<['B'], 'float32'>>(sum(logits, 1));
expectType<Tensor<[10], 'float32'>>(mean(logits, 0));
expectType<Tensor<['B', 28, 28], 'float32'>>(reshape(x, ['B', -1, 28]));
expectType<Tensor<['B', 784], 'float32'>>(reshape(reshape(x, ['B', 28, 28]), ['B', -1]));
expectType<Tensor<['B', 784], 'float32'>>(flatten(reshape(x, ['B', 28, 28]), 1));
expectType<Tensor<['B', 'T', 64], 'float32'>>(add(named(zeros([2, 5, 64]), ['B', 'T', 64]), zeros([64])));

// 'B' and 'C' are different sizes
const y = named(zeros([32, 784]), ['C', 784]);
expectError(add(x, y));
expectError(add(x)(y));
expectError(matmul(x, named(zeros([784, 10]), ['C', 10])));
expectError(reshape(x, ['C', 784]));
expectError(concat([x, y], 1));
// a literal never unifies with a named dim: bind it with named() first
expectError(add(x, zeros([32, 784])));
expectError(matmul(zeros([32, 784]), named(zeros([784, 10]), ['K', 10])));

// ---- wide `number` dims: accepted, checked at run time ---------------------------------------
declare const n: number;
const wide = zeros([n, 784]);
expectType<Tensor<[number, 784], 'float32'>>(wide);
expectType<Tensor<[number, 10], 'float32'>>(matmul(wide, zeros([784, 10])));
expectType<Tensor<['B', 784], 'float32'>>(add(x, wide));
expectType<Tensor<[7, 784], 'float32'>>(add(zeros([7, 784]), wide));
expectType<Tensor<[number], 'float32'>>(reshape(wide, [-1]));
expectType<Tensor<[number, 28, 28], 'float32'>>(reshape(wide, [-1, 28, 28]));
expectType<Tensor<[number], 'float32'>>(sum(wide, 1));
expectType<Tensor<['B', 784], 'float32'>>(named(wide, ['B', 784]));
expectType<Tensor<[784, 10], 'float32'>>(matmul(zeros([784, n]), zeros([784, 10])));
// the literal dims next to a wide one are still checked
expectError(matmul(wide, zeros([100, 10])));
expectError(add(wide, zeros([7, 785])));

// ---- unknown rank: Dim[] or number[] in, Dim[] out, no compile errors ------------------------
const dr = zeros([3, 4]) as Tensor<Dim[]>;
const nr = zeros([3, 4]) as Tensor<number[]>;
expectType<Tensor<Dim[], 'float32'>>(add(dr, zeros([3, 4])));
expectType<Tensor<Dim[], 'float32'>>(add(zeros([3, 4]), nr));
expectType<Tensor<Dim[], 'float32'>>(matmul(dr, zeros([5, 6])));
expectType<Tensor<Dim[], 'float32'>>(matmul(nr, nr));
expectType<Tensor<Dim[], 'float32'>>(sum(dr, 0));
expectType<Tensor<Dim[], 'float32'>>(sum(nr, 7));
expectType<Tensor<Dim[], 'float32'>>(exp(dr));
expectType<Tensor<number[], 'float32'>>(exp(nr));
expectType<Tensor<Dim[], 'float32'>>(slice(dr, [0, [1, 3]]));
expectType<Tensor<[12], 'float32'>>(reshape(nr, [12]));
expectType<Tensor<Dim[], 'float32'>>(concat([dr, zeros([3, 4])], 1));
expectType<Tensor<Dim[], 'bool'>>(equal(dr, 0));
// a full reduction is a scalar whatever the rank
expectType<Tensor<[], 'float32'>>(sum(dr));

// ---- dtype promotion: bool < int32 < float32; arithmetic on bool is int32 ---------------------
const f = zeros([2]);
const i = zeros([2], 'int32');
const b = zeros([2], 'bool');
expectType<Tensor<[2], 'float32'>>(add(f, i));
expectType<Tensor<[2], 'float32'>>(add(i, f));
expectType<Tensor<[2], 'float32'>>(add(b, f));
expectType<Tensor<[2], 'int32'>>(add(b, i));
expectType<Tensor<[2], 'int32'>>(add(b, b));
expectType<Tensor<[2], 'int32'>>(mul(i, i));
expectType<Tensor<[2], 'float32'>>(div(i, i));
// weak scalars: a JS number adopts the tensor's dtype (two numbers are float32)
expectType<Tensor<[2], 'int32'>>(add(i, 1));
expectType<Tensor<[2], 'int32'>>(sub(1, i));
expectType<Tensor<[2], 'float32'>>(add(f, 1));
expectType<Tensor<[2], 'int32'>>(add(b, 1));
expectType<Tensor<[], 'float32'>>(add(1, 2));
// a fraction with an int32 tensor is int32 here and rejected at run time
expectType<Tensor<[2], 'int32'>>(add(i, 2.5));
expectType<Tensor<[2], 'bool'>>(equal(i, 2.5));
expectType<Tensor<[2], 'int32'>>(where(b, i, 0));
expectType<Tensor<[2], 'float32'>>(where(b, 0, 1));
expectType<Tensor<[2], 'float32'>>(where(b, i, f));

// ---- assignability of tensor types -------------------------------------------------------------
expectAssignable<AnyTensor>(x);
expectAssignable<Tensor<Shape, 'int32'>>(i);
expectAssignable<Tensor<[number, number]>>(zeros([2, 3]));
expectAssignable<Tensor<[number, 784]>>(named(zeros([2, 784]), [2 as number, 784]));
expectError(named(zeros([2, 784]), [5, 784]));
expectNotAssignable<Tensor<[3, 2]>>(zeros([2, 3]));
expectNotAssignable<Tensor<[2, 3], 'int32'>>(zeros([2, 3]));
expectNotAssignable<Tensor<['C', 784]>>(x);
expectNotAssignable<Tensor<[number, 784]>>(x);
expectNotAssignable<Tensor<[2, 3]>>(zeros([2, 3]) as Tensor<[number, number]>);
