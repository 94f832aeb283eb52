/** @file A convolution's kernel gradient on the WebAssembly SIMD kernels: x copied in as zero-padded images, dy beside it, dw = patches(x)ᵀ @ dy summed per chunk of images (no im2col), the chunks' sums added in chunk order. */
import { CONV_NR as NR } from './wasm-conv-kernels.js';
import type { FilterArgs } from './wasm-conv-filter.js';
import { align16, CHUNK_WORK, MIN_IMAGES, padTable, planeOf } from './wasm-conv.js';
import type { GemmKernels } from './wasm-gemm.js';
import { heap, helper, setResident } from './wasm-matmul.js';
import type { Window } from './reference-window.js';
import { contiguous, empty, type View } from './view.js';

/** bytes the chunks' partial sums of dw may take together (fewer, longer chunks for big kernels), unless two chunks need more */
const PARTIAL_BYTES = 1 << 24;
/** chunks per shared call, at most: every chunk's partial sum is added up here at the end (W3's second layer: 1.1 ms with 8, 1.4 ms with 32) */
const MAX_CHUNKS = 8;

/**
 * dw [K·C, Cout] = patches(x) read as [rows, K·C], transposed, @ dy read as [rows, Cout], for
 * x [B, ...spatial, C] and dy [B, ...outs, Cout] on the wasm tiles; undefined (nothing done) for
 * geometries the kernels do not take or operands the memory cannot hold. Both must be float32
 * on Float32Array storage. Each output is summed in float32 lanes over the output pixels of a
 * chunk of rows, in order, and the chunks' sums are added in float64 in chunk order: the same
 * numbers whichever thread ran which chunk. Calls of at least `threadsFrom` multiply-adds share
 * their chunks with the helper thread, where there is one.
 */
export const convFilterWasm = (kern: GemmKernels, x: View, dy: View, win: Window, threadsFrom: number): View | undefined => {
  const spatial = x.shape.slice(1, -1), batch = x.shape[0]!, ch = x.shape[x.shape.length - 1]!, cout = dy.shape[dy.shape.length - 1]!;
  const p = planeOf(spatial, win);
  if (p === undefined) return undefined;
  const m = win.kernel.reduce((a, b) => a * b, 1) * ch, rows = batch * p.ho, pixels = rows * p.wo;
  const out = empty('float32', [m, cout]);
  if (m * cout === 0 || pixels === 0) return out;
  const hp = (p.ho - 1) * p.sy + (p.kh - 1) * p.dy + 1, wp = (p.wo - 1) * p.sx + (p.kw - 1) * p.dx + 1;
  const panels = Math.ceil(cout / NR), ldc = panels * NR, pads = padTable(p, hp, wp, ch), image = hp * wp * ch, raw = p.h * p.w * ch;
  // each row of dw: its kernel position's pixel offset from a window's origin, plus its channel
  const offs = new Int32Array(m);
  for (let ky = 0, r = 0; ky < p.kh; ky++) for (let kx = 0; kx < p.kw; kx++) for (let c = 0; c < ch; c++) offs[r++] = 4 * ((ky * p.dy * wp + kx * p.dx) * ch + c);
  const work = pixels * ldc * m, threaded = work >= threadsFrom ? helper(kern) : undefined;
  const want = threaded === undefined || !threaded.ready() ? 1
    : Math.min(MAX_CHUNKS, rows, Math.max(2, Math.floor(work / CHUNK_WORK)), Math.max(2, Math.floor(PARTIAL_BYTES / (4 * m * ldc))));
  // chunks of whole images (fed one by one while the helper starts), of rows, or the one call here
  const byImages = want > 1 && batch >= MIN_IMAGES, per = Math.ceil(batch / Math.min(want, batch));
  const size = want === 1 ? rows : byImages ? per * p.ho : Math.ceil(rows / want), chunks = Math.ceil(rows / size);
  const offsAt = 0, padAt = align16(4 * m), xAt = align16(padAt + 4 * pads.length), dyAt = align16(xAt + 4 * batch * image);
  const dwAt = align16(dyAt + 4 * pixels * ldc), rawAt = align16(dwAt + 4 * chunks * m * ldc), end = rawAt + 4 * batch * raw;
  setResident(undefined);
  const h = heap(kern, end);
  if (h === undefined) return undefined;
  new Int32Array(h.buffer, offsAt, m).set(offs);
  new Int32Array(h.buffer, padAt, pads.length).set(pads);
  const xc = contiguous(x), xs = xc.data as Float32Array, dc = contiguous(dy), ds = dc.data as Float32Array;
  // images b0 .. b1 - 1 of x (raw) and of dy (each pixel's cout values ldc floats apart) into memory
  const copyIn = (b0: number, b1: number): void => {
    h.set(xs.subarray(xc.offset + b0 * raw, xc.offset + b1 * raw), (rawAt >> 2) + b0 * raw);
    const n = p.ho * p.wo, d0 = (dyAt >> 2) + b0 * n * ldc, s0 = dc.offset + b0 * n * cout;
    if (ldc === cout) h.set(ds.subarray(s0, s0 + (b1 - b0) * n * cout), d0);
    else for (let i = 0, s = s0, d = d0; i < (b1 - b0) * n; i++, d += ldc) for (let j = 0; j < cout; j++) h[d + j] = ds[s++]!;
  };
  const args = (padded: boolean): FilterArgs => [
    xAt, 4 * image, 4 * p.sy * wp * ch, p.ho, p.wo, 4 * p.sx * ch, offsAt, m, dyAt, 4 * p.ho * p.wo * ldc, 4 * p.wo * ldc, 4 * ldc,
    panels, dwAt, 4 * m * ldc, 4 * ldc, size, padAt, padded ? 0 : pads.length / 3, rawAt, 4 * raw, 0, rows,
  ];
  if (chunks === 1) {
    copyIn(0, batch);
    kern.filter(...args(false));
  } else if (byImages) {
    threaded!.share({ kind: 'filter', args: args(false), size, chunks }, undefined, (i) => copyIn(i * per, Math.min(batch, (i + 1) * per)));
  } else {
    copyIn(0, batch);
    kern.copyRuns(padAt, pads.length / 3, xAt, rawAt, batch, 4 * raw, 4 * image, 0);
    threaded!.share({ kind: 'filter', args: args(true), size, chunks });
  }
  const o = out.data as Float32Array, d0 = dwAt >> 2;
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < cout; j++) {
      let s = 0;
      for (let k = 0, at = d0 + r * ldc + j; k < chunks; k++, at += m * ldc) s += h[at]!;
      o[r * cout + j] = s;
    }
  }
  return out;
};
