/** @file Discrete samplers (bernoulli, randint, categorical, permutation) and Gumbel noise, as JAX draws them. */
import type { Check } from '../../types/index.js';
import { add, argmax, stopGradient } from '../ops/index.js';
import { normAxis, type AsShape, type Reduce, type Shape } from '../shape/index.js';
import type { AnyTensor, Tensor } from '../tensor/index.js';
import { check, output, sized, uniformFloats } from './draw.js';
import { checkKey, randomBits, split, type Key } from './key.js';

const f32 = Math.fround;

/**
 * Booleans that are true with probability p (JAX's `bernoulli`: uniform(k, shape) < p).
 * @example bernoulli(key(0), 0.9, [4]) // keep-masks for dropout with rate 0.1
 */
export const bernoulli = <const S extends readonly number[] = []>(k: Key, p = 0.5, shape?: S): Tensor<[...S], 'bool'> => {
  check(p >= 0 && p <= 1, 'bernoulli', `p ${p} must be in [0, 1]`);
  const { shape: sh, n } = sized('bernoulli', shape ?? []);
  const p32 = f32(p);
  return output<S, 'bool'>('bool', sh, uniformFloats('bernoulli', k, n, 0, 1).map((u) => (u < p32 ? 1 : 0)));
};

const I32_MIN = -(2 ** 31), I32_MAX = 2 ** 31 - 1;
/** uint32 remainder as XLA defines it: x rem 0 is x (a span of 0 stands for 2^32) */
const urem = (x: number, span: number): number => (span === 0 ? x : x % span);

/**
 * Uniform int32 values in [minval, maxval) (JAX's `randint`: two 32-bit draws combined modulo the
 * span, as JAX does, with its wrapping uint32 arithmetic; maxval may be 2^31 for the full int32 top).
 * @example randint(key(0), [5], 0, 10)
 */
export const randint = <const S extends readonly number[]>(k: Key, shape: S, minval: number, maxval: number): Tensor<[...S], 'int32'> => {
  const { shape: sh, n } = sized('randint', shape);
  check(Number.isInteger(minval) && Number.isInteger(maxval) && minval < maxval && minval >= I32_MIN && maxval <= 2 ** 31,
    'randint', `needs integers minval < maxval within int32 (maxval up to 2^31), got [${minval}, ${maxval})`);
  checkKey('randint', k);
  const [k1, k2] = split(k);
  const higher = randomBits('randint', k1, n), lower = randomBits('randint', k2, n);
  // maxval past the int32 top is clipped to it and the span grows by one (2^32 wraps to 0)
  const span = ((Math.min(maxval, I32_MAX) - minval + (maxval > I32_MAX ? 1 : 0)) >>> 0);
  const half = urem(2 ** 16, span);
  const multiplier = urem(Math.imul(half, half) >>> 0, span);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = ((Math.imul(urem(higher[i]!, span), multiplier) >>> 0) + urem(lower[i]!, span)) >>> 0;
    values[i] = (minval + urem(offset, span)) | 0;
  }
  return output<S, 'int32'>('int32', sh, values);
};

/**
 * Standard Gumbel float32 noise, −log(−log(u)) with u uniform in [tiny, 1) (JAX's `gumbel`).
 * @example gumbel(key(0), [3])
 */
export const gumbel = <const S extends readonly number[] = []>(k: Key, shape?: S): Tensor<[...S]> => {
  const { shape: sh, n } = sized('gumbel', shape ?? []);
  const u = uniformFloats('gumbel', k, n, 2 ** -126, 1);
  return output<S, 'float32'>('float32', sh, u.map((v) => f32(-Math.log(f32(-Math.log(v))))));
};

/**
 * Class indices drawn with probabilities softmax(logits) along `axis`, which the result drops:
 * the Gumbel-max trick, argmax(logits + gumbel noise), as JAX's `categorical`.
 * @example categorical(key(0), logits) // logits [B, C] -> Tensor<[B], 'int32'>
 */
export const categorical = <S extends Shape, D extends 'float32' | 'int32', const Ax extends number = -1>(
  k: Key, logits: Tensor<S, D>,
  /** axis: the axis holding the classes (default -1) */
  options?: { readonly axis?: Check<Reduce<S, Ax, false, 'categorical'>, Ax> },
): Tensor<AsShape<Reduce<S, NoInfer<Ax>, false, 'categorical'>>, 'int32'> => {
  checkKey('categorical', k);
  const x: AnyTensor = stopGradient(logits); // indices carry no gradient
  check(x.rank > 0, 'categorical', 'logits must have at least one axis');
  const axis = normAxis('categorical', (options?.axis ?? -1) as number, x.shape);
  const drawn: AnyTensor = argmax(add(gumbel(k, x.shape), x), axis);
  return drawn as Tensor<AsShape<Reduce<S, Ax, false, 'categorical'>>, 'int32'>;
};

/**
 * A uniformly random permutation of 0..n-1 as int32 (JAX's `permutation(key, n)`: stable sorts by
 * fresh 32-bit keys, ceil(3·ln n / ln(2^32 − 1)) rounds, so ties between sort keys do not bias it).
 * @example permutation(key(0), 5) // e.g. [3, 0, 4, 1, 2]
 */
export const permutation = <const N extends number>(k: Key, n: N): Tensor<[N], 'int32'> => {
  checkKey('permutation', k);
  check(Number.isSafeInteger(n) && n >= 0, 'permutation', `n ${n} must be a non-negative integer`);
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let order = Array.from({ length: n }, (_, i) => i);
  let current = k;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current);
    const sortKeys = randomBits('permutation', sub, n);
    // Array.prototype.sort is stable: equal sort keys keep the previous round's order
    order = order.map((v, i) => [sortKeys[i]!, v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    current = next;
  }
  return output<[N], 'int32'>('int32', [n], order);
};
