/** @file Every static shape rule against its runtime twin: tsc checks the static result, the run checks the twin's value or error. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Equal } from '../../types/index.js';
import type { ShapeError } from '../../src/index.js';
import { arith, promote } from '../../src/dtype/index.js';
import {
  alongAxis, broadcastShapes, checkBroadcastTo, concatShape, dotShape, einsumShape, expandDimsShape, flattenShape,
  gatherShape, matmulShape, normAxis, numel, outerShape, padShape, reduceShape, reshapeShape, ShapeMismatchError,
  sliceShape, splitPlan, squeezeShape, stackShape, takeShape, tileShape, topkShape, transposeShape, ValueError,
  type AlongAxis, type Broadcast, type Broadcast3, type BroadcastTo, type CheckAxis, type Dim, type Numel, type OneHot,
  type Reduce, type Reshape, type Split,
} from '../../src/shape/index.js';

// ---- the two kinds of row -----------------------------------------------------------------------

/** E without readonly at any depth (a `const` literal is readonly; the rules give mutable tuples) */
type Mutable<E> = E extends readonly unknown[] ? { -readonly [K in keyof E]: Mutable<E[K]> } : E;
/** E when the static type T is exactly E, else a type no literal fits (the error then shows T) */
type Exactly<T, E> = Equal<T, Mutable<E>> extends true ? E : { readonly staticRuleGives: T };
interface Passing { readonly got: unknown; readonly expected: unknown }
/** a passing case: tsc accepts `expected` only if the static rule gives exactly it; the test compares the twin's value */
const ok = <T, const E>(got: T, expected: Exactly<T, E>): Passing => ({ got, expected });

/** the message of a ShapeError type (never for anything else) */
type Message<T> = T extends ShapeError<infer M, unknown, unknown> ? M : never;
interface Failing { readonly run: () => unknown; readonly error: typeof ShapeMismatchError | typeof ValueError; readonly message: string }
/**
 * A failing case: tsc accepts `message` only if the static rule is a ShapeError with exactly that
 * message; the test expects the twin to throw an error whose message contains `runtime` (the same
 * text unless the two are worded differently, which the row then shows).
 */
const fails = <T>(run: () => T, message: NoInfer<Message<T>>, runtime: string = message, error: Failing['error'] = ShapeMismatchError): Failing =>
  ({ run, error, message: runtime });

const rows = (name: string, passing: readonly Passing[], failing: readonly Failing[] = []): void => {
  describe(name, () => {
    it.each(passing.map((c) => [c.expected, c] as const))('gives %j', (_, c) => expect(c.got).toEqual(c.expected));
    if (failing.length > 0) {
      it.each(failing.map((c) => [c.message, c] as const))('throws %s', (_, c) => {
        expect(c.run).toThrow(c.error);
        expect(c.run).toThrow(c.message);
      });
    }
  });
};

// Twins that return something other than the static rule's shape (an axis, a plan, nothing) are
// given their static rule here, so one row still checks both: the cast is what every twin does inside.
const normAxisT = <const A extends number, const S extends readonly number[]>(axis: A, shape: S) =>
  normAxis('sum', axis, shape) as CheckAxis<'sum', A, S>;
const alongAxisT = <const S extends readonly number[], const A extends number>(shape: S, axis: A) =>
  (alongAxis('cumsum', shape, axis), [...shape] as AlongAxis<S, A, 'cumsum'>);
const broadcastToT = <const F extends readonly number[], const T extends readonly number[]>(from: F, to: T) =>
  (checkBroadcastTo('broadcastTo', from, to), [...to] as BroadcastTo<F, T>);
const broadcast3T = <const C extends readonly number[], const A extends readonly number[], const B extends readonly number[]>(c: C, a: A, b: B) =>
  broadcastShapes(broadcastShapes(c, a, 'where') as readonly number[], b, 'where') as Broadcast3<C, A, B, 'where'>;
