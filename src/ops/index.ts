/** @file Public ops over tensors (the primitive table stays inside this folder, reached through bind). */
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './layout.js';
export * from './join.js';
export * from './indexing.js';
export type { Operand } from './operand.js';
export * from './activations.js';
export {
  binaryCrossEntropyWithLogits, huber, meanSquaredError, softmaxCrossEntropy, softmaxCrossEntropyWithProbs,
  type BceOptions, type CrossEntropyOptions, type HuberOptions, type LossOptions, type LossResult, type Reduced, type Reduction,
} from './losses.js';
export { accuracy, topKAccuracy } from './metrics.js';
export * from './conv.js';
export * from './pool.js';
export * from './attention.js';
export { fuse } from './fuse.js';
export { standardize, type StandardizeOptions } from './normalize.js';
