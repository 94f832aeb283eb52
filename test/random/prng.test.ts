/** @file PRNG keys: Threefry known answers, JAX's published values, key/split/foldIn semantics, determinism and independence. */
import { describe, expect, it } from 'vitest';
import { isTensor, item, toArray, ValueError, zeros } from '../../src/index.js';
import { normalFromBits } from '../../src/random/continuous.js';
import { uniformFromBits } from '../../src/random/draw.js';
import {
  categorical, foldIn, isKey, key, keyData, normal, permutation, randint, split, threefry2x32, uniform, type Key,
} from '../../src/random/index.js';

/** a float as numpy prints it by default: rounded to 8 decimals, trailing zeros dropped */
const printed = (x: number): string => String(Number(x.toFixed(8)));
const values = (t: Parameters<typeof toArray>[0]): number[] => Array.from(toArray(t) as ArrayLike<number>);

describe('threefry2x32', () => {
  // Known-answer tests of Random123 (D. E. Shaw Research), file examples/kat_vectors, lines
  // "threefry2x32 20 <ctr0> <ctr1> <key0> <key1> <out0> <out1>" (read in the copy quoted by
  // github.com/KaroshiBee/randii, tests/kat2x32.ml). JAX checks its threefry2x32 against the same three.
  it.each([
    [[0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
  ] as const)('key %j, counter %j -> %j (20 rounds)', ([k0, k1], [x0, x1], expected) => {
    expect(threefry2x32(k0, k1, x0, x1)).toEqual(expected);
  });
});

describe('key', () => {
  it.each([
    [0, [0, 0]],
    [1, [0, 1]],
    [42, [0, 42]],
    [2 ** 32, [1, 0]],
    [2 ** 40 + 5, [256, 5]],
    [Number.MAX_SAFE_INTEGER, [0x1fffff, 0xffffffff]],
    [-1, [0xffffffff, 0xffffffff]], // two's complement of the 64-bit seed
    [-2, [0xffffffff, 0xfffffffe]],
  ] as const)('key(%d) has words %j (high, low 32 bits, as jax.random.key)', (seed, words) => {
    expect(keyData(key(seed))).toEqual(words);
  });

  it('is a frozen value that is neither a tensor nor a number pair', () => {
    const k = key(7);
    expect(Object.isFrozen(k)).toBe(true);
    expect(isKey(k)).toBe(true);
    expect(isTensor(k)).toBe(false);
    expect(isKey([0, 7])).toBe(false);
    expect(isKey(null)).toBe(false);
    expect(Object.isFrozen(keyData(k))).toBe(true);
  });

  it.each([1.5, 2 ** 53, NaN, Infinity])('rejects seed %d', (seed) => {
    expect(() => key(seed)).toThrow(ValueError);
    expect(() => key(seed)).toThrow(/^key: /);
  });

  it('rejects things that are not keys', () => {
    expect(() => uniform([0, 0] as never)).toThrow(/^uniform: expects a PRNG key/);
    expect(() => split({} as never)).toThrow(ValueError);
    expect(() => randint(null as never, [2], 0, 5)).toThrow(/^randint: expects a PRNG key/);
    expect(() => permutation(undefined as never, 3)).toThrow(/^permutation: expects a PRNG key/);
    expect(() => categorical(7 as never, zeros([2, 3]))).toThrow(/^categorical: expects a PRNG key/);
  });
});

describe("JAX's published values (jax_threefry_partitionable, the default since JAX 0.5)", () => {
  // docs.jax.dev/en/latest/jax.random.html, "PRNG keys": random.uniform(random.key(0)) is
  // 0.947667, and after `key, subkey = random.split(key)`, random.uniform(subkey) is 0.00729382.
  // Both are reproduced to every digit shown: numpy prints float32 with at most 8 decimals.
  it('uniform(key(0)) = 0.947667', () => {
    expect(printed(item(uniform(key(0))))).toBe('0.947667');
  });
  it('uniform(split(key(0))[1]) = 0.00729382', () => {
    const [, subkey] = split(key(0));
    expect(printed(item(uniform(subkey)))).toBe('0.00729382');
  });
});

// The counter layouts of JAX before `jax_threefry_partitionable` (prng.py `threefry_2x32`,
// `_threefry_split_original`, `_threefry_random_bits_original`): the counters 0..n-1 (padded to
// even) are cut in halves that feed x0 and x1, and the outputs y0s then y1s are concatenated.
const legacyBits = ([k0, k1]: readonly [number, number], n: number): Uint32Array => {
  const m = n + (n % 2), half = m / 2, out = new Uint32Array(m);
  for (let i = 0; i < half; i++) {
    const [a, b] = threefry2x32(k0, k1, i, i + half < n ? i + half : 0);
    out[i] = a;
    out[half + i] = b;
  }
  return out.slice(0, n);
};
const legacySplit = (k: readonly [number, number], n: number): (readonly [number, number])[] => {
  const b = legacyBits(k, 2 * n);
  return Array.from({ length: n }, (_, i) => [b[2 * i]!, b[2 * i + 1]!] as const);
};

describe("JAX's published values in its original counter layout (cross-checks of the uniform and normal transforms)", () => {
  // The same docs page before JAX 0.5 (e.g. jax.readthedocs.io 0.4.x, mirrored in translations):
  // uniform(key(0)) = 0.41845703 and uniform(subkey) = 0.10536897. Reproduced to every digit shown.
  it('uniform: 0.41845703 and 0.10536897', () => {
    const k = keyData(key(0));
    expect(printed(uniformFromBits(legacyBits(k, 1), 0, 1)[0]!)).toBe('0.41845703');
    expect(printed(uniformFromBits(legacyBits(legacySplit(k, 2)[1]!, 1), 0, 1)[0]!)).toBe('0.10536897');
  });

  // F. Chollet, M. Watson, "Deep Learning with Python", 3rd ed., section 3.5.3 (quoted on Manning's
  // liveBook page for jax.random.split): jax.random.normal(jax.random.key(123), shape=(3,)) is
  // [-0.1470326, 0.5524756, 1.648498], and with jax.random.split(seed_key, num=1)[0] it is
  // [0.5362355, -1.1920372, 2.450225]. Our normal transform (AS 241 in double) agrees to 2 float32
  // ulps: JAX evaluates erfinv with a float32 polynomial.
  it.each([
    ['key(123)', (k: readonly [number, number]) => k, [-0.1470326, 0.5524756, 1.648498]],
    ['split(key(123), 1)[0]', (k: readonly [number, number]) => legacySplit(k, 1)[0]!, [0.5362355, -1.1920372, 2.450225]],
  ] as const)('normal(%s, [3])', (_, derive, expected) => {
    const z = normalFromBits(legacyBits(derive(keyData(key(123))), 3));
    z.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(2.5e-7 * Math.max(1, Math.abs(expected[i]!))));
  });
});

describe('split and foldIn', () => {
  const k = key(1701);
  const [k0, k1] = keyData(k);

  it('split(k, n)[i] is threefry2x32(k, (0, i))', () => {
    const keys = split(k, 5);
    expect(keys).toHaveLength(5);
    keys.forEach((s, i) => expect(keyData(s)).toEqual(threefry2x32(k0, k1, 0, i)));
    expect(split(k)).toHaveLength(2);
    expect(split(k, 0)).toEqual([]);
    expect(Object.isFrozen(keys)).toBe(true);
  });

  it('is prefix-stable, as JAX: split(k, 2)[1] equals split(k, 3)[1]', () => {
    expect(keyData(split(k, 2)[1])).toEqual(keyData(split(k, 3)[1]));
  });

  it('foldIn(k, d) is threefry2x32(k, (0, d as uint32)), the same key as split(k, n)[d]', () => {
    expect(keyData(foldIn(k, 12345))).toEqual(threefry2x32(k0, k1, 0, 12345));
    expect(keyData(foldIn(k, 1))).toEqual(keyData(split(k)[1]));
    expect(keyData(foldIn(k, -1))).toEqual(keyData(foldIn(k, 0xffffffff)));
  });

  it.each([2 ** 32, -(2 ** 31) - 1, 0.5, NaN])('foldIn rejects data %d', (d) => {
    expect(() => foldIn(k, d)).toThrow(/^foldIn: /);
  });
  it.each([-1, 1.5, NaN])('split rejects n = %d', (n) => {
    expect(() => split(k, n)).toThrow(/^split: /);
  });

  it('gives distinct keys across splits, folds and seeds', () => {
    const all = [key(0), key(1), ...split(key(0), 50), ...split(key(1), 50), foldIn(key(0), 100), foldIn(key(0), 101)];
    expect(new Set(all.map((x) => keyData(x).join(','))).size).toBe(all.length);
  });
});

describe('determinism and independence', () => {
  const n = 20_000;
  const correlation = (a: readonly number[], b: readonly number[]): number => {
    const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(a), mb = mean(b);
    let sab = 0, saa = 0, sbb = 0;
    a.forEach((x, i) => { sab += (x - ma) * (b[i]! - mb); saa += (x - ma) ** 2; sbb += (b[i]! - mb) ** 2; });
    return sab / Math.sqrt(saa * sbb);
  };

  it('the same key gives the same numbers; a different key different ones', () => {
    expect(values(normal(key(3), [100]))).toEqual(values(normal(key(3), [100])));
    expect(values(normal(key(3), [100]))).not.toEqual(values(normal(key(4), [100])));
  });

  it('element i depends only on the key and its row-major index', () => {
    expect(values(uniform(key(5), [2, 3]))).toEqual(values(uniform(key(5), [6])));
    expect(values(uniform(key(5), [4])).slice(0, 3)).toEqual(values(uniform(key(5), [3])));
  });

  it('streams of split keys, folded keys and neighbouring seeds are uncorrelated (|r| < 4/sqrt(n))', () => {
    const [a, b] = split(key(0));
    const pairs: (readonly [Key, Key])[] = [[a, b], [key(0), a], [foldIn(key(9), 0), foldIn(key(9), 1)], [key(10), key(11)]];
    for (const [x, y] of pairs) {
      expect(Math.abs(correlation(values(uniform(x, [n])), values(uniform(y, [n]))))).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it('successive values of one stream are uncorrelated (lag-1 autocorrelation)', () => {
    const u = values(uniform(key(12), [n + 1]));
    expect(Math.abs(correlation(u.slice(0, n), u.slice(1)))).toBeLessThan(4 / Math.sqrt(n));
  });
});