const numelT = <const S extends readonly number[]>(shape: S) => numel(shape) as Numel<S>;
const splitT = <const S extends readonly number[], const Z extends number | readonly number[], const A extends number>(shape: S, sizes: Z, axis: A) => {
  const plan = splitPlan(shape, sizes, axis);
  return plan.sizes.map((n) => shape.map((d, i) => (i === plan.axis ? n : d))) as Split<S, Z, A>;
};

// ---- the rules ----------------------------------------------------------------------------------

rows('NormAxis/CheckAxis ~ normAxis', [
  ok(normAxisT(0, [4, 5, 6]), 0),
  ok(normAxisT(2, [4, 5, 6]), 2),
  ok(normAxisT(-1, [4, 5, 6]), 2),
  ok(normAxisT(-3, [4, 5, 6]), 0),
], [
  fails(() => normAxisT(3, [4, 5, 6]), 'sum: axis 3 out of range for rank 3'),
  fails(() => normAxisT(-4, [4, 5, 6]), 'sum: axis -4 out of range for rank 3'),
  fails(() => normAxisT(0, []), 'sum: axis 0 out of range for rank 0'),
]);

rows('Numel ~ numel', [
  ok(numelT([2, 3, 4]), 24),
  ok(numelT([]), 1),
  ok(numelT([5, 0, 2]), 0),
]);

rows('Broadcast ~ broadcastShapes', [
  ok(broadcastShapes([8, 1, 6, 1], [7, 1, 5]), [8, 7, 6, 5]),
  ok(broadcastShapes([2, 3], [3]), [2, 3]),
  ok(broadcastShapes([], [2, 3]), [2, 3]),
  ok(broadcastShapes([2, 1], [1, 3]), [2, 3]),
  ok(broadcastShapes([0], [1]), [0]),
  ok(broadcastShapes([1], [0]), [0]),
  ok(broadcastShapes([5, 4], [5, 4]), [5, 4]),
], [
  fails(() => broadcastShapes([2, 3], [4]), 'broadcast: dims 3 and 4 do not broadcast (axis -1)'),
  fails(() => broadcastShapes([2, 3], [3, 3]), 'broadcast: dims 2 and 3 do not broadcast (axis -2)'),
  fails(() => broadcastShapes([2, 1, 3], [4, 5, 3]), 'broadcast: dims 2 and 4 do not broadcast (axis -3)'),
]);

rows('Broadcast3 ~ broadcastShapes twice (where)', [
  ok(broadcast3T([2, 1], [3], []), [2, 3]),
  ok(broadcast3T([3], [2, 1], [1, 1, 1]), [1, 2, 3]),
  ok(broadcast3T([], [], []), []),
], [
  fails(() => broadcast3T([2], [3], []), 'where: dims 2 and 3 do not broadcast (axis -1)'),
  fails(() => broadcast3T([2, 3], [3], [4, 3]), 'where: dims 2 and 4 do not broadcast (axis -2)'),
]);

rows('BroadcastTo ~ checkBroadcastTo', [
  ok(broadcastToT([3], [2, 3]), [2, 3]),
  ok(broadcastToT([2, 1], [2, 4]), [2, 4]),
  ok(broadcastToT([], [2]), [2]),
  ok(broadcastToT([1, 1], [5, 2, 3]), [5, 2, 3]),
], [
  fails(() => broadcastToT([3], [4]), 'broadcastTo: dim 3 cannot broadcast to 4 (axis -1)'),
  fails(() => broadcastToT([2, 3], [2, 3, 3]), 'broadcastTo: dim 2 cannot broadcast to 3 (axis -2)'),
  fails(() => broadcastToT([2, 3], [3]), 'broadcastTo: cannot broadcast rank 2 to lower rank 1',
    'broadcastTo: cannot broadcast [2, 3] to lower rank [3]'),
]);

