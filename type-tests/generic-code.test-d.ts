/** @file Type tests of shape-checked ops inside user functions: what works (string-literal dims) and what gives a false error (type-parameter dims meet a Check<>). */
import { expectError, expectType } from 'tsd';
import {
  add, exp, matmul, mean, named, relu, reshape, sum, transpose, zeros, type Shape, type Tensor,
} from '../src/index.js';

// ---- works: string-literal symbolic dims are concrete types, so every check resolves ----------
const block = (a: Tensor<['B', 'D']>, w: Tensor<['D', 10]>) => matmul(a, w);
expectType<Tensor<['B', 10], 'float32'>>(block(named(zeros([4, 5]), ['B', 'D']), named(zeros([5, 10]), ['D', 10])));
const dense = (x: Tensor<['B', 784]>, w: Tensor<[784, 128]>, b: Tensor<[128]>) => relu(add(matmul(x, w), b));
expectType<Tensor<['B', 128], 'float32'>>(dense(named(zeros([4, 784]), ['B', 784]), zeros([784, 128]), zeros([128])));
const pool = (x: Tensor<['B', 'T', 64]>) => mean(x, 1);
expectType<Tensor<['B', 64], 'float32'>>(pool(named(zeros([2, 7, 64]), ['B', 'T', 64])));
// and a mismatch inside such a function is still caught where it is written
expectError((a: Tensor<['B', 'D']>, w: Tensor<['E', 10]>) => matmul(a, w));
expectError((x: Tensor<['B', 784]>, b: Tensor<[10]>) => add(x, b));

// ---- works: generic shapes through ops without a Check<> (shape-preserving, or no axis) ----------
const activate = <S extends Shape>(x: Tensor<S>) => exp(relu(x));
expectType<Tensor<['B', 3], 'float32'>>(activate(named(zeros([2, 3]), ['B', 3])));
const total = <S extends Shape>(x: Tensor<S>) => sum(x);
expectType<Tensor<[], 'float32'>>(total(zeros([2, 3])));
const flip = <S extends Shape>(x: Tensor<S>) => transpose(x);
expectType<Tensor<[3, 2], 'float32'>>(flip(zeros([2, 3])));

// ---- works: a type-parameter dim that never has to be compared with another dim ---------------
const rowMean = <N extends number>(x: Tensor<[N, 3]>) => mean(x, -1);
expectType<Tensor<[7], 'float32'>>(rowMean(zeros([7, 3])));
const project = <N extends number>(x: Tensor<[N, 3]>) => matmul(x, zeros([3, 4]));
expectType<Tensor<[7, 4], 'float32'>>(project(zeros([7, 3])));
const projectNamed = <N extends string>(x: Tensor<[N, 3]>) => matmul(x, zeros([3, 4]));
expectType<Tensor<['B', 4], 'float32'>>(projectNamed(named(zeros([2, 3]), ['B', 3])));
const shift = <N extends number>(x: Tensor<[N, 3]>) => add(x, zeros([3]));
expectType<Tensor<[5, 3], 'float32'>>(shift(zeros([5, 3])));

// ---- false errors: a conditional Check<> on a type-parameter dim is deferred ----------------
// TS cannot decide `DimEq<D, D>`, `BroadcastDim<N, N>` or `Reduce<S, 0>` while D, N, S are
// unknown, so the parameter type stays an unresolved Check<...> and the argument is rejected.
expectError(<D extends number>(a: Tensor<['B', D]>, w: Tensor<[D, 10]>) => matmul(a, w));
expectError(<N extends number>(x: Tensor<[N, 3]>) => add(x, x));
expectError(<N extends number>(x: Tensor<[N, 3]>) => add(x, zeros([1, 3])));
expectError(<N extends number>(x: Tensor<[N, 3]>) => reshape(x, [-1]));
expectError(<S extends Shape>(x: Tensor<S>) => add(x, x));
expectError(<S extends Shape>(x: Tensor<S>) => add(x, 1));
expectError(<S extends Shape>(x: Tensor<S>) => sum(x, 0));
// workaround: widen the type-parameter dims to `number` (checked at run time) or use string-literal dims
const blockWide = <D extends number>(a: Tensor<['B', D]>, w: Tensor<[D, 10]>) =>
  matmul(a as Tensor<['B', number]>, w as Tensor<[number, 10]>);
expectType<Tensor<['B', 10], 'float32'>>(blockWide(named(zeros([4, 5]), ['B', 5]), zeros([5, 10])));

// ---- pitfall: a dim inferred from two arguments becomes a union and hides a mismatch ----------
declare function pair<D extends number>(a: Tensor<[2, D]>, b: Tensor<[D, 3]>): Tensor<[2, 3]>;
expectType<Tensor<[2, 3]>>(pair(zeros([2, 5]), zeros([6, 3]))); // D = 5 | 6: no error
// infer D from one occurrence and NoInfer the other (as shapegrad's own signatures do)
declare function pairChecked<D extends number>(a: Tensor<[2, D]>, b: Tensor<[NoInfer<D>, 3]>): Tensor<[2, 3]>;
expectType<Tensor<[2, 3]>>(pairChecked(zeros([2, 5]), zeros([5, 3])));
expectError(pairChecked(zeros([2, 5]), zeros([6, 3])));
