/** @file The Tensor value, its constructors and conversions. */
export * from './tensor.js';
export * from './constructors.js';
export * from './convert.js';
