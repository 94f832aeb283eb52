/** @file The one traversal of parameter records, shared by autodiff, optimizers, io and analysis. */
export * from './tree.js';
