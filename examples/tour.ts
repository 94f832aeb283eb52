/** @file A short tour of shapegrad's tensors: typed shapes, named dims, broadcasting, reductions. */
import {
  add, arange, div, exp, matmul, max, mean, named, reshape, slice, sub, sum, tensor, toNested, transpose, zeros,
} from '../src/index.js';

// Shapes are in the type: hover `x` in an editor to see Tensor<[2, 3], 'float32'>.
const x = tensor([[1, 2, 3], [4, 5, 6]]);
const xxT = matmul(x, transpose(x)); // Tensor<[2, 2]>
console.log('x @ x^T =', toNested(xxT));

// Named dims bind at run time and flow through ops: 'B' is whatever the batch is.
const batch = named(zeros([4, 784]), ['B', 784]);
const w = zeros([784, 10]);
const logits = add(matmul(batch, w), arange(10)); // Tensor<['B', 10]>
console.log('logits shape', logits.shape, '-> row sums', toNested(sum(logits, -1)));

// reshape solves -1 in the type; slicing follows Python (negative indices and steps).
const img = reshape(arange(24), [2, 3, -1]); // Tensor<[2, 3, 4]>
console.log('img[:, -1, ::-2] =', toNested(slice(img, [null, -1, [null, null, -2]])));
console.log('mean over the last axis:', toNested(mean(img, -1)));

// Composites are plain functions of ops: a stable softmax over the last axis.
const scores = tensor([[1, 2, 3], [1000, 1000, -1000]]);
const z = exp(sub(scores, max(scores, -1, { keepdims: true })));
console.log('softmax:', toNested(div(z, sum(z, -1, { keepdims: true }))));

// A mismatch is a compile error at the offending argument (uncomment to see it):
// matmul(batch, zeros([100, 10]));
//   ~~~~ ShapeError<"matmul: inner dims differ (784 vs 100)", ["B", 784], [100, 10]>