rows('MatmulShape ~ matmulShape', [
  ok(matmulShape([2, 3], [3, 4]), [2, 4]),
  ok(matmulShape([3], [3, 4]), [4]),
  ok(matmulShape([2, 3], [3]), [2]),
  ok(matmulShape([5, 2, 3], [3, 4]), [5, 2, 4]),
  ok(matmulShape([2, 1, 2, 3], [4, 3, 5]), [2, 4, 2, 5]),
  ok(matmulShape([3], [6, 3, 2]), [6, 2]),
  ok(matmulShape([3], [3]), []),
], [
  fails(() => matmulShape([2, 3], [4, 5]), 'matmul: inner dims differ (3 vs 4)'),
  fails(() => matmulShape([3], [4, 5]), 'matmul: inner dims differ (3 vs 4)'),
  fails(() => matmulShape([2, 3], [4]), 'matmul: inner dims differ (3 vs 4)'),
  fails(() => matmulShape([3], [4]), 'matmul: inner dims differ (3 vs 4)'),
  fails(() => matmulShape([], [3]), 'matmul: lhs is a scalar (rank 0)'),
  fails(() => matmulShape([3], []), 'matmul: rhs is a scalar (rank 0)'),
  fails(() => matmulShape([2, 2, 3], [3, 3, 4]), 'matmul batch: dims 2 and 3 do not broadcast (axis -1)'),
]);

rows('DotShape ~ dotShape', [ok(dotShape([3], [3]), [])], [
  fails(() => dotShape([3], [4]), 'dot: lengths differ (3 vs 4)'),
  fails(() => dotShape([2, 3], [3]), 'dot: lhs must be a vector', 'dot: operands must be vectors'),
  fails(() => dotShape([3], [3, 1]), 'dot: rhs must be a vector', 'dot: operands must be vectors'),
]);

rows('OuterShape ~ outerShape', [ok(outerShape([2], [3]), [2, 3]), ok(outerShape([0], [3]), [0, 3])], [
  fails(() => outerShape([2, 3], [3]), 'outer: lhs must be a vector', 'outer: operands must be vectors'),
  fails(() => outerShape([2], []), 'outer: rhs must be a vector', 'outer: operands must be vectors'),
]);

rows('Reduce ~ reduceShape', [
  ok(reduceShape([2, 3, 4], 1), [2, 4]),
  ok(reduceShape([2, 3, 4], -1), [2, 3]),
  ok(reduceShape([2, 3, 4], [1]), [2, 4]),
  ok(reduceShape([2, 3, 4], [0, 2]), [3]),
  ok(reduceShape([2, 3, 4], [-1, 0], true), [1, 3, 1]),
  ok(reduceShape([2, 3, 4], []), [2, 3, 4]),
  ok(reduceShape([2, 3, 4], undefined), []),
  ok(reduceShape([2, 3, 4], undefined, true), [1, 1, 1]),
  ok(reduceShape([2, 3, 4], 1, true), [2, 1, 4]),
], [
  fails(() => reduceShape([2, 3], 2), 'reduce: axis 2 out of range for rank 2'),
  fails(() => reduceShape([2, 3], [0, -3]), 'reduce: axis -3 out of range for rank 2'),
  fails(() => reduceShape([2, 3], -3, true, 'sum'), 'reduce: axis -3 out of range for rank 2',
    'sum: axis -3 out of range for rank 2'),
  fails(() => reduceShape([2, 3], [0, 0]), 'reduce: axis 0 is repeated', 'reduce: repeated axis in [0, 0]'),
  fails(() => reduceShape([2, 3], [1, -1]), 'reduce: axis -1 is repeated', 'reduce: repeated axis in [1, -1]'),
]);
rows('AlongAxis ~ alongAxis', [
  ok(alongAxisT([2, 3], 0), [2, 3]),
  ok(alongAxisT([2, 3], -1), [2, 3]),
], [
  fails(() => alongAxisT([2, 3], 2), 'cumsum: axis 2 out of range for rank 2'),
  fails(() => alongAxisT([2, 3], -3), 'cumsum: axis -3 out of range for rank 2'),
]);

