/** @file Samplers: shapes, dtypes, argument checks, and statistics on >= 20,000 draws each (fixed keys: deterministic). */
import { describe, expect, it } from 'vitest';
import { full, tensor, toArray, ValueError, zeros } from '../../src/index.js';
import { erfinv, ndtri } from '../../src/random/erfinv.js';
import {
  bernoulli, categorical, gumbel, key, normal, permutation, randint, split, truncatedNormal, uniform,
} from '../../src/random/index.js';

const N = 40_000;
const values = (t: Parameters<typeof toArray>[0]): number[] => Array.from(toArray(t) as ArrayLike<number>);
const moments = (xs: readonly number[]) => {
  const n = xs.length, mean = xs.reduce((s, x) => s + x, 0) / n;
  const m2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n, m4 = xs.reduce((s, x) => s + (x - mean) ** 4, 0) / n;
  return { n, mean, variance: m2, m4 };
};
/** mean within 4 standard errors, variance within 4 standard errors (those of s², from the sample's 4th moment) */
const expectMoments = (xs: readonly number[], mean: number, std: number): void => {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean)).toBeLessThan((4 * std) / Math.sqrt(m.n));
  expect(Math.abs(m.variance - std ** 2)).toBeLessThan(4 * Math.sqrt((m.m4 - m.variance ** 2) / m.n));
};
/** Pearson's chi-square of observed counts against expected probabilities */
const chiSquare = (counts: readonly number[], probs: readonly number[]): number => {
  const n = counts.reduce((s, c) => s + c, 0);
  return counts.reduce((s, c, i) => s + (c - n * probs[i]!) ** 2 / (n * probs[i]!), 0);
};
// With d degrees of freedom chi-square has mean d and std sqrt(2d); d + 8·sqrt(2d) is far in the tail
const chiBound = (d: number): number => d + 8 * Math.sqrt(2 * d);

describe('erfinv and ndtri (Wichura AS 241)', () => {
  // scipy.special.erfinv / ndtri (SciPy 1.17) in double precision
  it.each([
    [-0.999999, -3.458910737275499], [-0.9, -1.1630871536766743], [-0.5, -0.4769362762044699],
    [-1e-10, -8.862269254527581e-11], [0.1, 0.08885599049425769], [0.3, 0.2724627147267544],
    [0.8, 0.9061938024368232], [0.95, 1.3859038243496775], [0.999, 2.326753765513524],
    [1 - 2 ** -24, 3.8325068569007104], [1 - 1e-15, 5.675915739744712],
  ])('erfinv(%d) = %d', (y, expected) => {
    expect(Math.abs(erfinv(y) - expected)).toBeLessThan(1e-14 * Math.abs(expected));
  });
  it.each([
    [1e-300, -37.0470962993612], [1e-20, -9.262340089798409], [1e-5, -4.264890793922825],
    [0.02425, -1.972961051311885], [0.3, -0.5244005127080409], [0.975, 1.959963984540054],
  ])('ndtri(%d) = %d', (p, expected) => {
    expect(Math.abs(ndtri(p) - expected)).toBeLessThan(1e-14 * Math.abs(expected));
  });
  it('is infinite at the ends and NaN outside', () => {
    expect([erfinv(-1), erfinv(1), erfinv(0), ndtri(0), ndtri(1), ndtri(0.5)]).toEqual([-Infinity, Infinity, 0, -Infinity, Infinity, 0]);
    expect([erfinv(1.5), erfinv(NaN), ndtri(-0.1)]).toEqual([NaN, NaN, NaN]);
  });
});

describe('uniform', () => {
  it('draws float32 values in [minval, maxval) with the moments of U(a, b)', () => {
    const t = uniform(key(0), [200, 200], { minval: -3, maxval: 5 });
    expect(t.shape).toEqual([200, 200]);
    expect(t.dtype).toBe('float32');
    const xs = values(t);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    expectMoments(xs, 1, 8 / Math.sqrt(12));
    // deciles are each hit about N/10 times
    const counts = new Array<number>(10).fill(0);
    for (const x of xs) counts[Math.floor((x + 3) / 0.8)]!++;
    expect(chiSquare(counts, new Array<number>(10).fill(0.1))).toBeLessThan(chiBound(9));
  });
  it('defaults to a scalar in [0, 1)', () => {
    const t = uniform(key(1));
    expect(t.shape).toEqual([]);
    expect(values(t)[0]).toBeGreaterThanOrEqual(0);
  });
  it.each([[{ minval: 1, maxval: 1 }], [{ minval: 2, maxval: 1 }], [{ minval: 0, maxval: Infinity }], [{ minval: NaN }]])(
    'rejects %j', (o) => {
      expect(() => uniform(key(0), [2], o)).toThrow(ValueError);
      expect(() => uniform(key(0), [2], o)).toThrow(/^uniform: /);
    });
  it('rejects a bad shape', () => {
    expect(() => uniform(key(0), [2, -1])).toThrow(/uniform/);
  });
});

