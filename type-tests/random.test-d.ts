/** @file Types of PRNG keys, samplers and initializers: split tuples, sampler shapes and dtypes, categorical dropping its axis. */
import { expectAssignable, expectError, expectNotAssignable, expectType } from 'tsd';
import { zeros, type Dim, type Tensor } from '../src/index.js';
import * as init from '../src/layers/initializers.js';
import {
  bernoulli, categorical, foldIn, gumbel, key, keyData, normal, permutation, randint, split, truncatedNormal, uniform,
  type Key,
} from '../src/random/index.js';

const k = key(0);
declare const n: number;

// ---- keys ----------------------------------------------------------------------------------------
expectType<Key>(key(42));
expectType<Key>(foldIn(k, 3));
expectType<readonly [number, number]>(keyData(k));
// split: a tuple for a literal count (2 by default), so destructuring has no undefined
expectType<readonly [Key, Key]>(split(k));
expectType<readonly [Key, Key, Key]>(split(k, 3));
expectType<readonly []>(split(k, 0));
const [a, b] = split(k);
expectType<Key>(a);
expectType<Key>(b);
expectType<2>(split(k).length);
// a count known only at run time, or a large one, gives an array
expectType<readonly Key[]>(split(k, n));
expectType<readonly Key[]>(split(k, 1000));
// a key is not a tensor, not a number pair, not a number
expectNotAssignable<Key>([0, 0] as const);
expectNotAssignable<Key>(zeros([2], 'int32'));
expectError(uniform([0, 0], [2]));
expectError(normal(zeros([2]), [2]));
expectError(uniform(0, [2]));

// ---- samplers: the shape argument is the result's shape ----------------------------------------
expectType<Tensor<[2, 3]>>(uniform(k, [2, 3]));
expectType<Tensor<[2, 3]>>(uniform(k, [2, 3], { minval: -1, maxval: 1 }));
expectType<Tensor<[]>>(uniform(k));
expectType<Tensor<[4]>>(normal(k, [4], { mean: 1, std: 2 }));
expectType<Tensor<[5, 5]>>(truncatedNormal(k, [5, 5], { lower: -1, upper: 3 }));
expectType<Tensor<[7]>>(gumbel(k, [7]));
expectType<Tensor<[3, 2], 'bool'>>(bernoulli(k, 0.9, [3, 2]));
expectType<Tensor<[], 'bool'>>(bernoulli(k));
expectType<Tensor<[3], 'int32'>>(randint(k, [3], 0, 10));
expectType<Tensor<[5], 'int32'>>(permutation(k, 5));
expectType<Tensor<[number], 'int32'>>(permutation(k, n));
declare const dims: number[];
expectType<Tensor<number[]>>(normal(k, dims));
expectError(normal(k, [2], { sd: 1 }));
expectError(randint(k, [2], 0));

// ---- categorical drops the class axis ------------------------------------------------------------
const logits = zeros([4, 10]);
expectType<Tensor<[4], 'int32'>>(categorical(k, logits));
expectType<Tensor<[4], 'int32'>>(categorical(k, logits, { axis: -1 }));
expectType<Tensor<[10], 'int32'>>(categorical(k, logits, { axis: 0 }));
expectType<Tensor<[2, 4], 'int32'>>(categorical(k, zeros([2, 3, 4]), { axis: 1 }));
expectType<Tensor<Dim[], 'int32'>>(categorical(k, logits, { axis: n }));
expectError(categorical(k, logits, { axis: 2 }));
expectError(categorical(k, zeros([4, 10], 'bool')));

// ---- initializers --------------------------------------------------------------------------------
expectAssignable<init.Initializer>(init.glorotUniform);
expectAssignable<init.Initializer>(init.heNormal({ mode: 'fanOut' }));
expectType<Tensor<[784, 128]>>(init.glorotUniform(k, [784, 128]));
expectType<Tensor<[3, 3, 16, 32]>>(init.heNormal()(k, [3, 3, 16, 32]));
expectType<Tensor<[10]>>(init.zeros(k, [10]));
expectType<Tensor<[8, 8]>>(init.orthogonal(2)(k, [8, 8]));
expectType<Tensor<[5]>>(init.torchLinearBias(64)(k, [5]));
expectType<init.Fans>(init.fans([3, 4]));
expectError(init.heUniform({ mode: 'fanMax' }));
expectError(init.varianceScaling({ distribution: 'cauchy' }));
expectError(init.glorotUniform(k, ['B', 4]));
