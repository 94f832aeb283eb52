/** @file Shape rules: each static (type-level) rule sits beside its runtime twin. */
export * from './dims.js';
export * from './errors.js';
export * from './broadcast.js';
export * from './matmul.js';
export * from './reduce.js';
export * from './layout.js';
export * from './join.js';
export * from './select.js';
export * from './einsum.js';
export * from './conv.js';
