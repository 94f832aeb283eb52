/** @file Type tests of losses and metrics: result shapes per reduction, and labels/targets/posWeight/k that must not compile. */
import { expectError, expectType } from 'tsd';
import {
  accuracy, binaryCrossEntropyWithLogits, huber, meanSquaredError, named, softmaxCrossEntropy, softmaxCrossEntropyWithProbs,
  topKAccuracy, zeros, type Dim, type Reduction, type Tensor,
} from '../src/index.js';

const logits = zeros([8, 10]);
const labels = zeros([8], 'int32');
const seq = zeros([4, 6, 10]);
const seqLabels = zeros([4, 6], 'int32');

// ---- softmaxCrossEntropy: mean by default; none keeps the positions (logits without the classes axis)
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(logits, labels));
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(logits, labels, { reduction: 'mean' }));
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(logits, labels, { reduction: 'sum', labelSmoothing: 0.1 }));
expectType<Tensor<[8], 'float32'>>(softmaxCrossEntropy(logits, labels, { reduction: 'none' }));
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1 }));
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(seq, seqLabels));
expectType<Tensor<[4, 6], 'float32'>>(softmaxCrossEntropy(seq, seqLabels, { reduction: 'none' }));
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropy(zeros([10], 'int32'), zeros([], 'int32')));
// a named batch dim passes through; a dim known only at run time is checked there
const b = named(zeros([8, 10]), ['B', 10]);
expectType<Tensor<['B'], 'float32'>>(softmaxCrossEntropy(b, named(labels, ['B']), { reduction: 'none' }));
declare const dynLogits: Tensor<Dim[]>;
expectType<Tensor<Dim[], 'float32'>>(softmaxCrossEntropy(dynLogits, labels, { reduction: 'none' }));
declare const r: Reduction;
expectType<Tensor<[8], 'float32'> | Tensor<[], 'float32'>>(softmaxCrossEntropy(logits, labels, { reduction: r }));

// labels must be the logits' shape without the last axis, and int32
expectError(softmaxCrossEntropy(logits, zeros([7], 'int32')));
expectError(softmaxCrossEntropy(logits, zeros([8, 10], 'int32')));
expectError(softmaxCrossEntropy(seq, zeros([4], 'int32')));
expectError(softmaxCrossEntropy(seq, zeros([6, 4], 'int32')));
expectError(softmaxCrossEntropy(logits, zeros([8])));
expectError(softmaxCrossEntropy(b, named(labels, ['N'])));
expectError(softmaxCrossEntropy(zeros([]), zeros([], 'int32')));
expectError(softmaxCrossEntropy(logits, labels, { reduction: 'avg' }));

// ---- softmaxCrossEntropyWithProbs: probs have the logits' shape
expectType<Tensor<[], 'float32'>>(softmaxCrossEntropyWithProbs(logits, zeros([8, 10])));
expectType<Tensor<[4, 6], 'float32'>>(softmaxCrossEntropyWithProbs(seq, zeros([4, 6, 10]), { reduction: 'none' }));
expectError(softmaxCrossEntropyWithProbs(logits, zeros([8, 9])));
expectError(softmaxCrossEntropyWithProbs(logits, zeros([8])));

// ---- binaryCrossEntropyWithLogits: targets of the same shape; posWeight broadcasts to it
const x = zeros([4, 3]);
expectType<Tensor<[], 'float32'>>(binaryCrossEntropyWithLogits(x, zeros([4, 3])));
expectType<Tensor<[4, 3], 'float32'>>(binaryCrossEntropyWithLogits(x, zeros([4, 3]), { reduction: 'none' }));
expectType<Tensor<[], 'float32'>>(binaryCrossEntropyWithLogits(x, zeros([4, 3], 'int32'), { posWeight: zeros([3]), reduction: 'sum' }));
expectType<Tensor<[4, 3], 'float32'>>(binaryCrossEntropyWithLogits(x, zeros([4, 3]), { posWeight: zeros([3]), reduction: 'none' }));
expectType<Tensor<[], 'float32'>>(binaryCrossEntropyWithLogits(x, zeros([4, 3]), { posWeight: zeros([1]) }));
expectError(binaryCrossEntropyWithLogits(x, zeros([3, 4])));
expectError(binaryCrossEntropyWithLogits(x, zeros([12])));
expectError(binaryCrossEntropyWithLogits(x, zeros([4, 3]), { posWeight: zeros([4]) }));

// ---- meanSquaredError, huber: target of the same shape
expectType<Tensor<[], 'float32'>>(meanSquaredError(x, zeros([4, 3])));
expectType<Tensor<[4, 3], 'float32'>>(meanSquaredError(x, zeros([4, 3]), { reduction: 'none' }));
expectType<Tensor<[], 'float32'>>(huber(x, zeros([4, 3]), { delta: 0.5 }));
expectType<Tensor<[4, 3], 'float32'>>(huber(zeros([4, 3], 'int32'), zeros([4, 3]), { reduction: 'none' }));
expectError(meanSquaredError(x, zeros([4, 4])));
expectError(huber(x, zeros([3])));

// ---- metrics: scalars; labels as for cross-entropy; k within the classes
expectType<Tensor<[], 'float32'>>(accuracy(logits, labels));
expectType<Tensor<[], 'float32'>>(accuracy(seq, seqLabels));
expectType<Tensor<[], 'float32'>>(topKAccuracy(logits, labels, 5));
expectType<Tensor<[], 'float32'>>(topKAccuracy(logits, labels, 10));
expectError(accuracy(logits, zeros([9], 'int32')));
expectError(topKAccuracy(seq, zeros([4], 'int32'), 1));
expectError(topKAccuracy(logits, labels, 11));
expectError(topKAccuracy(logits, labels, 0));
expectError(topKAccuracy(logits, labels, 2.5));
