/** @file Bad input at run time: every op throws ShapeMismatchError or ValueError naming the op, the shapes and the axis. */
import { describe, expect, it } from 'vitest';
import {
  add, all, any, arange, argmax, argmin, argsort, broadcastTo, concat, cumsum, dot, einsum, expandDims, eye,
  flatten, full, gather, logicalAnd, logicalOr, logSumExp, matmul, max, mean, min, mod, mul, outer, pad, pow, prod,
  reshape, slice, sort, split, squeeze, stack, sub, sum, take, tensor, tile, topk, transpose, variance, where, zeros,
  ShapeMismatchError, ValueError, type AnyTensor,
} from '../../src/index.js';

/** the compiler refuses most of these calls; `dyn` hides an argument's static type, as data from outside would */
const dyn = (x: unknown): never => x as never;
/** einsum with its spec unchecked by the compiler */
const einsumAny = einsum as (spec: string, ...xs: AnyTensor[]) => AnyTensor;
const m23 = zeros([2, 3]);
const m45 = zeros([4, 5]);
const v3 = zeros([3]);
const i32 = (xs: number[]) => tensor(xs, 'int32');

type Case = readonly [name: string, run: () => unknown, message: string | RegExp];
const table = (title: string, error: typeof ShapeMismatchError | typeof ValueError, cases: readonly Case[]): void => {
  describe(title, () => {
    it.each(cases)('%s', (_, run, message) => {
      expect(run).toThrow(error);
      expect(run).toThrow(message);
    });
  });
};

table('shapes that do not broadcast', ShapeMismatchError, [
  ['add', () => add(m23, dyn(zeros([4]))), 'add: dims 3 and 4 do not broadcast (axis -1); shapes [2, 3] and [4]'],
  ['sub at axis -2', () => sub(m23, dyn(zeros([3, 3]))), 'sub: dims 2 and 3 do not broadcast (axis -2); shapes [2, 3] and [3, 3]'],
  ['mul with the tensor on the right', () => mul(dyn(zeros([5])), dyn(m23)), 'mul: dims 5 and 3 do not broadcast (axis -1); shapes [5] and [2, 3]'],
  ['unequal ranks', () => add(dyn(zeros([2, 1, 3])), dyn(zeros([4, 2]))), 'add: dims 3 and 2 do not broadcast (axis -1); shapes [2, 1, 3] and [4, 2]'],
  ['where', () => where(tensor([true, false]), dyn(v3), dyn(0)), 'where: dims 2 and 3 do not broadcast (axis -1); shapes [2] and [3]'],
  ['logicalAnd', () => logicalAnd(tensor([true, false]), dyn(tensor([true, true, true]))), 'logicalAnd: dims 2 and 3 do not broadcast (axis -1); shapes [2] and [3]'],
  ['logicalOr', () => logicalOr(zeros([2, 1], 'bool'), dyn(zeros([3, 4], 'bool'))), 'logicalOr: dims 2 and 3 do not broadcast (axis -2); shapes [2, 1] and [3, 4]'],
  ['broadcastTo a different dim', () => broadcastTo(dyn(v3), [2, 4]), 'broadcastTo: dim 3 cannot broadcast to 4 (axis -1); shapes [3] and [2, 4]'],
  ['broadcastTo a lower rank', () => broadcastTo(m23, dyn([3])), 'broadcastTo: cannot broadcast [2, 3] to lower rank [3]'],
]);

