/** @file Training: a pure trainStep builder, fit over epochs with progress, and a terminal progress bar. */
export * from './step.js';
export * from './fit.js';
