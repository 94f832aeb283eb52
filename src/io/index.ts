/** @file Checkpoints in the safetensors format: serialize/deserialize (no file system), atomic save/load, metadata, name mapping. */
export type { FormatProblem, LoadError, Mismatch, TensorInfo } from './errors.js';
export type { FileDType } from './dtypes.js';
export { serialize, type Metadata } from './format.js';
export { deserialize, deserializeTensors, restore } from './checkpoint.js';
export { load, loadTensors, readMetadata, save } from './files.js';
export { defineRule, ignore, mapCheckpoint, rename, type Rule } from './mapping.js';
export * as fromPytorch from './pytorch.js';