table('matmul, dot, outer, einsum shapes', ShapeMismatchError, [
  ['matmul inner dims', () => matmul(m23, dyn(m45)), /matmul: inner dims differ \(3 vs 4\); shapes \[2, 3\] and \[4, 5\]/],
  ['matmul vector inner dims', () => matmul(dyn(zeros([4])), dyn(zeros([3]))), 'matmul: inner dims differ (4 vs 3); shapes [4] and [3]'],
  ['matmul of a scalar', () => matmul(dyn(zeros([])), v3), 'matmul: lhs is a scalar (rank 0); shapes [] and [3]'],
  ['matmul batch dims', () => matmul(zeros([2, 2, 3]), dyn(zeros([3, 3, 4]))), 'matmul batch: dims 2 and 3 do not broadcast (axis -1); shapes [2] and [3]'],
  ['dot lengths', () => dot(v3, dyn(zeros([4]))), 'dot: lengths differ (3 vs 4); shapes [3] and [4]'],
  ['dot of a matrix', () => dot(dyn(m23), v3), 'dot: operands must be vectors; shapes [2, 3] and [3]'],
  ['outer of a matrix', () => outer(v3, dyn(m23)), 'outer: operands must be vectors; shapes [3] and [2, 3]'],
  ['einsum sizes', () => einsumAny('ij,jk->ik', m23, m45), "einsum: 'j' is 3 and 4 (operand 1, shape [4, 5]); shapes [2, 3] and [4, 5]"],
  ['einsum rank', () => einsumAny('ijk->i', m23), "einsum: operand 0 has rank 2 but 'ijk->i' gives it 3 letters"],
  ['einsum without ->', () => einsumAny('ij', m23), "einsum: 'ij' needs an explicit '->' output"],
  ['einsum output letter', () => einsumAny('ij->k', m23), "einsum: output letter 'k' is in no operand"],
  ['einsum repeated output letter', () => einsumAny('ij->ii', m23), "einsum: output 'ii' repeats a letter"],
  ['einsum diagonal', () => einsumAny('ii->i', zeros([3, 3])), "einsum: operand 0 repeats a letter in 'ii->i' (diagonals are not supported)"],
  ['einsum operand count', () => einsumAny('i,j->ij', v3), "einsum: 'i,j->ij' takes 2 operand(s), got 1"],
  ['einsum not a letter', () => einsumAny('i1->i', m23), "einsum: '1' is not a letter"],
]);

table('layout shapes', ShapeMismatchError, [
  ['reshape element count', () => reshape(m23, dyn([4, 2])), 'reshape: 6 elements cannot become [4, 2]; shapes [2, 3] and [4, 2]'],
  ['reshape not divisible', () => reshape(m23, dyn([-1, 4])), 'reshape: 6 elements cannot become [-1, 4]'],
  ['reshape two unknowns', () => reshape(m23, dyn([-1, -1])), 'reshape: more than one unknown (-1 or named) dim; shapes [2, 3] and [-1, -1]'],
  ['reshape negative dim', () => reshape(m23, dyn([-2, -3])), 'reshape: invalid dim -2'],
  ['transpose axis count', () => transpose(m23, dyn([0])), 'transpose: 1 axes given for rank 2; shapes [2, 3]'],
  ['transpose not a permutation', () => transpose(m23, dyn([1, 1])), 'transpose: [1, 1] is not a permutation of 2 axes'],
  ['squeeze a dim that is not 1', () => squeeze(m23, dyn(1)), 'squeeze: axis 1 has size 3, not 1; shapes [2, 3]'],
  ['tile too few repeats', () => tile(m23, dyn([2])), 'tile: 1 repeats for rank 2; shapes [2, 3]'],
  ['tile a negative repeat', () => tile(v3, [-1]), 'tile: repeat -1 at axis 0 is not a non-negative integer'],
]);

