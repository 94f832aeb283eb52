/** @file writeInto (backward's n-ary cotangent sums) against the reference add: copies and adds into strided windows of a fresh buffer, bit for bit. */
import { describe, expect, it } from 'vitest';
import { sumInto, writeInto } from '../../src/backend/fast-accumulate.js';
import { reference } from '../../src/backend/reference.js';
import { empty, type View } from '../../src/backend/view.js';
import { LAYOUTS, expectSame, randomView, rng } from './fast-views.js';

/** the window of `v` (contiguous) from `start` with `shape`, stepping `step` along every axis */
const windowOf = (v: View, start: readonly number[], shape: readonly number[], step: number): View => ({
  ...v, shape: [...shape], strides: v.strides.map((s) => s * step), offset: start.reduce((o, x, k) => o + x * v.strides[k]!, v.offset),
});

describe('writeInto', () => {
  const next = rng(21);
  it.each(LAYOUTS)('copies then adds %s sources into windows and whole buffers as the reference adds', (layout) => {
    for (const [full, start, shape, step] of [
      [[4, 70], [0, 0], [4, 70], 1], [[4, 70], [1, 3], [2, 64], 1], [[6, 9], [1, 0], [2, 4], 2], [[3, 130], [0, 2], [3, 128], 1], [[5], [1], [3], 1],
    ] as const) {
      const buffer = empty('float32', full), win = windowOf(buffer, start, shape, step);
      const first = randomView(next, shape, 'float32', layout), second = randomView(next, shape, 'float32', layout);
      expect(writeInto(win, first, false)).toBe(true);
      expect(writeInto(win, second, true)).toBe(true);
      const want = reference.binary('add', reference.cast(first, 'float32'), second, shape, 'float32');
      expectSame(reference.cast(win, 'float32'), want, `${layout} ${JSON.stringify([full, start, shape, step])}`);
      // outside the window the buffer is still zeros
      const inside = new Set<number>();
      const idx = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < want.data.length; i++) {
        inside.add(idx.reduce((o, x, k) => o + x * win.strides[k]!, win.offset));
        for (let k = shape.length - 1; k >= 0 && ++idx[k]! === shape[k]; k--) idx[k] = 0;
      }
      expect(Array.from(buffer.data).filter((v, i) => !inside.has(i) && v !== 0)).toEqual([]);
    }
  });
  it('refuses a source that does not broadcast to the window', () => {
    const buffer = empty('float32', [3, 4]);
    expect(writeInto(buffer, randomView(next, [4, 3], 'float32', 'contiguous'), true)).toBe(false);
  });
  it('sums whole contiguous parts in order on the wasm loop (the chained adds, bit for bit), and declines anything else', () => {
    for (const shape of [[3000], [40, 70], [2, 3, 500]]) {
      const parts = [0, 1, 2, 3].map(() => randomView(next, shape, 'float32', 'contiguous'));
      const dst = empty('float32', shape);
      expect(sumInto(dst, parts)).toBe(true);
      const want = parts.slice(1).reduce((acc, p) => reference.binary('add', acc, p, shape, 'float32'), reference.cast(parts[0]!, 'float32'));
      expectSame(dst, want, JSON.stringify(shape));
    }
    expect(sumInto(empty('float32', [100]), [randomView(next, [100], 'float32', 'contiguous'), randomView(next, [100], 'float32', 'contiguous')])).toBe(false);
    expect(sumInto(empty('float32', [40, 70]), [randomView(next, [40, 70], 'float32', 'transposed'), randomView(next, [40, 70], 'float32', 'contiguous')])).toBe(false);
  });
});
