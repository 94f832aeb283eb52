/** @file Weight initializers: pure (key, shape) -> float32 tensor functions (JAX/Keras variance scaling, orthogonal, PyTorch defaults). */
import * as E from 'fp-ts/lib/Either.js';
import * as random from '../random/index.js';
import type { Key } from '../random/index.js';
import { numel, ValueError } from '../shape/index.js';
import { fromArray, full, toArray, type Tensor } from '../tensor/index.js';

/** an initializer: a float32 tensor of the given shape, a pure function of the key */
export type Initializer = <const S extends readonly number[]>(key: Key, shape: S) => Tensor<[...S]>;

/** the fan-in and fan-out of a weight shape */
export interface Fans { readonly fanIn: number; readonly fanOut: number }
/**
 * Fans of a kernel: dense `[in, out]` gives (in, out); a conv kernel `[...k, in, out]` (HWIO)
 * multiplies both by the receptive field (the product of the leading dims); a 1-D shape gives its
 * size for both, a scalar 1 for both.
 * @example fans([3, 3, 16, 32]) // { fanIn: 144, fanOut: 288 }
 */
export const fans = (shape: readonly number[]): Fans => {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = numel(shape.slice(0, -2));
  return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
};

/** zeros */
export const zeros: Initializer = (_key, shape) => full(shape, 0);
/** ones */
export const ones: Initializer = (_key, shape) => full(shape, 1);
/** every element equal to `value` */
export const constant = (value: number): Initializer => (_key, shape) => full(shape, value);

/** N(0, std²), a plain (untruncated) normal */
export const normal = (std = 0.01): Initializer => (key, shape) => random.normal(key, shape, { std });
/** U(-scale, scale) */
export const uniform = (scale = 0.05): Initializer => (key, shape) =>
  random.uniform(key, shape, { minval: -scale, maxval: scale });
/**
 * std·z with z a standard normal truncated to (-2, 2) (JAX's and Keras' `truncated_normal`):
 * `std` is the parameter, the realised standard deviation is about 0.88·std.
 */
export const truncatedNormal = (std = 0.01): Initializer => (key, shape) => random.truncatedNormal(key, shape, { std });

/** which fan variance scaling divides by: fanIn, fanOut, or their mean */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** variance-scaling options (JAX's `variance_scaling`, Keras' `VarianceScaling`) */
export interface VarianceScalingOptions {
  /** the target variance is scale / n (default 1) */
  readonly scale?: number;
  /** n is fanIn (default), fanOut or (fanIn + fanOut) / 2 */
  readonly mode?: FanMode;
  /** the distribution (default truncatedNormal) */
  readonly distribution?: 'truncatedNormal' | 'normal' | 'uniform';
}
// the standard deviation of a standard normal truncated to (-2, 2)
const TRUNCATED_STD = 0.87962566103423978;
const MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
const DISTRIBUTIONS = ['truncatedNormal', 'normal', 'uniform'] as const;

/**
 * Variance scaling: values with variance scale / n, n from the fans by `mode`. truncatedNormal cuts
 * a normal at ±2 stddev with stddev sqrt(scale / n) / 0.8796... so that the realised std is
 * sqrt(scale / n); normal is N(0, scale / n); uniform is U(±sqrt(3·scale / n)).
 * @example varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'normal' }) // torch kaiming_normal_
 */
export const varianceScaling = (options: VarianceScalingOptions = {}): Initializer => {
  const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal' } = options;
  if (!(Number.isFinite(scale) && scale > 0)) throw new ValueError('varianceScaling', `scale ${scale} must be positive`);
  if (!MODES.includes(mode)) throw new ValueError('varianceScaling', `mode ${String(mode)} is not one of ${MODES.join(', ')}`);
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new ValueError('varianceScaling', `distribution ${String(distribution)} is not one of ${DISTRIBUTIONS.join(', ')}`);
  }
  return (key, shape) => {
    const { fanIn, fanOut } = fans(shape);
    const n = Math.max(1, mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2);
    const std = Math.sqrt(scale / n);
    if (distribution === 'truncatedNormal') return random.truncatedNormal(key, shape, { std: std / TRUNCATED_STD });
    if (distribution === 'normal') return random.normal(key, shape, { std });
    return random.uniform(key, shape, { minval: -Math.sqrt(3) * std, maxval: Math.sqrt(3) * std });
  };
};

