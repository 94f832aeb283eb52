/** @file Type tests of elementwise ops: result dtypes of every unary and binary op, comparisons, logical ops, where, clip, cast. */
import { expectError, expectType } from 'tsd';
import {
  abs, add, atan2, cast, ceil, clip, cos, div, equal, erf, exp, expm1, floor, greater, greaterEqual, less, lessEqual, log,
  log1p, logicalAnd, logicalNot, logicalOr, maximum, minimum, mod, mul, neg, notEqual, pow, reciprocal, relu, round, rsqrt,
  sigmoid, sign, sin, sqrt, square, stopGradient, sub, tanh, where, zeros, type Tensor,
} from '../src/index.js';

const f = zeros([2, 3]);
const i = zeros([2, 3], 'int32');
const b = zeros([2, 3], 'bool');
const f4 = zeros([4]);

// ---- unary: arithmetic ops keep the arithmetic dtype (bool counts as int32) ---------------
expectType<Tensor<[2, 3], 'float32'>>(neg(f));
expectType<Tensor<[2, 3], 'int32'>>(neg(i));
expectType<Tensor<[2, 3], 'int32'>>(neg(b));
expectType<Tensor<[2, 3], 'int32'>>(abs(i));
expectType<Tensor<[2, 3], 'float32'>>(abs(f));
expectType<Tensor<[2, 3], 'int32'>>(sign(b));
expectType<Tensor<[2, 3], 'int32'>>(square(i));

// ---- unary: transcendental ops are float32 whatever the input -----------------------------
expectType<Tensor<[2, 3], 'float32'>>(exp(i));
expectType<Tensor<[2, 3], 'float32'>>(log(b));
expectType<Tensor<[2, 3], 'float32'>>(log1p(i));
expectType<Tensor<[2, 3], 'float32'>>(expm1(f));
expectType<Tensor<[2, 3], 'float32'>>(sqrt(i));
expectType<Tensor<[2, 3], 'float32'>>(rsqrt(f));
expectType<Tensor<[2, 3], 'float32'>>(reciprocal(i));
expectType<Tensor<[2, 3], 'float32'>>(sin(i));
expectType<Tensor<[2, 3], 'float32'>>(cos(f));
expectType<Tensor<[2, 3], 'float32'>>(tanh(i));
expectType<Tensor<[2, 3], 'float32'>>(sigmoid(b));
expectType<Tensor<[2, 3], 'float32'>>(erf(f));

// ---- unary: rounding keeps the dtype ------------------------------------------------------
expectType<Tensor<[2, 3], 'float32'>>(floor(f));
expectType<Tensor<[2, 3], 'int32'>>(ceil(i));
expectType<Tensor<[2, 3], 'bool'>>(round(b));

expectError(exp(3));
expectError(neg([1, 2]));

// ---- binary arithmetic: Promote (bool < int32 < float32), then Arith ----------------------
expectType<Tensor<[2, 3], 'float32'>>(add(f, i));
expectType<Tensor<[2, 3], 'int32'>>(add(i, i));
expectType<Tensor<[2, 3], 'int32'>>(add(b, b));
expectType<Tensor<[2, 3], 'int32'>>(add(b, i));
expectType<Tensor<[2, 3], 'float32'>>(sub(b, f));
expectType<Tensor<[2, 3], 'int32'>>(mul(i, b));
expectType<Tensor<[2, 3], 'int32'>>(pow(i, 2));
expectType<Tensor<[2, 3], 'int32'>>(maximum(b, b));
expectType<Tensor<[2, 3], 'float32'>>(minimum(i, f));
expectType<Tensor<[2, 3], 'int32'>>(mod(i, 3));
// true division and atan2 are float32
expectType<Tensor<[2, 3], 'float32'>>(div(i, i));
expectType<Tensor<[2, 3], 'float32'>>(div(b, 2));
expectType<Tensor<[2, 3], 'float32'>>(atan2(i, 2));

expectError(add(f, f4));
expectError(sub(f, f4));
expectError(mul(f, f4));
expectError(div(f, f4));
expectError(pow(f, f4));
expectError(maximum(f, f4));
expectError(minimum(f, f4));
expectError(mod(f, f4));
expectError(atan2(f, f4));
expectError(add(f, true));
expectError(add(f, [1, 2, 3]));

// ---- comparisons: bool ---------------------------------------------------------------------
expectType<Tensor<[2, 3], 'bool'>>(equal(i, 1));
expectType<Tensor<[2, 3], 'bool'>>(notEqual(f, i));
expectType<Tensor<[2, 3], 'bool'>>(less(f, 0.5));
expectType<Tensor<[2, 3], 'bool'>>(lessEqual(i, f));
expectType<Tensor<[2, 3], 'bool'>>(greater(b, b));
expectType<Tensor<[2, 3], 'bool'>>(greaterEqual(0, f));

expectError(equal(f, f4));
expectError(notEqual(f, f4));
expectError(less(f, f4));
expectError(lessEqual(f, f4));
expectError(greater(f, f4));
expectError(greaterEqual(f, f4));

// ---- logical ops: bool tensors only ---------------------------------------------------------
expectType<Tensor<[2, 3], 'bool'>>(logicalNot(b));
expectType<Tensor<[2, 3], 'bool'>>(logicalAnd(b, zeros([3], 'bool')));
expectType<Tensor<[4, 2, 3], 'bool'>>(logicalOr(zeros([4, 1, 1], 'bool'), b));

expectError(logicalNot(f));
expectError(logicalNot(i));
expectError(logicalAnd(f, f));
expectError(logicalAnd(b, f));
expectError(logicalAnd(i, b));
expectError(logicalOr(f, b));
expectError(logicalAnd(b, zeros([4], 'bool')));
expectError(logicalOr(b, zeros([2, 4], 'bool')));

// ---- where: the common dtype of the branches; a number adopts the tensor's dtype ------------
expectType<Tensor<[2, 3], 'int32'>>(where(b, i, 0));
expectType<Tensor<[2, 3], 'float32'>>(where(b, f, i));
expectType<Tensor<[2, 3], 'float32'>>(where(b, 1, 0));
expectType<Tensor<[2, 3], 'bool'>>(where(b, b, b));
expectType<Tensor<[2, 3], 'int32'>>(where(b, b, i));

expectError(where(f, f, f));
expectError(where(i, 1, 0));
expectError(where(b, true, false));
expectError(where(b, f4, 0));
expectError(where(zeros([4], 'bool'), f, 0));

// ---- relu, clip, cast, stopGradient --------------------------------------------------------
expectType<Tensor<[2, 3], 'float32'>>(relu(f));
expectType<Tensor<[2, 3], 'int32'>>(relu(i));
expectType<Tensor<[2, 3], 'int32'>>(relu(b));
expectType<Tensor<[2, 3], 'int32'>>(clip(i, 0, 1));
expectType<Tensor<[2, 3], 'float32'>>(clip(f, -1, 1));
expectType<Tensor<[2, 3], 'int32'>>(cast(f, 'int32'));
expectType<Tensor<[2, 3], 'bool'>>(cast(f, 'bool'));
expectType<Tensor<[2, 3], 'float32'>>(cast(b, 'float32'));
expectType<Tensor<[2, 3], 'bool'>>(stopGradient(b));
expectType<Tensor<[2, 3], 'float32'>>(stopGradient(f));

expectError(relu(1));
expectError(clip(f, '0', 1));
expectError(cast(f, 'float64'));
