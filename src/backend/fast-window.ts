/** @file Fast patches and foldPatches: window positions computed once per geometry, channel runs copied without per-element branches. */
import { numel } from '../shape/index.js';
import { windowCounts, type Window } from './reference-window.js';
import { contiguous, empty, isContiguous, type View } from './view.js';
import { patchesWasm } from './wasm-window.js';

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

/**
 * The position table as runs over one image: triples (patch offset, spatial offset or -1 for the
 * padding, length), in elements of `ch` channels, where consecutive window elements that read
 * consecutive pixels (or all fall in the padding) join one run. A 3x3 'same' window on 16
 * channels copies rows of 48 floats instead of 9 runs of 16 elements.
 */
const buildRuns = (pos: Int32Array, ch: number): Int32Array => {
  const runs: number[] = [];
  for (let f = 0; f < pos.length;) {
    const at = pos[f]!;
    let g = f + 1;
    while (g < pos.length && (at < 0 ? pos[g]! < 0 : pos[g] === at + (g - f))) g++;
    runs.push(f * ch, at < 0 ? -1 : at * ch, (g - f) * ch);
    f = g;
  }
  return Int32Array.from(runs);
};

// a training step asks for the same few geometries every time: keep the last ones
interface Geometry { readonly pos: Int32Array; readonly runs: Map<number, Int32Array> }
const cache = new Map<string, Geometry>();
const CACHE_SIZE = 32;
/** the position table of a geometry and its runs for `ch` channels, cached by its numbers */
const geometry = (spatial: readonly number[], outs: readonly number[], w: Window, ch: number): { readonly pos: Int32Array; readonly runs: Int32Array } => {
  const key = JSON.stringify([spatial, w.kernel, w.strides, w.dilations, w.pads]);
  let g = cache.get(key);
  if (g === undefined) {
    g = { pos: buildPositions(spatial, outs, w), runs: new Map() };
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, g);
  }
  let runs = g.runs.get(ch);
  if (runs === undefined) {
    runs = buildRuns(g.pos, ch);
    g.runs.set(ch, runs);
  }
  return { pos: g.pos, runs };
};

type Store = { [i: number]: number };
/** copies the runs of one image from `src` at `base` to `dst` at `o`; padding runs get `value`, unless `zero` (the output is fresh zeros and value stores as +0) */
const copyRuns = (runs: Int32Array, dst: Store, o: number, src: ArrayLike<number>, base: number, value: number, zero: boolean): void => {
  for (let r = 0; r < runs.length; r += 3) {
    const d = o + runs[r]!, at = runs[r + 1]!, len = runs[r + 2]!;
    if (at < 0) {
      if (!zero) for (let k = 0; k < len; k++) dst[d + k] = value;
      continue;
    }
    for (let k = 0, s = base + at; k < len; k++) dst[d + k] = src[s + k]!;
  }
};

/** x [B, ...spatial, C] -> [B, ...outs, ...kernel, C]; `value` where a window hangs over the padding */
export const patches = (x: View, w: Window, value: number): View => {
  const c = isContiguous(x) ? x : contiguous(x);
  const [b, ...rest] = c.shape;
  const ch = rest[rest.length - 1]!, spatial = rest.slice(0, -1);
  const outs = windowCounts(spatial, w);
  const out = empty(x.dtype, [b!, ...outs, ...w.kernel, ch]);
  if (out.data.length === 0) return out;
  const { pos, runs } = geometry(spatial, outs, w, ch);
  const inPer = numel(spatial) * ch, outPer = pos.length * ch;
  if (c.data instanceof Float32Array && out.data instanceof Float32Array
    && patchesWasm(c.data, c.offset, inPer, out.data, outPer, b!, runs, value)) return out;
  // the output is fresh zeros: a padding that stores as +0 in this dtype (as the reference's store converts it) needs no writes
  const probe = empty(x.dtype, [1]).data;
  probe[0] = value;
  const zero = Object.is(probe[0], 0);
  for (let n = 0; n < b!; n++) copyRuns(runs, out.data, n * outPer, c.data, c.offset + n * inPer, value, zero);
  return out;
};

/** the adjoint of patches: p [B, ...outs, ...kernel, C] summed back onto [B, ...spatial, C] in float64, as the reference */
export const foldPatches = (p: View, spatial: readonly number[], w: Window): View => {
  const c = isContiguous(p) ? p : contiguous(p);
  const b = c.shape[0]!, ch = c.shape[c.shape.length - 1]!;
  const outs = c.shape.slice(1, 1 + spatial.length);
  const out = empty(p.dtype, [b, ...spatial, ch]);
  if (out.data.length === 0) return out;
  const { pos, runs } = geometry(spatial, outs, w, ch);
  const perIn = numel(spatial) * ch, perOut = pos.length * ch, acc = new Float64Array(out.data.length), src = c.data;
  for (let n = 0; n < b; n++) {
    const base = n * perIn, from = c.offset + n * perOut;
    for (let r = 0; r < runs.length; r += 3) {
      const at = runs[r + 1]!;
      if (at < 0) continue;
      const len = runs[r + 2]!;
      for (let k = 0, i = from + runs[r]!, o = base + at; k < len; k++) acc[o + k] = acc[o + k]! + src[i + k]!;
    }
  }
  if (p.dtype === 'int32') for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! | 0;
  out.data.set(acc);
  return out;
};
