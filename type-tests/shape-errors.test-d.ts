/** @file Keeps examples/shape-errors.ts honest: every gallery entry is a compile error, and the ShapeError each one quotes is the type the offending argument gets. */
import { expectError, expectNotAssignable, expectType } from 'tsd';
import {
  add, concat, einsum, grad, key, matmul, mean, named, nn, optim, reshape, softmaxCrossEntropy, sum, zeros,
  type Dim, type ShapeError, type Tensor,
} from '../src/index.js';

// The message checks read the expected type of the offending parameter with the call's type arguments
// filled in (an instantiation expression): that type is what the editor reports at the squiggle.

const x = named(zeros([32, 784]), ['B', 784]);
const p = { w: zeros([3, 4]), b: zeros([4]) };
type P = typeof p;

// ---- matmul ----
expectError(matmul(x, zeros([100, 10])));
expectType<ShapeError<'matmul: inner dims differ (784 vs 100)', ['B', 784], [100, 10]>>(
  null as unknown as Parameters<typeof matmul<['B', 784], [100, 10], 'float32'>>[1]);

// ---- broadcasting, and named dims that do not unify ----
expectError(add(zeros([8, 2, 6]), zeros([7, 3, 6])));
expectType<ShapeError<'add: dims 2 and 3 do not broadcast (axis -2)', [8, 2, 6], [7, 3, 6]>>(
  null as unknown as Parameters<typeof add<Tensor<[8, 2, 6]>, Tensor<[7, 3, 6]>>>[1]);
expectError(add(named(zeros([4, 3]), ['B', 3]), named(zeros([4, 3]), ['T', 3])));
expectType<ShapeError<'add: dims B and T do not broadcast (axis -2)', ['B', 3], ['T', 3]>>(
  null as unknown as Parameters<typeof add<Tensor<['B', 3]>, Tensor<['T', 3]>>>[1]);

// ---- reshape, concat, reductions ----
expectError(reshape(zeros([4, 6]), [5, 5]));
expectType<ShapeError<'reshape: 24 elements cannot become 25', [4, 6], [5, 5]>>(
  null as unknown as Parameters<typeof reshape<[4, 6], 'float32', [5, 5]>>[1]);
expectError(concat([zeros([2, 3]), zeros([3, 4])], 0));
expectType<ShapeError<'concat: input 1 has dim 4 at axis 1, expected 3', [3, 4], 0>>(
  null as unknown as Parameters<typeof concat<[Tensor<[2, 3]>, Tensor<[3, 4]>], 0>>[0]);
expectError(mean(x, 2));
expectType<ShapeError<'mean: axis 2 out of range for rank 2', ['B', 784], [2]> | undefined>(
  null as unknown as Parameters<typeof mean<['B', 784], 'float32', 2, false>>[1]);

// ---- einsum ----
expectError(einsum('ij,jk->ik', zeros([2, 3]), zeros([4, 5])));
expectType<ShapeError<"einsum: 'j' is 3 and 4 (operand 1)", [4, 5], 'ij,jk->ik'>>(
  null as unknown as Parameters<typeof einsum<'ij,jk->ik', [2, 3], [4, 5], 'float32'>>[0]);

// ---- layers: the error sits on the offending layer of a serial chain ----
const rgb = nn.input(['B', 28, 28, 3]), gray = nn.conv2d(1, 8, 3);
expectError(nn.serial(nn.input(['B', 28, 28, 3]), nn.conv2d(1, 8, 3)));
expectType<ShapeError<'conv2d: input has 3 channels, kernel expects 1', ['B', 28, 28, 3], [3, 3]>>(
  null as unknown as Parameters<typeof nn.serial<[typeof rgb, typeof gray]>>[1]);

