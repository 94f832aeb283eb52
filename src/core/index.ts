/** @file The primitive interface, bind, and the trace stack autodiff is built on. */
export type { Abstract, PrimitiveDef } from './primitive.js';
export { backend, bind } from './bind.js';
export {
  applyCustom, applyTraced, backward, idAt, live, newTracer, tapeStats, withTrace, type Product, type Pullback, type Trace,
} from './trace.js';
export { stage, staging, type Staged } from './stage.js';
