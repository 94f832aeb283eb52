/** @file Initializers against test/reference-vectors/init_schemes.json (the shared reference vectors) (fans, bounds, std) and orthogonality of orthogonal(). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matmul, reshape, toArray, transpose, ValueError, type Tensor } from '../../src/index.js';
import * as init from '../../src/layers/initializers.js';
import { key, split } from '../../src/random/index.js';

interface Scheme { readonly dist: string; readonly a?: number; readonly std?: number; readonly keras_truncated_normal_stddev_param?: number }
interface Case { readonly shape: string; readonly fan_in: number; readonly fan_out: number; readonly schemes: Readonly<Record<string, Scheme>> }
const cases = (JSON.parse(readFileSync(new URL('../reference-vectors/init_schemes.json', import.meta.url), 'utf8')) as {
  readonly shapes: readonly Case[];
}).shapes;

/** our kernel shape for a case: dense [in, out], HWIO/WIO as written, and torch OIHW [o, i, kh, kw] as HWIO */
const kernelShape = (description: string): number[] => {
  const dense = /\[in=(\d+), out=(\d+)\]/.exec(description);
  if (dense) return [Number(dense[1]), Number(dense[2])];
  const dims = (s: string) => s.split(',').map(Number);
  const channelsLast = /\bH?WIO \[([\d, ]+)\]/.exec(description);
  if (channelsLast) return dims(channelsLast[1]!);
  const [o, i, ...k] = dims(/torch \[([\d, ]+)\]/.exec(description)![1]!);
  return [...k, i!, o!];
};

/** the initializer our API offers for each scheme of the file */
const SCHEMES: Readonly<Record<string, (c: Case) => init.Initializer>> = {
  glorot_uniform: () => init.glorotUniform,
  glorot_normal: () => init.glorotNormal,
  he_uniform_fan_in: () => init.heUniform(),
  he_normal_fan_in: () => init.heNormal(),
  he_uniform_fan_out: () => init.heUniform({ mode: 'fanOut' }),
  he_normal_fan_out: () => init.heNormal({ mode: 'fanOut' }),
  lecun_uniform: () => init.lecunUniform,
  lecun_normal: () => init.lecunNormal,
  torch_default_linear_conv_weight: () => init.torchLinearKernel,
  torch_default_bias: (c) => init.torchLinearBias(c.fan_in),
};

/** at least `n` values drawn by `f` for `shape`, with a fresh key for each draw */
const draw = (f: init.Initializer, shape: readonly number[], n = 20_000): number[] => {
  const size = shape.reduce((p, d) => p * d, 1);
  const keys = split(key(2024), Math.ceil(n / size));
  return keys.flatMap((k) => Array.from(toArray(f(k, shape)) as ArrayLike<number>));
};