const flat = nn.input(['B', 784]), d1 = nn.dense(784, 128), act = nn.relu(), d2 = nn.dense(100, 10);
expectError(nn.serial(nn.input(['B', 784]), nn.dense(784, 128), nn.relu(), nn.dense(100, 10)));
expectType<ShapeError<'dense(100, 10): input has 128 features, expected 100', ['B', 128], unknown>>(
  null as unknown as Parameters<typeof nn.serial<[typeof flat, typeof d1, typeof act, typeof d2]>>[3]);
// the layers before the offending one keep their own types
expectType<typeof d1>(null as unknown as Parameters<typeof nn.serial<[typeof flat, typeof d1, typeof act, typeof d2]>>[1]);

const widen = nn.dense(5, 16), narrowing = nn.residual(nn.dense(16, 8));
expectError(nn.serial(nn.dense(5, 16), nn.residual(nn.dense(16, 8))));
expectType<ShapeError<'residual: the branch must keep the shape', [...Dim[], 16], [...Dim[], 8]>>(
  null as unknown as Parameters<typeof nn.serial<[typeof widen, typeof narrowing]>>[1]);

const m = nn.serial(nn.input(['B', 784]), nn.dense(784, 10));
expectError(m.apply(m.init(key(0)), zeros([32, 10])));
expectType<ShapeError<'input: dim 10 where 784 was declared', [32, 10], [784]>>(
  null as unknown as Parameters<typeof m.apply<[32, 10], 'float32'>>[1]);

// train mode without a key is not a Context
expectError(m.apply(m.init(key(0)), zeros([32, 784]), { mode: 'train' }));
expectNotAssignable<nn.Context>({ mode: 'train' } as const);

expectError(nn.multiHeadAttention(10, 3));
expectType<ShapeError<'multiHeadAttention: embed 10 does not split into 3 heads', 10, 3>>(
  null as unknown as Parameters<typeof nn.multiHeadAttention<10, 3>>[0]);

// ---- losses ----
expectError(softmaxCrossEntropy(zeros([8, 10]), zeros([8, 10], 'int32')));
expectType<ShapeError<'softmaxCrossEntropy: labels have rank 2, expected 1', [8, 10], [8]>>(
  null as unknown as Parameters<typeof softmaxCrossEntropy<[8, 10], 'float32', [8, 10]>>[1]);
expectError(softmaxCrossEntropy(zeros([8, 10]), zeros([8])));
expectNotAssignable<Tensor<[8], 'int32'>>(zeros([8]));

// ---- autodiff ----
type WithRate = (q: { w: Tensor<[2]>; lr: number }) => Tensor<[]>;
expectError(grad((q: { w: Tensor<[2]>; lr: number }) => sum(q.w))({ w: zeros([2]), lr: 0.1 }));
expectType<ShapeError<'grad: params must only contain tensors, not p.lr', { w: Tensor<[2], 'float32'>; lr: number }, unknown>>(
  null as unknown as Parameters<typeof grad<WithRate, 0>>[0]);

// ---- optimizers ----
const adam = optim.adam(1e-3);
expectError(adam.update({ w: zeros([3, 5]), b: zeros([4]) }, adam.init(p), p));
expectNotAssignable<P>({ w: zeros([3, 5]), b: zeros([4]) });

const forgot = optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { w: 'train' });
expectError(optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { w: 'train' }).init(p));
expectType<P & ShapeError<'multiTransform: these params have no label (or one that is not a key of the transforms)', 'params.b', 'frozen' | 'train'>>(
  null as unknown as Parameters<typeof forgot.init<P>>[0]);

type TrainOrFrozen = { readonly train: optim.AnyTransformation; readonly frozen: optim.AnyTransformation };
expectError(optim.multiTransform({ train: optim.adam(1e-3), frozen: optim.setToZero() }, { w: 'train', b: 'frozn' }).init(p));
expectType<ShapeError<'multiTransform: labels that are not keys of the transforms', 'frozn', 'frozen' | 'train'>>(
  null as unknown as Parameters<typeof optim.multiTransform<TrainOrFrozen, { w: 'train'; b: 'frozn' }>>[1]);
