/** @file The reference backend: clear float64-accumulating TypeScript kernels, the oracle for fast ones. */
import type { Backend } from './backend.js';
import { binary, cast, unary, where } from './reference-elementwise.js';
import { concat, pad } from './reference-layout.js';
import { gather, scatterAdd, take } from './reference-index.js';
import { matmul } from './reference-matmul.js';
import { argReduce, argsort, cumsum, reduce } from './reference-reduce.js';
import { foldPatches, patches, windowCounts, type Window } from './reference-window.js';
import { ShapeMismatchError } from '../shape/index.js';
import { fromStorage, reshaped, type View } from './view.js';
import { evaluateFused } from './fused-program.js';

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
/** convolution as im2col: the patches read as [rows, K·C] times the kernel matrix */
const conv = (x: View, w: View, window: Window): View => {
  const d = window.kernel.length, kc = prod(window.kernel) * x.shape[x.shape.length - 1]!;
  if (x.shape.length !== d + 2 || w.shape.length !== 2 || w.shape[0] !== kc) {
    throw new ShapeMismatchError('conv', `takes x [batch, ...${d} spatial, channels] and a kernel matrix [${kc}, out]`, [x.shape, w.shape]);
  }
  const outs = windowCounts(x.shape.slice(1, -1), window), rows = x.shape[0]! * prod(outs);
  const y = matmul(reshaped(patches(x, window, 0), [rows, kc]), w, []);
  return fromStorage(y.dtype, y.data, [x.shape[0]!, ...outs, w.shape[1]!]);
};
/** conv's kernel gradient as im2col: the patches read as [rows, K·C], transposed, times dy read as [rows, Cout] */
const convFilter = (x: View, dy: View, window: Window): View => {
  const d = window.kernel.length, kc = prod(window.kernel) * x.shape[x.shape.length - 1]!;
  const outs = windowCounts(x.shape.slice(1, -1), window), rows = x.shape[0]! * prod(outs);
  if (x.shape.length !== d + 2 || dy.shape.length !== d + 2 || dy.shape[0] !== x.shape[0] || dy.shape.slice(1, -1).some((n, i) => n !== outs[i])) {
    throw new ShapeMismatchError('convFilter', `takes x [batch, ...${d} spatial, channels] and dy [batch, ...[${outs}], out]`, [x.shape, dy.shape]);
  }
  const p = reshaped(patches(x, window, 0), [rows, kc]);
  return matmul({ ...p, shape: [kc, rows], strides: [p.strides[1]!, p.strides[0]!] }, reshaped(dy, [rows, dy.shape[d + 1]!]), []);
};

/** the reference kernels: every Backend op on strided views, written for clarity over speed */
export const reference: Backend = {
  name: 'reference',
  unary,
  binary,
  where,
  reduce,
  argReduce,
  cumsum,
  argsort,
  matmul,
  take,
  gather,
  scatterAdd,
  pad,
  concat,
  cast,
  patches,
  foldPatches,
  conv,
  convFilter,
  fused: (program, inputs, shape) => evaluateFused({ unary, binary, where, cast }, program, inputs, shape),
};