describe('axis out of range, for every op that takes an axis', () => {
  // each op on m23 (rank 2) with axis 2; the message names the op, the axis, the rank and the shape
  it.each<readonly [string, () => unknown]>([
    ['sum', () => sum(m23, dyn(2))],
    ['prod', () => prod(m23, dyn([0, 2]))],
    ['max', () => max(m23, dyn(2))],
    ['min', () => min(m23, dyn(2))],
    ['any', () => any(zeros([2, 3], 'bool'), dyn(2))],
    ['all', () => all(zeros([2, 3], 'bool'), dyn(2))],
    ['mean', () => mean(m23, dyn(2))],
    ['variance', () => variance(m23, dyn(2))],
    ['logSumExp', () => logSumExp(m23, dyn(2))],
    ['argmax', () => argmax(m23, dyn(2))],
    ['argmin', () => argmin(m23, dyn(2))],
    ['cumsum', () => cumsum(m23, dyn(2))],
    ['argsort', () => argsort(m23, dyn(2))],
    ['sort', () => sort(m23, dyn(2))],
    ['flatten', () => flatten(m23, dyn(2))],
    ['squeeze', () => squeeze(zeros([1, 1]), dyn(2))],
    ['transpose', () => transpose(m23, dyn([0, 2]))],
    ['concat', () => concat([m23, m23], dyn(2))],
    ['split', () => split(m23, 1, dyn(2))],
    ['take', () => take(m23, i32([0]), dyn(2))],
    ['gather', () => gather(m23, zeros([2, 3], 'int32'), dyn(2))],
  ])('%s', (op, run) => {
    expect(run).toThrow(ShapeMismatchError);
    expect(run).toThrow(`${op}: axis 2 out of range for rank 2; shapes [${op === 'squeeze' ? '1, 1' : '2, 3'}]`);
  });
  it('negative axes too', () => {
    expect(() => sum(m23, dyn(-3))).toThrow('sum: axis -3 out of range for rank 2; shapes [2, 3]');
    expect(() => cumsum(v3, dyn(-2))).toThrow('cumsum: axis -2 out of range for rank 1; shapes [3]');
  });
  it('expandDims and stack name the input rank, as their static rules do', () => {
    expect(() => expandDims(m23, dyn(4))).toThrow('expandDims: axis 4 out of range for rank 2');
    expect(() => stack([m23, m23], dyn(4))).toThrow('stack: axis 4 out of range for rank 2');
    expect(() => expandDims(m23, dyn(4))).toThrow(ShapeMismatchError);
  });
  it('a repeated axis', () => {
    expect(() => sum(m23, dyn([0, 0]))).toThrow('sum: repeated axis in [0, 0]; shapes [2, 3]');
    expect(() => mean(m23, dyn([1, -1]))).toThrow('mean: repeated axis in [1, -1]');
  });
});

table('joining and splitting', ShapeMismatchError, [
  ['concat off-axis dims', () => concat([m23, dyn(zeros([2, 4]))]), 'concat: input 1 has dim 4 at axis 1, expected 3; shapes [2, 3] and [2, 4]'],
  ['concat ranks', () => concat([m23, dyn(v3)]), 'concat: input 1 has a different rank; shapes [2, 3] and [3]'],
  ['concat of nothing', () => concat(dyn([] as never)), 'concat: no inputs'],
  ['stack shapes', () => stack([m23, dyn(zeros([3, 2]))]), 'stack: input 1 has shape [3, 2], expected [2, 3]'],
  ['stack of nothing', () => stack(dyn([] as never)), 'stack: no inputs'],
  ['split into parts that do not divide', () => split(m23, dyn(2), 1), 'split: 3 is not divisible into 2 parts; shapes [2, 3]'],
  ['split sizes that do not add up', () => split(m23, dyn([1, 1]), 1), 'split: sizes [1, 1] add up to 2, not 3; shapes [2, 3]'],
  ['split into 0 parts', () => split(m23, dyn(0)), 'split: 0 is not a positive count'],
]);

table('slicing and padding', ShapeMismatchError, [
  ['slice index past the end', () => slice(m23, dyn([2])), 'slice: index 2 out of range for axis 0 of size 2; shapes [2, 3]'],
  ['slice negative index past the start', () => slice(m23, dyn([0, -4])), 'slice: index -4 out of range for axis 1 of size 3'],
  ['slice step 0', () => slice(m23, dyn([null, [0, 3, 0]])), 'slice: step 0 at axis 1'],
  ['slice too many specs', () => slice(v3, dyn([0, 0])), 'slice: 2 specs for rank 1'],
  ['slice a fractional bound', () => slice(v3, dyn([[0.5, 2]])), 'slice: bound 0.5 at axis 0 is not an integer'],
  ['pad too few widths', () => pad(m23, dyn([[1, 1]])), 'pad: 1 widths for rank 2; shapes [2, 3]'],
  ['pad a negative width', () => pad(v3, dyn([[-1, 0]])), 'pad: widths [-1, 0] at axis 0 must be non-negative integers'],
  ['pad reflect wider than the dim', () => pad(v3, [[3, 0]], { mode: 'reflect' }), 'pad: reflect widths [3, 0] need a dim larger than both; axis 0 has 3'],
  ['topk of a scalar', () => topk(dyn(zeros([])), 1), 'topk: input is a scalar'],
]);