rows('Transpose ~ transposeShape', [
  ok(transposeShape([2, 3, 4]), [4, 3, 2]),
  ok(transposeShape([2, 3, 4], [1, 0, 2]), [3, 2, 4]),
  ok(transposeShape([2, 3, 4], [-1, 0, 1]), [4, 2, 3]),
  ok(transposeShape([]), []),
  ok(transposeShape([7], [0]), [7]),
], [
  fails(() => transposeShape([2, 3], [0]), 'transpose: 1 axes given for rank 2'),
  fails(() => transposeShape([2, 3], [0, 0]), 'transpose: [0, 0] is not a permutation of 2 axes'),
  fails(() => transposeShape([2, 3], [1, -1]), 'transpose: [1, -1] is not a permutation of 2 axes'),
  fails(() => transposeShape([2, 3], [0, 2]), 'transpose: [0, 2] is not a permutation of 2 axes',
    'transpose: axis 2 out of range for rank 2'),
]);

rows('Reshape ~ reshapeShape', [
  ok(reshapeShape([2, 3, 4], [6, 4]), [6, 4]),
  ok(reshapeShape([2, 3, 4], [-1, 4]), [6, 4]),
  ok(reshapeShape([2, 3, 4], [2, -1]), [2, 12]),
  ok(reshapeShape([6], [1, 2, 1, 3]), [1, 2, 1, 3]),
  ok(reshapeShape([2, 3], [-1]), [6]),
  ok(reshapeShape([0, 3], [-1]), [0]),
  ok(reshapeShape([], [1, 1]), [1, 1]),
  ok(reshapeShape([1, 1], []), []),
], [
  fails(() => reshapeShape([2, 3], [4, 2]), 'reshape: 6 elements cannot become 8', 'reshape: 6 elements cannot become [4, 2]'),
  fails(() => reshapeShape([2, 3], [-1, 4]), 'reshape: 6 elements are not divisible by 4',
    'reshape: 6 elements cannot become [-1, 4]'),
  fails(() => reshapeShape([2, 3], [-1, -1]), 'reshape: more than one -1', 'reshape: more than one unknown (-1 or named) dim'),
  fails(() => reshapeShape([0, 3], [-1, 0]), 'reshape: cannot solve -1 next to a zero dim',
    'reshape: 0 elements cannot become [-1, 0]'),
]);
it('Reshape solves a named dim at run time, where the static rule keeps its name', () => {
  // the twin sees the runtime sizes [4, 3, 2] of a tensor typed ['B', 3, 2]
  expectTypeOf<Reshape<['B', 3, 2], ['B', 6]>>().toEqualTypeOf<['B', 6]>();
  expect(reshapeShape([4, 3, 2], ['B', 6])).toEqual([4, 6]);
  expectTypeOf<Message<Reshape<['B', 3, 2], ['T', 6]>>>().toEqualTypeOf<'reshape: named dims differ'>();
  expect(() => reshapeShape([4, 3, 2], ['B', 'T'])).toThrow('reshape: more than one unknown (-1 or named) dim');
});

rows('Flatten ~ flattenShape', [
  ok(flattenShape([2, 3, 4]), [24]),
  ok(flattenShape([2, 3, 4], 1), [2, 12]),
  ok(flattenShape([2, 3, 4], -1), [2, 3, 4]),
  ok(flattenShape([2, 3, 4], -2), [2, 12]),
  ok(flattenShape([]), [1]),
], [
  fails(() => flattenShape([2, 3], 2), 'flatten: axis 2 out of range for rank 2'),
  fails(() => flattenShape([], 1), 'flatten: axis 1 out of range for rank 0'),
]);

rows('ExpandDims ~ expandDimsShape', [
  ok(expandDimsShape([2, 3], 0), [1, 2, 3]),
  ok(expandDimsShape([2, 3], 1), [2, 1, 3]),
  ok(expandDimsShape([2, 3], 2), [2, 3, 1]),
  ok(expandDimsShape([2, 3], -1), [2, 3, 1]),
  ok(expandDimsShape([2, 3], -3), [1, 2, 3]),
  ok(expandDimsShape([], 0), [1]),
], [
  // the runtime message counts the rank after insertion (3), the static one the input's (2)
  fails(() => expandDimsShape([2, 3], 3), 'expandDims: axis 3 out of range for rank 2'),
  fails(() => expandDimsShape([2, 3], -4), 'expandDims: axis -4 out of range for rank 2'),
]);

