/** @file Continuous samplers: uniform, normal and truncated normal float32 tensors from a key (JAX's algorithms). */
import { erf } from '../ops/index.js';
import { full, item, type Tensor } from '../tensor/index.js';
import { check, nextAfter32, output, sized, uniformFloats, uniformFromBits } from './draw.js';
import { ndtri } from './erfinv.js';
import { randomBits, type Key } from './key.js';

const f32 = Math.fround;
const SQRT2_F32 = f32(Math.SQRT2);

/** uniform options: the range [minval, maxval) (default [0, 1)) */
export interface UniformOptions { readonly minval?: number; readonly maxval?: number }
/** normal options: the mean (default 0) and standard deviation (default 1) */
export interface NormalOptions { readonly mean?: number; readonly std?: number }
/** truncated normal options: the standard normal's bounds (default ±2), then the mean and std applied after */
export interface TruncatedNormalOptions extends NormalOptions { readonly lower?: number; readonly upper?: number }

/** checks mean and std and returns z -> mean + std·z in float32 steps (as `mean + std * normal(k)` in JAX) */
const affine = (op: string, mean: number, std: number): ((z: number) => number) => {
  check(Number.isFinite(mean), op, `mean ${mean} must be finite`);
  check(Number.isFinite(std) && std >= 0, op, `std ${std} must be finite and non-negative`);
  const m = f32(mean), s = f32(std);
  return (z) => f32(f32(s * z) + m);
};

/**
 * Uniform float32 values in [minval, maxval) (JAX's `uniform`: 23 random mantissa bits per value).
 * @example uniform(key(0)) // 0.947667, as jax.random.uniform(jax.random.key(0))
 */
export const uniform = <const S extends readonly number[] = []>(k: Key, shape?: S, options?: UniformOptions): Tensor<[...S]> => {
  const { shape: sh, n } = sized('uniform', shape ?? []);
  const minval = options?.minval ?? 0, maxval = options?.maxval ?? 1;
  check(Number.isFinite(minval) && Number.isFinite(maxval) && minval < maxval, 'uniform',
    `needs finite minval < maxval, got [${minval}, ${maxval})`);
  return output<S, 'float32'>('float32', sh, uniformFloats('uniform', k, n, minval, maxval));
};

// √2·erfinv(u) for u uniform in [minval, maxval) ⊂ [-1, 1]; JAX's truncated normal narrows the range
const standardNormals = (bits: Uint32Array, minval: number, maxval: number): Float64Array =>
  uniformFromBits(bits, minval, maxval).map((u) => f32(ndtri((1 + u) / 2)));
/**
 * Standard normals from uint32 random words, as JAX's `_normal_real`: u uniform in
 * [nextafter(-1, 0), 1), then √2·erfinv(u) = Φ⁻¹((1 + u)/2), evaluated in double (Wichura's
 * AS 241) and rounded once to float32. Internal (tests feed it JAX's other counter layouts).
 */
export const normalFromBits = (bits: Uint32Array): Float64Array => standardNormals(bits, nextAfter32(-1, 0), 1);

/**
 * Normal float32 values, mean + std·z with z = √2·erfinv(u) and u uniform in (-1, 1) (JAX's `normal`).
 * @example normal(key(0), [2, 3], { std: 0.1 })
 */
export const normal = <const S extends readonly number[] = []>(k: Key, shape?: S, options?: NormalOptions): Tensor<[...S]> => {
  const { shape: sh, n } = sized('normal', shape ?? []);
  const mean = options?.mean ?? 0, std = options?.std ?? 1;
  const scale = affine('normal', mean, std);
  return output<S, 'float32'>('float32', sh, normalFromBits(randomBits('normal', k, n)).map(scale));
};

/**
 * Truncated normal float32 values: z is a standard normal conditioned on lower < z < upper (default
 * ±2, in units of the standard normal, not of `std`), and the result is mean + std·z; so with the
 * default bounds the realised std is about 0.88·std. As JAX's `truncated_normal`: u uniform in
 * [erf(lower/√2), erf(upper/√2)), z = √2·erfinv(u), clamped inside the open interval.
 */
export const truncatedNormal = <const S extends readonly number[] = []>(
  k: Key, shape?: S, options?: TruncatedNormalOptions,
): Tensor<[...S]> => {
  const { shape: sh, n } = sized('truncatedNormal', shape ?? []);
  const lower = options?.lower ?? -2, upper = options?.upper ?? 2, mean = options?.mean ?? 0, std = options?.std ?? 1;
  check(lower < upper, 'truncatedNormal', `needs lower < upper, got lower ${lower} and upper ${upper}`);
  const scale = affine('truncatedNormal', mean, std);
  const erf32 = (x: number): number => item(erf(full([], f32(f32(x) / SQRT2_F32))));
  const lo = nextAfter32(lower, Infinity), hi = nextAfter32(upper, -Infinity);
  const z = standardNormals(randomBits('truncatedNormal', k, n), erf32(lower), erf32(upper));
  return output<S, 'float32'>('float32', sh, z.map((v) => scale(Math.min(hi, Math.max(lo, v)))));
};