table('bad values', ValueError, [
  ['take an index past the end', () => take(arange(5), i32([5])), 'take: index 5 out of range for axis 0 of size 5'],
  ['take a negative index past the start', () => take(m23, i32([0, -4]), 1), 'take: index -4 out of range for axis 1 of size 3'],
  ['take float indices', () => take(v3, dyn(tensor([0]))), 'take: dtype float32 is not supported (expected int32)'],
  ['gather an index past the end', () => gather(m23, tensor([[0], [3]], 'int32'), 1), 'gather: index 3 out of range for axis 1 of size 3'],
  ['gather float indices', () => gather(m23, dyn(m23), 1), 'gather: dtype float32 is not supported (expected int32)'],
  ['topk k above the last dim', () => topk(m23, dyn(4)), 'topk: k = 4 must be an integer in [0, 3] for shape [2, 3]'],
  ['topk a fractional k', () => topk(m23, dyn(1.5)), 'topk: k = 1.5 must be an integer in [0, 3]'],
  ['where with a float32 condition', () => where(dyn(tensor([1, 0])), 1, 2), 'where: dtype float32 is not supported (expected bool)'],
  ['logicalAnd with float32', () => logicalAnd(dyn(tensor([1])), tensor([true])), 'logicalAnd: expects bool tensors, got float32'],
  ['any of float32', () => any(dyn(v3)), 'any: expects a bool tensor, got float32'],
  ['all of int32', () => all(dyn(i32([1]))), 'all: expects a bool tensor, got int32'],
  ['an int32 op with a fractional number', () => add(i32([1, 2]), 0.5), 'add: the scalar 0.5 is not an integer but the tensor is int32'],
  ['int32 modulo by zero', () => mod(i32([5]), 0), 'mod: integer modulo by zero'],
  ['int32 to a negative power', () => pow(i32([2]), -2), 'pow: integers to negative integer powers are not allowed'],
  ['matmul of different dtypes', () => matmul(dyn(i32([1, 2])), v3), 'matmul: dtypes differ (int32 vs float32)'],
  ['matmul of bool', () => matmul(dyn(zeros([1, 1], 'bool')), dyn(zeros([1, 1], 'bool'))), 'matmul: dtype bool is not supported (expected float32 or int32)'],
  ['concat of different dtypes', () => concat([v3, dyn(i32([1]))]), 'concat: input 1 has dtype int32, input 0 has float32'],
  ['mean over an empty axis', () => mean(zeros([2, 0]), 1), 'mean: reduction over an empty axis (axis 1 of shape [2, 0])'],
  ['variance over an empty axis', () => variance(zeros([0, 2]), 0), 'variance: reduction over an empty axis (axis 0 of shape [0, 2])'],
  ['variance with ddof = n', () => variance(tensor([1, 2, 3]), 0, { ddof: 3 }), 'variance: ddof 3 must be in [0, 3) for 3 elements'],
  // NOTE: these name the kernel op but neither the shape nor the axis (max of [2, 0] over axis 1)
  ['max over an empty axis', () => max(zeros([2, 0]), 1), 'max: reduction over an empty axis (axis 1 of shape [2, 0])'],
  ['min of an empty tensor', () => min(zeros([0])), 'min: reduction over an empty axis (axis 0 of shape [0])'],
  ['argmax over an empty axis', () => argmax(zeros([2, 0]), 1), 'argmax: reduction over an empty axis (axis 1 of shape [2, 0])'],
  ['arange with step 0', () => arange(0, 3, dyn(0)), 'arange: start 0, stop 3, step 0: all must be finite and step non-zero'],
  ['an unknown dtype in tensor', () => tensor([1], 'float16' as never), 'tensor: unknown dtype float16 (float32, int32 or bool)'],
  ['an unknown dtype in full', () => full([1], 0, 'complex64' as never), 'full: unknown dtype complex64 (float32, int32 or bool)'],
  ['an unknown dtype in eye', () => eye(2, 2, 'int16' as never), 'eye: unknown dtype int16'],
  ['an unknown dtype in arange', () => arange(0, 2, 1, 'uint8' as never), 'arange: unknown dtype uint8'],
]);
