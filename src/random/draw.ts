/** @file What every sampler shares: argument checks, float32 uniforms from random bits, and the output tensor. */
import { fromStorage } from '../backend/index.js';
import { allocate, type DType, type StorageOf } from '../dtype/index.js';
import { numel, validShape, ValueError } from '../shape/index.js';
import { fromView, type Tensor } from '../tensor/index.js';
import { randomBits, type Key } from './key.js';

const f32 = Math.fround;

/** a validated runtime shape and its element count */
export const sized = (op: string, shape: readonly number[]): { readonly shape: number[]; readonly n: number } => {
  const sh = validShape(op, shape);
  return { shape: sh, n: numel(sh) };
};

/** throws a ValueError naming the op unless `ok` */
export const check = (ok: boolean, op: string, reason: string): void => {
  if (!ok) throw new ValueError(op, reason);
};

/** a constant tensor of `shape` whose elements are values[i] (rounded to the dtype on store) */
export const output = <S extends readonly number[], D extends DType>(
  dtype: D, shape: readonly number[], values: ArrayLike<number>,
): Tensor<[...S], D> => {
  const data: StorageOf[D] = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i]!;
  return fromView<[...S], D>(fromStorage(dtype, data, shape));
};

/**
 * Float32 uniforms in [minval, maxval) from uint32 random words, as JAX's `_uniform` for float32:
 * the top 23 bits become the mantissa of a float in [1, 2) (bits >>> 9 | 0x3f800000), minus 1,
 * then `u * (maxval - minval) + minval`, every step rounded to float32, floored at minval.
 */
export const uniformFromBits = (bits: Uint32Array, minval: number, maxval: number): Float64Array => {
  const lo = f32(minval), span = f32(f32(maxval) - lo);
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    // the float in [1, 2) minus 1 is exactly the 23 mantissa bits over 2^23
    const unit = (bits[i]! >>> 9) * 2 ** -23;
    out[i] = Math.max(lo, f32(f32(unit * span) + lo));
  }
  return out;
};
/** n float32 uniforms in [minval, maxval) from a key */
export const uniformFloats = (op: string, k: Key, n: number, minval: number, maxval: number): Float64Array =>
  uniformFromBits(randomBits(op, k, n), minval, maxval);

/** the float32 next to x in the direction of `toward` (C's nextafterf) */
export const nextAfter32 = (x: number, toward: number): number => {
  const v = f32(x);
  if (Number.isNaN(v) || Number.isNaN(toward) || v === toward) return v;
  if (v === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  const buf = new Float32Array([v]);
  const word = new Int32Array(buf.buffer);
  word[0]! += (toward > v) === (v > 0) ? 1 : -1;
  return buf[0]!;
};
