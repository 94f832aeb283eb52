/** @file Layers as typed pure functions ({ init, apply }), combinators, initializers and data-dependent init. */
export * from './layer.js';
export * from './basic.js';
export * from './combinators.js';
export * from './conv.js';
export * from './attention.js';
export * from './transformer.js';
export * from './recurrent-cells.js';
export * from './recurrent.js';
export { lsuvInit } from './lsuv.js';
export * as init from './initializers.js';
export type { Initializer } from './initializers.js';
export * from './normalization.js';
