/** @file CKA: the reference vectors (README "CKA"), identity, invariances, independence, the RBF formula written out, and the pairwise matrix. */
import { describe, expect, it } from 'vitest';
import { key, random, reshape, tensor, toArray, ValueError, type AnyTensor } from '../../src/index.js';
import { ckaMatrix, ckaTerms, linearCka, rbfCka } from '../../src/analysis/index.js';
import { loadCase, toTensor } from '../helpers/reference.js';

const rows = (t: AnyTensor): number[][] => {
  const n = t.shape[0] as number, v = Array.from(toArray(t) as ArrayLike<number>), p = v.length / n;
  return Array.from({ length: n }, (_, i) => v.slice(i * p, (i + 1) * p));
};
const matmul = (a: number[][], b: number[][]): number[][] => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));
const frob2 = (a: number[][]): number => a.flat().reduce((s, v) => s + v * v, 0);
const centre = (a: number[][]): number[][] => {
  const m = a[0]!.map((_, j) => a.reduce((s, r) => s + r[j]!, 0) / a.length);
  return a.map((r) => r.map((v, j) => v - m[j]!));
};
/** the README formula, in plain JS: ‖Ycᵀ Xc‖² / (‖Xcᵀ Xc‖ ‖Ycᵀ Yc‖) */
const readmeCka = (x: number[][], y: number[][]): number => {
  const xc = centre(x), yc = centre(y);
  return frob2(matmul(transpose(yc), xc)) / Math.sqrt(frob2(matmul(transpose(xc), xc)) * frob2(matmul(transpose(yc), yc)));
};
const normal = (seed: number, shape: readonly number[]): AnyTensor => random.normal(key(seed), shape);
/** a random orthogonal matrix [p, p]: Gram-Schmidt on normal columns */
const orthogonal = (seed: number, p: number): number[][] => {
  const cols: number[][] = [];
  for (const c of transpose(rows(normal(seed, [p, p])))) {
    const v = cols.reduce((u, q) => { const d = u.reduce((s, x, i) => s + x * q[i]!, 0); return u.map((x, i) => x - d * q[i]!); }, c);
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    cols.push(v.map((x) => x / n));
  }
  return transpose(cols);
};

describe('linear CKA against the reference vectors', () => {
  for (const name of ['cka_same_n8_p3', 'cka_independent_n20_p5_p3']) {
    it(name, () => {
      const c = loadCase(name);
      const x = toTensor(c.inputs['X']!), y = toTensor(c.inputs['Y']!);
      const terms = ckaTerms(x, y);
      const out = c.outputs as unknown as Record<string, { value: number; tol: { rtol: number; atol: number } }>;
      const check = (got: number, ref: { value: number; tol: { rtol: number; atol: number } }) =>
        expect(Math.abs(got - ref.value)).toBeLessThanOrEqual(ref.tol.atol + ref.tol.rtol * Math.abs(ref.value));
      check(terms.cka, out['cka']!);
      check(terms.hsicXY, out['hsic_xy']!);
      check(terms.hsicXX, out['hsic_xx']!);
      check(terms.hsicYY, out['hsic_yy']!);
      // the pairwise matrix goes through the n × n Gram matrices: the same number
      check(toArray(ckaMatrix([['x', x]], [['y', y]]).values)[0]!, out['cka']!);
    });
  }
});

describe('linear CKA', () => {
  const x = normal(1, [40, 6]), z = normal(2, [40, 4]);
  it('is 1 for identical activations', () => {
    expect(linearCka(x, x)).toBeCloseTo(1, 10);
  });
  it('agrees with the README formula when the features outnumber the examples (the Gram-matrix path)', () => {
    const wide = normal(3, [10, 30]), other = normal(4, [10, 25]);
    expect(linearCka(wide, other)).toBeCloseTo(readmeCka(rows(wide), rows(other)), 8);
    expect(linearCka(x, z)).toBeCloseTo(readmeCka(rows(x), rows(z)), 8);
  });
  it('is invariant to orthogonal transforms and isotropic scaling, not to other linear maps', () => {
    const moved = tensor(matmul(rows(x), orthogonal(5, 6)).map((r) => r.map((v) => 3.5 * v + 2)));
    expect(linearCka(moved, z)).toBeCloseTo(linearCka(x, z), 6);
    expect(linearCka(moved, x)).toBeCloseTo(1, 6);
    const stretched = tensor(rows(x).map((r) => r.map((v, j) => (j === 0 ? 10 * v : v))));
    expect(Math.abs(linearCka(stretched, x) - 1)).toBeGreaterThan(0.01);
  });
  it('is near 0 for independent random activations', () => {
    expect(linearCka(normal(6, [1000, 5]), normal(7, [1000, 3]))).toBeLessThan(0.02);
  });
  it('flattens [n, ...] activations and needs the same examples', () => {
    const img = normal(8, [12, 2, 3, 2]);
    expect(linearCka(img, reshape(img, [12, 12]))).toBeCloseTo(1, 10);
    expect(() => linearCka(normal(9, [5, 2]), normal(10, [6, 2]))).toThrow(ValueError);
  });
});

