/** @file Convolution on the WebAssembly SIMD direct kernels: the input copied in once as zero-padded images, the kernel packed as B panels, every kernel position summed in registers (no im2col), rows shared with the helper thread when big. */
import { CONV_NR as NR, type ConvArgs } from './wasm-conv-kernels.js';
import type { GemmKernels } from './wasm-gemm.js';
import { heap, helper, setResident } from './wasm-matmul.js';
import { MAX_SHARED_CHUNKS } from './wasm-threads.js';
import { windowCounts, type Window } from './reference-window.js';
import { contiguous, empty, type View } from './view.js';

export const align16 = (n: number): number => (n + 15) & ~15;

/** bytes of B one block of panels may take: it stays in the L1 cache while a row's tiles sweep it */
const L1_BYTES = 1 << 15;
/** multiply-adds per shared chunk, at least (about 20 us): a late helper keeps this thread waiting no longer than that */
export const CHUNK_WORK = 1 << 19;
/** a batch of at least this many images is shared by whole images (at least 2 per thread: a late helper costs at most one) */
export const MIN_IMAGES = 4;
/** chunks per shared call, at most: small enough that the last one keeps the other thread waiting little, each copied out as soon as it is done */
export const MAX_CHUNKS = Math.min(32, MAX_SHARED_CHUNKS);

/** a 1-D or 2-D window as a 2-D one (a 1-D convolution is a 2-D one on images one row high) */
export interface Plane {
  readonly h: number; readonly w: number; readonly kh: number; readonly kw: number;
  readonly sy: number; readonly sx: number; readonly dy: number; readonly dx: number;
  readonly top: number; readonly left: number; readonly ho: number; readonly wo: number;
}
/** the window as a plane, or undefined for what the kernels do not take (3-D and up, negative pads) */
export const planeOf = (spatial: readonly number[], win: Window): Plane | undefined => {
  const outs = windowCounts(spatial, win), rank = spatial.length;
  if (rank < 1 || rank > 2 || win.pads.some(([a, b]) => a < 0 || b < 0)) return undefined;
  const at = (xs: readonly number[], i: number, one: number): number => (rank === 1 ? (i === 0 ? one : xs[0]!) : xs[i]!);
  return {
    h: at(spatial, 0, 1), w: at(spatial, 1, 1), kh: at(win.kernel, 0, 1), kw: at(win.kernel, 1, 1),
    sy: at(win.strides, 0, 1), sx: at(win.strides, 1, 1), dy: at(win.dilations, 0, 1), dx: at(win.dilations, 1, 1),
    top: rank === 1 ? 0 : win.pads[0]![0], left: win.pads[rank - 1]![0], ho: at(outs, 0, 1), wo: at(outs, 1, 1),
  };
};

/**
 * The run table: for each kernel position (row-major), the byte offset of its pixel from a
 * window's origin and its `ch` channels, where positions whose pixels are adjacent in the padded
 * image (dilation 1 along a row) join one run: a 3x3 kernel on 16 channels is 3 runs of 48 floats.
 */
const runTable = (p: Plane, wp: number, ch: number): number[] => {
  const runs: number[] = [];
  for (let ky = 0; ky < p.kh; ky++) {
    for (let kx = 0; kx < p.kw; kx++) {
      const off = (ky * p.dy * wp + kx * p.dx) * ch * 4, n = runs.length;
      if (n > 0 && runs[n - 2]! + 4 * runs[n - 1]! === off) runs[n - 1]! += ch;
      else runs.push(off, ch);
    }
  }
  return runs;
};

/**
 * x [B, ...spatial, C] convolved with the kernel matrix w [K·C, Cout] (rows in patches order) on
 * the wasm tiles, into a fresh [B, ...outs, Cout]; undefined (nothing done) for geometries the
 * kernels do not take or operands the memory cannot hold. Both operands must be float32 on
 * Float32Array storage. Each output is one f32x4 lane summed over the K·C products in patches
 * order in float32, as the gemm on materialized patches sums them. Calls of at least
 * `threadsFrom` multiply-adds share their output rows with the helper thread, where there is one.
 */
