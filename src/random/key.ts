/** @file PRNG keys as values: key(seed), split, foldIn, and the random bits a key stands for (JAX's threefry scheme). */
import type { Compare, IsNatural } from '../../types/index.js';
import { ValueError } from '../shape/index.js';
import { threefry2x32 } from './threefry.js';

/** where a key keeps its two uint32 words; internal to shapegrad */
export const KEY_WORDS: unique symbol = Symbol('shapegrad.key');

/**
 * A PRNG key: an immutable value holding two uint32 words. The same key always draws the same
 * numbers, so split it (or foldIn a counter) for each new random quantity.
 */
export interface Key {
  readonly [KEY_WORDS]: readonly [number, number];
}

const make = (hi: number, lo: number): Key =>
  Object.freeze({
    [KEY_WORDS]: Object.freeze([hi >>> 0, lo >>> 0] as const),
    [Symbol.for('nodejs.util.inspect.custom')]: showKey,
  });
function showKey(this: Key): string {
  const [hi, lo] = this[KEY_WORDS];
  return `Key(0x${hi.toString(16).padStart(8, '0')}, 0x${lo.toString(16).padStart(8, '0')})`;
}

/** true for a PRNG key */
export const isKey = (x: unknown): x is Key =>
  typeof x === 'object' && x !== null && KEY_WORDS in x;
/** the words of a key, or a ValueError naming the op */
export const checkKey = (op: string, k: unknown): readonly [number, number] => {
  if (!isKey(k)) throw new ValueError(op, `expects a PRNG key (from key, split or foldIn), got ${typeof k}`);
  return k[KEY_WORDS];
};

/**
 * A key from an integer seed, as JAX's `key(seed)`: the words are the high and low 32 bits of the
 * seed as a 64-bit integer (negative seeds in two's complement).
 * @example keyData(key(0)) // [0, 0]
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed)) throw new ValueError('key', `seed ${seed} is not a safe integer`);
  const bits = BigInt.asUintN(64, BigInt(seed));
  return make(Number(bits >> 32n), Number(bits & 0xffffffffn));
};

/** the two uint32 words of a key (JAX's `key_data`) */
export const keyData = (k: Key): readonly [number, number] => checkKey('keyData', k);

/** the result type of split(k, n): a tuple for a small literal n, else an array */
export type Keys<N extends number> =
  IsNatural<N> extends true ? (Compare<N, 65> extends -1 ? KeyTuple<N> : readonly Key[]) : readonly Key[];
type KeyTuple<N extends number, Acc extends Key[] = []> =
  Acc['length'] extends N ? Readonly<Acc> : KeyTuple<N, [...Acc, Key]>;

/**
 * n new keys from one (default 2); key i is threefry2x32(k, (hi(i), lo(i))), as JAX's split with
 * `jax_threefry_partitionable` (the default since JAX 0.5).
 * @example const [params, dropout] = split(key(0))
 */
export function split<const N extends number = 2>(k: Key, n?: N): Keys<N>;
export function split(k: Key, n = 2): readonly Key[] {
  const [k0, k1] = checkKey('split', k);
  if (!Number.isSafeInteger(n) || n < 0) throw new ValueError('split', `n ${n} must be a non-negative integer`);
  return Object.freeze(Array.from({ length: n }, (_, i) => {
    const [a, b] = threefry2x32(k0, k1, Math.floor(i / 2 ** 32), i >>> 0);
    return make(a, b);
  }));
}

/**
 * A new key from a key and an integer (a step, a layer index...), as JAX's fold_in: the data is
 * read as uint32 (so it must lie in [-2^31, 2^32)) and hashed as the counter (0, data). So, as in
 * JAX, foldIn(k, i) is the same key as split(k, n)[i]: derive keys from one parent one way only.
 */
export const foldIn = (k: Key, data: number): Key => {
  const [k0, k1] = checkKey('foldIn', k);
  if (!Number.isInteger(data) || data < -(2 ** 31) || data >= 2 ** 32) {
    throw new ValueError('foldIn', `data ${data} must be an integer in [-2^31, 2^32) (it is read as uint32)`);
  }
  const [a, b] = threefry2x32(k0, k1, 0, data >>> 0);
  return make(a, b);
};

/**
 * n uint32 random words from a key: word i is y0 ^ y1 of threefry2x32(k, (hi(i), lo(i))), as JAX's
 * `_threefry_random_bits_partitionable` for 32 bits over a row-major iota.
 */
export const randomBits = (op: string, k: Key, n: number): Uint32Array => {
  const [k0, k1] = checkKey(op, k);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = threefry2x32(k0, k1, Math.floor(i / 2 ** 32), i >>> 0);
    out[i] = a ^ b;
  }
  return out;
};
