/** @file Convolution on the WebAssembly SIMD direct kernels: the input copied in once as zero-padded images, the kernel packed as B panels, every kernel position summed in registers (no im2col), rows shared with the helper thread when big. */
import { numel } from '../shape/index.js';
import { CONV_NR as NR, type ConvArgs } from './wasm-conv-kernels.js';
import type { GemmKernels } from './wasm-gemm.js';
import { heap, helper, setResident } from './wasm-matmul.js';
import { MAX_SHARED_CHUNKS } from './wasm-threads.js';
import { windowCounts, type Window } from './reference-window.js';
import { contiguous, empty, type View } from './view.js';

const align16 = (n: number): number => (n + 15) & ~15;

/** bytes of B one block of panels may take: it stays in the L1 cache while a row's tiles sweep it */
const L1_BYTES = 1 << 15;
/** multiply-adds per shared chunk, at least (about 20 us): a late helper keeps this thread waiting no longer than that */
const CHUNK_WORK = 1 << 19;
/** chunks per shared call, at most: small enough that the last one keeps the other thread waiting little, each copied out as soon as it is done */
const MAX_CHUNKS = Math.min(32, MAX_SHARED_CHUNKS);

/** a 1-D or 2-D window as a 2-D one (a 1-D convolution is a 2-D one on images one row high) */
interface Plane {
  readonly h: number; readonly w: number; readonly kh: number; readonly kw: number;
  readonly sy: number; readonly sx: number; readonly dy: number; readonly dx: number;
  readonly top: number; readonly left: number; readonly ho: number; readonly wo: number;
}
/** the window as a plane, or undefined for what the kernels do not take (3-D and up, negative pads) */
const planeOf = (spatial: readonly number[], win: Window): Plane | undefined => {
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
  const out = empty('float32', [batch, ...windowCounts(spatial, win), cout]);
  const kc = w.shape[0]!, rows = batch * p.ho, pixels = rows * p.wo;
  if (numel(out.shape) === 0 || kc === 0) return out;
  const hp = (p.ho - 1) * p.sy + (p.kh - 1) * p.dy + 1, wp = (p.wo - 1) * p.sx + (p.kw - 1) * p.dx + 1;
  const panels = Math.ceil(cout / NR), ldc = panels * NR, runs = runTable(p, wp, ch);
  const image = hp * wp * ch;
  const bAt = 0, tableAt = align16(bAt + 4 * panels * kc * NR), xAt = align16(tableAt + 4 * runs.length);
  const cAt = align16(xAt + 4 * batch * image), end = cAt + 4 * pixels * ldc;
  setResident(undefined);
  const h = heap(kern, end);
  if (h === undefined) return undefined;
  packPanels(h, bAt >> 2, w, kc, cout, panels);
  new Int32Array(h.buffer, tableAt, runs.length).set(runs);
  padImages(h, xAt >> 2, contiguous(x), p, batch, ch, hp, wp);
  const args: ConvArgs = [
    xAt, 4 * image, 4 * p.sy * wp * ch, p.ho, p.wo, 4 * p.sx * ch, tableAt, runs.length / 2,
    bAt, 4 * kc * NR, panels, Math.max(1, Math.floor(L1_BYTES / (4 * kc * NR))), cAt, 4 * ldc, 0, rows,
  ];
  const c0 = cAt >> 2, o = out.data as Float32Array;
  // output rows r0 .. r1 - 1 out of memory (each pixel's ldc floats hold its cout outputs)
  const copyOut = (r0: number, r1: number): void => {
    if (ldc === cout) { o.set(h.subarray(c0 + r0 * p.wo * cout, c0 + r1 * p.wo * cout), r0 * p.wo * cout); return; }
    for (let i = r0 * p.wo, s = c0 + i * ldc, d = i * cout; i < r1 * p.wo; i++, s += ldc) for (let j = 0; j < cout; j++) o[d++] = h[s + j]!;
  };
  const work = pixels * ldc * kc, threaded = work >= threadsFrom ? helper(kern) : undefined;
  const chunks = Math.min(MAX_CHUNKS, rows, Math.max(2, Math.floor(work / CHUNK_WORK)));
  if (threaded === undefined || !threaded.ready() || chunks < 2) {
    kern.conv(...args);
    copyOut(0, rows);
    return out;
  }
  // rows cut into chunks that both threads claim; this thread copies each out as soon as it is done (its own while still in cache)
  const size = Math.ceil(rows / chunks);
  threaded.share({ kind: 'conv', args, size, chunks: Math.ceil(rows / size) }, (i) => copyOut(i * size, Math.min(rows, (i + 1) * size)));
  return out;
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

/** the contiguous x as `batch` zero-padded images of hp x wp pixels at `base`: row py holds input row py - top from column left */
const padImages = (h: Float32Array, base: number, x: View, p: Plane, batch: number, ch: number, hp: number, wp: number): void => {
  const src = x.data as Float32Array, rowFloats = wp * ch;
  const left = Math.min(p.left, wp) * ch, cols = Math.max(0, Math.min(p.w, wp - p.left)) * ch;
  for (let b = 0, o = base; b < batch; b++) {
    for (let py = 0; py < hp; py++, o += rowFloats) {
      const iy = py - p.top;
      if (iy < 0 || iy >= p.h) { h.fill(0, o, o + rowFloats); continue; }
      const s = x.offset + (b * p.h + iy) * p.w * ch;
      if (left > 0) h.fill(0, o, o + left);
      h.set(src.subarray(s, s + cols), o + left);
      if (left + cols < rowFloats) h.fill(0, o + left + cols, o + rowFloats);
    }
  }
};
