/** @file Every reference kernel leaves its inputs untouched and returns storage of its own. */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { reference as K } from '../../src/backend/reference.js';
import type { View } from '../../src/backend/view.js';
import { bool, f32, i32, restride, transposed } from './fixtures.js';

// inputs whose storage is larger than the view (offset, step) or read twice (transpose, stride 0)
const x = restride(f32([9, 3, 1, 2, 4, 6, 5, 8]), [2, 3], [4, 1], 1); // [[3,1,2],[6,5,8]]
const xt = transposed(f32([1, 2, 3, 4, 5, 6], [2, 3]));
const row = restride(f32([7, 8, 9]), [2, 3], [0, 1], 0);
const idx = i32([1, 0, 2, 1, 1, 0], [2, 3]);
const cond = bool([1, 0, 1, 0, 1, 0], [2, 3]);

type Call = (k: Backend) => View;
const calls: readonly (readonly [string, readonly View[], Call])[] = [
  ['unary', [x], (k) => k.unary('exp', x, 'float32')],
  ['binary', [x, row], (k) => k.binary('add', x, row, [2, 3], 'float32')],
  ['where', [cond, x, row], (k) => k.where(cond, x, row, [2, 3], 'float32')],
  ['reduce', [x], (k) => k.reduce('sum', x, [0, 1])],
  ['argReduce', [x], (k) => k.argReduce('argmax', x, 1)],
  ['cumsum', [x], (k) => k.cumsum(x, 1, true, true)],
  ['argsort', [x], (k) => k.argsort(x, 1, false)],
  ['matmul', [x, xt], (k) => k.matmul(x, xt, [])],
  ['take', [x, idx], (k) => k.take(x, idx, 1)],
  ['gather', [x, idx], (k) => k.gather(x, idx, 1)],
  ['scatterAdd', [idx, x], (k) => k.scatterAdd([2, 3], idx, x, 1)],
  ['pad', [x], (k) => k.pad(x, [[1, 1], [2, 2]], 'reflect', 0)],
  ['concat', [x, row], (k) => k.concat([x, row], 0)],
  ['cast', [x], (k) => k.cast(x, 'int32')],
];

describe('purity', () => {
  it.each(calls)('%s reads its inputs without writing and returns fresh storage', (_, inputs, call) => {
    const before = inputs.map((v) => Array.from(v.data));
    const out = call(K);
    expect(inputs.map((v) => Array.from(v.data))).toEqual(before);
    for (const v of inputs) expect(out.data.buffer).not.toBe(v.data.buffer);
  });
});
