/** @file Type tests of layout ops: reshape, flatten, transpose, expandDims, squeeze, broadcastTo, tile. */
import { expectError, expectType } from 'tsd';
import {
  broadcastTo, expandDims, flatten, named, reshape, squeeze, tile, transpose, zeros, type Dim, type Tensor,
} from '../src/index.js';

const x = zeros([64, 28, 28]);
const b = named(zeros([4, 28, 28]), ['B', 28, 28]);

// ---- reshape: element counts by digit arithmetic, one -1 solved -------------------------------
expectType<Tensor<[64, 784], 'float32'>>(reshape(x, [-1, 784]));
expectType<Tensor<[64, 784], 'float32'>>(reshape(x, [64, 784]));
expectType<Tensor<[50176], 'float32'>>(reshape(x, [-1]));
expectType<Tensor<[2, 896, 7, 4], 'float32'>>(reshape(x, [2, -1, 7, 4]));
expectType<Tensor<[125000, 8], 'float32'>>(reshape(zeros([1000, 1000]), [-1, 8]));
expectType<Tensor<[1, 1], 'float32'>>(reshape(zeros([]), [1, 1]));
expectType<Tensor<[], 'float32'>>(reshape(zeros([1, 1]), []));
expectType<Tensor<[6, 1], 'int32'>>(reshape(zeros([2, 3], 'int32'), [6, 1]));
// named dims must appear in the same order on both sides
expectType<Tensor<['B', 784], 'float32'>>(reshape(b, ['B', 784]));
expectType<Tensor<['B', 784], 'float32'>>(reshape(b, ['B', -1]));
expectType<Tensor<['B', 196, 4], 'float32'>>(reshape(b, ['B', -1, 4]));
expectType<Tensor<[784, 'B'], 'float32'>>(reshape(b, [-1, 'B']));
// wide or unknown dims: checked at run time; -1 becomes number
expectType<Tensor<[3, number], 'float32'>>(reshape(zeros([2, 3]) as Tensor<[number, 3]>, [3, -1]));
expectType<Tensor<[3, number], 'float32'>>(reshape(zeros([2, 3]) as Tensor<Dim[]>, [3, -1]));
expectType<Tensor<[12], 'float32'>>(reshape(zeros([3, 4]) as Tensor<Dim[]>, [12]));
expectType<Tensor<Dim[], 'float32'>>(reshape(zeros([6]), [2, 3] as number[]));

expectError(reshape(x, [64, 785]));
expectError(reshape(x, [-1, 785]));
expectError(reshape(zeros([6]), [4, -1]));
expectError(reshape(x, [-1, -1]));
expectError(reshape(x, [-1, 28, -1]));
expectError(reshape(zeros([0, 3]), [-1, 0]));
expectError(reshape(b, ['C', 784]));
expectError(reshape(b, [4, 784]));
expectError(reshape(b, ['B', 783]));
expectError(reshape(x, ['B', -1]));

// ---- flatten: dims from startAxis to the end become one --------------------------------------
expectType<Tensor<[50176], 'float32'>>(flatten(x));
expectType<Tensor<[8, 9216], 'float32'>>(flatten(zeros([8, 64, 12, 12]), 1));
expectType<Tensor<['B', 784], 'float32'>>(flatten(b, 1));
expectType<Tensor<['B', 28, 28], 'float32'>>(flatten(b, 2));
expectType<Tensor<[2, 3, 4], 'float32'>>(flatten(zeros([2, 3, 4]), -1));
expectType<Tensor<[2, 12], 'float32'>>(flatten(zeros([2, 3, 4]), -2));
expectType<Tensor<[1], 'float32'>>(flatten(zeros([])));
expectType<Tensor<[number], 'float32'>>(flatten(b));
expectType<Tensor<Dim[], 'float32'>>(flatten(zeros([2, 3]) as Tensor<Dim[]>, 1));
expectError(flatten(zeros([2, 3]), 2)); // fixed:compiles to Tensor<never>: startAxis has no Check<>; so does -3
expectError(flatten(zeros([2, 3]), '1'));

// ---- transpose: a permutation of the axes (reversed when omitted) ----------------------------
expectType<Tensor<[4, 3, 2], 'float32'>>(transpose(zeros([2, 3, 4])));
expectType<Tensor<[10, 784], 'float32'>>(transpose(zeros([784, 10])));
expectType<Tensor<[28, 28, 'B'], 'float32'>>(transpose(b));
expectType<Tensor<[], 'float32'>>(transpose(zeros([])));
expectType<Tensor<Dim[], 'float32'>>(transpose(zeros([2, 3]) as Tensor<Dim[]>, [1, 0]));
expectType<Tensor<[4, 2, 3], 'float32'>>(transpose(zeros([2, 3, 4]), [2, 0, 1])); // fixed:observed Tensor<never>
// for every explicit perm (also [-1, 0, 1] and named dims): the return type's Transpose<S, NoInfer<P>> maps over
// NoInfer<P>, which is not a tuple, so the result is an object type and AsShape makes it never

