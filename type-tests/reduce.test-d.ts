/** @file Type tests of reductions (sum, prod, max, min, any, all, mean, variance, logSumExp, argmax, argmin): axes, keepdims, dtypes. */
import { expectError, expectType } from 'tsd';
import {
  all, any, argmax, argmin, logSumExp, max, mean, min, named, prod, sum, variance, zeros, type Dim, type Tensor,
} from '../src/index.js';

const x = zeros([2, 3, 4]);
const xi = zeros([2, 3, 4], 'int32');
const xb = zeros([2, 3, 4], 'bool');

// ---- axes: all (omitted), one, negative ------------------------------------------------------
expectType<Tensor<[], 'float32'>>(sum(x));
expectType<Tensor<[2, 4], 'float32'>>(sum(x, 1));
expectType<Tensor<[2, 3], 'float32'>>(sum(x, -1));
expectType<Tensor<[3, 4], 'float32'>>(sum(x, -3));
expectType<Tensor<[], 'float32'>>(sum(zeros([5]), 0));
expectType<Tensor<[3], 'float32'>>(sum(x, [0, -1])); // fixed:observed Tensor<[3, 4] | [2, 3]>: each axis of a list is
// reduced separately (Reduce distributes over the union of normalised axes); also max(x, [2, 0]), all(xb, [0, 1], ...)
expectType<Tensor<[2, 4], 'float32'>>(sum(x, [1]));
expectType<Tensor<[2, 3], 'float32'>>(sum(x, [-1]));
expectType<Tensor<[2, 3, 4], 'float32'>>(sum(x, [])); // fixed:an empty axis list is a confusing error
// ("'never[]' is not assignable to 'undefined'"); the runtime reduces nothing, as NumPy's axis=()

// keepdims leaves size-1 axes
expectType<Tensor<[1, 1, 1], 'float32'>>(sum(x, undefined, { keepdims: true }));
expectType<Tensor<[2, 3, 1], 'float32'>>(sum(x, -1, { keepdims: true }));
expectType<Tensor<[2, 1, 4], 'float32'>>(sum(x, 1, { keepdims: true }));
expectType<Tensor<[2, 4], 'float32'>>(sum(x, 1, { keepdims: false }));
expectType<Tensor<[1, 3, 1], 'float32'>>(sum(x, [0, -1], { keepdims: true })); // fixed:observed [1, 3, 4] | [2, 3, 1]

// an axis known only at run time gives an unknown-rank result
declare const ax: number;
expectType<Tensor<Dim[], 'float32'>>(sum(x, ax));

// ---- dtypes ------------------------------------------------------------------------------------
expectType<Tensor<[3, 4], 'int32'>>(sum(xb, 0));
expectType<Tensor<[3, 4], 'int32'>>(sum(xi, 0));
expectType<Tensor<[2, 3], 'int32'>>(prod(xi, 2));
expectType<Tensor<[2, 3], 'int32'>>(prod(xb, 2));
expectType<Tensor<[3, 4], 'int32'>>(max(xi, 0));
expectType<Tensor<[], 'bool'>>(min(xb));
expectType<Tensor<[2, 4], 'bool'>>(any(xb, 1));
expectType<Tensor<[1, 3, 4], 'bool'>>(all(xb, 0, { keepdims: true }));
expectType<Tensor<[2, 3], 'float32'>>(mean(xi, 2));
expectType<Tensor<[], 'float32'>>(mean(xb));
expectType<Tensor<[3, 4], 'float32'>>(variance(x, 0, { ddof: 1 }));
expectType<Tensor<[2, 1, 4], 'float32'>>(variance(xi, 1, { keepdims: true }));
expectType<Tensor<[2, 3, 1], 'float32'>>(logSumExp(x, -1, { keepdims: true }));
expectType<Tensor<[2, 3], 'float32'>>(logSumExp(xi, -1));

// arg-reductions: int32 indices; no axis means over all elements
expectType<Tensor<[2, 4], 'int32'>>(argmax(x, 1));
expectType<Tensor<[], 'int32'>>(argmin(x));
expectType<Tensor<[2, 3, 1], 'int32'>>(argmax(xb, -1, { keepdims: true }));
expectType<Tensor<[3, 4], 'int32'>>(argmin(xi, -3));

expectError(any(x, 0)); // fixed:any/all accept float and int32 tensors at compile time; the runtime throws
expectError(sum(x, [0, 0])); // fixed:a repeated axis compiles; the runtime throws

// ---- axis out of range, positive and negative, for every reduction --------------------------------
expectError(sum(x, 3));
expectError(sum(x, -4));
expectError(sum(x, [0, 3]));
expectError(sum(x, [-4, 0]));
expectError(sum(zeros([]), 0));
expectError(prod(x, 3));
expectError(prod(x, -4));
expectError(max(x, 3));
expectError(max(x, -4));
expectError(min(x, 5));
expectError(min(x, -5));
expectError(any(xb, 3));
expectError(any(xb, -4));
expectError(all(xb, 3));
expectError(all(xb, -4));
expectError(mean(x, 3));
expectError(mean(x, -4));
expectError(variance(x, 3));
expectError(variance(x, -4));
expectError(logSumExp(x, 3));
expectError(logSumExp(x, -4));
expectError(argmax(x, 3));
expectError(argmax(x, -4));
expectError(argmin(x, 3));
expectError(argmin(x, -4));
// an arg-reduction takes one axis, not a list
expectError(argmax(x, [0, 1]));
expectError(sum(x, 1, { keepdims: 'yes' }));

// ---- named, wide and unknown-rank dims -------------------------------------------------------
const b = named(zeros([4, 784]), ['B', 784]);
expectType<Tensor<['B'], 'float32'>>(sum(b, 1));
expectType<Tensor<['B', 1], 'float32'>>(mean(b, -1, { keepdims: true }));
expectType<Tensor<[784], 'int32'>>(argmax(b, 0));
expectType<Tensor<[number], 'float32'>>(sum(zeros([4, 3]) as Tensor<[number, 3]>, 1));
expectType<Tensor<Dim[], 'float32'>>(sum(zeros([4, 3]) as Tensor<Dim[]>, 5));
expectType<Tensor<Dim[], 'int32'>>(argmax(zeros([4, 3]) as Tensor<Dim[]>, 0));

expectError(sum(b, 2));
expectError(max(b, -3));