rows('Squeeze ~ squeezeShape', [
  ok(squeezeShape([1, 3, 1]), [3]),
  ok(squeezeShape([1, 3, 1], 0), [3, 1]),
  ok(squeezeShape([1, 3, 1], -1), [1, 3]),
  ok(squeezeShape([3, 4]), [3, 4]),
  ok(squeezeShape([1, 1]), []),
], [
  fails(() => squeezeShape([1, 3], 1), 'squeeze: axis 1 has size 3, not 1'),
  fails(() => squeezeShape([1, 3], 2), 'squeeze: axis 2 out of range for rank 2'),
]);

rows('Tile ~ tileShape', [
  ok(tileShape([2, 3], [2, 1]), [4, 3]),
  ok(tileShape([3], [2, 2]), [2, 6]),
  ok(tileShape([2], [0]), [0]),
  ok(tileShape([], [3]), [3]),
], [
  fails(() => tileShape([2, 3], [2]), 'tile: 1 repeats for rank 2'),
]);

rows('Concat ~ concatShape', [
  ok(concatShape([[2, 3], [4, 3]], 0), [6, 3]),
  ok(concatShape([[2, 3], [2, 1], [2, 2]], 1), [2, 6]),
  ok(concatShape([[2, 3], [2, 1]], -1), [2, 4]),
  ok(concatShape([[5]], 0), [5]),
], [
  fails(() => concatShape([[2, 3], [2, 4]], 0), 'concat: input 1 has dim 4 at axis 1, expected 3'),
  fails(() => concatShape([[2, 3], [2, 3], [1, 4]], 0), 'concat: input 2 has dim 4 at axis 1, expected 3'),
  fails(() => concatShape([[2, 3], [2, 3, 1]], 0), 'concat: input 1 has a different rank'),
  fails(() => concatShape([[2, 3]], 2), 'concat: axis 2 out of range for rank 2'),
  fails(() => concatShape([], 0), 'concat: no inputs'),
]);

rows('Stack ~ stackShape', [
  ok(stackShape([[2, 3], [2, 3]], 0), [2, 2, 3]),
  ok(stackShape([[2, 3], [2, 3], [2, 3]], 1), [2, 3, 3]),
  ok(stackShape([[2, 3], [2, 3]], 2), [2, 3, 2]),
  ok(stackShape([[2, 3], [2, 3]], -1), [2, 3, 2]),
  ok(stackShape([[], []], 0), [2]),
], [
  fails(() => stackShape([[2, 3], [3, 2]], 0), 'stack: input 1 has dim 3 at axis 0, expected 2',
    'stack: input 1 has shape [3, 2], expected [2, 3]'),
  fails(() => stackShape([[2, 3], [2]], 0), 'stack: input 1 has a different rank', 'stack: input 1 has shape [2], expected [2, 3]'),
  // the runtime message counts the rank after insertion (2), the static one the inputs' (1)
  fails(() => stackShape([[2]], 2), 'stack: axis 2 out of range for rank 1'),
  fails(() => stackShape([], 0), 'stack: no inputs'),
]);

rows('Split ~ splitPlan', [
  ok(splitT([6, 4], [1, 2, 3], 0), [[1, 4], [2, 4], [3, 4]]),
  ok(splitT([6, 4], [1, 3], 1), [[6, 1], [6, 3]]),
  ok(splitT([6, 4], [4, 0], -1), [[6, 4], [6, 0]]),
], [
  fails(() => splitT([6, 4], [1, 2], 0), 'split: sizes add up to 3, not 6', 'split: sizes [1, 2] add up to 3, not 6'),
  fails(() => splitT([6, 4], 4, 0), 'split: 6 is not divisible into 4 parts'),
  fails(() => splitT([6], 0, 0), 'split: 0 is not a positive count'),
  fails(() => splitT([6], 2, 1), 'split: axis 1 out of range for rank 1'),
]);
it('Split into a count gives a list of one shape', () => {
  const parts = splitT([6, 4], 3, 0);
  expectTypeOf(parts).toEqualTypeOf<[2, 4][]>();
  expect(parts).toEqual([[2, 4], [2, 4], [2, 4]]);
});