export const convWasm = (kern: GemmKernels, x: View, w: View, win: Window, threadsFrom: number): View | undefined => {
  const spatial = x.shape.slice(1, -1), batch = x.shape[0]!, ch = x.shape[x.shape.length - 1]!, cout = w.shape[1]!;
  const p = planeOf(spatial, win);
  if (p === undefined) return undefined;
  const kc = w.shape[0]!, rows = batch * p.ho, pixels = rows * p.wo;
  if (pixels * cout === 0 || kc === 0) return empty('float32', [batch, ...windowCounts(spatial, win), cout]);
  const hp = (p.ho - 1) * p.sy + (p.kh - 1) * p.dy + 1, wp = (p.wo - 1) * p.sx + (p.kw - 1) * p.dx + 1;
  const panels = Math.ceil(cout / NR), ldc = panels * NR, runs = runTable(p, wp, ch), pads = padTable(p, hp, wp, ch);
  const image = hp * wp * ch, raw = p.h * p.w * ch;
  const bAt = 0, tableAt = align16(bAt + 4 * panels * kc * NR), padAt = align16(tableAt + 4 * runs.length), xAt = align16(padAt + 4 * pads.length);
  const cAt = align16(xAt + 4 * batch * image), rawAt = align16(cAt + 4 * pixels * ldc), end = rawAt + 4 * batch * raw;
  setResident(undefined);
  const h = heap(kern, end);
  if (h === undefined) return undefined;
  packPanels(h, bAt >> 2, w, kc, cout, panels);
  new Int32Array(h.buffer, tableAt, runs.length).set(runs);
  new Int32Array(h.buffer, padAt, pads.length).set(pads);
  const xc = contiguous(x), xs = xc.data as Float32Array;
  // raw images b0 .. b1 - 1 into memory
  const copyIn = (b0: number, b1: number): void => h.set(xs.subarray(xc.offset + b0 * raw, xc.offset + b1 * raw), (rawAt >> 2) + b0 * raw);
  const out = empty('float32', [batch, ...windowCounts(spatial, win), cout]), o = out.data as Float32Array, c0 = cAt >> 2;
  // output rows r0 .. r1 - 1 out of memory (each pixel's ldc floats hold its cout outputs)
  const copyOut = (r0: number, r1: number): void => {
    if (ldc === cout) { o.set(h.subarray(c0 + r0 * p.wo * cout, c0 + r1 * p.wo * cout), r0 * p.wo * cout); return; }
    for (let i = r0 * p.wo, s = c0 + i * ldc, d = i * cout; i < r1 * p.wo; i++, s += ldc) for (let j = 0; j < cout; j++) o[d++] = h[s + j]!;
  };
  const args = (padded: boolean): ConvArgs => [
    xAt, 4 * image, 4 * p.sy * wp * ch, p.ho, p.wo, 4 * p.sx * ch, tableAt, runs.length / 2,
    bAt, 4 * kc * NR, panels, Math.max(1, Math.floor(L1_BYTES / (4 * kc * NR))), cAt, 4 * ldc,
    padAt, padded ? 0 : pads.length / 3, rawAt, 4 * raw, 0, rows,
  ];
  const work = pixels * ldc * kc, threaded = work >= threadsFrom ? helper(kern) : undefined;
  const chunks = Math.min(MAX_CHUNKS, rows, Math.max(2, Math.floor(work / CHUNK_WORK)));
  if (threaded === undefined || !threaded.ready() || chunks < 2) {
    copyIn(0, batch);
    kern.conv(...args(false));
    copyOut(0, rows);
    return out;
  }
  // rows cut into chunks that both threads claim; this thread copies each chunk out as soon as it
  // is done (its own while still in cache). With enough images, chunks of whole images: the
  // helper starts as soon as the first chunk's images are copied in, and each chunk pads its own
  // images; else chunks of rows, on images copied and padded here first.
  const drain = (size: number) => (i: number): void => copyOut(i * size, Math.min(rows, (i + 1) * size));
  if (batch >= MIN_IMAGES) {
    const per = Math.ceil(batch / Math.min(chunks, batch)), size = per * p.ho;
    threaded.share({ kind: 'conv', args: args(false), size, chunks: Math.ceil(batch / per) }, drain(size), (i) => copyIn(i * per, Math.min(batch, (i + 1) * per)));
    return out;
  }
  copyIn(0, batch);
  kern.copyRuns(padAt, pads.length / 3, xAt, rawAt, batch, 4 * raw, 4 * image, 0);
  const size = Math.ceil(rows / chunks);
  threaded.share({ kind: 'conv', args: args(true), size, chunks: Math.ceil(rows / size) }, drain(size));
  return out;
};

/**
 * The copyRuns table that lays out one raw image (h x w pixels) as a padded one (hp x wp, input
 * row iy at row iy + top, from column left): triples (destination, source or -1 for zeros,
 * length) in floats, zero runs that meet merged.
 */
export const padTable = (p: Plane, hp: number, wp: number, ch: number): number[] => {
  const t: number[] = [], row = wp * ch;
  const left = Math.min(p.left, wp) * ch, cols = Math.max(0, Math.min(p.w, wp - p.left)) * ch;
  const zeros = (at: number, n: number): void => {
    const k = t.length;
    if (n <= 0) return;
    if (k > 0 && t[k - 2] === -1 && t[k - 3]! + t[k - 1]! === at) t[k - 1]! += n;
    else t.push(at, -1, n);
  };
  for (let py = 0; py < hp; py++) {
    const iy = py - p.top, at = py * row;
    if (iy < 0 || iy >= p.h || cols === 0) { zeros(at, row); continue; }
    zeros(at, left);
    t.push(at + left, iy * p.w * ch, cols);
    zeros(at + left + cols, row - left - cols);
  }
  return t;
};

/** w [K·C, Cout] (any strides) as `panels` NR-wide panels of K·C rows at `base`, zero-padded past Cout */
const packPanels = (h: Float32Array, base: number, w: View, kc: number, cout: number, panels: number): void => {
  const data = w.data, rs = w.strides[0]!, cs = w.strides[1]!;
  for (let pn = 0, o = base; pn < panels; pn++) {
    const j0 = pn * NR, width = Math.min(NR, cout - j0);
    for (let q = 0; q < kc; q++) {
      const s = w.offset + q * rs + j0 * cs;
      for (let j = 0; j < NR; j++) h[o++] = j < width ? data[s + j * cs]! : 0;
    }
  }
};
