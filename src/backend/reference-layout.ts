/** @file Reference layout kernels: pad (constant or reflect) and concat. */
import { ShapeMismatchError, ValueError, normAxis } from '../shape/index.js';
import { sameDType, storeAs } from './reference-shared.js';
import { empty, offsets, type View } from './view.js';

/** copies every element of `x` into the contiguous `into`, at the block whose first element is storage offset `at` */
const place = (x: View, into: View, at: number): void => {
  const from = offsets(x.shape, x.strides, x.offset), to = offsets(x.shape, into.strides, at);
  const src = x.data, dst = into.data;
  for (let i = 0; i < from.length; i++) dst[to[i]!] = src[from[i]!]!;
};

/**
 * Storage offsets, row-major over the output, when output index i on axis k reads source index
 * maps[k][i]: built axis by axis, each pass expanding the previous one (total work O(size)).
 */
const mappedOffsets = (maps: readonly Int32Array[], strides: readonly number[], offset: number): Float64Array => {
  let cur = Float64Array.of(offset);
  maps.forEach((map, k) => {
    const next = new Float64Array(cur.length * map.length), s = strides[k]!;
    let o = 0;
    for (const c of cur) for (const j of map) next[o++] = c + j * s;
    cur = next;
  });
  return cur;
};

/** the source index of each output index on an axis of size `d` padded by reflection, mirroring without the edge */
const reflectMap = (d: number, before: number, after: number, axis: number): Int32Array => {
  if ((before > 0 || after > 0) && (before > d - 1 || after > d - 1)) {
    throw new ValueError('pad', `reflect padding [${before}, ${after}] exceeds ${d - 1} (axis ${axis} has size ${d})`);
  }
  return Int32Array.from({ length: before + d + after }, (_, i) => {
    const j = i - before;
    return j < 0 ? -j : j >= d ? 2 * (d - 1) - j : j;
  });
};

/** pads each axis by [before, after]: with `value` ('constant') or by mirroring without the edge ('reflect') */
export const pad = (x: View, widths: readonly (readonly [number, number])[], mode: 'constant' | 'reflect', value: number): View => {
  const r = x.shape.length;
  if (widths.length !== r) throw new ShapeMismatchError('pad', `${widths.length} [before, after] pairs for rank ${r}`, [x.shape]);
  widths.forEach(([lo, hi], k) => {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0) {
      throw new ValueError('pad', `widths [${lo}, ${hi}] at axis ${k} must be non-negative integers`);
    }
  });
  const res = empty(x.dtype, x.shape.map((d, k) => d + widths[k]![0] + widths[k]![1]));
  if (mode === 'constant') {
    res.data.fill(storeAs(x.dtype)(value));
    place(x, res, widths.reduce((at, [lo], k) => at + lo * res.strides[k]!, 0));
    return res;
  }
  const from = mappedOffsets(x.shape.map((d, k) => reflectMap(d, widths[k]![0], widths[k]![1], k)), x.strides, x.offset);
  const src = x.data, dst = res.data;
  for (let i = 0; i < dst.length; i++) dst[i] = src[from[i]!]!;
  return res;
};

/** joins views of one dtype whose shapes agree except along `axis` */
export const concat = (xs: readonly View[], axis: number): View => {
  const first = xs[0];
  if (first === undefined) throw new ValueError('concat', 'needs at least one view');
  sameDType('concat', xs);
  const ax = normAxis('concat', axis, first.shape);
  const shapes = xs.map((v) => v.shape);
  if (shapes.some((s) => s.length !== first.shape.length || s.some((d, k) => k !== ax && d !== first.shape[k]))) {
    throw new ShapeMismatchError('concat', `shapes differ off axis ${ax}`, shapes, ax);
  }
  const res = empty(first.dtype, first.shape.map((d, k) => (k === ax ? shapes.reduce((n, s) => n + s[ax]!, 0) : d)));
  let start = 0;
  for (const v of xs) {
    place(v, res, start * res.strides[ax]!);
    start += v.shape[ax]!;
  }
  return res;
};
