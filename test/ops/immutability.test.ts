/** @file Immutability: tensors are frozen, ops never change their inputs (views included), user arrays are copied in and out. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  abs, add, argmax, elu, gelu, leakyRelu, logSoftmax, silu, softmax, softplus, argsort, broadcastTo, cast, clip, concat, cumsum, div, dot, einsum, exp, expandDims, flatten,
  fromArray, fromNested, full, gather, less, logicalNot, logSumExp, matmul, max, mean, mul, neg, oneHot, outer, pad,
  relu, reshape, slice, sort, split, squeeze, stack, sub, sum, take, tensor, tile, toArray, toNested, topk, transpose,
  variance, where, zeros, type AnyTensor, type SliceSpec,
} from '../../src/index.js';

const fresh = () => ({
  x: tensor([[1, -2, 3], [-4, 5, -6]]),
  row: tensor([10, 20, 30]),
  i: tensor([[2, 0, 1], [1, 1, 0]], 'int32'),
  b: tensor([[true, false, true], [false, false, true]]),
});
type Inputs = ReturnType<typeof fresh>;

describe('tensors are frozen', () => {
  const t = tensor([[1, 2], [3, 4]]);
  it('refuses new values for its fields (modules run in strict mode, so assignment throws)', () => {
    expect(Object.isFrozen(t)).toBe(true);
    expect(() => { (t as { dtype: string }).dtype = 'int32'; }).toThrow(TypeError);
    expect(() => { (t as { size: number }).size = 0; }).toThrow(TypeError);
    expect(() => Object.assign(t, { extra: 1 })).toThrow(TypeError);
    expect(t.dtype).toBe('float32');
  });
  it('has a frozen shape', () => {
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(() => Object.assign(t.shape, { 0: 9 })).toThrow(TypeError);
    expect(() => Array.prototype.push.call(t.shape, 1)).toThrow(TypeError);
    expect(t.shape).toEqual([2, 2]);
    expect(toNested(t)).toEqual([[1, 2], [3, 4]]);
  });
  it('freezes what ops return too', () => {
    const y = add(transpose(t), 1);
    expect(Object.isFrozen(y) && Object.isFrozen(y.shape)).toBe(true);
  });
});

describe('ops leave their inputs as they were', () => {
  // every op family, and view-producing ops (transpose, slice, reshape, broadcastTo) followed by another op
  it.each<[string, (t: Inputs) => unknown]>([
    ['unary', ({ x, i }) => [exp(x), neg(i), abs(x), logicalNot(fresh().b)]],
    ['binary with broadcasting', ({ x, row, i }) => [add(x, row), sub(row, x), mul(i, 3), div(i, x)]],
    ['comparison and where', ({ x, row, b }) => [less(x, row), where(b, x, row)]],
    ['clip, relu, cast', ({ x, i }) => [clip(x, -1, 1), relu(x), cast(x, 'int32'), cast(i, 'bool')]],
    ['activations', ({ x }) => [softmax(x), logSoftmax(x, 0), gelu()(x), silu(x), softplus(x), elu()(x), leakyRelu()(x)]],
    ['reductions', ({ x, b }) => [sum(x, 1), mean(x, 0, { keepdims: true }), variance(x), max(x), sum(b)]],
    ['logSumExp, argmax, cumsum', ({ x }) => [logSumExp(x, 1), argmax(x), cumsum(x, 1, { reverse: true })]],
    ['sort, argsort, topk', ({ x }) => [sort(x), argsort(x, 0, { descending: true }), topk(x, 2)]],
    ['matmul, dot, outer, einsum', ({ x, row }) => [matmul(x, transpose(x)), dot(row, row), outer(row, row), einsum('ij,ij->i', x, x)]],
    ['layout', ({ x }) => [reshape(x, [3, 2]), flatten(x), transpose(x), expandDims(x, 0), squeeze(expandDims(x, 0)), tile(x, [2, 1])]],
    ['join and split', ({ x, row }) => [concat([x, x]), stack([row, row]), split(x, 3, 1)]],
    ['indexing', ({ x, i }) => [slice(x, [[null, null, -1], 1]), take(x, i, 1), gather(x, i, 1), oneHot(i, 3), pad(x, [[1, 1], [0, 2]], { mode: 'reflect' })]],
    ['transpose, then another op', ({ x }) => add(transpose(x), 100)],
    ['slice, then another op', ({ x }) => mul(slice(x, [null, [null, null, -2]]), -1)],
    ['reshape, then another op', ({ x }) => sub(reshape(x, [6]), 1)],
    ['broadcastTo, then another op', ({ row }) => add(broadcastTo(row, [4, 3]), 1)],
    ['a view of a view, then a reduction', ({ x }) => sum(transpose(slice(reshape(x, [3, 2]), [[1, null]])), 0)],
  ])('%s', (_, run) => {
    const inputs = fresh();
    const snapshot = () => Object.entries(inputs).map(([k, t]: [string, AnyTensor]) => [k, t.dtype, toNested(t)]);
    const before = snapshot();
    run(inputs);
    expect(snapshot()).toEqual(before);
  });

  it('a view keeps its values after another op reads it', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const tx = transpose(x);
    const sl = slice(x, [[null, null, -1]]);
    add(tx, 1);
    mul(sl, 0);
    expect([toNested(x), toNested(tx), toNested(sl)]).toEqual([[[1, 2], [3, 4]], [[1, 3], [2, 4]], [[3, 4], [1, 2]]]);
  });
});

describe('arrays cross the boundary as copies', () => {
  it('tensor copies the nested array it is given', () => {
    const rows = [[1, 2], [3, 4]];
    const t = tensor(rows);
    rows[0]![0] = 99;
    rows.push([5, 6]);
    expect(toNested(t)).toEqual([[1, 2], [3, 4]]);
  });
  it('fromArray copies the values and the shape', () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const shape: [number, number] = [2, 2];
    const r = fromArray(data, shape);
    data[0] = 99;
    shape[0] = 4;
    expect(E.isRight(r) && [r.right.shape, toNested(r.right)]).toEqual([[2, 2], [[1, 2], [3, 4]]]);
  });
  it('fromNested copies the parsed value', () => {
    const value = [[1], [2]];
    const r = fromNested(value, [2, 1]);
    value[1]![0] = 99;
    expect(E.isRight(r) && toNested(r.right)).toEqual([[1], [2]]);
  });
  it('full copies the shape', () => {
    const shape: [number] = [2];
    const t = full(shape, 3);
    shape[0] = 5;
    expect([t.shape, toNested(t)]).toEqual([[2], [3, 3]]);
  });
  it('reshape, transpose, slice and pad do not hold on to their argument arrays', () => {
    const x = reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]);
    const to: [number, number] = [3, 2], perm: [number, number] = [1, 0];
    const specs: [number, number][] = [[0, 2]];
    const widths: [number, number][] = [[1, 0], [0, 0]];
    const r = reshape(x, to), t = transpose(x, perm as never), s = slice(x, specs as readonly SliceSpec[]), p = pad(x, widths);
    to[0] = 1; to[1] = 6; perm[0] = 0; perm[1] = 1; specs[0]![1] = 1; widths[0]![0] = 3;
    expect([r, t, s, p].map((y: AnyTensor) => [y.shape, toNested(y)])).toEqual([
      [[3, 2], [[1, 2], [3, 4], [5, 6]]],
      [[3, 2], [[1, 4], [2, 5], [3, 6]]],
      [[2, 3], [[1, 2, 3], [4, 5, 6]]],
      [[3, 3], [[0, 0, 0], [1, 2, 3], [4, 5, 6]]],
    ]);
  });
  it('broadcastTo does not keep the caller\'s shape array', () => {
    const s: [number, number] = [3, 2];
    const y = broadcastTo(tensor([1, 2]), s);
    s[0] = 5;
    expect(Array.from(toArray(y))).toEqual([1, 2, 1, 2, 1, 2]);
    expect(add(y, 0).shape).toEqual([3, 2]);
  });
  it('toArray and toNested return copies', () => {
    const t = zeros([2, 2]);
    toArray(t).fill(7);
    const n = toNested(t);
    n[0]![0] = 7;
    expect(toNested(t)).toEqual([[0, 0], [0, 0]]);
    const v = transpose(t);
    toArray(v)[0] = 7;
    expect(toNested(t)).toEqual([[0, 0], [0, 0]]);
  });
});
