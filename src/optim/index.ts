/** @file Optax-style gradient transformations, optimizers, schedules, clipping and per-layer learning rates. */
export * from './transform.js';