describe('RBF CKA', () => {
  /** the documented formula written out: K = exp(-d²/(2σ²)), σ = bandwidth · median distance, HSIC = Σ (HKH) ∘ (HLH) */
  const byHand = (x: number[][], y: number[][], bw: number): number => {
    const kernel = (a: number[][]) => {
      const d = a.map((r) => a.map((s) => Math.sqrt(r.reduce((t, v, i) => t + (v - s[i]!) ** 2, 0))));
      const pairs = d.flatMap((r, i) => r.slice(0, i)).sort((p, q) => p - q), h = pairs.length >> 1;
      const sigma = bw * (pairs.length % 2 ? pairs[h]! : (pairs[h - 1]! + pairs[h]!) / 2);
      const k = d.map((r) => r.map((v) => Math.exp(-(v * v) / (2 * sigma * sigma))));
      const n = a.length, H = k.map((_, i) => k.map((__, j) => (i === j ? 1 : 0) - 1 / n));
      return matmul(matmul(H, k), H);
    };
    const kx = kernel(x), ky = kernel(y);
    const dot = (a: number[][], b: number[][]) => a.flat().reduce((s, v, i) => s + v * b.flat()[i]!, 0);
    return dot(kx, ky) / Math.sqrt(dot(kx, kx) * dot(ky, ky));
  };
  const x = normal(11, [9, 3]), y = normal(12, [9, 2]);
  it('matches the formula written out, for two bandwidths', () => {
    expect(rbfCka(x, y)).toBeCloseTo(byHand(rows(x), rows(y), 1), 8);
    expect(rbfCka(x, y, 0.5)).toBeCloseTo(byHand(rows(x), rows(y), 0.5), 8);
  });
  it('is 1 for identical activations and invariant to orthogonal transforms and isotropic scaling', () => {
    expect(rbfCka(x, x)).toBeCloseTo(1, 10);
    const moved = tensor(matmul(rows(x), orthogonal(13, 3)).map((r) => r.map((v) => 0.2 * v - 1)));
    expect(rbfCka(moved, y)).toBeCloseTo(rbfCka(x, y), 6);
  });
  it('is near 0 for independent random activations', () => {
    expect(rbfCka(normal(14, [300, 4]), normal(15, [300, 3]))).toBeLessThan(0.03);
  });
  it('needs a positive bandwidth', () => {
    expect(() => rbfCka(x, y, 0)).toThrow(ValueError);
  });
});

describe('ckaMatrix', () => {
  it('holds every pair: symmetric, 1 on the diagonal, in the order given', () => {
    const a = normal(16, [30, 4]), b = normal(17, [30, 5]);
    const c = tensor(rows(a).map((r, i) => [...r, rows(b)[i]![0]!]));
    const m = ckaMatrix([['a', a], ['b', b], ['c', c]]);
    expect(m.rows).toEqual(['a', 'b', 'c']);
    expect(m.cols).toEqual(['a', 'b', 'c']);
    // the values are a float32 tensor: 7 digits
    const v = Array.from(toArray(m.values));
    [0, 4, 8].forEach((i) => expect(v[i]).toBeCloseTo(1, 6));
    expect(v[1]).toBe(v[3]);
    expect(v[1]).toBeCloseTo(linearCka(a, b), 7);
    expect(v[5]).toBeCloseTo(linearCka(b, c), 7);
    const rbf = ckaMatrix({ a, b }, { c }, { kernel: 'rbf' });
    expect(rbf.values.shape).toEqual([2, 1]);
    expect(Array.from(toArray(rbf.values))[0]).toBeCloseTo(rbfCka(a, c), 7);
  });
});