/** Glorot (Xavier) uniform: U(±sqrt(6 / (fanIn + fanOut))) */
export const glorotUniform: Initializer = varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform' });
/** Glorot normal as in JAX/Keras: truncated at ±2σ and rescaled so the std is sqrt(2 / (fanIn + fanOut)) (torch's xavier_normal_ is untruncated) */
export const glorotNormal: Initializer = varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' });
/** He (Kaiming) uniform: U(±sqrt(6 / fan)), fan = fanIn by default */
export const heUniform = ({ mode = 'fanIn' }: { readonly mode?: FanMode } = {}): Initializer =>
  varianceScaling({ scale: 2, mode, distribution: 'uniform' });
/** He normal as in JAX/Keras: truncated at ±2σ and rescaled so the std is sqrt(2 / fan) (torch's kaiming_normal_ is untruncated) */
export const heNormal = ({ mode = 'fanIn' }: { readonly mode?: FanMode } = {}): Initializer =>
  varianceScaling({ scale: 2, mode, distribution: 'truncatedNormal' });
/** LeCun uniform: U(±sqrt(3 / fanIn)) */
export const lecunUniform: Initializer = varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform' });
/** LeCun normal as in JAX/Keras: truncated at ±2σ and rescaled so the std is 1 / sqrt(fanIn) */
export const lecunNormal: Initializer = varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });

/** PyTorch's default Linear/Conv weight init (kaiming_uniform_ with a = √5): U(±1 / sqrt(fanIn)) */
export const torchLinearKernel: Initializer = (key, shape) => {
  const a = 1 / Math.sqrt(Math.max(1, fans(shape).fanIn));
  return random.uniform(key, shape, { minval: -a, maxval: a });
};
/** PyTorch's default Linear/Conv bias init for a layer with the given fan-in: U(±1 / sqrt(fanIn)) */
export const torchLinearBias = (fanIn: number): Initializer => {
  if (!(Number.isInteger(fanIn) && fanIn > 0)) throw new ValueError('torchLinearBias', `fanIn ${fanIn} must be a positive integer`);
  return uniform(1 / Math.sqrt(fanIn));
};

/** Orthonormalises the n columns of the row-major m x n matrix `a` (m >= n) by modified Gram-Schmidt, run twice */
const orthonormalColumns = (a: ArrayLike<number>, m: number, n: number): Float64Array => {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    // a second pass restores orthogonality lost to rounding ("twice is enough")
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + p]! * q[i * n + j]!;
        for (let i = 0; i < m; i++) q[i * n + j]! -= dot * q[i * n + p]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j]! /= norm;
  }
  return q;
};

/**
 * Orthogonal init (JAX's `orthogonal`, Saxe et al. 2014): the shape is read as a matrix
 * [product of all dims but the last, last dim]; a normal matrix (transposed to be tall) is
 * factored A = QR with diag(R) > 0 (the sign correction that makes Q uniform over orthogonal
 * matrices), and gain·Q (or its transpose) fills it: orthonormal columns if rows >= cols, else rows.
 * @example orthogonal()(key(0), [64, 64]) // W^T W = I
 */
export const orthogonal = (gain = 1): Initializer => (key, shape) => {
  if (shape.length < 2) throw new ValueError('orthogonal', `needs a shape of rank >= 2, got [${shape.join(', ')}]`);
  const cols = shape.at(-1)!, rows = numel(shape) / Math.max(1, cols);
  const tall = rows >= cols, m = tall ? rows : cols, n = tall ? cols : rows;
  // Gram-Schmidt gives R a positive diagonal, so Q is already sign-corrected
  const q = orthonormalColumns(toArray(random.normal(key, [m, n])), m, n);
  const values = Array.from({ length: rows * cols }, (_, k) => {
    const i = Math.floor(k / cols), j = k % cols;
    return gain * (tall ? q[i * n + j]! : q[j * n + i]!);
  });
  return E.getOrElseW((e: Error): never => { throw e; })(fromArray(values, shape));
};