rows('Slice ~ sliceShape', [
  ok(sliceShape([5, 6], [1]), [6]),
  ok(sliceShape([5, 6], [-1, 2]), []),
  ok(sliceShape([5, 6], [null, [1, 4]]), [5, 3]),
  ok(sliceShape([10], [[null, null, -1]]), [10]),
  ok(sliceShape([10], [[-2, -8, -2]]), [3]),
  ok(sliceShape([10], [[8, 2]]), [0]),
  ok(sliceShape([10], [[-100, 100]]), [10]),
  ok(sliceShape([10], [[1, null, 3]]), [3]),
  ok(sliceShape([10], [[100, -100, -3]]), [4]),
  ok(sliceShape([10], [[2]]), [8]),
  ok(sliceShape([4, 5], [-1, [null, null, 2]]), [3]),
  ok(sliceShape([2, 3, 4], [0]), [3, 4]),
  ok(sliceShape([2, 3], []), [2, 3]),
], [
  fails(() => sliceShape([5], [5]), 'slice: index 5 out of range for axis 0 of size 5'),
  fails(() => sliceShape([5, 2], [0, -3]), 'slice: index -3 out of range for axis 1 of size 2'),
  fails(() => sliceShape([5], [[0, 5, 0]]), 'slice: step 0 at axis 0'),
  fails(() => sliceShape([5], [null, null]), 'slice: 2 specs for rank 1'),
]);

rows('Take ~ takeShape', [
  ok(takeShape([5, 6], [2, 3], 0), [2, 3, 6]),
  ok(takeShape([5, 6], [2], 1), [5, 2]),
  ok(takeShape([5, 6], [], -1), [5]),
], [
  fails(() => takeShape([5, 6], [2], 2), 'take: axis 2 out of range for rank 2'),
]);

rows('Gather ~ gatherShape', [
  ok(gatherShape([5, 6], [5, 2], 1), [5, 2]),
  ok(gatherShape([5, 6], [3, 6], 0), [3, 6]),
  ok(gatherShape([5, 6], [2, 2], -1), [2, 2]),
], [
  fails(() => gatherShape([5, 6], [2], 1), 'gather: indices have rank 1, input has rank 2'),
  fails(() => gatherShape([5, 6], [5, 2], 2), 'gather: axis 2 out of range for rank 2'),
  fails(() => gatherShape([5, 6], [7, 2], 1), 'gather: indices dim 7 exceeds input dim 5 at axis 0'),
]);

rows('Pad ~ padShape', [
  ok(padShape([2, 3], [[1, 1], [0, 2]]), [4, 5]),
  ok(padShape([3], [[2, 2]], 'reflect'), [7]),
  ok(padShape([], []), []),
], [
  fails(() => padShape([2, 3], [[1, 1]]), 'pad: 1 widths for rank 2'),
]);

rows('TopK ~ topkShape', [
  ok(topkShape([2, 5], 3), [2, 3]),
  ok(topkShape([5], 5), [5]),
  ok(topkShape([5], 0), [0]),
], [
  fails(() => topkShape([2, 5], 6), 'topk: k = 6 exceeds the last dim 5', 'topk: k = 6 must be an integer in [0, 5] for shape [2, 5]', ValueError),
  fails(() => topkShape([], 1), 'topk: input is a scalar'),
]);

