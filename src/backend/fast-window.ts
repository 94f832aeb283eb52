/** @file Fast patches and foldPatches: window positions computed once per geometry, channel runs copied without per-element branches. */
import { numel } from '../shape/index.js';
import { windowCounts, type Window } from './reference-window.js';
import { contiguous, empty, isContiguous, type View } from './view.js';

/**
 * For every (window, kernel offset) in [...outs, ...kernel] row-major order, the flat spatial
 * position it reads (-1 in the padding): the reference's table (reference-window does not export its builder).
 */
const buildPositions = (spatial: readonly number[], outs: readonly number[], w: Window): Int32Array => {
  const d = spatial.length, dims = [...outs, ...w.kernel], total = numel(dims);
  const pos = new Int32Array(total);
  const idx = new Array<number>(2 * d).fill(0);
  for (let f = 0; f < total; f++) {
    let flat = 0;
    for (let a = 0; a < d; a++) {
      const at = idx[a]! * w.strides[a]! - w.pads[a]![0] + idx[d + a]! * w.dilations[a]!;
      if (at < 0 || at >= spatial[a]!) { flat = -1; break; }
      flat = flat * spatial[a]! + at;
    }
    pos[f] = flat;
    for (let a = 2 * d - 1; a >= 0 && ++idx[a]! === dims[a]; a--) idx[a] = 0;
  }
  return pos;
};

// a training step asks for the same few geometries every time: keep the last ones
const cache = new Map<string, Int32Array>();
const CACHE_SIZE = 32;
/** the position table of a geometry, cached by its numbers */
const positions = (spatial: readonly number[], outs: readonly number[], w: Window): Int32Array => {
  const key = JSON.stringify([spatial, w.kernel, w.strides, w.dilations, w.pads]);
  let pos = cache.get(key);
  if (pos === undefined) {
    pos = buildPositions(spatial, outs, w);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, pos);
  }
  return pos;
};

/** x [B, ...spatial, C] -> [B, ...outs, ...kernel, C]; `value` where a window hangs over the padding */
export const patches = (x: View, w: Window, value: number): View => {
  const c = isContiguous(x) ? x : contiguous(x);
  const [b, ...rest] = c.shape;
  const ch = rest[rest.length - 1]!, spatial = rest.slice(0, -1);
  const outs = windowCounts(spatial, w);
  const out = empty(x.dtype, [b!, ...outs, ...w.kernel, ch]);
  if (out.data.length === 0) return out;
  const pos = positions(spatial, outs, w), np = pos.length;
  const inPer = numel(spatial) * ch, src = c.data, dst = out.data;
  for (let n = 0, o = 0; n < b!; n++) {
    const base = c.offset + n * inPer;
    if (ch === 1) {
      for (let f = 0; f < np; f++) { const at = pos[f]!; dst[o++] = at < 0 ? value : src[base + at]!; }
      continue;
    }
    for (let f = 0; f < np; f++) {
      const at = pos[f]!;
      if (at < 0) { dst.fill(value, o, o + ch); o += ch; continue; }
      for (let q = 0, i = base + at * ch; q < ch; q++) dst[o++] = src[i + q]!;
    }
  }
  return out;
};

/** the adjoint of patches: p [B, ...outs, ...kernel, C] summed back onto [B, ...spatial, C] in float64, as the reference */
export const foldPatches = (p: View, spatial: readonly number[], w: Window): View => {
  const c = isContiguous(p) ? p : contiguous(p);
  const b = c.shape[0]!, ch = c.shape[c.shape.length - 1]!;
  const outs = c.shape.slice(1, 1 + spatial.length);
  const out = empty(p.dtype, [b, ...spatial, ch]);
  if (out.data.length === 0) return out;
  const pos = positions(spatial, outs, w), np = pos.length;
  const perIn = numel(spatial) * ch, acc = new Float64Array(out.data.length), src = c.data;
  for (let n = 0, i = c.offset; n < b; n++) {
    const base = n * perIn;
    for (let f = 0; f < np; f++) {
      const at = pos[f]!;
      if (at < 0) { i += ch; continue; }
      for (let q = 0, o = base + at * ch; q < ch; q++) acc[o + q] = acc[o + q]! + src[i++]!;
    }
  }
  if (p.dtype === 'int32') for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! | 0;
  out.data.set(acc);
  return out;
};
