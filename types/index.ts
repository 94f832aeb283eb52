/** @file Compile-time-only helpers shared by src/: digit arithmetic, error carriers, equality. */
export type * from './arith.js';
export type * from './errors.js';
export type * from './util.js';
