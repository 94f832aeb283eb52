/** @file Type tests of indexing and ops along one axis: slice, take, gather, oneHot, pad, topk, sort, argsort, cumsum. */
import { expectError, expectType } from 'tsd';
import {
  argsort, cumsum, gather, named, oneHot, pad, slice, sort, take, topk, zeros, type Dim, type Tensor, type TopKResult,
} from '../src/index.js';

const v = zeros([12]);
const b3 = named(zeros([4, 3]), ['B', 3]);

// ---- slice: Python semantics per axis (index drops the axis; [start, stop, step]) --------------
expectType<Tensor<[12], 'float32'>>(slice(v, [[null, null, -1]])); // v[::-1]
expectType<Tensor<[3], 'float32'>>(slice(v, [[-3, null]])); // v[-3:]
expectType<Tensor<[3], 'float32'>>(slice(v, [[-3]])); // v[-3:]
expectType<Tensor<[5], 'float32'>>(slice(v, [[1, -1, 2]])); // v[1:-1:2]
expectType<Tensor<[3], 'float32'>>(slice(v, [[10, 2, -3]])); // v[10:2:-3]
expectType<Tensor<[11], 'float32'>>(slice(v, [[null, -1]])); // v[:-1]
expectType<Tensor<[3], 'float32'>>(slice(v, [[null, null, 5]])); // v[::5]
expectType<Tensor<[12], 'float32'>>(slice(v, [[-1, null, -1]])); // v[-1::-1]
expectType<Tensor<[12], 'float32'>>(slice(v, [[-1, -13, -1]])); // v[-1:-13:-1]
expectType<Tensor<[3], 'float32'>>(slice(v, [[11, 0, -4]])); // v[11:0:-4]
expectType<Tensor<[6], 'float32'>>(slice(v, [[null, null, -2]])); // v[::-2]
// bounds clamp; an empty range has length 0
expectType<Tensor<[10], 'float32'>>(slice(v, [[2, 100]]));
expectType<Tensor<[5], 'float32'>>(slice(v, [[-100, 5]]));
expectType<Tensor<[0], 'float32'>>(slice(v, [[8, 3]]));
expectType<Tensor<[0], 'float32'>>(slice(v, [[5, 5]]));
expectType<Tensor<[0], 'float32'>>(slice(v, [[2, 8, -1]]));
// an index drops the axis (negative counts from the end); null keeps it; missing specs keep the rest
expectType<Tensor<[], 'float32'>>(slice(v, [3]));
expectType<Tensor<[], 'float32'>>(slice(v, [-1]));
expectType<Tensor<[], 'float32'>>(slice(v, [-12]));
expectType<Tensor<[12], 'float32'>>(slice(v, [null]));
expectType<Tensor<[12], 'float32'>>(slice(v, []));
expectType<Tensor<[10, 30], 'float32'>>(slice(zeros([10, 20, 30]), [3, [5, 15], null]));
expectType<Tensor<[19, 30], 'int32'>>(slice(zeros([10, 20, 30], 'int32'), [0, [1, null], [null, null, -1]]));
expectType<Tensor<[2, 5], 'float32'>>(slice(zeros([4, 5]), [[1, 3]]));
expectType<Tensor<[1000], 'float32'>>(slice(zeros([2000]), [[24, 1024]]));
expectType<Tensor<[334], 'float32'>>(slice(zeros([1000]), [[null, null, -3]]));
// named dims survive a full slice; any other slice of them is number
expectType<Tensor<['B', 2], 'float32'>>(slice(b3, [null, [1, null]]));
expectType<Tensor<['B', 3], 'float32'>>(slice(b3, [[null, null]]));
expectType<Tensor<['B', 3], 'float32'>>(slice(b3, [[0, null, 1]]));
expectType<Tensor<[number, 3], 'float32'>>(slice(b3, [[0, 2]]));
expectType<Tensor<[number, 3], 'float32'>>(slice(b3, [[null, null, -1]]));
expectType<Tensor<[3], 'float32'>>(slice(b3, [0]));
expectType<Tensor<[number], 'float32'>>(slice(zeros([4]) as Tensor<[number]>, [[1, 3]]));
expectType<Tensor<Dim[], 'float32'>>(slice(zeros([4]) as Tensor<Dim[]>, [[1, 3]]));

expectError(slice(v, [12]));
expectError(slice(v, [-13]));
expectError(slice(zeros([10, 20, 30]), [0, 20]));
expectError(slice(zeros([10, 20, 30]), [0, 0, -31]));
expectError(slice(v, [null, null]));
expectError(slice(zeros([10, 20, 30]), [0, 0, 0, 0]));
expectError(slice(v, [[0, 5, 0]]));
expectError(slice(zeros([10, 20]), [null, [null, null, 0]]));
expectError(slice(v, ['a']));

// ---- take: the indices' shape replaces the axis ------------------------------------------------
expectType<Tensor<[2, 3, 6], 'float32'>>(take(zeros([5, 6]), zeros([2, 3], 'int32')));
expectType<Tensor<[5, 7], 'float32'>>(take(zeros([5, 6]), zeros([7], 'int32'), 1));
expectType<Tensor<[5, 7], 'float32'>>(take(zeros([5, 6]), zeros([7], 'int32'), -1));
expectType<Tensor<[6], 'bool'>>(take(zeros([5, 6], 'bool'), zeros([], 'int32'), 0));
expectType<Tensor<['B', 7], 'float32'>>(take(b3, zeros([7], 'int32'), 1));
expectType<Tensor<Dim[], 'float32'>>(take(zeros([5, 6]) as Tensor<Dim[]>, zeros([7], 'int32'), 3));