describe('fans', () => {
  it.each(cases.map((c) => [c.shape, c] as const))('%s', (_, c) => {
    expect(init.fans(kernelShape(c.shape))).toEqual({ fanIn: c.fan_in, fanOut: c.fan_out });
  });
  it('of a vector, a scalar, and a 3-D kernel', () => {
    expect(init.fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(init.fans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(init.fans([5, 8, 4])).toEqual({ fanIn: 40, fanOut: 20 });
  });
});

// init_schemes.json's suggested check: >= 20,000 draws, |mean| < 4·std/sqrt(n), |sample std / std - 1| < 0.05,
// and for uniforms max|w| <= a. The *_normal schemes are checked in their JAX/Keras (truncated) form,
// whose realised std is the file's std; they are bounded by 2 / 0.8796... times it.
describe.each(cases.map((c) => [c.shape, c] as const))('schemes for %s', (_, c) => {
  const shape = kernelShape(c.shape);
  it.each(Object.entries(c.schemes))('%s', (name, scheme) => {
    const xs = draw(SCHEMES[name]!(c), name === 'torch_default_bias' ? [shape.at(-1)!] : shape);
    const n = xs.length;
    expect(n).toBeGreaterThanOrEqual(20_000);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    const maxAbs = Math.max(...xs.map(Math.abs));
    const expectedStd = scheme.std ?? scheme.a! / Math.sqrt(3);
    expect(Math.abs(mean)).toBeLessThan((4 * expectedStd) / Math.sqrt(n));
    expect(Math.abs(std / expectedStd - 1)).toBeLessThan(0.05);
    if (scheme.a !== undefined) expect(maxAbs).toBeLessThanOrEqual(scheme.a);
    else expect(maxAbs).toBeLessThan((2 * expectedStd) / 0.8796256610342398);
  });
});

describe('plain initializers', () => {
  const k = key(0);
  it('zeros, ones and constant fill the shape', () => {
    expect(Array.from(toArray(init.zeros(k, [2, 3])))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(toArray(init.ones(k, [2])))).toEqual([1, 1]);
    expect(Array.from(toArray(init.constant(0.5)(k, [3])))).toEqual([0.5, 0.5, 0.5]);
    expect(init.zeros(k, [4, 5]).shape).toEqual([4, 5]);
  });
  it('normal(std) is an untruncated N(0, std²); uniform(scale) is U(±scale); truncatedNormal(std) cuts at ±2·std', () => {
    const xs = draw(init.normal(0.1), [100, 200]);
    const std = Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
    expect(Math.abs(std / 0.1 - 1)).toBeLessThan(0.05);
    expect(Math.max(...xs.map(Math.abs))).toBeGreaterThan(0.3); // a truncated normal would stop at 0.2
    const us = draw(init.uniform(0.05), [100, 200]);
    expect(Math.max(...us.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...us.map(Math.abs))).toBeGreaterThan(0.0499);
    const ts = draw(init.truncatedNormal(0.1), [100, 200]);
    expect(Math.max(...ts.map(Math.abs))).toBeLessThan(0.2);
    const tstd = Math.sqrt(ts.reduce((s, x) => s + x * x, 0) / ts.length);
    expect(Math.abs(tstd / (0.1 * 0.8796256610342398) - 1)).toBeLessThan(0.05);
  });
  it('varianceScaling checks its options', () => {
    expect(() => init.varianceScaling({ scale: 0 })).toThrow(ValueError);
    expect(() => init.varianceScaling({ mode: 'fanMax' as never })).toThrow(/^varianceScaling: mode/);
    expect(() => init.varianceScaling({ distribution: 'cauchy' as never })).toThrow(/^varianceScaling: distribution/);
    expect(() => init.torchLinearBias(0)).toThrow(/^torchLinearBias: /);
  });
  it('is a pure function of the key', () => {
    const a = Array.from(toArray(init.glorotNormal(key(5), [8, 8])));
    expect(Array.from(toArray(init.glorotNormal(key(5), [8, 8])))).toEqual(a);
    expect(Array.from(toArray(init.glorotNormal(key(6), [8, 8])))).not.toEqual(a);
  });
});

describe('orthogonal', () => {
  /** max |(MᵀM or MMᵀ) - gain²·I| for a matrix */
  const gramError = (m: Tensor<[number, number]>, rowsOrthonormal: boolean, gain: number): number => {
    const g = rowsOrthonormal ? matmul(m, transpose(m)) : matmul(transpose(m), m);
    const d = g.shape[0];
    return Math.max(...Array.from(toArray(g)).map((v, i) => Math.abs(v - (Math.floor(i / d) === i % d ? gain ** 2 : 0))));
  };
  it.each([[64, 64], [100, 30], [30, 100], [1, 5], [5, 1]] as const)('%d x %d has orthonormal columns (or rows when wide)', (r, c) => {
    const w = init.orthogonal()(key(r * 1000 + c), [r, c]);
    expect(w.shape).toEqual([r, c]);
    expect(gramError(w, r < c, 1)).toBeLessThan(1e-5);
  });
  it('scales by the gain and flattens a conv kernel to [k·k·in, out]', () => {
    const w = init.orthogonal(2)(key(1), [3, 3, 4, 16]);
    expect(w.shape).toEqual([3, 3, 4, 16]);
    expect(gramError(reshape(w, [36, 16]), false, 2)).toBeLessThan(1e-4);
  });
  it('is not a fixed matrix: different keys give different Q', () => {
    const a = Array.from(toArray(init.orthogonal()(key(1), [4, 4])));
    expect(Array.from(toArray(init.orthogonal()(key(2), [4, 4])))).not.toEqual(a);
  });
  it('rejects shapes of rank < 2', () => {
    expect(() => init.orthogonal()(key(0), [5])).toThrow(/^orthogonal: needs a shape of rank >= 2/);
  });
});

