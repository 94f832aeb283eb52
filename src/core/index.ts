/** @file The primitive interface and bind (the trace stack joins here with autodiff). */
export type { Abstract, PrimitiveDef } from './primitive.js';
export { backend, bind } from './bind.js';
