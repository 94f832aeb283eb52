/** @file shapegrad's public surface. */
export * from './ops/index.js';
export {
  arange, eye, fromArray, fromNested, full, isTensor, item, linspace, named, ones, tensor, toArray, toNested, zeros,
  type AnyTensor, type BoundaryError, type Scalar, type Tensor,
} from './tensor/index.js';
export type { DType, NumericDType } from './dtype/index.js';
export {
  ShapeMismatchError, ValueError,
  type Axes, type Dim, type PadWidths, type RuntimeShape, type Shape, type SliceSpec,
} from './shape/index.js';
export type { ShapeError } from '../types/index.js';
export {
  checkGrad, checkpoint, customVjp, grad, jvp, tapeFootprint, valueAndGrad, vjp,
  type ArgNums, type CheckGradOptions, type CheckGradReport, type Cotangents, type GradMismatch, type GradOf,
  type GradOptions, type ValueAndGradOptions,
} from './autodiff/index.js';
export { leaves, leavesWithPath, map as mapTree, unflatten, zipWith, type BadLeaves, type Path, type TreeOf } from './tree/index.js';
export * as random from './random/index.js';
export { foldIn, isKey, key, type Key } from './random/index.js';
export * as nn from './layers/index.js';
export * as optim from './optim/index.js';
export { fit, progressBar, readLearningRate, trainStep, type Batch, type FitOptions, type FitResult, type Metric, type Progress, type Step, type StepResult, type TextSink } from './train/index.js';
export * as io from './io/index.js';
export * as analysis from './analysis/index.js';
export { kernelInfo, type KernelInfo } from './backend/index.js';