describe('normal', () => {
  const xs = values(normal(key(2), [N]));
  it('has mean 0 and std 1, the normal mass within 1 and 2 std, and no outliers', () => {
    expectMoments(xs, 0, 1);
    for (const [k, mass] of [[1, 0.6826894921370859], [2, 0.9544997361036416]] as const) {
      const within = xs.filter((x) => Math.abs(x) < k).length / N;
      expect(Math.abs(within - mass)).toBeLessThan(4 * Math.sqrt((mass * (1 - mass)) / N));
    }
    expect(Math.max(...xs.map(Math.abs))).toBeLessThan(6);
  });
  it('applies mean and std', () => {
    expectMoments(values(normal(key(3), [N], { mean: 3, std: 0.5 })), 3, 0.5);
    expect(values(normal(key(3), [5], { mean: 2, std: 0 }))).toEqual([2, 2, 2, 2, 2]);
  });
  it.each([[{ std: -1 }], [{ mean: Infinity }], [{ std: NaN }]])('rejects %j', (o) => {
    expect(() => normal(key(0), [2], o)).toThrow(/^normal: /);
  });
});

describe('truncatedNormal', () => {
  it('stays inside (-2, 2) with the moments of the truncated standard normal', () => {
    const xs = values(truncatedNormal(key(4), [N]));
    expect(Math.min(...xs)).toBeGreaterThan(-2);
    expect(Math.max(...xs)).toBeLessThan(2);
    expectMoments(xs, 0, 0.8796256610342398);
  });
  // mean and std of truncnorm(a, b) from scipy.stats.truncnorm.stats(a, b, moments='mv')
  it.each([
    [-1, 3, 0.2827861107271541, 0.7849469634044259],
    [0.5, 4, 1.1407611122877963, 0.5172294814872782],
  ])('bounds (%d, %d): mean %d, std %d', (lower, upper, mean, std) => {
    const xs = values(truncatedNormal(key(5), [N], { lower, upper }));
    expect(Math.min(...xs)).toBeGreaterThan(lower);
    expect(Math.max(...xs)).toBeLessThan(upper);
    expectMoments(xs, mean, std);
  });
  it('applies mean and std after truncating the standard normal', () => {
    const xs = values(truncatedNormal(key(6), [N], { mean: 1, std: 3 }));
    expect(Math.min(...xs)).toBeGreaterThan(-5);
    expect(Math.max(...xs)).toBeLessThan(7);
    expectMoments(xs, 1, 3 * 0.8796256610342398);
  });
  it.each([[{ lower: 1, upper: 1 }], [{ lower: 2, upper: -2 }], [{ std: -0.1 }]])('rejects %j', (o) => {
    expect(() => truncatedNormal(key(0), [2], o)).toThrow(/^truncatedNormal: /);
  });
});

