/** @file Splittable PRNG keys (Threefry-2x32, JAX's scheme) and samplers that turn a key into constant tensors. */
export { foldIn, isKey, key, keyData, split, type Key, type Keys } from './key.js';
export { threefry2x32 } from './threefry.js';
export {
  normal, truncatedNormal, uniform, type NormalOptions, type TruncatedNormalOptions, type UniformOptions,
} from './continuous.js';
export { bernoulli, categorical, gumbel, permutation, randint } from './discrete.js';
