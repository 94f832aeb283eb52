/** @file Types of fuse: the fused function has the function's own type, so its shape rules are the ops' rules, checked where it is defined and where it is called. */
import { expectError, expectType } from 'tsd';
import { add, fuse, greater, matmul, mul, named, relu, sigmoid, where, zeros, type Tensor } from '../src/index.js';

const a = named(zeros([32, 128]), ['B', 128]);
const bias = zeros([128]);

// ---- the fused function is the function: parameters and result kept exactly ---------------------
const dense = fuse(<B extends string | number>(x: Tensor<[B, 128]>, b: Tensor<[128]>) => relu(add(x, b)));
expectType<Tensor<['B', 128]>>(dense(a, bias));
const f = fuse((x: Tensor<['B', 128]>, b: Tensor<[128]>, s: number) => mul(sigmoid(add(x, b)), s));
expectType<(x: Tensor<['B', 128]>, b: Tensor<[128]>, s: number) => Tensor<['B', 128]>>(f);
const masked = fuse((x: Tensor<[4]>, m: Tensor<[4], 'bool'>) => where(m, x, 0));
expectType<Tensor<[4]>>(masked(zeros([4]), greater(zeros([4]), 0)));

// ---- calls are checked as the function's calls are -------------------------------------------
expectError(f(a, zeros([64]), 0.5));
expectError(f(zeros([32, 64]), bias, 0.5));
expectError(masked(zeros([4]), zeros([4])));

// ---- shape mistakes inside are the ops' compile errors ---------------------------------------
expectError(fuse((x: Tensor<[3]>, y: Tensor<[4]>) => add(x, y)));
// a function that does not return a tensor is not fusable
expectError(fuse((x: Tensor<[3]>) => x.shape));
// matmul has a tensor type, so it compiles; fuse refuses it when it stages (a run-time ValueError naming matmul)
expectType<Tensor<[3, 3]>>(fuse((x: Tensor<[3, 3]>) => matmul(x, x))(zeros([3, 3])));