rows('Einsum ~ einsumShape', [
  ok(einsumShape('ij,jk->ik', [[2, 3], [3, 4]]), [2, 4]),
  ok(einsumShape('bij,bjk->bik', [[5, 2, 3], [5, 3, 4]]), [5, 2, 4]),
  ok(einsumShape('bhqd,bhkd->bhqk', [[2, 4, 8, 16], [2, 4, 6, 16]]), [2, 4, 8, 6]),
  ok(einsumShape('i,i->', [[3], [3]]), []),
  ok(einsumShape('i,j->ij', [[2], [3]]), [2, 3]),
  ok(einsumShape('ij->ji', [[2, 3]]), [3, 2]),
  ok(einsumShape('ij->i', [[2, 3]]), [2]),
  ok(einsumShape('ij->', [[2, 3]]), []),
  ok(einsumShape('i j -> j i', [[2, 3]]), [3, 2]),
], [
  fails(() => einsumShape('ij,jk->ik', [[2, 3], [4, 5]]), "einsum: 'j' is 3 and 4 (operand 1)", "einsum: 'j' is 3 and 4 (operand 1, shape [4, 5])"),
  fails(() => einsumShape('ij->', [[2]]), "einsum: operand 0 has rank 1 but 'ij->' gives it 2 letters"),
  fails(() => einsumShape('ij->k', [[2, 3]]), "einsum: output letter 'k' is in no operand"),
  fails(() => einsumShape('ij', [[2, 3]]), "einsum: 'ij' needs an explicit '->' output"),
  fails(() => einsumShape('i,j->ij', [[2]]), "einsum: 'i,j->ij' takes 2 operands", "einsum: 'i,j->ij' takes 2 operand(s), got 1"),
  fails(() => einsumShape('ii->i', [[3, 3]]), "einsum: operand 0 repeats 'i' in 'ii->i' (diagonals are not supported)",
    "einsum: operand 0 repeats a letter in 'ii->i' (diagonals are not supported)"),
]);
rows('Promote ~ promote', [
  ok(promote('bool', 'bool'), 'bool'),
  ok(promote('bool', 'int32'), 'int32'),
  ok(promote('bool', 'float32'), 'float32'),
  ok(promote('int32', 'bool'), 'int32'),
  ok(promote('int32', 'int32'), 'int32'),
  ok(promote('int32', 'float32'), 'float32'),
  ok(promote('float32', 'bool'), 'float32'),
  ok(promote('float32', 'int32'), 'float32'),
  ok(promote('float32', 'float32'), 'float32'),
]);

rows('Arith ~ arith', [ok(arith('bool'), 'int32'), ok(arith('int32'), 'int32'), ok(arith('float32'), 'float32')]);

describe('dims the compiler cannot see', () => {
  it('a number dim takes the other side statically and is checked at run time', () => {
    const n: number = 3;
    const s = broadcastShapes([n, 1], [1, 4]);
    expectTypeOf(s).toEqualTypeOf<[number, 4]>();
    expect(s).toEqual([3, 4]);
    const m = matmulShape([2, n], [3, 5]);
    expectTypeOf(m).toEqualTypeOf<[2, 5]>();
    expect(m).toEqual([2, 5]);
    expect(() => matmulShape([2, n], [4, 5])).toThrow('matmul: inner dims differ (3 vs 4)');
  });
  it('an unknown rank gives Dim[]', () => {
    const dyn: number[] = [2, 3];
    const s = reduceShape(dyn, 0);
    expectTypeOf(s).toEqualTypeOf<Dim[]>();
    expect(s).toEqual([3]);
  });
  it('named dims flow through the static rules (no runtime twin takes names but reshape)', () => {
    expectTypeOf<Broadcast<['B', 1], [1, 4]>>().toEqualTypeOf<['B', 4]>();
    expectTypeOf<Reduce<['B', 'T', 8], -1, true>>().toEqualTypeOf<['B', 'T', 1]>();
    expectTypeOf<Message<Broadcast<['B', 3], [4]>>>().toEqualTypeOf<'broadcast: dims 3 and 4 do not broadcast (axis -1)'>();
  });
  it('OneHot has no runtime twin: it appends N', () => {
    // NOTE: OneHot is the one rule without a runtime twin (oneHot builds its shape from reshape + broadcast)
    expectTypeOf<OneHot<[2, 3], 10>>().toEqualTypeOf<[2, 3, 10]>();
    expectTypeOf<OneHot<number[], 10>>().toEqualTypeOf<Dim[]>();
  });
});