expectError(transpose(zeros([2, 3, 4]), [0, 0, 1]));
expectError(transpose(zeros([2, 3, 4]), [0, 1]));
expectError(transpose(zeros([2, 3, 4]), [0, 1, 2, 3]));
expectError(transpose(zeros([2, 3, 4]), [0, 1, 3]));
expectError(transpose(zeros([2, 3, 4]), [0, 1, -4]));

// ---- expandDims: a size-1 axis at an axis in [-(rank+1), rank] -------------------------------
expectType<Tensor<[1, 2, 3], 'float32'>>(expandDims(zeros([2, 3]), 0));
expectType<Tensor<[2, 1, 3], 'float32'>>(expandDims(zeros([2, 3]), 1));
expectType<Tensor<[2, 3, 1], 'float32'>>(expandDims(zeros([2, 3]), 2));
expectType<Tensor<[2, 3, 1], 'float32'>>(expandDims(zeros([2, 3]), -1));
expectType<Tensor<[1, 2, 3], 'float32'>>(expandDims(zeros([2, 3]), -3));
expectType<Tensor<[1], 'float32'>>(expandDims(zeros([]), 0));
expectType<Tensor<['B', 1, 28, 28], 'float32'>>(expandDims(b, 1));
expectType<Tensor<Dim[], 'float32'>>(expandDims(zeros([2, 3]) as Tensor<Dim[]>, 5));

expectError(expandDims(zeros([2, 3]), 3));
expectError(expandDims(zeros([2, 3]), -4));
expectError(expandDims(zeros([]), 1));

// ---- squeeze: one size-1 axis, or all literal 1s -----------------------------------------------
expectType<Tensor<[3], 'float32'>>(squeeze(zeros([1, 3, 1])));
expectType<Tensor<[3, 1], 'float32'>>(squeeze(zeros([1, 3, 1]), 0));
expectType<Tensor<[1, 3], 'float32'>>(squeeze(zeros([1, 3, 1]), -1));
expectType<Tensor<[], 'float32'>>(squeeze(zeros([1, 1])));
expectType<Tensor<['B', 28], 'float32'>>(squeeze(named(zeros([4, 1, 28]), ['B', 1, 28]), 1));
// a wide dim may be 1: accepted, checked at run time; squeezing all with a wide dim loses the rank
expectType<Tensor<[3], 'float32'>>(squeeze(zeros([2, 3]) as Tensor<[number, 3]>, 0));
expectType<Tensor<Dim[], 'float32'>>(squeeze(zeros([2, 3]) as Tensor<[number, 3]>));

expectError(squeeze(zeros([1, 3, 1]), 1));
expectError(squeeze(zeros([1, 3, 1]), 3));
expectError(squeeze(zeros([1, 3, 1]), -4));
expectError(squeeze(b, 0));

// ---- broadcastTo -------------------------------------------------------------------------------
expectType<Tensor<[2, 3, 4], 'float32'>>(broadcastTo(zeros([3, 1]), [2, 3, 4]));
expectType<Tensor<[5], 'float32'>>(broadcastTo(zeros([]), [5]));
expectType<Tensor<[1000, 24], 'int32'>>(broadcastTo(zeros([24], 'int32'), [1000, 24]));
expectType<Tensor<[3, 4], 'float32'>>(broadcastTo(zeros([4]) as Tensor<[number]>, [3, 4]));
expectType<Tensor<[3, 4], 'float32'>>(broadcastTo(zeros([4]) as Tensor<Dim[]>, [3, 4]));

expectError(broadcastTo(zeros([3, 2]), [2, 3, 4]));
expectError(broadcastTo(zeros([2, 3, 4]), [3, 4]));
expectError(broadcastTo(zeros([3]), [3, 1]));
expectError(broadcastTo(b, [4, 28, 28]));

// ---- tile: each dim times its repeat; longer reps prepend axes ------------------------------
expectType<Tensor<[4, 6], 'float32'>>(tile(zeros([2, 3]), [2, 2]));
expectType<Tensor<[4, 2, 6], 'float32'>>(tile(zeros([2, 3]), [4, 1, 2]));
expectType<Tensor<[1000, 1500], 'float32'>>(tile(zeros([250, 3]), [4, 500]));
expectType<Tensor<[0, 3], 'float32'>>(tile(zeros([2, 3]), [0, 1]));
expectType<Tensor<['B', 56, 84], 'float32'>>(tile(b, [1, 2, 3]));
expectType<Tensor<[number, 28, 28], 'float32'>>(tile(b, [2, 1, 1]));
expectType<Tensor<Dim[], 'float32'>>(tile(zeros([2, 3]) as Tensor<Dim[]>, [2, 2]));

expectError(tile(zeros([2, 3]), [2]));
expectError(tile(zeros([2, 3, 4]), []));
