/** @file Kernels on flat strided storage: the Backend interface, views, and the reference kernels. */
export type { Backend, BinaryOp, ReduceOp, UnaryOp } from './backend.js';
export * from './view.js';
export { reference } from './reference.js';
export { fast } from './fast.js';
export { windowCounts, type Window } from './reference-window.js';
export { sumInto, writeInto } from './fast-accumulate.js';
export { forgetStorage, kernelInfo, type KernelInfo } from './wasm-matmul.js';
export { evaluateFused, programKey, type FusedDType, type FusedNode, type FusedProgram } from './fused-program.js';
