/** @file The reference backend: clear float64-accumulating TypeScript kernels, the oracle for fast ones. */
import type { Backend } from './backend.js';
import { binary, cast, unary, where } from './reference-elementwise.js';
import { concat, pad } from './reference-layout.js';
import { gather, scatterAdd, take } from './reference-index.js';
import { matmul } from './reference-matmul.js';
import { argReduce, argsort, cumsum, reduce } from './reference-reduce.js';
import { foldPatches, patches } from './reference-window.js';

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
};