expectError(take(zeros([5, 6]), zeros([7], 'int32'), 2));
expectError(take(zeros([5, 6]), zeros([7], 'int32'), -3));
expectError(take(zeros([5, 6]), zeros([7])));
expectError(take(zeros([5, 6]), zeros([7], 'bool')));

// ---- gather (take_along_axis): indices of the same rank; the result has their shape ----------
expectType<Tensor<[5, 2], 'float32'>>(gather(zeros([5, 6]), zeros([5, 2], 'int32'), 1));
expectType<Tensor<[3, 6], 'int32'>>(gather(zeros([5, 6], 'int32'), zeros([3, 6], 'int32'), -2));
expectType<Tensor<['B', 1], 'float32'>>(gather(b3, named(zeros([4, 1], 'int32'), ['B', 1]), -1));

expectError(gather(zeros([5, 6]), zeros([5, 2], 'int32'), 2));
expectError(gather(zeros([5, 6]), zeros([5, 2], 'int32'), -3));
expectError(gather(zeros([5, 6]), zeros([5], 'int32'), 1));
expectError(gather(zeros([5, 6]), zeros([5, 2]), 1));

// ---- oneHot: a trailing axis of size n, float32 ---------------------------------------------
expectType<Tensor<[4, 10], 'float32'>>(oneHot(zeros([4], 'int32'), 10));
expectType<Tensor<['B', 1000], 'float32'>>(oneHot(named(zeros([4], 'int32'), ['B']), 1000));
expectType<Tensor<[2, 3, 5], 'float32'>>(oneHot(zeros([2, 3], 'int32'), 5));

expectError(oneHot(zeros([4]), 10));
expectError(oneHot(zeros([4], 'int32'), '10'));

// ---- pad: each dim grows by before + after ---------------------------------------------------
expectType<Tensor<[4, 5], 'float32'>>(pad(zeros([2, 3]), [[1, 1], [0, 2]]));
expectType<Tensor<[2024, 32], 'float32'>>(pad(zeros([28, 28]), [[998, 998], [2, 2]]));
expectType<Tensor<[30, 30], 'float32'>>(pad(zeros([28, 28]), [[1, 1], [1, 1]], { mode: 'reflect' }));
expectType<Tensor<[1, 2, 34, 34], 'int32'>>(pad(zeros([1, 2, 32, 32], 'int32'), [[0, 0], [0, 0], [1, 1], [1, 1]], { value: 7 }));
expectType<Tensor<[number, 7], 'float32'>>(pad(b3, [[1, 1], [2, 2]]));
// a named dim survives zero padding
expectType<Tensor<['B', 7], 'float32'>>(pad(b3, [[0, 0], [2, 2]]));
expectType<Tensor<Dim[], 'float32'>>(pad(zeros([2, 3]) as Tensor<Dim[]>, [[1, 1]]));

expectError(pad(zeros([2, 3]), [[1, 1]]));
expectError(pad(zeros([2, 3]), [[1, 1], [1, 1], [0, 0]]));
expectError(pad(zeros([2, 3]), [[1, 1], [1]]));
expectError(pad(zeros([2, 3]), [[1, 1], [0, 0]], { mode: 'edge' }));

// ---- topk: k along the last axis, values and int32 indices -----------------------------------
expectType<TopKResult<[2, 3, 3], 'float32'>>(topk(zeros([2, 3, 4]), 3));
expectType<TopKResult<[3, 1000], 'int32'>>(topk(zeros([3, 1000], 'int32'), 1000));
expectType<Tensor<[5], 'int32'>>(topk(zeros([100]), 5).indices);
expectType<Tensor<[5], 'float32'>>(topk(zeros([100]), 5).values);
expectType<TopKResult<['B', 2], 'float32'>>(topk(b3, 2));
expectType<TopKResult<[3, 5], 'float32'>>(topk(zeros([3, 5]) as Tensor<[3, number]>, 5));

expectError(topk(zeros([2, 3, 4]), 5));
expectError(topk(zeros([3, 1000]), 1001));
expectError(topk(zeros([]), 1));

// ---- sort, argsort, cumsum: same shape; axis checked (default -1 for sort/argsort) ----------
const x = zeros([2, 3, 4]);
expectType<Tensor<[2, 3, 4], 'float32'>>(sort(x));
expectType<Tensor<[2, 3, 4], 'int32'>>(sort(zeros([2, 3, 4], 'int32'), 0, { descending: true }));
expectType<Tensor<[2, 3, 4], 'int32'>>(argsort(x));
expectType<Tensor<[2, 3, 4], 'int32'>>(argsort(x, -3));
expectType<Tensor<[2, 3, 4], 'float32'>>(cumsum(x, -1));
expectType<Tensor<[2, 3, 4], 'int32'>>(cumsum(zeros([2, 3, 4], 'bool'), 1, { exclusive: true }));
expectType<Tensor<['B', 3], 'float32'>>(cumsum(b3, 0, { reverse: true }));
expectType<Tensor<Dim[], 'float32'>>(sort(zeros([2, 3]) as Tensor<Dim[]>, 4));

expectError(sort(x, 3));
expectError(sort(x, -4));
expectError(argsort(x, 3));
expectError(argsort(x, -4));
expectError(cumsum(x, 3));
expectError(cumsum(x, -4));
expectError(sort(zeros([]), -1));
// BUG: expectError(sort(zeros([]))); // the default axis -1 is not checked (the check sits on the omitted argument);
// a rank-0 sort/argsort compiles and the runtime throws
