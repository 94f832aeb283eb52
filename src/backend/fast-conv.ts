/** @file Fast convolution: the direct WebAssembly SIMD kernels where they apply, else the fast patches and matmul composed as the reference composes its own. */
import { numel } from '../shape/index.js';
import { makeMatmul, type MatmulOptions } from './fast-matmul.js';
import { patches } from './fast-window.js';
import { windowCounts, type Window } from './reference-window.js';
import { convWasm } from './wasm-conv.js';
import { convFilterWasm } from './wasm-conv-filter-run.js';
import { wasmKernels } from './wasm-matmul.js';
import { reference } from './reference.js';
import { fromStorage, reshaped, type View } from './view.js';

/** from how many multiply-adds a convolution's rows are shared with the helper thread (as matmul's products) */
const THREADS_FROM = 1 << 20;

/**
 * conv (see Backend) on the direct wasm kernels when `wasm`, both operands are float32 on
 * Float32Array storage, the window is 1-D or 2-D with pads >= 0 and the memory holds it (float32
 * sums in patches order, as the SIMD matmul on materialized patches); otherwise, and for every
 * error, patches then matmul on the fast kernels (float64 storage under withFloat64 sums in
 * float64 there, as the reference).
 */
export const makeConv = ({ wasm, threadsFrom }: MatmulOptions) => {
  const matmul = makeMatmul({ wasm, threadsFrom });
  return (x: View, w: View, window: Window): View => {
    const d = window.kernel.length, ch = x.shape[x.shape.length - 1]!;
    const fits = x.shape.length === d + 2 && w.shape.length === 2 && w.shape[0] === numel(window.kernel) * ch;
    const kern = wasm && fits && x.data instanceof Float32Array && w.data instanceof Float32Array && x.dtype === 'float32' && w.dtype === 'float32'
      ? wasmKernels() : undefined;
    const y = kern === undefined ? undefined : convWasm(kern, x, w, window, threadsFrom);
    if (y !== undefined) return y;
    if (!fits) return reference.conv(x, w, window); // its error
    const outs = windowCounts(x.shape.slice(1, -1), window), rows = x.shape[0]! * numel(outs);
    const p = matmul(reshaped(patches(x, window, 0), [rows, w.shape[0]!]), w, []);
    return fromStorage(p.dtype, p.data, [x.shape[0]!, ...outs, w.shape[1]!]);
  };
};
/**
 * convFilter (see Backend) on the wasm kernels under the same conditions as conv (float32 sums
 * per chunk of images, the chunks added in order in float64); otherwise, and for every error,
 * patches then matmul on the fast kernels.
 */
export const makeConvFilter = ({ wasm, threadsFrom }: MatmulOptions) => {
  const matmul = makeMatmul({ wasm, threadsFrom });
  return (x: View, dy: View, window: Window): View => {
    const d = window.kernel.length, outs = windowCounts(x.shape.slice(1, -1), window);
    const fits = x.shape.length === d + 2 && dy.shape.length === d + 2 && dy.shape[0] === x.shape[0] && dy.shape.slice(1, -1).every((n, i) => n === outs[i]);
    const kern = wasm && fits && x.data instanceof Float32Array && dy.data instanceof Float32Array && x.dtype === 'float32' && dy.dtype === 'float32'
      ? wasmKernels() : undefined;
    const y = kern === undefined ? undefined : convFilterWasm(kern, x, dy, window, threadsFrom);
    if (y !== undefined) return y;
    if (!fits) return reference.convFilter(x, dy, window); // its error
    const rows = x.shape[0]! * numel(outs), kc = numel(window.kernel) * x.shape[d + 1]!;
    const p = reshaped(patches(x, window, 0), [rows, kc]);
    return matmul({ ...p, shape: [kc, rows], strides: [p.strides[1]!, p.strides[0]!] }, reshaped(dy, [rows, dy.shape[d + 1]!]), []);
  };
};
/** convolution on the direct wasm kernels, big ones on two threads */
export const conv = makeConv({ wasm: true, threadsFrom: THREADS_FROM });
/** conv's kernel gradient on the wasm kernels, big ones on two threads */
export const convFilter = makeConvFilter({ wasm: true, threadsFrom: THREADS_FROM });
