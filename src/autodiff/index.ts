/** @file Reverse-mode autodiff as combinators: grad, valueAndGrad, vjp, jvp, customVjp, checkpoint, checkGrad. */
export { grad, gradient, jvp, valueAndGrad, valueAndGradAt, vjp, type ArgNums, type GradOf, type GradOptions, type ValueAndGradOptions } from './grad.js';
export { checkpoint, customVjp, type Cotangents } from './custom.js';
export { checkGrad, type CheckGradOptions, type CheckGradReport, type GradMismatch } from './check.js';
export { tapeFootprint } from './vjp.js';
