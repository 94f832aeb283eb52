/** @file Optax-style gradient transformations, optimizers, schedules, clipping and per-layer learning rates. */
export * from './transform.js';
export * from './schedules.js';
export { zeroCount, type Count, type CountState, type IfGiven, type IfTrue } from './common.js';
export * from './basic.js';
export * from './moments.js';
export * from './masking.js';
export * from './inject.js';
export * from './aliases.js';