describe('bernoulli', () => {
  it('is true with frequency p', () => {
    for (const p of [0.3, 0.5, 0.97]) {
      const t = bernoulli(key(7), p, [N]);
      expect(t.dtype).toBe('bool');
      const freq = values(t).filter((v) => v === 1).length / N;
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });
  it('is all false at p = 0 and all true at p = 1', () => {
    expect(values(bernoulli(key(8), 0, [1000])).every((v) => v === 0)).toBe(true);
    expect(values(bernoulli(key(8), 1, [1000])).every((v) => v === 1)).toBe(true);
  });
  it.each([1.5, -0.1, NaN])('rejects p = %d', (p) => {
    expect(() => bernoulli(key(0), p, [2])).toThrow(ValueError);
    expect(() => bernoulli(key(0), p, [2])).toThrow(/^bernoulli: /);
  });
});

describe('categorical', () => {
  const logits = [1, -0.5, 2, 0, -3];
  // softmax(logits), computed in numpy
  const probs = [0.23107458328185781, 0.051559708773912624, 0.6281258407538205, 0.08500758856665377, 0.004232278623755241];
  const counts = (xs: readonly number[], k: number) => {
    const c = new Array<number>(k).fill(0);
    for (const x of xs) c[x]!++;
    return c;
  };

  it('draws classes with frequencies softmax(logits) (chi-square)', () => {
    const t = categorical(key(9), tensor(Array.from({ length: N }, () => logits)));
    expect(t.shape).toEqual([N]);
    expect(t.dtype).toBe('int32');
    expect(chiSquare(counts(values(t), 5), probs)).toBeLessThan(chiBound(4));
  });
  it('samples along another axis and drops it', () => {
    const byColumn = tensor(logits.map((l) => Array.from({ length: N }, () => l)));
    const t = categorical(key(10), byColumn, { axis: 0 });
    expect(t.shape).toEqual([N]);
    expect(chiSquare(counts(values(t), 5), probs)).toBeLessThan(chiBound(4));
  });
  it('never draws a class whose logit is -Infinity', () => {
    const t = categorical(key(11), tensor(Array.from({ length: 2000 }, () => [0, -Infinity, 0])));
    expect(values(t).includes(1)).toBe(false);
  });
  it('rejects a scalar and an axis out of range', () => {
    expect(() => categorical(key(0), zeros([]) as never)).toThrow(/^categorical: logits must have at least one axis/);
    expect(() => categorical(key(0), zeros([3]), { axis: 1 as never })).toThrow(/^categorical: axis 1 out of range/);
  });
});

describe('permutation', () => {
  it('is a permutation of 0..n-1', () => {
    const t = permutation(key(12), 1000);
    expect(t.dtype).toBe('int32');
    expect(values(t).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(values(permutation(key(12), 0))).toEqual([]);
    expect(values(permutation(key(12), 1))).toEqual([0]);
  });
  it('draws each of the 120 orders of 5 items, and each value at each position, about equally often', () => {
    const perms = split(key(13), 24_000).map((k) => values(permutation(k, 5)));
    const orders = new Map<string, number>();
    for (const p of perms) orders.set(p.join(), (orders.get(p.join()) ?? 0) + 1);
    expect(orders.size).toBe(120);
    expect(chiSquare([...orders.values()], new Array<number>(120).fill(1 / 120))).toBeLessThan(chiBound(119));
    for (let pos = 0; pos < 5; pos++) {
      const c = new Array<number>(5).fill(0);
      for (const p of perms) c[p[pos]!]!++;
      expect(chiSquare(c, new Array<number>(5).fill(0.2))).toBeLessThan(chiBound(4));
    }
  });
  it.each([-1, 2.5, NaN])('rejects n = %d', (n) => {
    expect(() => permutation(key(0), n)).toThrow(/^permutation: /);
  });
});

describe('randint', () => {
  it('draws int32 values uniformly in [minval, maxval)', () => {
    const t = randint(key(14), [N], -3, 7);
    expect(t.dtype).toBe('int32');
    const xs = values(t);
    expect(xs.every((x) => Number.isInteger(x) && x >= -3 && x < 7)).toBe(true);
    const c = new Array<number>(10).fill(0);
    for (const x of xs) c[x + 3]!++;
    expect(chiSquare(c, new Array<number>(10).fill(0.1))).toBeLessThan(chiBound(9));
    expectMoments(xs, 1.5, Math.sqrt((10 ** 2 - 1) / 12));
  });
  it('covers a wide span and the whole int32 range', () => {
    const wide = values(randint(key(15), [N], 0, 2 ** 31));
    expect(wide.every((x) => x >= 0)).toBe(true);
    expectMoments(wide, (2 ** 31 - 1) / 2, 2 ** 31 / Math.sqrt(12));
    const all = values(randint(key(16), [N], -(2 ** 31), 2 ** 31));
    expectMoments(all, -0.5, 2 ** 32 / Math.sqrt(12));
  });
  it('gives minval when the span is one', () => {
    expect(values(randint(key(17), [4], 5, 6))).toEqual([5, 5, 5, 5]);
  });
  it.each([[3, 3], [4, 2], [0.5, 2], [0, 2 ** 31 + 1], [-(2 ** 31) - 1, 0]])('rejects [%d, %d)', (lo, hi) => {
    expect(() => randint(key(0), [2], lo, hi)).toThrow(ValueError);
    expect(() => randint(key(0), [2], lo, hi)).toThrow(/^randint: /);
  });
});

describe('gumbel', () => {
  it('has the Gumbel mean (Euler-Mascheroni) and std pi/sqrt(6)', () => {
    expectMoments(values(gumbel(key(18), [N])), 0.5772156649015329, Math.PI / Math.sqrt(6));
  });
});

describe('samplers are values of their arguments', () => {
  it('never read anything but the key (same key, same tensor)', () => {
    const k = key(19);
    expect(values(categorical(k, full([3, 4], 0)))).toEqual(values(categorical(k, full([3, 4], 0))));
    expect(values(permutation(k, 10))).toEqual(values(permutation(k, 10)));
    expect(values(randint(k, [10], 0, 100))).toEqual(values(randint(k, [10], 0, 100)));
  });
});
